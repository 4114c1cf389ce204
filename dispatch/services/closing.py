"""At the close of an LU or LBU round (surveys.signals.round_closing): each dispatch keeps its
counts, and every message row of the round is deleted with what the recording backend kept,
so nothing in dispatch tells which person got which message when. ÅR is identified by law
(R-L3) and keeps its messages until retention, which deletes what the recording backend kept
and the providers' error texts (they may quote an address)."""

from __future__ import annotations

from datetime import datetime

from django.db.models import Count, Q

from dispatch.models import Dispatch, Message, MessageState, RecordedMessage
from surveys.models import Round, SurveyKind

_SENT = (MessageState.SENT, MessageState.DELIVERED, MessageState.UNCERTAIN)


def round_messages_forget(round_: Round) -> int:
    """Keeps the counts on the dispatches and deletes the round's messages; returns the number
    of messages deleted. Runs inside the close step's transaction."""
    if round_.kind == SurveyKind.AR:
        return 0
    counts = (
        Message.objects.filter(dispatch__round=round_)
        .values("dispatch_id")
        .annotate(
            sent=Count("id", filter=Q(state__in=_SENT)),
            delivered=Count("id", filter=Q(state=MessageState.DELIVERED)),
            failed=Count("id", filter=Q(state=MessageState.FAILED)),
        )
        .order_by()
    )
    kept = {row["dispatch_id"]: row for row in counts}
    dispatches = list(Dispatch.objects.filter(round=round_, counts_kept=False))
    for dispatch in dispatches:
        row = kept.get(dispatch.pk, {})
        dispatch.sent_count = row.get("sent", 0)
        dispatch.delivered_count = row.get("delivered", 0)
        dispatch.failed_count = row.get("failed", 0)
        dispatch.counts_kept = True
    Dispatch.objects.bulk_update(
        dispatches, ["sent_count", "delivered_count", "failed_count", "counts_kept"]
    )
    RecordedMessage.objects.filter(round=round_).delete()
    deleted, _by_model = Message.objects.filter(dispatch__round=round_).delete()
    return deleted


def on_round_closing(sender, round: Round, **kwargs) -> None:
    round_messages_forget(round)


def messages_personal_data_forget(cutoff: datetime) -> int:
    """The recorded messages and the error texts of the rounds closed at or before `cutoff`;
    returns the number of rows changed."""
    recorded = RecordedMessage.objects.filter(round__closes_at__lte=cutoff).delete()[0]
    errors = (
        Message.objects.filter(dispatch__round__closes_at__lte=cutoff)
        .exclude(error="")
        .update(error="")
    )
    return recorded + errors


def on_personal_data_purging(sender, cutoff: datetime, **kwargs) -> int:
    return messages_personal_data_forget(cutoff)
