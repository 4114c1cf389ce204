"""How the surveys react to what the apps below them announce (connected in SurveysConfig)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from surveys.tasks import samples_after_register_import


def register_import_succeeded(sender: Any, **kwargs: Any) -> None:
    """A register import changed the register: bring the samples up to date with it, in the
    background once the import is committed."""
    transaction.on_commit(samples_after_register_import.delay)
