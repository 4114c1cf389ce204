"""mypy runs in `make lint` over the apps, demo/, bench/ and tests/. Where it is silenced on a line,
the line names what is silenced (`# type: ignore[code]`) and says why in a comment after it, so
that a reader can judge whether the reason still holds."""

from __future__ import annotations

import io
import re
import tokenize
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHECKED = (
    "portal", "registry_import", "surveys", "dispatch", "reporting", "demo", "bench", "tests"
)
IGNORE = re.compile(r"#\s*type:\s*ignore\b(?P<codes>\[[^\]]*\])?(?P<rest>.*)")
REASON = re.compile(r"^\s*#\s*\S")


def unexplained_ignores(source: str) -> list[int]:
    """Lines whose `type: ignore` comment names no error code or gives no reason after it."""
    found = []
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        match = IGNORE.search(token.string)
        if match and not (match["codes"] and REASON.match(match["rest"])):
            found.append(token.start[0])
    return found


def test_an_ignore_without_code_or_reason_is_found():
    source = (
        "a = 1  # type: ignore\n"
        "b = 2  # type: ignore[attr-defined]\n"
        "c = 3  # type: ignore[attr-defined]  # set by the middleware\n"
        "d = '# type: ignore'\n"
    )
    assert unexplained_ignores(source) == [1, 2]


def test_every_type_ignore_names_its_code_and_says_why():
    bare = [
        f"{path.relative_to(ROOT)}:{line}"
        for package in CHECKED
        for path in sorted((ROOT / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line in unexplained_ignores(path.read_text(encoding="utf-8"))
    ]
    assert bare == []
