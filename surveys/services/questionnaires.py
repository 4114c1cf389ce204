"""Loading the questionnaire files into the database, and choosing a questionnaire for a year.

Loading is idempotent: a file whose SHA-256 is the one recorded is left alone; a changed file
updates its questionnaire in place, matching indexes, sections and questions by code, so
question ids (and the `continues` links of later versions) survive a change of wording. Answers
refer to questions by code, so once a round uses a questionnaire its questions may neither
disappear nor change type."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

from django.db import transaction

from surveys.models.questionnaires import Index, Question, Questionnaire, Section
from surveys.questionnaire_files import (
    QuestionnaireFile,
    QuestionnaireFileError,
    VersionOutline,
    questionnaire_files_read,
)

QUESTIONNAIRE_DIR = Path(__file__).resolve().parent.parent / "questionnaires"

LoadResult = Literal["created", "updated", "unchanged"]


class QuestionnaireLoadError(QuestionnaireFileError):
    """A file that is valid on its own but cannot replace what the database holds."""


def questionnaire_for(kind: str, year: int) -> Questionnaire:
    """The questionnaire a survey of this kind uses in this year: the newest version introduced
    in or before it (LU 2019 uses the 2018 questions, R-P3)."""
    questionnaire = (
        Questionnaire.objects.filter(kind=kind, version__lte=year).order_by("-version").first()
    )
    if questionnaire is None:
        raise Questionnaire.DoesNotExist(f"No {kind} questionnaire exists for {year} or earlier.")
    return questionnaire


@transaction.atomic
def questionnaires_load(directory: Path | None = None) -> list[tuple[str, str]]:
    """Loads every file of the directory (default surveys/questionnaires/) in one transaction:
    one refused file leaves the database as it was. Returns (file name, result) per file."""
    directory = directory or QUESTIONNAIRE_DIR
    files = questionnaire_files_read(directory, known=_outlines_in_database())
    return [(f.name, _questionnaire_save(f)) for f in files]


def _outlines_in_database() -> list[VersionOutline]:
    types: dict[int, dict[str, str]] = {}
    for questionnaire_id, code, question_type in Question.objects.values_list(
        "questionnaire_id", "code", "type"
    ):
        types.setdefault(questionnaire_id, {})[code] = question_type
    return [
        VersionOutline(kind, version, types.get(pk, {}))
        for pk, kind, version in Questionnaire.objects.values_list("pk", "kind", "version")
    ]


def _questionnaire_save(spec: QuestionnaireFile) -> LoadResult:
    questionnaire = (
        Questionnaire.objects.select_for_update()
        .filter(kind=spec.kind, version=spec.version)
        .first()
    )
    if questionnaire is None:
        questionnaire = Questionnaire.objects.create(
            kind=spec.kind,
            version=spec.version,
            title=spec.title,
            information_letter=spec.information_letter,
            checks=list(spec.checks),
            source_file=spec.name,
            source_sha256=spec.sha256,
        )
        _contents_save(questionnaire, spec)
        _continues_save(questionnaire, spec)
        return "created"

    if questionnaire.source_sha256 == spec.sha256 and questionnaire.source_file == spec.name:
        # The file is as loaded; only an earlier version loaded since can move its links.
        return "updated" if _continues_save(questionnaire, spec) else "unchanged"

    _refuse_changes_to_used_questions(questionnaire, spec)
    questionnaire.title = spec.title
    questionnaire.information_letter = spec.information_letter
    questionnaire.checks = list(spec.checks)
    questionnaire.source_file = spec.name
    questionnaire.source_sha256 = spec.sha256
    questionnaire.save()
    _contents_save(questionnaire, spec)
    _continues_save(questionnaire, spec)
    return "updated"


def _refuse_changes_to_used_questions(
    questionnaire: Questionnaire, spec: QuestionnaireFile
) -> None:
    rounds = sorted(questionnaire.rounds.values_list("year", flat=True))
    if not rounds:
        return
    used_by = f"{questionnaire.kind} {questionnaire.version} is used by the round(s) of " + (
        ", ".join(str(year) for year in rounds)
    )
    new_types = {q.code: q.type for q in spec.questions}
    for code, question_type in questionnaire.questions.values_list("code", "type"):
        if code not in new_types:
            raise QuestionnaireLoadError(
                f"{spec.name}: question {code}: would be removed, but {used_by}, whose answers "
                "refer to it by code; keep the question in the file"
            )
        if new_types[code] != question_type:
            raise QuestionnaireLoadError(
                f"{spec.name}: question {code}: would change from {question_type} to "
                f"{new_types[code]}, but {used_by}; give the changed question a new code"
            )


def _contents_save(questionnaire: Questionnaire, spec: QuestionnaireFile) -> None:
    indexes = _by_code(questionnaire.indexes.all())
    for index_spec in spec.indexes:
        _upsert(Index, indexes, index_spec.code, questionnaire, name=index_spec.name)

    sections = _by_code(questionnaire.sections.all())
    for position, section_spec in enumerate(spec.sections, start=1):
        _upsert(
            Section,
            sections,
            section_spec.code,
            questionnaire,
            position=position,
            title=section_spec.title,
            part=section_spec.part,
        )

    questions = _by_code(questionnaire.questions.all())
    for section_spec in spec.sections:
        for position, q in enumerate(section_spec.questions, start=1):
            _upsert(
                Question,
                questions,
                q.code,
                questionnaire,
                section=sections[section_spec.code],
                position=position,
                text=q.text,
                help_text=q.help_text,
                type=q.type,
                required=q.required,
                allow_dont_know=q.allow_dont_know,
                choices=q.choices_as_json(),
                min_value=q.min_value,
                max_value=q.max_value,
                index=indexes[q.index] if q.index else None,
                follow_up=q.follow_up,
                series_break=q.series_break,
                summarises=list(q.summarises),
            )

    # Questions first: a removed section would take its questions with it.
    questionnaire.questions.exclude(code__in=[q.code for q in spec.questions]).delete()
    questionnaire.sections.exclude(code__in=[s.code for s in spec.sections]).delete()
    questionnaire.indexes.exclude(code__in=[i.code for i in spec.indexes]).delete()


def _continues_save(questionnaire: Questionnaire, spec: QuestionnaireFile) -> bool:
    """Points each question at the question it continues in the previous version (the files
    were checked against the same versions). Returns whether any link changed."""
    previous = (
        Questionnaire.objects.filter(kind=spec.kind, version__lt=spec.version)
        .order_by("-version")
        .first()
    )
    previous_ids = dict(previous.questions.values_list("code", "pk")) if previous else {}
    changed = False
    current = dict(questionnaire.questions.values_list("code", "continues_id"))
    for q in spec.questions:
        wanted = previous_ids[q.continues] if q.continues else None
        if current.get(q.code) != wanted:
            questionnaire.questions.filter(code=q.code).update(continues_id=wanted)
            changed = True
    return changed


def _by_code(queryset) -> dict[str, Any]:
    return {item.code: item for item in queryset}


def _upsert(model, existing: dict[str, Any], code: str, questionnaire: Questionnaire, **fields):
    """Updates the row with this code in place (keeping its id), or creates it; saves only
    when something differs."""
    item = existing.get(code)
    if item is None:
        existing[code] = model.objects.create(questionnaire=questionnaire, code=code, **fields)
        return
    differs = [name for name, value in fields.items() if getattr(item, name) != value]
    if differs:
        for name in differs:
            setattr(item, name, fields[name])
        item.save(update_fields=differs)
