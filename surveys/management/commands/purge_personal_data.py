"""Deletes the personal data that retention no longer allows to keep (see
surveys/services/retention.py). Prints counts only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from surveys.services.retention import personal_data_purge


class Command(BaseCommand):
    help = (
        "Deletes respondents' names, contact data, links and drafts of rounds closed more than "
        "RETENTION_DAYS_AFTER_CLOSE days ago, and ÅR answers of rounds closed more than "
        "IDENTIFIED_ANSWER_RETENTION_YEARS years ago. Prints what it deleted as counts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="Count what would be deleted; change nothing."
        )

    def handle(self, *args: Any, dry_run: bool = False, **options: Any) -> None:
        counts = personal_data_purge(dry_run=dry_run)
        verb = "Would delete" if dry_run else "Deleted"
        self.stdout.write(
            f"{verb}: names and contact data of {counts.respondents} respondents, "
            f"{counts.links} links, {counts.drafts} unsubmitted drafts, "
            f"{counts.identified_answers} identified ÅR answers."
        )
