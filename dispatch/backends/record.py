"""Keeps what would have been sent in the database (RecordedMessage), for the demo and tests.
Recording is idempotent on the message id: a message recorded twice is one row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from dispatch.backends import Outcome, Outgoing
from dispatch.models import RecordedMessage


class RecordBackend:
    idempotent = True

    def groups(self, messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
        if messages:
            yield list(messages)

    def send(self, messages: list[Outgoing]) -> list[Outcome]:
        RecordedMessage.objects.bulk_create(
            [
                RecordedMessage(
                    message_id=m.message_id,
                    round_id=m.round_id,
                    channel=m.channel,
                    to=m.to,
                    subject=m.subject[:300],
                    text=m.text,
                    html=m.html,
                )
                for m in messages
            ],
            ignore_conflicts=True,
            batch_size=1000,
        )
        return [Outcome(m.message_id, ok=True) for m in messages]
