"""Which e-mail failures make an address invalid, per ESP.

anymail normalises every ESP's events, but "bounced" covers a full mailbox as well as an
address that does not exist (Postmark's SoftBounce and HardBounce are both "bounced"). An
address is marked invalid only on what the ESP itself calls permanent; anything temporary, or
any event this module cannot read, fails the message and keeps the address, so a later
dispatch (or dispatch_retry) may try it again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

# anymail's normalised event types for a message that did not arrive.
FAILURE_TYPES = frozenset({"bounced", "rejected", "failed"})

# Postmark's bounce Type: only these say the address cannot receive mail.
_POSTMARK_PERMANENT = frozenset({"HardBounce", "BadEmailAddress"})
# SendGrid's "dropped" reasons that mean an address known not to exist.
_SENDGRID_DROPPED_PERMANENT = ("bounced address", "invalid")


def _postmark(esp_event: dict) -> bool:
    return esp_event.get("Type") in _POSTMARK_PERMANENT


def _mailgun(esp_event: dict) -> bool:
    data = esp_event.get("event-data") or {}
    return data.get("event") == "failed" and data.get("severity") == "permanent"


def _sendgrid(esp_event: dict) -> bool:
    event = esp_event.get("event")
    if event == "bounce":
        # "blocked" is a refusal of this message (reputation, content), not of the address.
        return esp_event.get("type", "bounce") == "bounce"
    if event == "dropped":
        reason = str(esp_event.get("reason", "")).lower()
        return reason.startswith(_SENDGRID_DROPPED_PERMANENT)
    return False


def _amazon_ses(esp_event: dict) -> bool:
    return (esp_event.get("bounce") or {}).get("bounceType") == "Permanent"


_PERMANENT: dict[str, Callable[[dict], bool]] = {
    "postmark": _postmark,
    "mailgun": _mailgun,
    "sendgrid": _sendgrid,
    "amazon_ses": _amazon_ses,
}


def _esp_key(esp_name: str) -> str:
    return esp_name.lower().replace(" ", "_")


def is_permanent_failure(esp_name: str, event: Any) -> bool:
    """Whether the ESP's event says the address itself cannot receive mail. An ESP not mapped
    here counts as permanent only where anymail read the event as an invalid address."""
    read = _PERMANENT.get(_esp_key(esp_name))
    esp_event = event.esp_event if isinstance(event.esp_event, dict) else {}
    if read is not None:
        return read(esp_event)
    return event.reject_reason == "invalid"
