"""The close step of LU and LBU rounds whose closing time has passed (also a scheduled task, see
surveys/services/closing.py). Prints counts only."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from surveys.services.closing import rounds_close_due, rounds_to_close
from surveys.services.rewrite import personal_tables_rewrite, transaction_id_now


class Command(BaseCommand):
    help = (
        "Closes every LU and LBU round whose closing time has passed: keeps the response "
        "counts per report class, deletes the respondents with their links, drafts, consent "
        "and answered times, and re-writes the anonymous answers in random order."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--dry-run", action="store_true", help="List the rounds that would be closed."
        )
        parser.add_argument(
            "--rewrite",
            action="store_true",
            help="Only rewrite the tables that held closed rounds' people (VACUUM FULL).",
        )

    def handle(
        self, *args: Any, dry_run: bool = False, rewrite: bool = False, **options: Any
    ) -> None:
        if rewrite:
            done = personal_tables_rewrite(after=transaction_id_now())
            self.stdout.write("Tables rewritten." if done else "Tables not rewritten (see log).")
            return
        if dry_run:
            due = rounds_to_close()
            for round_ in due:
                self.stdout.write(f"Would close {round_.kind} {round_.year}.")
            if not due:
                self.stdout.write("No round to close.")
            return
        summaries = rounds_close_due()
        for summary in summaries:
            self.stdout.write(f"Closed {summary}.")
        if not summaries:
            self.stdout.write("No round to close.")
