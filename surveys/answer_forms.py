"""The form of one page of a survey, built from its questions.

Every field is optional to the browser (no `required` attribute), so a page can always be
saved when going back; the questions that must be answered (ÅR, R-L3) are checked only when
the respondent goes forward or submits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.i18n import localized
from surveys.models import Question, QuestionType
from surveys.services.answering import DONT_KNOW, answer_choices, question_required

REQUIRED_MESSAGE = _("This question must be answered.")
TEXT_MAX_LENGTH = 2000


class AnswerForm(forms.Form):
    """One field per question, named by the question's code."""

    def __init__(
        self,
        questions: list[Question],
        *,
        kind: str,
        require: bool = False,
        answers: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("prefix", "q")
        super().__init__(initial=_initial(questions, answers or {}), **kwargs)
        self.questions = questions
        self.kind = kind
        self.require = require
        for question in questions:
            self.fields[question.code] = _field(question)

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.require:
            for question in self.questions:
                code = question.code
                if (
                    question_required(question, self.kind)
                    and code not in self.errors
                    and cleaned.get(code) in (None, "", [])
                ):
                    self.add_error(code, REQUIRED_MESSAGE)
        return cleaned

    def answers(self) -> dict[str, Any]:
        """The page's answers in the stored form; unanswered questions are left out."""
        result: dict[str, Any] = {}
        for question in self.questions:
            value = _stored(question, self.cleaned_data.get(question.code))
            if value is not None:
                result[question.code] = value
        return result

    def entries(
        self, summaries: dict[str, list[Any]] | None = None
    ) -> list[tuple[Question, forms.BoundField, bool, list[Any]]]:
        """(question, bound field, required, member summaries) in order, for the templates."""
        summaries = summaries or {}
        return [
            (q, self[q.code], question_required(q, self.kind), summaries.get(q.code, []))
            for q in self.questions
        ]


def field_anchor(question: Question) -> str:
    """The id of a question's first input, where an error message links to."""
    grouped = question.type not in (QuestionType.NUMBER, QuestionType.TEXT)
    return f"id_q-{question.code}" + ("_0" if grouped else "")


def _field(question: Question) -> forms.Field:
    """Text and number inputs get aria-describedby for their help and error from Django; the
    templates put it on the fieldset of a radio or checkbox group."""
    label = question.localized_text
    help_text = localized(question.help_text)
    if question.type == QuestionType.NUMBER:
        return forms.IntegerField(
            label=label,
            help_text=help_text,
            required=False,
            min_value=question.min_value,
            max_value=question.max_value,
            widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        )
    if question.type == QuestionType.TEXT:
        return forms.CharField(
            label=label,
            help_text=help_text,
            required=False,
            max_length=TEXT_MAX_LENGTH,
            widget=forms.Textarea(attrs={"rows": 3}),
        )
    if question.type == QuestionType.MULTIPLE:
        return forms.MultipleChoiceField(
            label=label,
            help_text=help_text,
            required=False,
            choices=answer_choices(question),
            widget=forms.CheckboxSelectMultiple,
        )
    return forms.ChoiceField(
        label=label,
        help_text=help_text,
        required=False,
        choices=answer_choices(question),
        widget=forms.RadioSelect,
    )


def _stored(question: Question, value: Any) -> Any:
    if value in (None, "", []):
        return None
    if question.type == QuestionType.SCALE:
        return DONT_KNOW if value == DONT_KNOW else int(value)
    if question.type == QuestionType.YES_NO:
        return value == "yes"
    if question.type == QuestionType.TEXT:
        return value.strip() or None
    return value


def _initial(questions: list[Question], answers: dict[str, Any]) -> dict[str, Any]:
    initial: dict[str, Any] = {}
    for question in questions:
        value = answers.get(question.code)
        if value is None:
            continue
        if question.type == QuestionType.YES_NO:
            initial[question.code] = "yes" if value else "no"
        elif question.type == QuestionType.SCALE:
            initial[question.code] = str(value)
        else:
            initial[question.code] = value
    return initial
