"""Reading and checking the questionnaire files in surveys/questionnaires/.

One TOML file per survey kind and version (`lu-2018.toml`). A file is refused as a whole, with a
message naming the file and the question (or section, index) at fault, so that a mistake in the
data never reaches the database. The rules checked here are those that make answers comparable
and lawful: every text in bokmål, nynorsk and English; LU and LBU voluntary (R-L1, R-L2), ÅR
mandatory (R-L3); ÅR reporting questions summarise documentation questions (R-L4); every question
after the first version of a kind either continues a question of the previous version or marks a
break in the series (R-P3)."""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from django.conf import settings

from portal.lib.client import language_codes
from surveys.models.questionnaires import QuestionType, SectionPart, SurveyKind
from surveys.plausibility import CheckSpecError, check_parse

CODE_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,49}")
FILE_NAME_PATTERN = re.compile(r"(?P<kind>lu|lbu|ar)-(?P<version>\d{4})\.toml")
VOLUNTARY_KINDS = {SurveyKind.LU.value, SurveyKind.LBU.value}  # R-L1, R-L2

FILE_KEYS = {"kind", "version", "title", "information_letter", "indexes", "sections", "checks"}
INDEX_KEYS = {"code", "name"}
SECTION_KEYS = {"code", "title", "part", "questions"}
CHOICE_KEYS = {"code", "text"}
QUESTION_KEYS = {
    "code",
    "text",
    "help_text",
    "type",
    "required",
    "allow_dont_know",
    "choices",
    "min",
    "max",
    "index",
    "follow_up",
    "continues",
    "series_break",
    "summarises",
}


class QuestionnaireFileError(ValueError):
    """A questionnaire file that cannot be loaded; the message names the file and the place."""


@dataclass(frozen=True)
class ChoiceSpec:
    code: str
    text: dict[str, str]


@dataclass(frozen=True)
class QuestionSpec:
    code: str
    section: str
    text: dict[str, str]
    help_text: dict[str, str]
    type: str
    required: bool
    allow_dont_know: bool
    choices: tuple[ChoiceSpec, ...]
    min_value: int | None
    max_value: int | None
    index: str | None
    follow_up: bool
    continues: str | None
    series_break: bool
    summarises: tuple[str, ...]

    def choices_as_json(self) -> list[dict[str, Any]]:
        return [{"code": choice.code, "text": choice.text} for choice in self.choices]


@dataclass(frozen=True)
class SectionSpec:
    code: str
    title: dict[str, str]
    part: str
    questions: tuple[QuestionSpec, ...]


@dataclass(frozen=True)
class IndexSpec:
    code: str
    name: dict[str, str]


@dataclass(frozen=True)
class VersionOutline:
    """What a later version needs to know of an earlier one: its question codes and types."""

    kind: str
    version: int
    question_types: dict[str, str]


@dataclass(frozen=True)
class QuestionnaireFile:
    name: str
    sha256: str
    kind: str
    version: int
    title: dict[str, str]
    information_letter: dict[str, str]
    indexes: tuple[IndexSpec, ...]
    sections: tuple[SectionSpec, ...]
    checks: tuple[dict[str, Any], ...] = ()  # plausibility checks (surveys.plausibility)
    questions: tuple[QuestionSpec, ...] = field(init=False)

    def __post_init__(self) -> None:
        questions = tuple(q for section in self.sections for q in section.questions)
        object.__setattr__(self, "questions", questions)

    @property
    def outline(self) -> VersionOutline:
        return VersionOutline(self.kind, self.version, {q.code: q.type for q in self.questions})


class _Place:
    """Builds the messages of one file: `lu-2018.toml: question trivsel_trives: ...`."""

    def __init__(self, file_name: str, where: str = "") -> None:
        self.file_name = file_name
        self.where = where

    def at(self, where: str) -> _Place:
        return _Place(self.file_name, where)

    def error(self, message: str) -> QuestionnaireFileError:
        prefix = f"{self.file_name}: {self.where}: " if self.where else f"{self.file_name}: "
        return QuestionnaireFileError(prefix + message)


def questionnaire_file_parse(path: Path) -> QuestionnaireFile:
    """Reads and checks one file on its own (the links to the previous version are checked by
    `questionnaire_files_read`, which sees all versions)."""
    content = path.read_bytes()
    place = _Place(path.name)
    try:
        data = tomllib.loads(content.decode("utf-8"))
    except UnicodeDecodeError:
        raise place.error("not UTF-8 text") from None
    except tomllib.TOMLDecodeError as error:
        raise place.error(f"not valid TOML: {error}") from None
    return _questionnaire(data, place, hashlib.sha256(content).hexdigest())


def questionnaire_files_read(
    directory: Path, known: Iterable[VersionOutline] = ()
) -> list[QuestionnaireFile]:
    """Every questionnaire file in the directory, checked, in the order they must be loaded (by
    kind, then version, so that a version's previous version is loaded first).

    `known` are versions already in the database; a file in the directory replaces the known
    version of the same kind and year. The previous version of a file is the newest earlier
    version of its kind among both."""
    paths = sorted(directory.glob("*.toml"))
    if not paths:
        raise QuestionnaireFileError(f"{directory}: no questionnaire files (*.toml)")
    files = sorted(
        (questionnaire_file_parse(path) for path in paths), key=lambda f: (f.kind, f.version)
    )
    outlines = {(outline.kind, outline.version): outline for outline in known}
    outlines.update({(f.kind, f.version): f.outline for f in files})
    for questionnaire_file in files:
        earlier = [
            outline
            for (kind, version), outline in outlines.items()
            if kind == questionnaire_file.kind and version < questionnaire_file.version
        ]
        previous = max(earlier, key=lambda outline: outline.version, default=None)
        _check_series(questionnaire_file, previous)
    return files


# --- one file ---------------------------------------------------------------------------------


def _questionnaire(data: dict[str, Any], place: _Place, sha256: str) -> QuestionnaireFile:
    _refuse_unknown_keys(data, FILE_KEYS, place)
    kind = data.get("kind")
    if kind not in SurveyKind.values:
        raise place.error(f"kind must be one of {', '.join(SurveyKind.values)}, not {kind!r}")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or not 2000 <= version <= 2100:
        raise place.error(f"version must be a year, not {version!r}")
    expected_name = f"{kind.lower()}-{version}.toml"
    if place.file_name != expected_name:
        raise place.error(
            f"a {kind} {version} questionnaire must be in a file named {expected_name}"
        )

    title = _texts(data.get("title"), place.at("title"))
    letter = _texts(data.get("information_letter"), place.at("information_letter"))
    indexes = tuple(
        _index(item, place) for item in _table_list(data.get("indexes", []), "indexes", place)
    )
    _refuse_duplicates([i.code for i in indexes], "index", place)
    raw_sections = _table_list(data.get("sections"), "sections", place)
    if not raw_sections:
        raise place.error("has no sections")
    sections = tuple(_section(item, kind, place) for item in raw_sections)
    _refuse_duplicates([s.code for s in sections], "section", place)

    questionnaire_file = QuestionnaireFile(
        name=place.file_name,
        sha256=sha256,
        kind=kind,
        version=version,
        title=title,
        information_letter=letter,
        indexes=indexes,
        sections=sections,
    )
    _refuse_duplicates([q.code for q in questionnaire_file.questions], "question", place)
    _check_indexes(questionnaire_file, place)
    checks = _checks(data.get("checks", []), questionnaire_file, place)
    if checks:
        questionnaire_file = replace(questionnaire_file, checks=checks)
    if kind == SurveyKind.AR:
        _check_annual_report(questionnaire_file, place)
    else:
        for question in questionnaire_file.questions:
            if question.summarises:
                raise place.at(f"question {question.code}").error(
                    "only ÅR reporting questions summarise documentation questions"
                )
    return questionnaire_file


def _checks(
    value: Any, questionnaire_file: QuestionnaireFile, place: _Place
) -> tuple[dict[str, Any], ...]:
    raw = _table_list(value, "checks", place)
    if raw and questionnaire_file.kind != SurveyKind.AR:
        raise place.error("plausibility checks are for ÅR only (LU and LBU answers are anonymous)")
    types = {q.code: q.type for q in questionnaire_file.questions}
    checks = []
    for number, item in enumerate(raw, start=1):
        here = place.at(f"check {item.get('code') or number}")
        try:
            checks.append(check_parse(item, types))
        except CheckSpecError as error:
            raise here.error(str(error)) from None
    _refuse_duplicates([c["code"] for c in checks], "check", place)
    return tuple(checks)


def _index(data: dict[str, Any], place: _Place) -> IndexSpec:
    code = _code(data.get("code"), "index", place)
    here = place.at(f"index {code}")
    _refuse_unknown_keys(data, INDEX_KEYS, here)
    return IndexSpec(code=code, name=_texts(data.get("name"), here.at(f"index {code}: name")))


def _section(data: dict[str, Any], kind: str, place: _Place) -> SectionSpec:
    code = _code(data.get("code"), "section", place)
    here = place.at(f"section {code}")
    _refuse_unknown_keys(data, SECTION_KEYS, here)
    part = data.get("part", "")
    if kind == SurveyKind.AR:
        # R-L4: ÅR is answered in two parts by different respondents.
        if part not in (SectionPart.DOCUMENTATION, SectionPart.REPORTING):
            raise here.error(
                f'an ÅR section needs part = "documentation" or "reporting", not {part!r}'
            )
    elif part:
        raise here.error(f"only ÅR sections have a part, a {kind} section has none")
    title = _texts(data.get("title"), here.at(f"section {code}: title"))
    raw_questions = _table_list(data.get("questions"), f"section {code}: questions", place)
    if not raw_questions:
        raise here.error("has no questions")
    questions = tuple(_question(item, code, kind, place) for item in raw_questions)
    return SectionSpec(code=code, title=title, part=part, questions=questions)


def _number_range(
    data: dict[str, Any], question_type: str, here: _Place
) -> tuple[int | None, int | None]:
    """A number question's whole-number min and max; no other question has them."""
    if question_type != QuestionType.NUMBER:
        if "min" in data or "max" in data:
            raise here.error("only number questions have min and max")
        return None, None
    min_value, max_value = data.get("min"), data.get("max")
    for name, value in (("min", min_value), ("max", max_value)):
        if not isinstance(value, int) or isinstance(value, bool):
            raise here.error(f"a number question needs a whole-number {name}")
    assert isinstance(min_value, int) and isinstance(max_value, int)  # checked just above
    if min_value >= max_value:
        raise here.error(f"min ({min_value}) must be less than max ({max_value})")
    return min_value, max_value


def _question(data: dict[str, Any], section: str, kind: str, place: _Place) -> QuestionSpec:
    code = _code(data.get("code"), "question", place)
    here = place.at(f"question {code}")
    _refuse_unknown_keys(data, QUESTION_KEYS, here)
    question_type = data.get("type")
    if question_type not in QuestionType.values:
        raise here.error(
            f"unknown type {question_type!r} (one of {', '.join(QuestionType.values)})"
        )
    text = _texts(data.get("text"), here.at(f"question {code}: text"))
    help_text = (
        _texts(data["help_text"], here.at(f"question {code}: help_text"))
        if "help_text" in data
        else {}
    )

    voluntary = kind in VOLUNTARY_KINDS
    required = _bool(data, "required", not voluntary, here)
    if voluntary and required:
        raise here.error(f"{kind} is voluntary to answer, so no question may be required")
    if not voluntary and not required:
        raise here.error("ÅR is mandatory by law, so every question is required")

    allow_dont_know = _bool(data, "allow_dont_know", False, here)
    if allow_dont_know and question_type != QuestionType.SCALE:
        raise here.error("allow_dont_know is only for scale questions")

    choices: tuple[ChoiceSpec, ...] = ()
    if question_type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        raw_choices = data.get("choices")
        if not raw_choices:
            raise here.error(f"a {question_type} question needs choices")
        choices = tuple(_choice(item, here) for item in _table_list(raw_choices, "choices", here))
        if len(choices) < 2:
            raise here.error("needs at least two choices")
        _refuse_duplicates([c.code for c in choices], "choice", here)
    elif "choices" in data:
        raise here.error("only single and multiple questions have choices")

    min_value, max_value = _number_range(data, question_type, here)

    index = data.get("index")
    if index is not None and not isinstance(index, str):
        raise here.error("index must be the code of an index")
    continues = data.get("continues")
    if continues is not None and not isinstance(continues, str):
        raise here.error("continues must be the code of a question of the previous version")
    series_break = _bool(data, "series_break", False, here)
    if continues and series_break:
        raise here.error("a question either continues a series or breaks it, not both")

    summarises = data.get("summarises", [])
    if not isinstance(summarises, list) or not all(isinstance(c, str) for c in summarises):
        raise here.error("summarises must be a list of question codes")

    return QuestionSpec(
        code=code,
        section=section,
        text=text,
        help_text=help_text,
        type=question_type,
        required=required,
        allow_dont_know=allow_dont_know,
        choices=choices,
        min_value=min_value,
        max_value=max_value,
        index=index,
        follow_up=_bool(data, "follow_up", False, here),
        continues=continues,
        series_break=series_break,
        summarises=tuple(summarises),
    )


def _choice(data: dict[str, Any], place: _Place) -> ChoiceSpec:
    code = _code(data.get("code"), "choice", place)
    _refuse_unknown_keys(data, CHOICE_KEYS, place)
    return ChoiceSpec(
        code=code, text=_texts(data.get("text"), place.at(f"{place.where}: choice {code}"))
    )


def _check_indexes(questionnaire_file: QuestionnaireFile, place: _Place) -> None:
    codes = {index.code for index in questionnaire_file.indexes}
    items: dict[str, int] = dict.fromkeys(codes, 0)
    for question in questionnaire_file.questions:
        if question.index is None:
            continue
        here = place.at(f"question {question.code}")
        if question.index not in codes:
            raise here.error(f"unknown index {question.index!r}")
        if question.type != QuestionType.SCALE:
            raise here.error("only scale questions can be items of an index (its mean is 1–5)")
        items[question.index] += 1
    for code, count in items.items():
        if count < 2:
            raise place.at(f"index {code}").error(
                f"has {count} scale item(s); an index needs at least two"
            )


def _check_annual_report(questionnaire_file: QuestionnaireFile, place: _Place) -> None:
    """R-L4: member companies answer the documentation part; offices answer the reporting part
    from their members' documentation answers, so each reporting question names them."""
    parts = {section.code: section.part for section in questionnaire_file.sections}
    if set(parts.values()) != {SectionPart.DOCUMENTATION, SectionPart.REPORTING}:
        raise place.error("ÅR needs both documentation and reporting sections")
    part_of = {q.code: parts[q.section] for q in questionnaire_file.questions}
    for question in questionnaire_file.questions:
        here = place.at(f"question {question.code}")
        if part_of[question.code] == SectionPart.DOCUMENTATION:
            if question.summarises:
                raise here.error("only reporting questions summarise documentation questions")
            continue
        if not question.summarises:
            raise here.error(
                "a reporting question must name the documentation questions it summarises"
            )
        for code in question.summarises:
            if code not in part_of:
                raise here.error(f"summarises {code!r}, which is not a question of this file")
            if part_of[code] != SectionPart.DOCUMENTATION:
                raise here.error(f"summarises {code!r}, which is not a documentation question")


# --- links between versions (R-P3) ------------------------------------------------------------


def _check_series(questionnaire_file: QuestionnaireFile, previous: VersionOutline | None) -> None:
    place = _Place(questionnaire_file.name)
    continued: dict[str, str] = {}
    for question in questionnaire_file.questions:
        here = place.at(f"question {question.code}")
        if previous is None:
            if question.continues or question.series_break:
                raise here.error(
                    f"there is no {questionnaire_file.kind} version before "
                    f"{questionnaire_file.version}, so it can neither continue nor break a series"
                )
            continue
        name = f"{previous.kind} {previous.version}"
        if question.continues:
            previous_type = previous.question_types.get(question.continues)
            if previous_type is None:
                raise here.error(f"continues {question.continues!r}, which {name} does not have")
            if previous_type != question.type:
                raise here.error(
                    f"continues {question.continues!r}, a {previous_type} question in {name}, "
                    f"but is a {question.type} question; a changed type breaks the series"
                )
            if question.continues in continued:
                raise here.error(
                    f"continues {question.continues!r}, which {continued[question.continues]} "
                    "already continues"
                )
            continued[question.continues] = question.code
        elif question.series_break:
            # Answers are stored by question code, so a reused code would join two series
            # that cannot be compared.
            if question.code in previous.question_types:
                raise here.error(f"breaks the series, so it needs a code that {name} does not use")
        else:
            raise here.error(
                f'must either continue a question of {name} (continues = "code") or '
                "break the series (series_break = true)"
            )


# --- small readers ----------------------------------------------------------------------------


def _texts(value: Any, place: _Place) -> dict[str, str]:
    if not isinstance(value, dict):
        raise place.error("needs texts in nb, nn and en")
    languages = language_codes()
    names = dict(settings.LANGUAGES)
    for language in languages:
        text = value.get(language)
        if not isinstance(text, str) or not text.strip():
            raise place.error(f"has no {language} ({names[language]}) text")
    unknown = sorted(set(value) - set(languages))
    if unknown:
        raise place.error(f"unknown language(s) {', '.join(unknown)} (use nb, nn and en)")
    return {language: value[language].strip() for language in languages}


def _code(value: Any, what: str, place: _Place) -> str:
    if not isinstance(value, str) or not CODE_PATTERN.fullmatch(value):
        where = f"{place.where}: " if place.where else ""
        raise QuestionnaireFileError(
            f"{place.file_name}: {where}{what} code {value!r} must be 1–50 lower-case letters, "
            "digits or _, starting with a letter"
        )
    return value


def _bool(data: dict[str, Any], key: str, default: bool, place: _Place) -> bool:
    value = data.get(key, default)
    if not isinstance(value, bool):
        raise place.error(f"{key} must be true or false")
    return value


def _table_list(value: Any, what: str, place: _Place) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise place.error(f"{what} must be a list of tables ([[{what}]])")
    return value


def _refuse_unknown_keys(data: dict[str, Any], allowed: set[str], place: _Place) -> None:
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise place.error(f"unknown key(s) {', '.join(unknown)}")


def _refuse_duplicates(codes: list[str], what: str, place: _Place) -> None:
    seen: set[str] = set()
    for code in codes:
        if code in seen:
            raise place.at(f"{what} {code}").error("duplicate code")
        seen.add(code)
