"""Scheduled and background work on the samples (schedule: CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

from celery import shared_task

from surveys.services.anonymous import open_rounds_mix
from surveys.services.closing import rounds_close_due
from surveys.services.retention import personal_data_purge
from surveys.services.samples import samples_after_import, samples_freeze_due


@shared_task
def freeze_due_samples() -> list[str]:
    """Freeze every sample whose reference date has come (R-C3)."""
    return [str(summary) for summary in samples_freeze_due()]


@shared_task
def samples_after_register_import() -> dict[str, int]:
    """Run after each successful register import: rounds waiting for the 1 October extract are
    frozen, frozen samples of open rounds get the new contact data, preliminary samples in
    quality assurance are built again."""
    return samples_after_import()


@shared_task
def purge_personal_data() -> dict[str, int]:
    """Retention: personal data of rounds closed long enough ago (counts only are returned)."""
    return personal_data_purge().as_dict()


@shared_task
def mix_anonymous_answers() -> int:
    """Re-writes the anonymous answers of open rounds in random order."""
    return open_rounds_mix()


@shared_task
def close_rounds() -> list[str]:
    """The close step of every LU and LBU round whose closing time has passed: response counts
    kept as tallies, respondents deleted (surveys/services/closing.py)."""
    return [str(summary) for summary in rounds_close_due()]
