"""Providers behind a small interface, like Django's e-mail backends.

A backend takes a group of outgoing messages and returns one outcome per message. `groups`
splits a chunk into what is handed to the provider in one call: the outbox records each group
as "handed" before the call, so a worker that dies during it leaves a trace. A backend is
`idempotent` when handing it the same message twice has the effect of once (the recording
backends, keyed on the message id): only then does the sweeper hand again a message whose
worker died while handing it."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from django.conf import settings

from dispatch.models import Channel


@dataclass
class Outgoing:
    message_id: uuid.UUID
    channel: str
    to: str
    round_id: int
    subject: str = ""
    text: str = ""
    html: str = ""
    # For providers that batch: the variant's texts with merge fields and this recipient's values.
    merge_key: tuple | None = None
    merge_values: dict[str, str] = field(default_factory=dict)


@dataclass
class Outcome:
    message_id: uuid.UUID
    ok: bool
    provider_id: str = ""
    error: str = ""
    # The address or number itself was refused: the message fails and the contact is invalid.
    invalid_address: bool = False
    # The number has opted out of SMS at the provider.
    opted_out: bool = False


class Backend(Protocol):
    idempotent: bool

    def groups(self, messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]: ...

    def send(self, messages: list[Outgoing]) -> list[Outcome]: ...


def one_by_one(messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
    for message in messages:
        yield [message]


def backend_for(channel: str) -> Backend:
    if channel == Channel.EMAIL:
        if settings.DISPATCH_EMAIL_BACKEND == "record":
            from dispatch.backends.record import RecordBackend

            return RecordBackend()
        from dispatch.backends.email import DjangoEmailBackend

        return DjangoEmailBackend()
    if settings.SMS_BACKEND == "record":
        from dispatch.backends.record import RecordBackend

        return RecordBackend()
    from dispatch.backends.sms import TwilioBackend

    return TwilioBackend()


def is_idempotent(channel: str) -> bool:
    if channel == Channel.EMAIL:
        return settings.DISPATCH_EMAIL_BACKEND == "record"
    return settings.SMS_BACKEND == "record"


def recording_active() -> bool:
    return settings.DISPATCH_EMAIL_BACKEND == "record" or settings.SMS_BACKEND == "record"
