"""Answering a survey: what a respondent sees, drafts saved page by page, consent, and submission.

Answers are kept by question code in a JSON object:

- scale: 1–5, or "dk" for "don't know / not applicable" (never part of a mean)
- yes_no: true or false
- single: the chosen choice's code; multiple: a list of choice codes
- number: an integer; text: a string

An unanswered question has no key. LU and LBU answers become an AnonymousResponse when
submitted (R-L7); ÅR answers an IdentifiedResponse (R-L3)."""

from __future__ import annotations

import functools
import json
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.lib.oslo import oslo_today
from surveys.i18n import localized
from surveys.models import (
    Draft,
    IdentifiedResponse,
    Question,
    Questionnaire,
    QuestionType,
    Respondent,
    RespondentLink,
    RespondentRole,
    Section,
    SectionPart,
    SurveyKind,
)
from surveys.models.questionnaires import DONT_KNOW_LABEL, ScaleStep
from surveys.plausibility import failed_check_codes
from surveys.services.anonymous import anonymous_store

DONT_KNOW = "dk"


class MissingAnswers(Exception):
    """Required questions (ÅR, R-L3) are unanswered; nothing was submitted."""

    def __init__(self, questions: list[Question]) -> None:
        super().__init__(f"{len(questions)} required questions unanswered")
        self.questions = questions


class NotAllowed(Exception):
    """The respondent cannot answer now: already submitted, or LBU without consent (R-L5)."""


class State(StrEnum):
    OPEN = "open"
    NOT_OPEN = "not_open"
    CLOSED = "closed"
    SUBMITTED = "submitted"
    EXPIRED = "expired"


# --- What a respondent answers ---------------------------------------------------------------


def respondent_part(respondent: Respondent) -> str | None:
    """The part of ÅR a respondent answers (R-L4): member companies the documentation
    questions, independent companies and training offices the reporting questions."""
    if respondent.round.kind != SurveyKind.AR:
        return None
    if respondent.role != RespondentRole.OFFICE and respondent.training_office_id is not None:
        return SectionPart.DOCUMENTATION
    return SectionPart.REPORTING


@dataclass
class SurveySection:
    section: Section
    number: int  # 1-based page number
    questions: list[Question]

    @property
    def title(self) -> str:
        return self.section.localized_title


@dataclass
class Survey:
    """One respondent's survey: the sections of the questionnaire they see, in order."""

    respondent: Respondent
    sections: list[SurveySection]

    @property
    def questionnaire(self) -> Questionnaire:
        return self.respondent.round.questionnaire

    @property
    def kind(self) -> str:
        return self.respondent.round.kind

    @property
    def is_anonymous(self) -> bool:
        return self.kind != SurveyKind.AR

    @property
    def has_intro(self) -> bool:
        """LU and LBU show their information letter first (R-L9); LBU asks for consent there."""
        return self.kind == SurveyKind.LBU or bool(self.questionnaire.information_letter)

    @property
    def needs_consent(self) -> bool:
        return self.kind == SurveyKind.LBU and self.respondent.consent_given_at is None

    @property
    def page_count(self) -> int:
        return len(self.sections)

    @property
    def send_page(self) -> int:
        return len(self.sections) + 1

    @property
    def questions(self) -> list[Question]:
        return [q for s in self.sections for q in s.questions]

    def is_required(self, question: Question) -> bool:
        return question_required(question, self.kind)


def question_required(question: Question, kind: str) -> bool:
    """ÅR questions must all be answered (R-L3); LU and LBU questions are voluntary unless the
    questionnaire says otherwise (R-L1, R-L2)."""
    return kind == SurveyKind.AR or question.required


def survey_load(respondent: Respondent) -> Survey:
    """The respondent's sections and questions, from the questionnaire held in memory."""
    part = respondent_part(respondent)
    questionnaire = respondent.round.questionnaire
    grouped: dict[int, SurveySection] = {}
    for question in questionnaire_questions(questionnaire.pk, questionnaire.source_sha256):
        if part is not None and question.section.part not in (part, SectionPart.NONE):
            continue
        entry = grouped.get(question.section_id)
        if entry is None:
            entry = grouped[question.section_id] = SurveySection(
                question.section, len(grouped) + 1, []
            )
        entry.questions.append(question)
    return Survey(respondent, list(grouped.values()))


@functools.lru_cache(maxsize=32)
def questionnaire_questions(questionnaire_id: int, source_sha256: str) -> tuple[Question, ...]:
    """A questionnaire's questions with their sections, in order, read once per process.

    A version's questions never change while its file is the same; `load_questionnaires`
    stores the file's SHA-256 with the questionnaire, so a changed file is read again. The
    instances are shared between requests and must not be changed."""
    return tuple(
        Question.objects.filter(questionnaire_id=questionnaire_id)
        .select_related("section")
        .order_by("section__position", "position")
    )


# --- Where a link leads ------------------------------------------------------------------------


def respondent_current(respondent: Respondent) -> Respondent:
    """The survey a respondent's link leads to now: a company that has submitted ÅR goes on to
    LBU in the same link (R-D9)."""
    while respondent.answered_at is not None and respondent.continues_to is not None:
        respondent = respondent.continues_to
    return respondent


def respondent_state(
    respondent: Respondent, link: RespondentLink | None = None, now: datetime | None = None
) -> State:
    now = now or timezone.now()
    if respondent.answered_at is not None:
        return State.SUBMITTED
    if now < respondent.round.opens_at:
        return State.NOT_OPEN
    if now >= respondent.round.closes_at:
        return State.CLOSED
    if link is not None and now >= link.expires_at:
        return State.EXPIRED
    return State.OPEN


def draft_of(respondent: Respondent) -> Draft | None:
    """The draft loaded with the respondent (select_related), or None."""
    try:
        return respondent.draft
    except Draft.DoesNotExist:
        return None


def landing_page(survey: Survey) -> int:
    """The page a returning respondent lands on: where they left, or the start (0)."""
    if survey.needs_consent:
        return 0
    draft = draft_of(survey.respondent)
    if draft is None:
        return 0 if survey.has_intro else 1
    return max(1, min(draft.page, survey.send_page))


# --- Drafts and consent --------------------------------------------------------------------


def draft_save(
    respondent: Respondent, answers: dict[str, Any], *, codes: Iterable[str], page: int
) -> None:
    """Saves one page: the answers to `codes` are replaced by `answers`, the rest kept."""
    if respondent.answered_at is not None:
        raise NotAllowed("already submitted")
    if respondent.round.kind == SurveyKind.LBU and respondent.consent_given_at is None:
        # Without consent nothing of LBU is stored (R-L5).
        raise NotAllowed("no consent")
    draft = draft_of(respondent)
    merged = dict(draft.answers) if draft is not None else {}
    for code in codes:
        merged.pop(code, None)
    merged.update(answers)
    # One upsert, so two tabs saving the first page at once cannot collide.
    Draft.objects.bulk_create(
        [Draft(respondent=respondent, answers=merged, page=page)],
        update_conflicts=True,
        unique_fields=["respondent"],
        update_fields=["answers", "page", "updated_at"],
    )


def respondent_language_remember(respondents: Iterable[Respondent], language: str) -> None:
    """The language a respondent chose on the survey's pages (the switcher's cookie) is the one
    later messages to them are written in. Writes only when it changed."""
    changed = [r for r in respondents if r.language != language]
    if changed:
        Respondent.objects.filter(pk__in=[r.pk for r in changed]).update(language=language)
        for respondent in changed:
            respondent.language = language


def consent_give(respondent: Respondent, now: datetime | None = None) -> None:
    if respondent.consent_given_at is None:
        respondent.consent_given_at = now or timezone.now()
        Respondent.objects.filter(pk=respondent.pk).update(
            consent_given_at=respondent.consent_given_at
        )


def consent_refuse(respondent: Respondent) -> None:
    """No consent, or consent withdrawn before submitting: whatever was saved is deleted."""
    Draft.objects.filter(respondent=respondent).delete()
    if respondent.consent_given_at is not None:
        respondent.consent_given_at = None
        Respondent.objects.filter(pk=respondent.pk).update(consent_given_at=None)


# --- Submission ------------------------------------------------------------------------------


def answers_missing(survey: Survey, answers: dict[str, Any]) -> list[Question]:
    return [
        q
        for q in survey.questions
        if survey.is_required(q) and answers.get(q.code) in (None, "", [])
    ]


def answers_submit(survey: Survey, *, user: Any = None, now: datetime | None = None) -> None:
    """Submits the draft. LU and LBU answers are stored anonymously, ÅR answers identified;
    the draft is deleted in the same transaction."""
    respondent = survey.respondent
    now = now or timezone.now()
    with transaction.atomic():
        allowed = Respondent.objects.filter(pk=respondent.pk, answered_at__isnull=True)
        if survey.kind == SurveyKind.LBU:
            allowed = allowed.filter(consent_given_at__isnull=False)
        # The conditional update takes the row lock: a second submission finds nothing to do.
        if not allowed.update(answered_at=now):
            raise NotAllowed("already submitted or no consent")
        saved = _draft_take(respondent)
        # Only the questions this respondent was shown, in questionnaire order.
        answers = {q.code: saved[q.code] for q in survey.questions if q.code in saved}
        missing = answers_missing(survey, answers)
        if missing:
            raise MissingAnswers(missing)
        if survey.is_anonymous:
            anonymous_store(respondent, answers)
        else:
            IdentifiedResponse.objects.create(
                respondent=respondent,
                round_id=respondent.round_id,
                county_id=respondent.county_id,
                training_office_id=respondent.training_office_id,
                company_id=respondent.company_id,
                part=respondent_part(respondent) or SectionPart.NONE,
                answers=answers,
                flags=failed_check_codes(survey.questionnaire.checks, answers),
                submitted_at=oslo_today(now),
                submitted_by=user if user is not None and user.is_authenticated else None,
            )
    respondent.answered_at = now


def _draft_take(respondent: Respondent) -> dict[str, Any]:
    """Deletes the draft and returns the answers it held, in one statement, so what is
    submitted is exactly what is deleted (the caller's transaction restores it on failure)."""
    table = connection.ops.quote_name(Draft._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {table} WHERE respondent_id = %s RETURNING answers",  # noqa: S608
            [respondent.pk],
        )
        row = cursor.fetchone()
    if row is None:
        return {}
    return json.loads(row[0]) if isinstance(row[0], str | bytes) else row[0]


# --- Labels of answers -------------------------------------------------------------------------


def answer_choices(question: Question) -> list[tuple[str, str]]:
    """The (value, label) pairs a choice question offers, labels in the active language."""
    if question.type == QuestionType.SCALE:
        choices = [(str(step.value), str(step.label)) for step in ScaleStep]
        if question.allow_dont_know:
            choices.append((DONT_KNOW, str(DONT_KNOW_LABEL)))
        return choices
    if question.type == QuestionType.YES_NO:
        return [("yes", _("Yes")), ("no", _("No"))]
    if question.type in (QuestionType.SINGLE, QuestionType.MULTIPLE):
        return [(c["code"], localized(c.get("text"))) for c in question.choices]
    return []


def answer_label(question: Question, value: Any) -> str:
    """An answer as a person reads it."""
    if value is None or value == "" or value == []:
        return ""
    labels = dict(answer_choices(question))
    if question.type == QuestionType.YES_NO:
        return labels["yes" if value else "no"]
    if question.type == QuestionType.MULTIPLE:
        return ", ".join(labels.get(str(v), str(v)) for v in value)
    if labels:
        return labels.get(str(value), str(value))
    return str(value)


# --- The training office's ÅR: its member companies' documentation answers (R-L4) -------------


@dataclass
class MemberSummary:
    question: Question  # the documentation question summarised
    lines: list[str] = field(default_factory=list)


def office_member_summaries(
    respondent: Respondent, questions: Iterable[Question]
) -> dict[str, list[MemberSummary]]:
    """For each reporting question that summarises documentation questions, what the office's
    member companies answered to them: {reporting question code: [summary per question]}."""
    questions = [q for q in questions if q.summarises]
    if not questions or respondent.training_office_id is None:
        return {}
    round_id = respondent.round_id
    members = Respondent.objects.filter(
        round_id=round_id, training_office_id=respondent.training_office_id
    ).exclude(role=RespondentRole.OFFICE)
    total = members.count()
    documented = list(
        IdentifiedResponse.objects.filter(
            round_id=round_id,
            part=SectionPart.DOCUMENTATION,
            respondent__in=members,
        ).values_list("answers", flat=True)
    )
    codes = {code for q in questions for code in q.summarises}
    documentation = {
        q.code: q
        for q in Question.objects.filter(
            questionnaire_id=respondent.round.questionnaire_id, code__in=codes
        )
    }
    summaries: dict[str, list[MemberSummary]] = defaultdict(list)
    for question in questions:
        for code in question.summarises:
            doc = documentation.get(code)
            if doc is not None:
                summaries[question.code].append(
                    MemberSummary(doc, _summary_lines(doc, documented, total))
                )
    return dict(summaries)


def _summary_lines(question: Question, documented: list[dict], total: int) -> list[str]:
    values = [a[question.code] for a in documented if a.get(question.code) not in (None, "", [])]
    lines: list[str] = []
    if question.type in (QuestionType.NUMBER,):
        lines.append(
            _("%(count)s of %(total)s member companies answered; the sum is %(sum)s")
            % {"count": len(values), "total": total, "sum": sum(int(v) for v in values)}
        )
    elif question.type == QuestionType.TEXT:
        lines.append(
            _("%(count)s of %(total)s member companies answered")
            % {"count": len(values), "total": total}
        )
    else:
        counts: Counter[str] = Counter()
        for value in values:
            for item in value if isinstance(value, list) else [value]:
                counts[_choice_value(question, item)] += 1
        for choice, label in answer_choices(question):
            if counts[choice] or question.type == QuestionType.YES_NO:
                lines.append(
                    _("%(count)s of %(total)s member companies answered “%(answer)s”")
                    % {"count": counts[choice], "total": total, "answer": label}
                )
    lines.append(_("%(count)s have not answered") % {"count": total - len(values)})
    return lines


def _choice_value(question: Question, value: Any) -> str:
    if question.type == QuestionType.YES_NO:
        return "yes" if value else "no"
    return str(value)
