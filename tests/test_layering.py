"""Dependencies point down: portal <- registry_import <- surveys <- dispatch and reporting
(siblings). A lower app never imports a higher one, not even inside a function. The demo and
the benchmarks are the top: the demo may use every app, the benchmarks every app and the demo,
and no app imports either. Every import of every module is read from its source."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
APPS = ("portal", "registry_import", "surveys", "dispatch", "reporting", "demo", "bench")
TOP = {"demo", "bench"}
# What each app must never import.
FORBIDDEN = {
    "portal": {"registry_import", "surveys", "dispatch", "reporting", *TOP},
    "registry_import": {"surveys", "dispatch", "reporting", *TOP},
    "surveys": {"dispatch", "reporting", *TOP},
    "dispatch": {"reporting", *TOP},
    "reporting": {"dispatch", *TOP},
    "demo": {"bench"},
    "bench": set(),
}


def imported_apps(path: Path, root: Path = ROOT) -> list[tuple[int, str]]:
    """(line, app) of every import in the module that names one of the apps, at any depth:
    top level, inside functions and classes, and relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = path.relative_to(root).parent.parts
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                names = [".".join([*base, node.module or ""])]
            else:
                names = [node.module or ""]
        elif (
            isinstance(node, ast.Call)
            and getattr(node.func, "attr", getattr(node.func, "id", "")) == "import_module"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        ):
            names = [str(node.args[0].value)]
        else:
            continue
        for name in names:
            top = name.split(".")[0]
            if top in APPS:
                found.append((node.lineno, top))
    return sorted(found)


def modules_of(app: str) -> list[Path]:
    return sorted(p for p in (ROOT / app).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("app", APPS)
def test_no_app_imports_an_app_above_it(app):
    assert modules_of(app), f"{app} has no modules"
    wrong = [
        f"{path.relative_to(ROOT)}:{line} imports {target}"
        for path in modules_of(app)
        for line, target in imported_apps(path)
        if target in FORBIDDEN[app]
    ]
    assert wrong == []


def test_the_reader_finds_imports_inside_functions_relative_ones_and_import_module(tmp_path):
    module = tmp_path / "registry_import" / "probe.py"
    module.parent.mkdir()
    module.write_text(
        "import importlib\n"
        "def later():\n"
        "    from surveys.tasks import x\n"
        "    return importlib.import_module('reporting.models')\n"
        "from . import models\n",
        encoding="utf-8",
    )
    assert imported_apps(module, root=tmp_path) == [
        (3, "surveys"),
        (4, "reporting"),
        (5, "registry_import"),
    ]
