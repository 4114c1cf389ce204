"""Keeps what would have been sent in the database (RecordedMessage), for the demo and tests.
Recording is idempotent on the message id: a message recorded twice is one row. Once the
outbox has marked them sent, the recorded messages are reported delivered, as a provider's
delivery webhook would, through the same function (dispatch.services.delivery)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from django.conf import settings
from django.db import IntegrityError, transaction

from dispatch.backends.base import Outcome, Outgoing
from dispatch.models import Channel, RecordedMessage
from dispatch.services.delivery import messages_delivered
from dispatch.sms_segments import sms_length
from portal.lib.bulk import rows_insert

_COLUMNS = ("message_id", "round_id", "channel", "to", "subject", "text", "html", "segments")


def _segments(m: Outgoing) -> int:
    return sms_length(m.text).segments if m.channel == Channel.SMS else 0


class RecordBackend:
    idempotent = True

    def groups(self, messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
        if messages:
            yield list(messages)

    def send(self, messages: list[Outgoing]) -> list[Outcome]:
        """One COPY for the chunk; a message recorded before (a chunk handed again after its
        worker died) is left out, and should another worker record the same message at the same
        moment, the unique message id makes the second one a conflict that is ignored."""
        recorded = set(
            RecordedMessage.objects.filter(
                message_id__in=[m.message_id for m in messages]
            ).values_list("message_id", flat=True)
        )
        rows = [
            (
                m.message_id,
                m.round_id,
                m.channel,
                m.to,
                m.subject[:300],
                m.text,
                m.html,
                _segments(m),
            )
            for m in messages
            if m.message_id not in recorded
        ]
        try:
            with transaction.atomic():
                rows_insert(RecordedMessage, _COLUMNS, rows)
        except IntegrityError:
            RecordedMessage.objects.bulk_create(
                [RecordedMessage(**dict(zip(_COLUMNS, row, strict=True))) for row in rows],
                ignore_conflicts=True,
            )
        return [Outcome(m.message_id, ok=True) for m in messages]

    def delivery_report(self, messages: list[Outgoing]) -> int:
        """What a provider's delivery webhook tells: each recorded message arrived (unless
        DISPATCH_RECORD_DELIVERED is off, as for tests of the webhooks themselves)."""
        if not settings.DISPATCH_RECORD_DELIVERED:
            return 0
        return messages_delivered(m.message_id for m in messages)
