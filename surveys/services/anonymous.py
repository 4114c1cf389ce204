"""Anonymous LU and LBU answers (R-L7): stored with their report class only, and written
again in random order so that neither the order of the rows nor the transaction that wrote them
ties an answer to its respondent."""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from surveys.models import AnonymousResponse, ReportClass, Respondent, Round, SurveyKind

# A submitted anonymous answer is written together with this many earlier answers of the same
# round, all in random order, so neither the row's place in the table nor the transaction that
# wrote it tells which respondent it belongs to.
MIX_SIZE = 20
# Rounds are mixed whole every night while open and for a week after they close.
MIX_AFTER_CLOSE = timedelta(days=7)


def _class_of(respondent: Respondent) -> dict[str, Any]:
    """The dimensions the respondent's answer may keep: those of its report class
    (surveys/services/report_classes.py), or, for a sample never frozen, the county alone."""
    report_class = (
        ReportClass.objects.filter(pk=respondent.report_class_id).first()
        if respondent.report_class_id is not None
        else None
    )
    if report_class is None:
        return {"county_id": respondent.county_id}
    return report_class.dimensions


def anonymous_store(respondent: Respondent, answers: dict[str, Any]) -> None:
    """Stores the answer with its report class only (R-L7): no respondent, no time.

    The row is written together with up to MIX_SIZE earlier answers of the round, deleted and
    inserted again in random order, so that neither the physical order of the table nor the
    transaction id that wrote a row can be matched to the respondent's `answered_at`."""
    row = AnonymousResponse(round_id=respondent.round_id, answers=answers, **_class_of(respondent))
    earlier = list(
        AnonymousResponse.objects.filter(round_id=respondent.round_id)
        .select_for_update(skip_locked=True)
        .order_by("?")[:MIX_SIZE]
    )
    _rewrite(earlier, [row])


def _rewrite(existing: list[AnonymousResponse], new: list[AnonymousResponse]) -> None:
    rows = existing + new
    random.SystemRandom().shuffle(rows)
    if existing:
        # Nothing refers to an anonymous answer (tests/surveys/test_anonymity.py), so a delete
        # and insert with the same ids is invisible to every other table.
        AnonymousResponse.objects.filter(pk__in=[r.pk for r in existing]).delete()
    AnonymousResponse.objects.bulk_create(rows)


def anonymous_answers_mix(round_: Round, batch_size: int = 2000) -> int:
    """Re-writes all of a round's anonymous answers in random order, batch by batch (random
    batches, each shuffled, make a random order of the whole), so the table's order says
    nothing about when an answer came. Returns the rows re-written."""
    ids = list(AnonymousResponse.objects.filter(round=round_).values_list("pk", flat=True))
    random.SystemRandom().shuffle(ids)
    for start in range(0, len(ids), batch_size):
        with transaction.atomic():
            batch = list(
                AnonymousResponse.objects.filter(pk__in=ids[start : start + batch_size])
                .select_for_update(skip_locked=True)
                .order_by()
            )
            _rewrite(batch, [])
    return len(ids)


def open_rounds_mix(now: datetime | None = None) -> int:
    """Mixes the anonymous answers of every LU and LBU round that takes answers now or closed
    within MIX_AFTER_CLOSE, so the last answers of a round are mixed again after it closes."""
    now = now or timezone.now()
    rounds = Round.objects.filter(
        kind__in=[SurveyKind.LU, SurveyKind.LBU],
        opens_at__lte=now,
        closes_at__gte=now - MIX_AFTER_CLOSE,
    )
    return sum(anonymous_answers_mix(r) for r in rounds)
