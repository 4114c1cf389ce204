"""Ordering, cancelling and releasing dispatches. A dispatch is written whole or not at all:
its row, one message row per recipient and channel, its SMS quota unit and its audit entry in
one transaction; the sending tasks are enqueued once that has been committed, and a broker
that is away then does not undo the order (the sweeper enqueues it later).

Orders of one round are planned and written one at a time (a lock held to the end of the
transaction), each planning afresh inside the lock: a double-click, a page sent again or
twenty administrators pressing Send at once make one dispatch, and the others find its
recipients already reached. The order form's one-time key, unique among dispatches, tells a
second post of the same form from a new order."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState, Message, MessageState, Purpose, SkipReason
from dispatch.services.order_rules import DispatchRequest, LeftOut
from dispatch.services.preview import Plan, dispatch_plan
from dispatch.services.quotas import quota_give_back, quota_take
from dispatch.tasks import dispatch_enqueue
from portal.accounts.user_admin import office_manager_activate
from portal.audit.record import audit_record
from portal.lib.bulk import rows_insert
from portal.lib.oslo import oslo_now
from portal.models import AuditAction, County, TrainingOffice, User
from surveys.models import RespondentRole, SurveyKind


class DispatchRefused(ValidationError):
    """The dispatch cannot be made as asked; the messages say what to change."""


class AlreadyOrdered(DispatchRefused):
    """The order was made already: the same form posted again, or another order of the same
    sender that has just reached everyone this one would. `dispatch` is that order."""

    def __init__(self, dispatch: Dispatch) -> None:
        self.dispatch = dispatch
        user = dispatch.created_by
        name = (user.full_name or user.email) if user is not None else _("another user")
        at = date_format(oslo_now(dispatch.created_at), "SHORT_DATETIME_FORMAT")
        super().__init__(
            _("This dispatch was already ordered by %(name)s %(time)s.")
            % {"name": name, "time": at}
        )


# Reasons that say an earlier order has reached the person: an order that leaves everyone out
# for these, shortly after the sender's own order of the same kind, is that order again.
_REACHED = frozenset({LeftOut.INVITED, LeftOut.SPACING, LeftOut.CAP})
RECENT_ORDER = timedelta(minutes=10)
# pg_advisory_xact_lock(ORDER_LOCK, round id): the first key keeps the portal's locks apart.
ORDER_LOCK = 0x4F524452


@dataclass(frozen=True)
class Counts:
    recipients: int
    messages: int
    sent: int  # handed to the provider (delivered and failed after that included)
    delivered: int
    failed: int
    skipped: int
    waiting: int  # not yet handed to the provider
    # Handed by a worker that died, or when the dispatch was cancelled: they may have gone.
    uncertain: int = 0
    closed: int = 0  # of the skipped: the round had closed when their time came

    @property
    def done(self) -> int:
        return self.messages - self.waiting

    @property
    def percent(self) -> int:
        return 100 if not self.messages else round(100 * self.done / self.messages)


def dispatch_counts(dispatch: Dispatch) -> Counts:
    """Progress and outcome: read from the messages, or from the counts the dispatch keeps
    once its round's message rows are gone."""
    if dispatch.counts_kept:
        return Counts(
            dispatch.recipients,
            dispatch.sent_count + dispatch.failed_count,
            dispatch.sent_count,
            dispatch.delivered_count,
            dispatch.failed_count,
            0,
            0,
        )
    return _counts(dispatch.recipients, dispatch.messages.all())


_WAITING = (MessageState.PENDING, MessageState.CLAIMED, MessageState.HANDING)
_SENT = (MessageState.SENT, MessageState.DELIVERED)


def count_fields() -> dict:
    return {
        "messages": Count("id"),
        "sent": Count("id", filter=Q(state__in=_SENT)),
        "uncertain": Count("id", filter=Q(state=MessageState.UNCERTAIN)),
        "closed": Count(
            "id",
            filter=Q(state=MessageState.SKIPPED, skip_reason=SkipReason.OUTSIDE_WINDOW),
        ),
        "delivered": Count("id", filter=Q(state=MessageState.DELIVERED)),
        "failed": Count("id", filter=Q(state=MessageState.FAILED)),
        "skipped": Count("id", filter=Q(state__in=(MessageState.SKIPPED, MessageState.CANCELLED))),
        "waiting": Count("id", filter=Q(state__in=_WAITING)),
    }


def _counts(recipients: int, messages: QuerySet[Message]) -> Counts:
    row = messages.order_by().aggregate(**count_fields())
    return Counts(recipients=recipients, **row)


# How long due messages may wait unclaimed before the page says the queue is away.
QUEUE_QUIET = timedelta(seconds=60)


def dispatch_queue_waiting(dispatch: Dispatch, now: datetime | None = None) -> bool:
    """Sending, with messages due that no worker has claimed for a while: their tasks never
    reached a worker (the broker was away when it was ordered, or a worker died), and the
    sweeper enqueues them again once the queue is back."""
    now = now or timezone.now()
    quiet = now - QUEUE_QUIET
    if dispatch.state != DispatchState.SENDING or dispatch.counts_kept or dispatch.send_at > quiet:
        return False
    messages = dispatch.messages.order_by()
    if messages.filter(claimed_at__gte=quiet).exists():
        return False
    due = Q(not_before__isnull=True) | Q(not_before__lte=now)
    return messages.filter(due, state=MessageState.PENDING).exists()


def dispatch_create(
    request: DispatchRequest,
    *,
    user: User | None = None,
    http_request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Dispatch:
    """Plans the dispatch afresh and writes it, or raises DispatchRefused (AlreadyOrdered
    when it has been ordered already)."""
    now = now or timezone.now()
    with transaction.atomic():
        _round_lock(request)
        _earlier_order_refuse(request)
        plan = dispatch_plan(request, now=now)
        if plan.errors:
            raise DispatchRefused(plan.errors)
        # A gathering send looks the same whoever of those picked has answered: it is made,
        # and takes its SMS dispatch, even when everyone picked is left out.
        hides = request.purpose == Purpose.GATHERING and plan.people > 0
        if not plan.recipients and not hides:
            _recent_order_refuse(plan, now)
            raise DispatchRefused(_("Nobody can be reached by this dispatch."))
        if request.by_sms and (plan.by_sms or hides):
            quota_take(request.round, request.sender)
        dispatch = _write(plan, user, now)
        audit_record(
            AuditAction.DISPATCH_CREATED,
            request=http_request,
            user=user,
            county=request.sender.county,
            office=request.sender.office,
            target=f"{request.round}: {dispatch.get_purpose_display()} ({dispatch.pk})",
            detail={
                "dispatch": dispatch.pk,
                "round": request.round.pk,
                "purpose": request.purpose,
                "channels": dispatch.channels,
                "recipients": dispatch.recipients,
                "send_at": dispatch.send_at.isoformat(),
                # R-D6: recipients this reminder is the 4th or later for, by explicit choice.
                "beyond_rule_of_thumb": plan.beyond_rule_of_thumb,
                "targeting": plan.targeting,
            },
        )
        county = request.sender.county
        if county is not None and request.round.kind == SurveyKind.AR:
            _offices_activate(plan, county, http_request)
        if dispatch.state == DispatchState.SENDING:
            count = plan.by_email + plan.by_sms
            transaction.on_commit(lambda: dispatch_enqueue(dispatch.pk, count))
    return dispatch


def _round_lock(request: DispatchRequest) -> None:
    """Held until the transaction ends. Per round rather than per sender: the reminder cap and
    "already invited" count the county's and the offices' messages together (R-D3, R-D6).
    SQLite has one writer at a time anyway."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ORDER_LOCK, request.round.pk])


def _earlier_order_refuse(request: DispatchRequest) -> None:
    if request.order_key is None:
        return
    earlier = (
        Dispatch.objects.select_related("created_by")
        .filter(order_key=request.order_key, **request.sender.filter)
        .first()
    )
    if earlier is not None:
        raise AlreadyOrdered(earlier)


def _recent_order_refuse(plan: Plan, now: datetime) -> None:
    """Everyone left out because an order of the sender's own, of the same kind and made a
    moment ago, reaches them: that order is named, so the administrator can follow it."""
    request = plan.request
    if not plan.left_out or set(plan.left_out) - _REACHED:
        return
    recent = (
        Dispatch.objects.select_related("created_by")
        .filter(
            round=request.round,
            purpose=request.purpose,
            created_at__gte=now - RECENT_ORDER,
            **request.sender.filter,
        )
        .exclude(state=DispatchState.CANCELLED)
        .order_by("-created_at", "-pk")
        .first()
    )
    if recent is not None:
        raise AlreadyOrdered(recent)


def _offices_activate(plan: Plan, county: County, http_request: HttpRequest | None) -> int:
    """R-A3: a training office that gets ÅR from the county and has no user yet gets one for
    its managing director. The activation e-mails are stored in the account mail outbox in the
    order's transaction, so the broker's state never loses one. Returns how many."""
    offices = TrainingOffice.objects.filter(
        county=county,
        respondents__pk__in=[r.respondent_id for r in plan.recipients],
        respondents__role=RespondentRole.OFFICE,
    ).distinct()
    activated = 0
    for office in offices:
        user = office_manager_activate(office=office, county=county, request=http_request)
        activated += user is not None
    return activated


def _write(plan: Plan, user: User | None, now: datetime) -> Dispatch:
    request = plan.request
    dispatch = Dispatch.objects.create(
        order_key=request.order_key,
        round=request.round,
        county=request.sender.county,
        training_office=request.sender.office,
        purpose=request.purpose,
        by_email=request.by_email,
        by_sms=request.by_sms and (plan.by_sms > 0 or request.purpose == Purpose.GATHERING),
        language=request.language,
        send_at=plan.send_at,
        state=DispatchState.SENDING if plan.send_at <= now else DispatchState.SCHEDULED,
        override_spacing=request.override_spacing,
        targeting=plan.targeting,
        own_words=plan.own_words,
        created_by=user,
        # A gathering send counts everyone picked: how many were left out for having answered
        # is not the office's to know.
        recipients=plan.people if request.purpose == Purpose.GATHERING else len(plan.recipients),
    )
    rows = (
        (uuid.uuid4(), dispatch.pk, r.respondent_id, channel)
        for r in plan.recipients
        for channel in r.channels
    )
    rows_insert(Message, ("id", "dispatch_id", "respondent_id", "channel"), rows)
    return dispatch


def dispatch_cancel(
    dispatch: Dispatch, *, user: User | None = None, http_request: HttpRequest | None = None
) -> int:
    """Cancels what has not been handed to the provider yet; returns the messages cancelled.
    Every message is settled: waiting and claimed ones are cancelled (a task still holding the
    claim finds nothing left to hand), and those being handed become uncertain, since they may
    have gone; a task still handing them marks them with what the provider answered. An SMS
    dispatch that sent nothing gives its quota unit back."""
    with transaction.atomic():
        dispatch = Dispatch.objects.select_for_update().get(pk=dispatch.pk)
        if dispatch.state not in (DispatchState.SCHEDULED, DispatchState.SENDING):
            raise DispatchRefused(_("The dispatch has finished and cannot be cancelled."))
        cancelled = dispatch.messages.filter(
            state__in=(MessageState.PENDING, MessageState.CLAIMED)
        ).update(state=MessageState.CANCELLED)
        dispatch.messages.filter(state=MessageState.HANDING).update(state=MessageState.UNCERTAIN)
        nothing_sent = not dispatch.messages.exclude(state=MessageState.CANCELLED).exists()
        if dispatch.by_sms and nothing_sent:
            quota_give_back(dispatch.round, _sender_of(dispatch))
        dispatch.state = DispatchState.CANCELLED
        dispatch.cancelled_at = timezone.now()
        dispatch.save(update_fields=["state", "cancelled_at"])
        audit_record(
            AuditAction.DISPATCH_CANCELLED,
            request=http_request,
            user=user,
            county=dispatch.county,
            office=dispatch.training_office,
            target=f"{dispatch.round}: {dispatch.get_purpose_display()} ({dispatch.pk})",
            detail={"dispatch": dispatch.pk, "cancelled_messages": cancelled},
        )
    return cancelled


def _sender_of(dispatch: Dispatch) -> Sender:
    return Sender(county=dispatch.county, office=dispatch.training_office)
