"""Ordering, cancelling and releasing dispatches. A dispatch is written whole or not at all:
its row, one message row per recipient and channel, its SMS quota unit and its audit entry in
one transaction; the sending tasks are enqueued once that has been committed."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState, Message, MessageState, Purpose, SkipReason
from dispatch.services.order_rules import DispatchRequest
from dispatch.services.preview import Plan, dispatch_plan
from dispatch.services.quotas import quota_give_back, quota_take
from dispatch.tasks import dispatch_enqueue
from portal.accounts.user_admin import office_manager_activate
from portal.audit.record import audit_record
from portal.lib.bulk import rows_insert
from portal.models import AuditAction, TrainingOffice, User
from surveys.models import RespondentRole, SurveyKind


class DispatchRefused(ValidationError):
    """The dispatch cannot be made as asked; the messages say what to change."""


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


def dispatch_create(
    request: DispatchRequest,
    *,
    user: User | None = None,
    http_request: HttpRequest | None = None,
    now: datetime | None = None,
) -> Dispatch:
    """Plans the dispatch afresh and writes it, or raises DispatchRefused."""
    now = now or timezone.now()
    with transaction.atomic():
        plan = dispatch_plan(request, now=now)
        if plan.errors:
            raise DispatchRefused(plan.errors)
        # A gathering send looks the same whoever of those picked has answered: it is made,
        # and takes its SMS dispatch, even when everyone picked is left out.
        hides = request.purpose == Purpose.GATHERING and plan.people > 0
        if not plan.recipients and not hides:
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
            },
        )
        if request.sender.is_county and request.round.kind == SurveyKind.AR:
            _offices_activate(plan, request.sender.county, http_request)
        if dispatch.state == DispatchState.SENDING:
            count = plan.by_email + plan.by_sms
            transaction.on_commit(lambda: dispatch_enqueue(dispatch.pk, count))
    return dispatch


def _offices_activate(plan: Plan, county, http_request: HttpRequest | None) -> None:
    """R-A3: a training office that gets ÅR from the county and has no user yet gets one for
    its managing director, with the activation e-mail (sent once this transaction commits)."""
    offices = TrainingOffice.objects.filter(
        county=county,
        respondents__pk__in=[r.respondent_id for r in plan.recipients],
        respondents__role=RespondentRole.OFFICE,
    ).distinct()
    for office in offices:
        office_manager_activate(office=office, county=county, request=http_request)


def _write(plan: Plan, user: User | None, now: datetime) -> Dispatch:
    request = plan.request
    dispatch = Dispatch.objects.create(
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
