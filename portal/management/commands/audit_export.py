from datetime import date

from django.core.management.base import BaseCommand, CommandError

from portal.audit.log import EXPORT_HEADERS, audit_export_rows, audit_filtered
from portal.lib.downloads import excel_csv
from portal.models import AuditAction, AuditEntry


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from None


class Command(BaseCommand):
    help = (
        "Writes the audit log as CSV (semicolons, UTF-8), oldest entry first, to standard output "
        "or a file, optionally only a period, one organisation or one action."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="since", type=_day, help="first day, YYYY-MM-DD")
        parser.add_argument("--to", dest="until", type=_day, help="last day, YYYY-MM-DD")
        parser.add_argument("--county", default="", help="only entries of this county number")
        parser.add_argument("--office", default="", help="only entries of this training office")
        parser.add_argument(
            "--action", default="", choices=["", *AuditAction.values], help="one action"
        )
        parser.add_argument("--output", "-o", default="", help="file to write (default: stdout)")

    def handle(self, *args, since, until, county, office, action, output, **options) -> None:
        if since and until and until < since:
            raise CommandError("--to is before --from.")
        entries = audit_filtered(
            AuditEntry.objects.all(),
            action=action,
            since=since,
            until=until,
            county_code=county,
            office_orgnr=office,
        )
        rows = list(audit_export_rows(entries))
        content = excel_csv(EXPORT_HEADERS, rows)
        if output:
            with open(output, "wb") as handle:
                handle.write(content)
            self.stderr.write(f"{len(rows)} entries written to {output}.")
        else:
            # No byte-order mark on a stream: it is for a program, not for Excel.
            self.stdout.write(content.decode("utf-8").lstrip("\ufeff"), ending="")
