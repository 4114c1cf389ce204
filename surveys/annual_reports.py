"""Reading the ÅR answers (R-L3, R-L6, R-D1, R-D2): identified by law, seen only by the county
and the training office concerned, never by the national level.

- A county sees the training offices located in it and the companies whose ÅR respondent
  belongs to the county (member and independent companies).
- A training office sees its member companies.
ÅR is mandatory, so the units that have not answered are listed too."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, When
from django.db.models.functions import Lower
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.models import County, TrainingOffice
from surveys.models import (
    IdentifiedResponse,
    Question,
    QuestionType,
    Respondent,
    RespondentRole,
    Round,
    SurveyKind,
)
from surveys.services.answering import answer_label, respondent_part, survey_load

UNIT_TYPES = {
    "office": gettext_lazy("Training office"),
    "member": gettext_lazy("Member company"),
    "independent": gettext_lazy("Independent company"),
}


def ar_rounds() -> list[Round]:
    return list(Round.objects.filter(kind=SurveyKind.AR).order_by("-year"))


def ar_units(
    round_: Round,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
    with_office: bool = False,
) -> QuerySet[Respondent]:
    """The round's ÅR respondents the county or the office may see, by name; `with_office`:
    the office's own respondent too (its contact, for the list check)."""
    respondents = Respondent.objects.filter(round=round_)
    if county is not None:
        respondents = respondents.filter(
            Q(role=RespondentRole.OFFICE, training_office__county=county)
            | (~Q(role=RespondentRole.OFFICE) & Q(county=county))
        )
    elif office is not None:
        respondents = respondents.filter(training_office=office)
        if not with_office:
            respondents = respondents.exclude(role=RespondentRole.OFFICE)
    else:
        return Respondent.objects.none()
    return (
        respondents.select_related("company", "training_office", "round__questionnaire")
        .annotate(
            unit_name=Case(
                When(role=RespondentRole.OFFICE, then=F("training_office__name")),
                default=F("company__name"),
            )
        )
        .order_by(Lower("unit_name"), "pk")
    )


def with_answers(units: QuerySet[Respondent]) -> QuerySet[Respondent]:
    """The units with their submitted answers (`respondent.answers`, a list)."""
    return units.prefetch_related(
        Prefetch(
            "identified_responses",
            IdentifiedResponse.objects.select_related("submitted_by"),
            to_attr="answers",
        )
    )


def members_answered(respondent: Respondent) -> tuple[int, int]:
    """(member companies, of them answered) of an office's ÅR respondent's round: what its own
    reporting is based on (R-L4)."""
    counts = (
        Respondent.objects.filter(
            round_id=respondent.round_id, training_office_id=respondent.training_office_id
        )
        .exclude(role=RespondentRole.OFFICE)
        .aggregate(total=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False)))
    )
    return counts["total"], counts["answered"]


def unit_type(respondent: Respondent) -> str:
    if respondent.role == RespondentRole.OFFICE:
        return "office"
    return "member" if respondent.training_office_id is not None else "independent"


def unit_name(respondent: Respondent) -> str:
    if respondent.role == RespondentRole.OFFICE:
        return respondent.training_office.name  # type: ignore[union-attr]  # an office has one
    return respondent.company.name if respondent.company else ""


def unit_orgnr(respondent: Respondent) -> str:
    if respondent.role == RespondentRole.OFFICE:
        return respondent.training_office.orgnr  # type: ignore[union-attr]  # an office has one
    return respondent.company.orgnr if respondent.company else ""


@dataclass
class UnitRow:
    respondent: Respondent
    name: str
    orgnr: str
    type: str
    office_name: str
    answer: IdentifiedResponse | None  # when the answers were loaded (with_answers)

    @property
    def type_label(self) -> str:
        return str(UNIT_TYPES[self.type])

    @property
    def flags(self) -> list[str]:
        return list(self.answer.flags) if self.answer is not None else []


def unit_row(respondent: Respondent) -> UnitRow:
    answers = getattr(respondent, "answers", None)
    return UnitRow(
        respondent=respondent,
        name=unit_name(respondent),
        orgnr=unit_orgnr(respondent),
        type=unit_type(respondent),
        office_name=respondent.training_office.name if respondent.training_office else "",
        answer=answers[0] if answers else None,
    )


def units_filtered(
    units: QuerySet[Respondent],
    *,
    status: str = "",
    type_: str = "",
    office_id: int | None = None,
    search: str = "",
    flagged: bool = False,
) -> QuerySet[Respondent]:
    """Filtered by status "answered"/"missing", type office/member/independent, one training
    office's units, a name or organisation number, or the answers a plausibility check flagged
    (surveys.plausibility)."""
    if flagged:
        units = units.filter(
            Exists(IdentifiedResponse.objects.filter(respondent=OuterRef("pk")).exclude(flags=[]))
        )
    if status == "answered":
        units = units.filter(answered_at__isnull=False)
    elif status == "missing":
        units = units.filter(answered_at__isnull=True)
    if type_ == "office":
        units = units.filter(role=RespondentRole.OFFICE)
    elif type_ == "member":
        units = units.exclude(role=RespondentRole.OFFICE).filter(training_office__isnull=False)
    elif type_ == "independent":
        units = units.filter(training_office__isnull=True)
    if office_id is not None:
        units = units.filter(training_office_id=office_id)
    search = search.strip()
    if search:
        units = units.filter(
            Q(unit_name__icontains=search)
            | Q(company__orgnr=search)
            | Q(role=RespondentRole.OFFICE, training_office__orgnr=search)
        )
    return units


def units_answered(units: QuerySet[Respondent]) -> tuple[int, int]:
    """(units, answered) of the filtered units, in one query."""
    counts = units.order_by().aggregate(
        total=Count("pk"), answered=Count("pk", filter=Q(answered_at__isnull=False))
    )
    return counts["total"], counts["answered"]


@dataclass
class AnswerSheet:
    row: UnitRow
    round: Round
    lines: list[tuple[Question, str]]
    warnings: list[str] = field(default_factory=list)  # the flagged checks' messages


def answer_sheet(respondent: Respondent) -> AnswerSheet:
    """One unit's questions (the part it answers, R-L4) with its answers as people read them."""
    row = unit_row(respondent)
    answers: dict[str, Any] = row.answer.answers if row.answer is not None else {}
    survey = survey_load(respondent)
    lines = [(q, answer_label(q, answers.get(q.code))) for q in survey.questions]
    language = get_language() or "nb"
    warnings = [
        check["message"].get(language) or check["message"]["nb"]
        for check in survey.questionnaire.checks
        if check["code"] in row.flags
    ]
    return AnswerSheet(row=row, round=respondent.round, lines=lines, warnings=warnings)


def _cell(question: Question, value: Any) -> Any:
    if question.type == QuestionType.NUMBER and isinstance(value, int | float):
        return value
    return answer_label(question, value)


def answers_table(
    round_: Round, units: QuerySet[Respondent]
) -> tuple[list[str], list[list[Any]]]:
    """Every unit's answers in one table: the unit, then one column per question of the round's
    questionnaire (a question outside a unit's part is left empty). The header gives each
    question's text; the first row, each question's id. Numbers stay numbers."""
    rows = [unit_row(r) for r in with_answers(units)]
    questions = list(
        Question.objects.filter(questionnaire_id=round_.questionnaire_id)
        .select_related("section")
        .order_by("section__position", "position")
    )
    headers = [
        _("Unit"),
        _("Organisation number"),
        _("Type"),
        _("Training office"),
        _("Answered"),
        _("Answers to check"),
        *[q.localized_text for q in questions],
    ]
    table: list[list[Any]] = [[_("Question id"), "", "", "", "", "", *[q.code for q in questions]]]
    for row in rows:
        answers = row.answer.answers if row.answer is not None else {}
        part = respondent_part(row.respondent)
        table.append(
            [
                row.name,
                row.orgnr,
                row.type_label,
                row.office_name,
                row.answer.submitted_at if row.answer else "",
                ", ".join(row.flags),
                *[
                    _cell(q, answers.get(q.code))
                    if not q.section.part or q.section.part == part
                    else ""
                    for q in questions
                ],
            ]
        )
    return headers, table
