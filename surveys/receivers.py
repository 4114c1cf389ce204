"""How the surveys react to what the apps below them announce, and what they add to the
portal's pages (connected in SurveysConfig)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from portal.oslo import oslo_today
from surveys.services.samples import rounds_waiting_for_extract, waiting_message
from surveys.tasks import samples_after_register_import


def register_import_succeeded(sender: Any, **kwargs: Any) -> None:
    """A register import changed the register: bring the samples up to date with it, in the
    background once the import is committed."""
    transaction.on_commit(samples_after_register_import.delay)


def rounds_waiting_notices() -> list[str]:
    """For the national overview: the rounds whose sample waits for the 1 October extract."""
    today = oslo_today()
    return [waiting_message(round_) for round_ in rounds_waiting_for_extract(today)]
