"""Answering through a gathering code (R-D13).

The office that prints a gathering sheet holds every code on it, so a code is treated as known
to the office as well as to the apprentice:

- each browser that opens a code starts a draft of its own (CodeDraft, keyed by a random key in
  that browser's respondent cookie): nobody else holding the code, in another browser, sees what
  was saved, and the respondent's own draft (saved through their personal link) is never read
  or written through a code;
- a code's pages look the same whether or not the respondent has answered through another link
  or another browser: the survey opens, and sending ends on the same "thank you" page;
- the first submission of a respondent counts, by whatever link or code; a later one through a
  code is dropped without a word, so it can neither replace the respondent's own answers nor
  tell the code's holder that they existed;
- a code works only until the end of the gathering's day (`RespondentLink.expires_at`).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from surveys.models import CodeDraft, Draft, Respondent, RespondentLink
from surveys.services.anonymous import anonymous_store
from surveys.services.answering import MissingAnswers, State, Survey, answers_missing


def browser_key_new() -> str:
    return secrets.token_urlsafe(24)


def _browser(key: str) -> str:
    # Only a hash is stored: the key in the cookie is what opens the draft.
    return hashlib.sha256(key.encode()).hexdigest()


def code_draft(link: RespondentLink, browser_key: str) -> CodeDraft | None:
    return CodeDraft.objects.filter(link=link, browser=_browser(browser_key)).first()


def code_state(
    link: RespondentLink,
    respondent: Respondent,
    browser_key: str,
    now: datetime | None = None,
) -> State:
    """The state a code's page shows. It never depends on `respondent.answered_at`: what the
    respondent did elsewhere is not the code holder's to know."""
    now = now or timezone.now()
    if now < respondent.round.opens_at:
        return State.NOT_OPEN
    if now >= respondent.round.closes_at:
        return State.CLOSED
    if now >= link.expires_at:
        return State.EXPIRED
    draft = code_draft(link, browser_key)
    if draft is not None and draft.submitted:
        return State.SUBMITTED
    return State.OPEN


def code_draft_save(
    link: RespondentLink,
    browser_key: str,
    answers: dict[str, Any],
    *,
    codes: Iterable[str],
    page: int,
) -> None:
    """Saves one page into this browser's draft of the code: the answers to `codes` are
    replaced by `answers`, the rest kept. Nothing is saved after this browser has sent."""
    draft = code_draft(link, browser_key)
    if draft is not None and draft.submitted:
        return
    merged = dict(draft.answers) if draft is not None else {}
    for code in codes:
        merged.pop(code, None)
    merged.update(answers)
    CodeDraft.objects.bulk_create(
        [CodeDraft(link=link, browser=_browser(browser_key), answers=merged, page=page)],
        update_conflicts=True,
        unique_fields=["link", "browser"],
        update_fields=["answers", "page"],
    )


def code_answers_submit(
    survey: Survey, link: RespondentLink, browser_key: str, *, now: datetime | None = None
) -> None:
    """Sends this browser's answers. They count only when the respondent has not answered yet
    (by any link); otherwise they are dropped, and the page that follows is the same."""
    respondent = survey.respondent
    now = now or timezone.now()
    with transaction.atomic():
        draft = (
            CodeDraft.objects.select_for_update()
            .filter(link=link, browser=_browser(browser_key))
            .first()
        )
        if draft is not None and draft.submitted:
            return
        saved = draft.answers if draft is not None else {}
        answers = {q.code: saved[q.code] for q in survey.questions if q.code in saved}
        missing = answers_missing(survey, answers)
        if missing:
            raise MissingAnswers(missing)
        CodeDraft.objects.update_or_create(
            link=link,
            browser=_browser(browser_key),
            defaults={"answers": {}, "page": 0, "submitted": True},
        )
        # The conditional update takes the row lock: the first submission of the respondent
        # wins, by whatever link it came.
        if Respondent.objects.filter(pk=respondent.pk, answered_at__isnull=True).update(
            answered_at=now
        ):
            anonymous_store(respondent, answers)
            # The respondent's own draft is of no use any more; nobody read it.
            Draft.objects.filter(respondent=respondent).delete()
