"""What providers tell afterwards: delivered, bounced, undeliverable numbers, SMS STOP.

A status is applied only to a message that has been sent and has no final status yet, so a
replayed or late callback changes nothing. A bounce or an undeliverable number marks that
address invalid on the respondents of open rounds (no further message goes there) and in the
register (registry_import.undeliverable), where the county's quality report shows it."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone

from dispatch.models import REFUSED, Channel, Message, MessageState, SmsOptOut
from registry_import.models import ContactChannel
from registry_import.undeliverable import undeliverable_mark
from surveys.models import Respondent

logger = logging.getLogger(__name__)

_OPEN = (MessageState.SENT, MessageState.UNCERTAIN)


def contact_undeliverable(*, channel: str, value: str, reason: str = "") -> int:
    """Marks the address or number invalid on the respondents of rounds not yet closed and
    records it for the register. Returns the number of respondents changed."""
    if not value:
        return 0
    field = "email" if channel == Channel.EMAIL else "mobile"
    with transaction.atomic():
        changed = Respondent.objects.filter(
            **{field: value, f"{field}_valid": True}, round__closes_at__gt=timezone.now()
        ).update(**{f"{field}_valid": False})
        undeliverable_mark(
            channel=ContactChannel.EMAIL if channel == Channel.EMAIL else ContactChannel.MOBILE,
            value=value,
            reason=reason,
        )
    return changed


def sms_opt_out(*, mobile: str) -> None:
    if mobile:
        SmsOptOut.objects.get_or_create(mobile=mobile)


def sms_opt_in(*, mobile: str) -> None:
    SmsOptOut.objects.filter(mobile=mobile).delete()


def message_find(*, message_key: str | None = None, provider_id: str = "") -> Message | None:
    """The message a provider event is about: by our id (anymail metadata) or the provider's."""
    messages = Message.objects.select_related("respondent")
    if message_key:
        try:
            return messages.filter(pk=message_key).first()
        except Exception:  # not a UUID: a forged or foreign id
            return None
    if provider_id:
        return messages.filter(provider_id=provider_id).first()
    return None


def message_accepted(message: Message) -> bool:
    """The provider has the message (queued, sent, deferred, opened): an uncertain one went
    out, so it is sent, never re-sent."""
    return bool(
        Message.objects.filter(pk=message.pk, state=MessageState.UNCERTAIN).update(
            state=MessageState.SENT, sent_at=timezone.now()
        )
    )


def message_delivered(message: Message) -> bool:
    return bool(messages_delivered([message.pk]))


def messages_delivered(message_ids: Iterable[object]) -> int:
    """The providers' delivery reports, one or many: only a message sent and not yet settled
    becomes delivered. Returns how many changed."""
    return Message.objects.filter(pk__in=list(message_ids), state__in=_OPEN).update(
        state=MessageState.DELIVERED
    )


def message_undeliverable(
    message: Message, *, reason: str, recipient: str = "", permanent: bool = True
) -> bool:
    """The provider could not deliver the message. With `permanent` (a hard bounce, a number
    that does not exist) the address is marked invalid. Returns whether anything changed."""
    with transaction.atomic():
        # A permanent failure is marked as a refused address is: never tried again.
        error = f"{REFUSED}{reason}" if permanent else reason
        changed = Message.objects.filter(pk=message.pk, state__in=_OPEN).update(
            state=MessageState.FAILED, error=error[:300]
        )
        if changed and permanent:
            respondent = message.respondent
            value = respondent.email if message.channel == Channel.EMAIL else respondent.mobile
            if recipient and recipient.lower() != value.lower():
                value = ""  # the event names another address: it is not this respondent's
            contact_undeliverable(channel=message.channel, value=value, reason=reason)
    return bool(changed)


def message_complained(message: Message) -> bool:
    """A spam complaint: no more e-mail to that respondent in this round."""
    return bool(
        Respondent.objects.filter(pk=message.respondent_id, email_valid=True).update(
            email_valid=False
        )
    )
