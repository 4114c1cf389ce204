"""What the dispatch pages read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.audience import Sender, audience
from dispatch.models import Dispatch, DispatchState, Message, MessageState, RecordedMessage
from dispatch.services.dispatches import Counts, count_fields, dispatch_counts
from dispatch.services.outbox import REFUSED
from surveys.models import Respondent, RespondentRole, Round

# A dispatch whose waiting messages nobody has moved for this long has stopped: the sweeper
# gives a dead worker's messages back within two minutes, so longer means the queue or its
# workers are away.
STALLED_AFTER = timedelta(minutes=3)


@dataclass(frozen=True)
class Progress:
    """Where a dispatch stands, as the pages say it: `key` is one of scheduled, sending,
    stalled, sent, sent_with_errors, not_sent, not_sent_closed, cancelled."""

    key: str
    label: str
    since: datetime | None = None
    why: str = ""


def dispatch_progress(
    dispatch: Dispatch, counts: Counts, *, now: datetime | None = None
) -> Progress:
    """The dispatch's state from what became of its messages: "sent" only when something was."""
    now = now or timezone.now()
    if dispatch.state == DispatchState.CANCELLED:
        return Progress("cancelled", _("Cancelled"), dispatch.cancelled_at)
    if dispatch.state == DispatchState.SCHEDULED:
        if dispatch.send_at >= dispatch.round.closes_at:
            return _closed(dispatch)
        return Progress("scheduled", _("Scheduled"), dispatch.send_at)
    if dispatch.state == DispatchState.SENDING:
        return _stalled(dispatch, now) or Progress("sending", _("Sending"), dispatch.send_at)
    if dispatch.hides_outcome:
        # A gathering send tells nothing of who had answered (R-L7), so nothing of what went.
        return Progress("sent", _("Sent"), dispatch.finished_at)
    if not (counts.sent or counts.failed or counts.uncertain):
        if counts.closed and counts.closed == counts.skipped:
            return _closed(dispatch)
        return Progress(
            "not_sent",
            _("Not sent"),
            dispatch.finished_at,
            _("Nobody could be reached when its time came."),
        )
    if counts.failed or counts.uncertain:
        return Progress("sent_with_errors", _("Sent with errors"), dispatch.finished_at)
    return Progress("sent", _("Sent"), dispatch.finished_at)


def _closed(dispatch: Dispatch) -> Progress:
    return Progress(
        "not_sent_closed",
        _("Not sent: the round had closed"),
        dispatch.round.closes_at,
        _("Its time came after the survey round had closed, so no message went out."),
    )


def _stalled(dispatch: Dispatch, now: datetime) -> Progress | None:
    """Stalled: messages wait that may go now, and no claim has moved for STALLED_AFTER."""
    due = Q(state=MessageState.PENDING) & (Q(not_before__isnull=True) | Q(not_before__lte=now))
    row = dispatch.messages.order_by().aggregate(
        waiting=Count("id", filter=due | Q(state__in=(MessageState.CLAIMED, MessageState.HANDING))),
        claimed=Max("claimed_at"),
        sent=Max("sent_at"),
    )
    moved = max([t for t in (dispatch.send_at, row["claimed"], row["sent"]) if t is not None])
    if not row["waiting"] or now - moved <= STALLED_AFTER:
        return None
    why = _(
        "No message has moved for %(minutes)s minutes while %(n)s wait: the sending queue or "
        "its workers are not working on them. They are sent when the service is back; "
        "nothing is sent twice."
    ) % {"minutes": int((now - moved).total_seconds() // 60), "n": row["waiting"]}
    return Progress("stalled", _("Stalled"), moved, why)


def failure_reasons(dispatch: Dispatch) -> list[tuple[str, str, int]]:
    """The dispatch's failed messages grouped by why: (what it means, the provider's words,
    how many), most first."""
    rows = (
        dispatch.messages.filter(state=MessageState.FAILED)
        .values_list("error")
        .annotate(n=Count("id"))
        .order_by("-n", "error")
    )
    groups = []
    for error, n in rows[:10]:
        if error.startswith(REFUSED):
            meaning = _("The provider refused the address or number; it is marked invalid")
            error = error[len(REFUSED) :]
        else:
            meaning = _("The provider failed on every try")
        groups.append((meaning, error, n))
    return groups


@dataclass
class HistoryRow:
    dispatch: Dispatch
    counts: Counts
    own: bool

    @property
    def progress(self) -> Progress:
        return dispatch_progress(self.dispatch, self.counts)

    @property
    def reached_nobody(self) -> bool:
        """Cancelled before anything was handed to a provider: it reached nobody."""
        c = self.counts
        return self.dispatch.state == DispatchState.CANCELLED and not (
            c.sent or c.failed or c.uncertain
        )


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
        ).exclude(state=MessageState.CANCELLED)
    )
    dispatches = list(
        Dispatch.objects.filter(round=round_)
        .filter(own | reached)
        .select_related("round", "county", "training_office")
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
