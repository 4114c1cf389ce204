"""Scheduled and background work on the samples (schedule: CELERY_BEAT_SCHEDULE in settings)."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from celery import Task, shared_task
from django.db import transaction

from surveys.services.anonymous import open_rounds_mix
from surveys.services.ar_followup import receipt_send, reopen_notice_send
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


logger = logging.getLogger(__name__)


def mail_queue(task: Task, *args: object) -> None:
    """Queues a respondent's mail once the current transaction has committed. With the broker
    away the page still answers: the mail is a copy of what the portal already holds."""

    def send() -> None:
        try:
            task.apply_async(args, retry=False)
        except Exception:  # any broker error: the answer itself is kept
            logger.warning("Could not queue %s for %s", task.name, args, exc_info=True)

    transaction.on_commit(send)


# A mail server that is away comes back: the receipt and the notice wait for it, not the page.
_MAIL_ERRORS = (OSError, SMTPException)


@shared_task(autoretry_for=_MAIL_ERRORS, retry_backoff=30, retry_backoff_max=1800, max_retries=10)
def ar_receipt(respondent_id: int) -> bool:
    """E-mails an ÅR respondent the receipt of what they submitted."""
    return receipt_send(respondent_id)


@shared_task(autoretry_for=_MAIL_ERRORS, retry_backoff=30, retry_backoff_max=1800, max_retries=10)
def ar_reopen_notice(respondent_id: int, reason: str) -> bool:
    """Tells an ÅR respondent the county opened their answers again, and why."""
    return reopen_notice_send(respondent_id, reason)
