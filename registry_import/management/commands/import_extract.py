import argparse
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from registry_import.models import ImportStatus
from registry_import.services import format_report, import_extract

FORMAT_HELP = """\
An extract is four files, in a folder, in one .zip or given one by one:

  opplaeringskontor   orgnr, navn, fylkesnr, nor_registrert
                      [daglig_leder_navn, daglig_leder_epost, daglig_leder_mobil]
  laerebedrifter      orgnr, navn, fylkesnr, nlr_registrert
                      [kommunenr, opplaeringskontor_orgnr]
  faglige_ledere      faglig_leder_id, bedrift_orgnr, fornavn, etternavn [epost, mobil]
  kontrakter          kontrakt_id, fodselsnummer, fornavn, etternavn, kontrakttype, status,
                      startdato, sluttdato, laerefag_kode, laerefag_navn, bedrift_orgnr,
                      fylkesnr [epost, mobil, opplaeringskontor_orgnr, faglig_leder_id]

each as .csv (UTF-8 with or without BOM, or Windows-1252; delimiter ; , or tab) or .xlsx
(first sheet), with one header row; [columns] may be left out. Dates YYYY-MM-DD or
DD.MM.YYYY, booleans J/N. The full description is docs/formats.md.

A file that cannot be read as the format refuses the whole extract. A row that cannot be used
is skipped and listed with file, line, column and reason; invalid e-mail addresses and mobile
numbers are kept, flagged as invalid. Everything is written in one transaction. Identity
numbers are kept only as keyed pseudonyms (PSEUDONYM_KEY); synthetic test-person numbers are
accepted only when ALLOW_SYNTHETIC_IDS is on.

An extract whose contracts belong to several counties is the whole register: whatever it lacks
is marked as no longer in the register. An extract of one county marks only that county's
missing contracts. Exit status: 0 when imported, unchanged or checked (--dry-run); 1 when
refused or failed.
"""


class Command(BaseCommand):
    help = "Imports a register extract (VIGO/NxR) into the apprenticeship register."

    def create_parser(self, prog_name, subcommand, **kwargs):
        kwargs.setdefault("formatter_class", argparse.RawDescriptionHelpFormatter)
        kwargs.setdefault("epilog", FORMAT_HELP)
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
                paths, dry_run=options["dry_run"], progress=progress if show else None
            )
        finally:
            if bar is not None:
                bar.close()
        self.stdout.write(format_report(run))
        if run.status in (ImportStatus.REFUSED, ImportStatus.FAILED):
            raise CommandError(run.get_status_display(), returncode=1)
