"""Addresses and numbers that could not be delivered to (a bounce, an unknown number).

Marking one makes it invalid wherever the register holds it, and keeps it so on every later
import until VIGO has another value (`undeliverable_apply`, called where the importer decides
validity). The county's quality report lists them."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from portal.models import TrainingOffice
from registry_import.models import (
    Apprentice,
    ContactChannel,
    ProfessionalLeader,
    UndeliverableContact,
)

_VALID_FIELD: dict[str, str] = {
    ContactChannel.EMAIL: "email_valid",
    ContactChannel.MOBILE: "mobile_valid",
}
_VALUE_FIELD: dict[str, str] = {ContactChannel.EMAIL: "email", ContactChannel.MOBILE: "mobile"}


def undeliverable_mark(
    *, channel: str, value: str, reason: str = "", now: datetime | None = None
) -> UndeliverableContact:
    """Records the value as undeliverable and marks it invalid on the register's apprentices,
    professional leaders and training offices that hold it."""
    now = now or timezone.now()
    with transaction.atomic():
        contact, created = UndeliverableContact.objects.get_or_create(
            channel=channel, value=value, defaults={"reason": reason[:300], "recorded_at": now}
        )
        if not created:
            contact.reason, contact.recorded_at = reason[:300], now
            contact.save(update_fields=["reason", "recorded_at"])
        for model in (Apprentice, ProfessionalLeader, TrainingOffice):
            model.objects.filter(**{_VALUE_FIELD[channel]: value}).update(
                **{_VALID_FIELD[channel]: False}
            )
    return contact


def undeliverable_apply(results: Iterable[Any]) -> int:
    """Marks invalid, in the records of an extract being imported, every e-mail address and
    mobile number known to be undeliverable. `results` are the importer's checked files (each
    with `records`); returns the number of values marked."""
    emails: set[str] = set()
    mobiles: set[str] = set()
    for channel, value in UndeliverableContact.objects.values_list("channel", "value"):
        (emails if channel == ContactChannel.EMAIL else mobiles).add(value)
    if not emails and not mobiles:
        return 0
    marked = 0
    for result in results:
        for record in result.records.values():
            if getattr(record, "email_valid", False) and record.email in emails:
                record.email_valid = False
                marked += 1
            if getattr(record, "mobile_valid", False) and record.mobile in mobiles:
                record.mobile_valid = False
                marked += 1
    return marked
