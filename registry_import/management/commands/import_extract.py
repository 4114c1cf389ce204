import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry_import.extract_format import format_help
from registry_import.models import ImportStatus
from registry_import.services import format_report, import_extract

FORMAT_HELP = """\
An extract is four files, in a folder, in one .zip or given one by one:

{columns}

each as .csv (UTF-8 with or without BOM, or Windows-1252; delimiter ; , or tab) or .xlsx
(first sheet), with one header row; [columns] may be left out. Dates YYYY-MM-DD or
DD.MM.YYYY, booleans J/N. The full description is docs/formats.md.

A file that cannot be read as the format refuses the whole extract. A row that cannot be used
is skipped and listed with file, line, column and reason; an optional value that cannot be used
(a training office or professional leader the extract lacks) is left empty and the row kept,
with a warning; invalid e-mail addresses and mobile numbers are kept, flagged as invalid.
Everything is written in one transaction. Identity numbers are kept only as keyed pseudonyms
(PSEUDONYM_KEY); synthetic test-person numbers are accepted only when ALLOW_SYNTHETIC_IDS is on.

Every unit is placed on the county structure of the survey year (--survey-year; by default the
year of the import, whose 1 October the extract is for): a county number of another year's
structure is read as the one county it became, or, where it was split or merged, as the county
of the company's municipality (kommunenr); a row that cannot be placed is skipped.

An extract whose contracts belong to several counties is the whole register: whatever it lacks
is marked as no longer in the register. An extract of one county marks only that county's
missing contracts. Exit status: 0 when imported, unchanged or checked (--dry-run); 1 when
refused or failed.
"""


class Command(BaseCommand):
    help = "Imports a register extract (VIGO/NxR) into the apprenticeship register."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("epilog", FORMAT_HELP.format(columns=format_help()))
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "paths", nargs="+", type=Path, metavar="PATH", help="a folder, a .zip or a file"
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="check and report everything, save nothing",
        )
        parser.add_argument(
            "--survey-year",
            type=int,
            metavar="YEAR",
            help="the survey year whose 1 October the extract is for, and so the county "
            "structure it is placed on (default: this year)",
        )
        parser.add_argument(
            "--progress",
            action="store_true",
            help="show a progress bar even when standard error is not a terminal",
        )

    def handle(self, *args, paths: list[Path], **options) -> None:
        bar = None
        show = options["progress"] or sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                from tqdm import tqdm

                bar = tqdm(total=total, file=sys.stderr, unit="rad", dynamic_ncols=True)
            bar.total = total
            bar.update(done - bar.n)

        try:
            run = import_extract(
                paths,
                dry_run=options["dry_run"],
                progress=progress if show else None,
                survey_year=options["survey_year"],
            )
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(format_report(run))
        if run.status in (ImportStatus.REFUSED, ImportStatus.FAILED):
            raise CommandError(run.get_status_display(), returncode=1)
