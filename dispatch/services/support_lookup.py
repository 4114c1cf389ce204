"""Support lookup: an administrator finds one respondent of their own organisation by name,
mobile or e-mail, sees which messages went to them, when and what became of each, and can send
the personal link again.

What an organisation may look up is its own respondents: a county those it is responsible for
(Respondent.county), a training office its own (Respondent.training_office). Identity numbers
are never stored in clear and are not searched.

R-L7: whether an LU or LBU respondent answered is never shown, not even through the messages:
a message left out because the person had answered reads as "not sent", like one left out for
any other reason the sender need not know. ÅR is identified by law (R-L3), so ÅR shows it.

LU and LBU messages are deleted when the round closes (dispatch.services.closing); the lookup
then finds the person no more, or no messages."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.db import connection, transaction
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from dispatch.audience import Sender
from dispatch.models import (
    Channel,
    Dispatch,
    DispatchState,
    Message,
    MessageState,
    Purpose,
    SkipReason,
    SmsOptOut,
)
from dispatch.services.dispatches import ORDER_LOCK, DispatchRefused
from dispatch.services.order_rules import window_errors
from dispatch.services.quotas import quota_left, quota_take
from dispatch.tasks import dispatch_enqueue
from portal.audit.record import audit_record
from portal.lib.bulk import rows_insert
from portal.models import AuditAction, User
from surveys.models import Respondent, SurveyKind

MIN_QUERY = 3
MAX_FOUND = 50

# What became of a message, in the words of the page. The keys are the outcomes the page and
# its tests know; a message's state and skip reason map onto one of them.
OUTCOMES = {
    "queued": gettext_lazy("Queued"),
    "sent": gettext_lazy("Sent"),
    "delivered": gettext_lazy("Delivered"),
    "bounced": gettext_lazy("Bounced (not delivered)"),
    "stopped": gettext_lazy("Not sent: the person has answered STOP (opted out of SMS)"),
    "no_address": gettext_lazy("Not sent: no valid address"),
    "not_sent": gettext_lazy("Not sent"),
    "cancelled": gettext_lazy("Cancelled"),
    "uncertain": gettext_lazy("Uncertain: may or may not have gone out"),
    "closed": gettext_lazy("Not sent: the round was closed"),
}

_STATE_OUTCOME: dict[str, str] = {
    MessageState.PENDING: "queued",
    MessageState.CLAIMED: "queued",
    MessageState.HANDING: "queued",
    MessageState.SENT: "sent",
    MessageState.DELIVERED: "delivered",
    MessageState.FAILED: "bounced",
    MessageState.CANCELLED: "cancelled",
    MessageState.UNCERTAIN: "uncertain",
}
_SKIP_OUTCOME: dict[str, str] = {
    SkipReason.OPTED_OUT: "stopped",
    SkipReason.NO_ADDRESS: "no_address",
    SkipReason.BAD_NUMBER: "no_address",
    SkipReason.OUTSIDE_WINDOW: "closed",
}


def _scope(sender: Sender) -> QuerySet[Respondent]:
    """The respondents the organisation may look up: its own, in rounds whose personal data
    is still kept."""
    people = Respondent.objects.filter(personal_data_deleted_at__isnull=True)
    if sender.county is not None:
        return people.filter(county=sender.county)
    return people.filter(training_office=sender.office)


def _mobile_digits(text: str) -> str:
    """The last eight digits of a Norwegian number however written (+47 912 34 567)."""
    digits = re.sub(r"\D", "", text)
    return digits[-8:] if len(digits) >= 8 else ""


def respondents_find(sender: Sender, query: str) -> list[Respondent]:
    """The organisation's respondents matching `query` by name (every word), e-mail or mobile,
    newest round first, at most MAX_FOUND. A query shorter than MIN_QUERY finds nobody."""
    query = query.strip()
    if len(query) < MIN_QUERY:
        return []
    match = Q(email__iexact=query)
    if "@" not in query:
        words = query.split()
        match |= Q(*(Q(name__icontains=word) for word in words))
    digits = _mobile_digits(query)
    if digits and not re.search(r"[^\d\s+()-]", query):
        match |= Q(mobile__endswith=digits)
    return list(
        _scope(sender)
        .filter(match)
        .select_related("round", "company", "training_office")
        .order_by("-round__year", "name", "pk")[:MAX_FOUND]
    )


def respondent_of(sender: Sender, pk: int) -> Respondent | None:
    return (
        _scope(sender)
        .select_related("round", "company", "training_office", "county")
        .filter(pk=pk)
        .first()
    )


def shows_answered(respondent: Respondent) -> bool:
    """Only ÅR shows whether the person answered (R-L3); LU and LBU never (R-L7)."""
    return respondent.round.kind == SurveyKind.AR


@dataclass(frozen=True)
class MessageLine:
    channel: str
    purpose: str
    sender: str
    send_at: datetime
    sent_at: datetime | None
    outcome: str

    @property
    def outcome_label(self) -> str:
        return str(OUTCOMES[self.outcome])


@dataclass
class PersonView:
    respondent: Respondent
    messages: list[MessageLine] = field(default_factory=list)
    opted_out: bool = False
    answered: bool | None = None  # None: not shown (LU, LBU)


def _outcome(message: Message) -> str:
    if message.state == MessageState.SKIPPED:
        # ANSWERED, like any reason not listed, reads as "not sent" (R-L7).
        return _SKIP_OUTCOME.get(message.skip_reason, "not_sent")
    return _STATE_OUTCOME.get(message.state, "queued")


def person_view(respondent: Respondent) -> PersonView:
    """The respondent's messages from every sender, oldest first, and their SMS opt-out."""
    rows = (
        Message.objects.filter(respondent=respondent)
        .select_related("dispatch__county", "dispatch__training_office")
        .order_by("dispatch__send_at", "dispatch_id", "channel")
    )
    lines = [
        MessageLine(
            channel=str(Channel(m.channel).label),
            purpose=str(Purpose(m.dispatch.purpose).label),
            sender=Sender(county=m.dispatch.county, office=m.dispatch.training_office).name,
            send_at=m.dispatch.send_at,
            sent_at=m.sent_at,
            outcome=_outcome(m),
        )
        for m in rows
    ]
    opted_out = (
        bool(respondent.mobile) and SmsOptOut.objects.filter(mobile=respondent.mobile).exists()
    )
    answered = respondent.answered_at is not None if shows_answered(respondent) else None
    return PersonView(respondent, lines, opted_out, answered)


def lookup_audit(request: HttpRequest, sender: Sender, query: str, found: int) -> None:
    """Every search is logged, with how many it found; the words searched are not kept (they
    may be a name, an e-mail or a mobile)."""
    audit_record(
        AuditAction.VIEW_IDENTIFIED,
        request=request,
        county=sender.county,
        office=sender.office,
        target=_("Support lookup: search"),
        detail={"support_search": True, "found": found, "query_length": len(query.strip())},
    )


def person_audit(request: HttpRequest, sender: Sender, respondent: Respondent) -> None:
    audit_record(
        AuditAction.VIEW_IDENTIFIED,
        request=request,
        county=sender.county,
        office=sender.office,
        target=_("Support lookup: %(round)s, respondent %(id)s")
        % {"round": respondent.round, "id": respondent.pk},
        detail={"support_person": respondent.pk, "round": respondent.round_id},
    )


def link_resend(
    sender: Sender,
    respondent: Respondent,
    channel: str,
    key: uuid.UUID,
    *,
    user: User | None,
    http_request: HttpRequest | None = None,
) -> tuple[Dispatch, bool]:
    """Sends the personal link to one respondent again by one channel, as a dispatch of one
    message (counted as a reminder; by SMS it takes one of the sender's SMS dispatches, R-D8).
    Applied whole: the dispatch, its message, the SMS dispatch and the audit entry, or nothing.
    The form's one-time `key` makes a second post of the same form return the first dispatch
    instead of sending again (False: it was sent by that first post). Raises DispatchRefused
    with what to change."""
    round_ = respondent.round
    with transaction.atomic():
        # The orders' lock of the round: the reminder cap and spacing of later orders see
        # this message (dispatch.services.dispatches).
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [ORDER_LOCK, round_.pk])
        earlier = Dispatch.objects.filter(order_key=key, **sender.filter).first()
        if earlier is not None:
            return earlier, False
        now = timezone.now()
        _resend_check(sender, respondent, channel, now)
        if channel == Channel.SMS:
            quota_take(round_, sender)
        dispatch = Dispatch.objects.create(
            order_key=key,
            round=round_,
            county=sender.county,
            training_office=sender.office,
            purpose=Purpose.REMINDER,
            by_email=channel == Channel.EMAIL,
            by_sms=channel == Channel.SMS,
            language=respondent.language or "nb",
            send_at=now,
            state=DispatchState.SENDING,
            override_spacing=True,
            created_by=user,
            recipients=1,
        )
        rows_insert(
            Message,
            ("id", "dispatch_id", "respondent_id", "channel"),
            [(uuid.uuid4(), dispatch.pk, respondent.pk, channel)],
        )
        audit_record(
            AuditAction.DISPATCH_CREATED,
            request=http_request,
            user=user,
            county=sender.county,
            office=sender.office,
            target=_("Personal link sent again: %(round)s, respondent %(id)s")
            % {"round": round_, "id": respondent.pk},
            detail={
                "dispatch": dispatch.pk,
                "round": round_.pk,
                "resend": respondent.pk,
                "channels": [channel],
            },
        )
        transaction.on_commit(lambda: dispatch_enqueue(dispatch.pk, 1))
    return dispatch, True


def _resend_check(sender: Sender, respondent: Respondent, channel: str, now: datetime) -> None:
    errors = window_errors(respondent.round, now)
    if channel == Channel.EMAIL and not respondent.email_valid:
        errors.append(_("The person has no valid e-mail address."))
    if channel == Channel.SMS:
        if not respondent.mobile_valid:
            errors.append(_("The person has no valid mobile number."))
        elif SmsOptOut.objects.filter(mobile=respondent.mobile).exists():
            errors.append(_("The person has answered STOP and gets no SMS."))
        elif quota_left(respondent.round, sender) < 1:
            errors.append(_("You have no SMS dispatches left in this round."))
    if channel not in Channel.values:
        errors.append(_("Choose e-mail or SMS."))
    if errors:
        raise DispatchRefused(errors)
