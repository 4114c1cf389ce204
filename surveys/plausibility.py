"""Plausibility checks of ÅR answers, written in the questionnaire file (`[[checks]]`).

A check never stops a respondent: ÅR is mandatory and the respondent knows their company best.
It warns before they submit ("5 of 2 professional leaders trained: is that right?"), and a
submitted answer that still fails a check carries the check's code as a flag, which the county
sees and filters on. Three kinds, each on the answers of one respondent:

- `at_most` / `at_least`: a number question compared with another number question of the same
  part or with a fixed number (`at_most = "dok_faglige_ledere"`, `at_most = 100`);
- `explain`: when `when` has one of the answers in `answer`, the text question `explain` needs
  an explanation of at least `min_length` characters ("ingen" is not one)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from portal.lib.client import language_codes

CHECK_KEYS = {"code", "question", "at_most", "at_least", "when", "answer", "explain", "min_length"}
DEFAULT_MIN_LENGTH = 10


class CheckSpecError(ValueError):
    """A check in a questionnaire file that cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class Warning:
    code: str
    message: str
    questions: tuple[str, ...]  # the codes of the questions to look at


def check_parse(data: dict[str, Any], question_types: dict[str, str]) -> dict[str, Any]:
    """One `[[checks]]` table as stored with the questionnaire (a plain dict), or an error
    naming the key at fault. `question_types`: code → type of every question of the file."""
    unknown = sorted(set(data) - CHECK_KEYS - {"message"})
    if unknown:
        raise CheckSpecError(f"unknown key(s) {', '.join(unknown)}")
    code = data.get("code")
    if not isinstance(code, str) or not code:
        raise CheckSpecError("needs a code")
    message = data.get("message")
    languages = language_codes()
    if not isinstance(message, dict) or not all(
        isinstance(message.get(lang), str) and message[lang].strip() for lang in languages
    ):
        raise CheckSpecError("needs a message in nb, nn and en")
    stored: dict[str, Any] = {
        "code": code,
        "message": {lang: message[lang].strip() for lang in languages},
    }
    if "explain" in data:
        return stored | _explain(data, question_types)
    return stored | _comparison(data, question_types)


def _number_question(value: Any, key: str, question_types: dict[str, str]) -> str:
    if question_types.get(value) != "number":
        raise CheckSpecError(f"{key} {value!r} is not a number question of this file")
    return value


def _comparison(data: dict[str, Any], question_types: dict[str, str]) -> dict[str, Any]:
    question = _number_question(data.get("question"), "question", question_types)
    bounds = [key for key in ("at_most", "at_least") if key in data]
    if len(bounds) != 1:
        raise CheckSpecError("needs one of at_most or at_least (or explain)")
    bound = data[bounds[0]]
    if isinstance(bound, str):
        _number_question(bound, bounds[0], question_types)
    elif not isinstance(bound, int) or isinstance(bound, bool):
        raise CheckSpecError(f"{bounds[0]} must be a number question's code or a whole number")
    return {"question": question, bounds[0]: bound}


def _explain(data: dict[str, Any], question_types: dict[str, str]) -> dict[str, Any]:
    when, explain = str(data.get("when")), str(data.get("explain"))
    if when not in question_types:
        raise CheckSpecError(f"when {when!r} is not a question of this file")
    if question_types.get(explain) != "text":
        raise CheckSpecError(f"explain {explain!r} is not a text question of this file")
    answers = data.get("answer")
    if isinstance(answers, str):
        answers = [answers]
    if not isinstance(answers, list) or not answers or not all(isinstance(a, str) for a in answers):
        raise CheckSpecError("answer must be an answer code or a list of them")
    min_length = data.get("min_length", DEFAULT_MIN_LENGTH)
    if not isinstance(min_length, int) or isinstance(min_length, bool) or min_length < 1:
        raise CheckSpecError("min_length must be a whole number of at least 1")
    return {"when": when, "answer": answers, "explain": explain, "min_length": min_length}


def _number(answers: dict[str, Any], code: str) -> float | None:
    value = answers.get(code)
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def _fails(check: dict[str, Any], answers: dict[str, Any]) -> tuple[str, ...] | None:
    """The questions to look at when the check fails on these answers; None when it holds or
    when a question it needs was not answered (not in this respondent's part)."""
    if "explain" in check:
        given = answers.get(check["when"])
        given_codes = {"yes" if given is True else "no" if given is False else str(given)}
        if isinstance(given, list):
            given_codes = {str(v) for v in given}
        if given is None or not given_codes & set(check["answer"]):
            return None
        text = str(answers.get(check["explain"]) or "").strip()
        return None if len(text) >= check["min_length"] else (check["when"], check["explain"])
    value = _number(answers, check["question"])
    key = "at_most" if "at_most" in check else "at_least"
    bound_spec = check[key]
    bound = _number(answers, bound_spec) if isinstance(bound_spec, str) else float(bound_spec)
    if value is None or bound is None:
        return None
    if not ((value > bound) if key == "at_most" else (value < bound)):
        return None
    if isinstance(bound_spec, str):
        return (check["question"], bound_spec)
    return (check["question"],)


def plausibility_warnings(
    checks: Sequence[dict[str, Any]], answers: dict[str, Any], language: str
) -> list[Warning]:
    """The checks these answers fail, with their messages in `language`."""
    warnings = []
    for check in checks:
        questions = _fails(check, answers)
        if questions is not None:
            message = check["message"].get(language) or check["message"]["nb"]
            warnings.append(Warning(check["code"], message, questions))
    return warnings


def failed_check_codes(checks: Sequence[dict[str, Any]], answers: dict[str, Any]) -> list[str]:
    """The codes of the checks these answers fail: the flags stored with a submitted answer."""
    return [check["code"] for check in checks if _fails(check, answers) is not None]
