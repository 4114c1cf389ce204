"""Uncertain messages (handed to a provider by a worker that died, so they may have gone out)
settled by asking the provider before anything is sent again (`dispatch_retry --uncertain`).

- Twilio: the message's status by its SID, or, without one, the newest message to the number
  created since the claim.
- The recording backend: whether it recorded the message.
- An anymail ESP: its tracking events settle an uncertain message as they arrive
  (dispatch.webhooks.on_tracking); there is no status to ask for afterwards.

What the provider has is settled as sent (or delivered); the rest is re-sent."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from dispatch.models import Channel, Message, MessageState, RecordedMessage

logger = logging.getLogger(__name__)

# The claim's time is the worker's clock: a little margin for the provider's.
_CLOCK_MARGIN = timedelta(minutes=1)


@dataclass
class UncertainReview:
    delivered: list = field(default_factory=list)  # message ids the provider delivered
    sent: list = field(default_factory=list)  # ids the provider has, not (yet) delivered
    resend: list = field(default_factory=list)  # ids the provider has not seen

    @property
    def settled(self) -> int:
        return len(self.delivered) + len(self.sent)


def uncertain_messages(dispatch_id: int | None = None) -> QuerySet[Message]:
    messages = Message.objects.filter(
        state=MessageState.UNCERTAIN, dispatch__round__closes_at__gt=timezone.now()
    )
    if dispatch_id is not None:
        messages = messages.filter(dispatch_id=dispatch_id)
    return messages


def uncertain_review(dispatch_id: int | None = None) -> UncertainReview:
    """Asks the providers about every uncertain message; changes nothing."""
    review = UncertainReview()
    messages = uncertain_messages(dispatch_id).select_related("respondent")
    recorded = set(
        RecordedMessage.objects.filter(message_id__in=messages.values("pk")).values_list(
            "message_id", flat=True
        )
    )
    twilio = None
    for message in messages.order_by():
        if _recording(message.channel):
            (review.sent if message.pk in recorded else review.resend).append(message.pk)
        elif message.channel == Channel.SMS and settings.SMS_BACKEND == "twilio":
            twilio = twilio or _twilio_client()
            _review_twilio(review, twilio, message)
        else:
            review.resend.append(message.pk)
    return review


def _recording(channel: str) -> bool:
    if channel == Channel.EMAIL:
        return settings.DISPATCH_EMAIL_BACKEND == "record"
    return settings.SMS_BACKEND == "record"


def _twilio_client():
    from dispatch.backends.twilio_sms import twilio_client

    return twilio_client()


def _review_twilio(review: UncertainReview, client, message: Message) -> None:
    from dispatch.backends.twilio_sms import (
        TWILIO_DELIVERED,
        TWILIO_HAS_IT,
        twilio_message_status,
    )

    since = (message.claimed_at or timezone.now()) - _CLOCK_MARGIN
    status = twilio_message_status(
        client, sid=message.provider_id, to=message.respondent.mobile, since=since
    )
    if status in TWILIO_DELIVERED:
        review.delivered.append(message.pk)
    elif status in TWILIO_HAS_IT:
        review.sent.append(message.pk)
    else:
        review.resend.append(message.pk)


def uncertain_settle(review: UncertainReview) -> int:
    """Marks what the provider has; only messages still uncertain change."""
    still = Q(state=MessageState.UNCERTAIN)
    now = timezone.now()
    changed = Message.objects.filter(still, pk__in=review.delivered).update(
        state=MessageState.DELIVERED, sent_at=now, claim=None
    )
    changed += Message.objects.filter(still, pk__in=review.sent).update(
        state=MessageState.SENT, sent_at=now, claim=None
    )
    if changed:
        logger.warning("Uncertain messages settled from the providers: %s", changed)
    return changed
