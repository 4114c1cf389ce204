"""SMS through Twilio's library and a Messaging Service, with a status callback per message
whose URL carries the time it was signed for (replays past TWILIO_CALLBACK_MAX_AGE_SECONDS are
refused by dispatch.webhooks)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime

from django.conf import settings
from django.urls import reverse
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from dispatch.backends.base import Outcome, Outgoing, one_by_one
from portal.lib.client import site_url

# Twilio error codes: the number is not a valid mobile, or cannot receive SMS at all.
INVALID_NUMBER_CODES = frozenset({21211, 21214, 21217, 21612, 21614, 30005, 30006})
OPTED_OUT_CODES = frozenset({21610})


def twilio_client() -> Client:
    client = Client(settings.TWILIO_ACCOUNT_SID, settings.TWILIO_AUTH_TOKEN)
    if settings.TWILIO_API_BASE_URL:
        client.api.base_url = settings.TWILIO_API_BASE_URL
    return client


def status_callback_url() -> str:
    return site_url(f"{reverse('twilio_status')}?ts={int(time.time())}")


class TwilioBackend:
    idempotent = False

    def __init__(self) -> None:
        self.client = twilio_client()

    def groups(self, messages: Sequence[Outgoing]) -> Iterator[list[Outgoing]]:
        yield from one_by_one(messages)

    def send(self, messages: list[Outgoing]) -> list[Outcome]:
        outcomes = []
        for m in messages:
            try:
                sent = self.client.messages.create(
                    to=m.to,
                    body=m.text,
                    messaging_service_sid=settings.TWILIO_MESSAGING_SERVICE_SID,
                    status_callback=status_callback_url(),
                )
            except TwilioRestException as exc:
                error = f"Twilio {exc.code}: {exc.msg}"[:300]
                outcomes.append(
                    Outcome(
                        m.message_id,
                        ok=False,
                        error=error,
                        invalid_address=exc.code in INVALID_NUMBER_CODES,
                        opted_out=exc.code in OPTED_OUT_CODES,
                    )
                )
            except Exception as exc:
                outcomes.append(
                    Outcome(m.message_id, ok=False, error=f"{type(exc).__name__}: {exc}"[:300])
                )
            else:
                outcomes.append(Outcome(m.message_id, ok=True, provider_id=sent.sid or ""))
        return outcomes


# Twilio's message statuses: it has the message (it went out, or is going).
TWILIO_DELIVERED = frozenset({"delivered", "read"})
TWILIO_HAS_IT = frozenset({"accepted", "scheduled", "queued", "sending", "sent"})


def twilio_message_status(client: Client, *, sid: str, to: str, since: datetime) -> str:
    """What Twilio knows of a message: by its SID when the worker recorded one, else the
    newest message to the number created since the claim (a dead worker may have handed it
    without recording the SID). "" when Twilio has none."""
    if sid:
        try:
            return str(client.messages(sid).fetch().status or "")
        except TwilioRestException as exc:
            if exc.status == 404:
                return ""
            raise
    # Newest first; a message still queued has no date sent to filter on, so by creation.
    found = [
        m
        for m in client.messages.list(to=to, limit=20)
        if m.date_created is not None and m.date_created >= since
    ]
    found.sort(key=lambda m: m.date_created)
    return str(found[-1].status or "") if found else ""
