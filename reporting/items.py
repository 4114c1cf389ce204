"""What a published round reports: one item per question that has a distribution (scale, yes/no,
single and multiple choice), one per index, and the number of answers. Number and text
questions are not published (a number or a sentence can identify its writer)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from surveys.i18n import localized
from surveys.models import Index, Question, Questionnaire, QuestionType

ANSWERS = "answers"
INDEX_PREFIX = "index:"
SCALE_VALUES = ("1", "2", "3", "4", "5")
DONT_KNOW = "dk"
PUBLISHED_TYPES = (
    QuestionType.SCALE,
    QuestionType.YES_NO,
    QuestionType.SINGLE,
    QuestionType.MULTIPLE,
)


@dataclass
class Item:
    code: str
    kind: str  # "index", "question" or "answers"
    values: tuple[str, ...] = ()
    question: Question | None = None
    index: Index | None = None
    items: list[str] = field(default_factory=list)  # an index's question codes

    @property
    def index_code(self) -> str:
        """The code of the index an index item is for."""
        assert self.index is not None, self.code
        return self.index.code

    @property
    def label(self) -> str:
        if self.question is not None:
            return self.question.localized_text
        if self.index is not None:
            return localized(self.index.name)
        return _("Number of answers")

    @property
    def has_mean(self) -> bool:
        """Indexes and scale questions are reported as a mean on 1–5."""
        return self.kind == "index" or (
            self.question is not None and self.question.type == QuestionType.SCALE
        )

    @property
    def is_follow_up(self) -> bool:
        return self.question is not None and self.question.follow_up

    def value_label(self, value: str) -> str:
        from surveys.services.answering import answer_choices

        if self.kind == "index":
            return dict(answer_choices_scale()).get(value, value)
        if self.question is None:
            return value
        if self.question.type == QuestionType.YES_NO:
            return _("Yes") if value == "yes" else _("No")
        return dict(answer_choices(self.question)).get(value, value)

    @property
    def value_labels(self) -> list[tuple[str, str]]:
        return [(v, self.value_label(v)) for v in self.values]

    @property
    def slug(self) -> str:
        return self.code.replace(INDEX_PREFIX, "indeks-")


def answer_choices_scale() -> list[tuple[str, str]]:
    from surveys.models.questionnaires import ScaleStep

    return [(str(step.value), str(step.label)) for step in ScaleStep]


def item_by_slug(items: list[Item], slug: str) -> Item | None:
    return next((i for i in items if i.slug == slug), None)


def items_of(questionnaire: Questionnaire) -> list[Item]:
    """The questionnaire's items in the order pages show them: indexes first, then the
    questions in questionnaire order, the number of answers last."""
    questions = list(
        Question.objects.filter(questionnaire=questionnaire)
        .select_related("index")
        .order_by("section__position", "position")
    )
    indexes = list(Index.objects.filter(questionnaire=questionnaire).order_by("pk"))
    items: list[Item] = []
    for index in indexes:
        members = [q.code for q in questions if q.index_id == index.pk]
        if members:
            items.append(
                Item(
                    f"{INDEX_PREFIX}{index.code}", "index", SCALE_VALUES, index=index, items=members
                )
            )
    for question in questions:
        if question.type not in PUBLISHED_TYPES:
            continue
        if question.type == QuestionType.SCALE:
            values = SCALE_VALUES + ((DONT_KNOW,) if question.allow_dont_know else ())
        elif question.type == QuestionType.YES_NO:
            values = ("yes", "no")
        else:
            values = tuple(c["code"] for c in question.choices)
        items.append(Item(question.code, "question", values, question=question))
    items.append(Item(ANSWERS, "answers"))
    return items


def index_score(answers: dict, codes: list[str]) -> float | None:
    """A respondent's index score: the mean of the index's questions answered on the scale
    ("don't know" left out), when at least half of them are answered."""
    values = [answers[c] for c in codes if isinstance(answers.get(c), int)]
    values = [v for v in values if 1 <= v <= 5]
    if not values or len(values) < math.ceil(len(codes) / 2):
        return None
    return sum(values) / len(values)


def score_step(score: float) -> str:
    """The step of the scale a score rounds to (half up): 3.5 is in step 4."""
    return str(min(5, max(1, math.floor(score + 0.5))))
