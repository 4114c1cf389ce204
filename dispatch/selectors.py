"""What the dispatch pages read."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404

from dispatch.audience import Sender, audience
from dispatch.models import Dispatch, Message, MessageState, RecordedMessage
from dispatch.services.dispatches import Counts, count_fields, dispatch_counts
from surveys.models import Respondent, RespondentRole, Round


@dataclass
class HistoryRow:
    dispatch: Dispatch
    counts: Counts
    own: bool


def dispatch_of_sender(sender: Sender, pk: int) -> Dispatch:
    """The sender's own dispatch, or a 404."""
    dispatch = (
        Dispatch.objects.select_related("round", "county", "training_office", "created_by")
        .filter(pk=pk, **sender.filter)
        .first()
    )
    if dispatch is None:
        raise Http404
    return dispatch


def round_history(round_: Round, sender: Sender) -> list[HistoryRow]:
    """Every dispatch of the round by the sender, and those by others (the county, training
    offices) that reached the sender's recipients (R-D3), newest first, with their counts."""
    own = Q(**sender.filter)
    reached = Exists(
        Message.objects.filter(
            dispatch=OuterRef("pk"), respondent__in=audience(round_, sender).values("pk")
        )
    )
    dispatches = list(
        Dispatch.objects.filter(round=round_)
        .filter(own | reached)
        .select_related("county", "training_office")
        .order_by("-send_at", "-pk")
    )
    live = {
        row["dispatch_id"]: row
        for row in Message.objects.filter(dispatch__in=[d for d in dispatches if not d.counts_kept])
        .values("dispatch_id")
        .annotate(**count_fields())
        .order_by()
    }
    rows = []
    for d in dispatches:
        if d.counts_kept:
            counts = dispatch_counts(d)
        else:
            row = live.get(d.pk, {})
            counts = Counts(
                recipients=d.recipients,
                **{k: row.get(k, 0) for k in count_fields()},
            )
        is_own = d.county_id == (sender.county.pk if sender.county else None) and (
            d.training_office_id == (sender.office.pk if sender.office else None)
        )
        rows.append(HistoryRow(d, counts, is_own))
    return rows


def skip_reasons(dispatch: Dispatch) -> list[tuple[str, int]]:
    from django.db.models import Count

    from dispatch.models import SkipReason

    rows = (
        dispatch.messages.filter(state=MessageState.SKIPPED)
        .values_list("skip_reason")
        .annotate(n=Count("id"))
        .order_by()
    )
    return [(str(SkipReason(reason).label), n) for reason, n in rows if reason]


def gathering_candidates(
    round_: Round, sender: Sender, *, trade: str = "", company: str = ""
) -> QuerySet[Respondent]:
    """The office's sampled apprentices (R-D13), filtered by trade or company: answered or
    not, since the office must not learn which LU respondent has answered."""
    people = audience(round_, sender).filter(role=RespondentRole.APPRENTICE)
    if trade.isdigit():
        people = people.filter(trade_id=int(trade))
    if company.isdigit():
        people = people.filter(company_id=int(company))
    return people.select_related("trade", "company").order_by("company__name", "name", "pk")


def gathering_choices(round_: Round, sender: Sender) -> tuple[list, list]:
    people = audience(round_, sender).filter(role=RespondentRole.APPRENTICE)
    trades = (
        people.exclude(trade=None)
        .values_list("trade_id", "trade__name")
        .distinct()
        .order_by("trade__name")
    )
    companies = (
        people.exclude(company=None)
        .values_list("company_id", "company__name")
        .distinct()
        .order_by("company__name")
    )
    return list(trades), list(companies)


def recorded_for_sender(sender: Sender, limit: int = 200) -> list[RecordedMessage]:
    ids = Message.objects.filter(**{f"dispatch__{k}": v for k, v in sender.filter.items()})
    return list(RecordedMessage.objects.filter(message_id__in=ids.values("id"))[:limit])
