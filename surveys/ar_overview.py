"""ÅR across units: per question, how many of the units in view gave each answer, and the sum
and spread of the numbers they reported ("how many offices answered no to the training plan",
"how many apprentices were reported in all"). ÅR is identified (R-L3), so these are counts over
the units the county or the office may already see one by one; no threshold applies, and every
view is in the audit log like the answer sheets."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from surveys.models import IdentifiedResponse, Question, QuestionType, Respondent, Round
from surveys.services.answering import answer_choices


@dataclass(frozen=True)
class ChoiceCount:
    value: str
    label: str
    count: int
    share: float | None  # of the units that answered the question


@dataclass(frozen=True)
class NumberSummary:
    count: int
    total: float
    mean: float
    minimum: float
    lower_quartile: float
    median: float
    upper_quartile: float
    maximum: float


@dataclass
class QuestionOverview:
    question: Question
    answered: int
    choices: list[ChoiceCount] = field(default_factory=list)
    numbers: NumberSummary | None = None


def _numbers(values: list[float]) -> NumberSummary | None:
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) > 1:
        lower, median, upper = statistics.quantiles(ordered, n=4, method="inclusive")
    else:
        lower = median = upper = ordered[0]
    return NumberSummary(
        count=len(ordered),
        total=sum(ordered),
        mean=statistics.fmean(ordered),
        minimum=ordered[0],
        lower_quartile=lower,
        median=median,
        upper_quartile=upper,
        maximum=ordered[-1],
    )


def _question_overview(question: Question, given: list[Any]) -> QuestionOverview:
    answered = [v for v in given if v not in (None, "", [])]
    overview = QuestionOverview(question=question, answered=len(answered))
    if question.type == QuestionType.NUMBER:
        overview.numbers = _numbers(
            [float(v) for v in answered if isinstance(v, int | float) and not isinstance(v, bool)]
        )
        return overview
    choices = answer_choices(question)
    if not choices:
        return overview  # text: how many answered
    counts = dict.fromkeys((value for value, _label in choices), 0)
    for value in answered:
        if question.type == QuestionType.YES_NO:
            keys = ["yes" if value else "no"]
        elif isinstance(value, list):
            keys = [str(v) for v in value]
        else:
            keys = [str(value)]
        for key in keys:
            if key in counts:
                counts[key] += 1
    overview.choices = [
        ChoiceCount(
            value=value,
            label=label,
            count=counts[value],
            share=counts[value] / len(answered) if answered else None,
        )
        for value, label in choices
    ]
    return overview


def ar_overview(round_: Round, units: QuerySet[Respondent]) -> list[QuestionOverview]:
    """Every question of the round's questionnaire over the submitted answers of `units`."""
    answers = list(
        IdentifiedResponse.objects.filter(respondent__in=units.order_by().values("pk"))
        .order_by()
        .values_list("answers", flat=True)
    )
    questions = (
        Question.objects.filter(questionnaire_id=round_.questionnaire_id)
        .select_related("section")
        .order_by("section__position", "position")
    )
    return [
        _question_overview(q, [a.get(q.code) for a in answers if q.code in a]) for q in questions
    ]


def overview_table(overviews: list[QuestionOverview]) -> tuple[list[str], list[list[Any]]]:
    """The overview as one table for CSV and Excel: a row per answer option or measure."""
    headers = [_("Question"), _("Question id"), _("Answer or measure"), _("Count"), _("Share")]
    rows: list[list[Any]] = []
    for o in overviews:
        text, code = o.question.localized_text, o.question.code
        rows.append([text, code, _("Units that answered"), o.answered, None])
        for c in o.choices:
            rows.append([text, code, c.label, c.count, c.share])
        if o.numbers is not None:
            n = o.numbers
            for label, value in (
                (_("Sum"), n.total),
                (_("Mean"), round(n.mean, 1)),
                (_("Lowest"), n.minimum),
                (_("Lower quartile"), n.lower_quartile),
                (_("Median"), n.median),
                (_("Upper quartile"), n.upper_quartile),
                (_("Highest"), n.maximum),
            ):
                rows.append([text, code, label, value, None])
    return headers, rows
