"""Providers behind a small interface, like Django's e-mail backends.

A backend takes a group of outgoing messages and returns one outcome per message. `groups`
splits a chunk into what is handed to the provider in one call: the outbox records each group
as "handed" before the call, so a worker that dies during it leaves a trace. A backend is
`idempotent` when handing it the same message twice has the effect of once (the recording
backends, keyed on the message id): only then does the sweeper hand again a message whose
worker died while handing it."""

from __future__ import annotations

from django.conf import settings

from dispatch.backends.base import Backend
from dispatch.models import Channel


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
    from dispatch.backends.twilio_sms import TwilioBackend

    return TwilioBackend()


def is_idempotent(channel: str) -> bool:
    if channel == Channel.EMAIL:
        return settings.DISPATCH_EMAIL_BACKEND == "record"
    return settings.SMS_BACKEND == "record"


def recording_active() -> bool:
    return settings.DISPATCH_EMAIL_BACKEND == "record" or settings.SMS_BACKEND == "record"
