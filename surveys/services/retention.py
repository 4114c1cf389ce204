"""Deleting personal data when it is no longer needed.

RETENTION_DAYS_AFTER_CLOSE days after a round closes, its respondents lose their name, contact
data and the reference to the person in the register; their links and unsubmitted drafts are
deleted, and so is what the apps above keep of their contact data (surveys.signals). What
remains of a respondent is who was asked in which unit and whether they answered, which the
response rates need. Anonymous answers stay. Identified ÅR answers (R-L3) are deleted
IDENTIFIED_ANSWER_RETENTION_YEARS after their round closed.

Runs and their results are logged as counts only, never as personal data."""

from __future__ import annotations

import logging
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta

from dateutil.relativedelta import relativedelta
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.models import Draft, IdentifiedResponse, Respondent, RespondentLink
from surveys.signals import personal_data_purging

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeCounts:
    respondents: int = 0  # respondents whose name and contact data were deleted
    links: int = 0
    drafts: int = 0
    identified_answers: int = 0
    elsewhere: int = 0  # rows the apps above changed (surveys.signals.personal_data_purging)

    def as_dict(self) -> dict[str, int]:
        return asdict(self)

    def __str__(self) -> str:
        return ", ".join(f"{name}={count}" for name, count in self.as_dict().items())


def personal_data_purge(*, now: datetime | None = None, dry_run: bool = False) -> PurgeCounts:
    """Deletes what retention allows to delete; with dry_run, counts it and changes nothing."""
    now = now or timezone.now()
    personal_cutoff = now - timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE)
    answer_cutoff = now - relativedelta(years=settings.IDENTIFIED_ANSWER_RETENTION_YEARS)
    with transaction.atomic():
        respondents = Respondent.objects.filter(
            round__closes_at__lte=personal_cutoff, personal_data_deleted_at__isnull=True
        )
        # Links and drafts of every respondent of such a round, also of one purged earlier.
        links = RespondentLink.objects.filter(respondent__round__closes_at__lte=personal_cutoff)
        drafts = Draft.objects.filter(respondent__round__closes_at__lte=personal_cutoff)
        identified = IdentifiedResponse.objects.filter(round__closes_at__lte=answer_cutoff)
        counts = PurgeCounts(
            respondents=respondents.update(
                name="",
                email="",
                email_valid=False,
                mobile="",
                mobile_valid=False,
                apprentice=None,
                professional_leader=None,
                contract=None,
                personal_data_deleted_at=now,
            ),
            links=links.delete()[0],
            drafts=drafts.delete()[0],
            identified_answers=identified.delete()[0],
            elsewhere=sum(
                int(changed or 0)
                for _receiver, changed in personal_data_purging.send(
                    sender=None, cutoff=personal_cutoff
                )
            ),
        )
        if dry_run:
            transaction.set_rollback(True)
    logger.info("Personal data purge%s: %s", " (dry run)" if dry_run else "", counts)
    return counts
