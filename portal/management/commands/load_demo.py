import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from portal.demo import (
    DEMO_LOGINS,
    DEMO_PASSWORD,
    demo_extract_dir,
    demo_office,
    load_demo_register,
    load_demo_users,
)
from registry_import.models import ImportStatus
from reporting.demo import load_demo_history
from surveys.demo import load_demo_surveys, survey_year_of


class Command(BaseCommand):
    help = (
        "Loads the demo: a synthetic register extract of Vestland, imported like a real one, "
        "and users with known passwords for each role (only in demo mode)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--scale",
            choices=["county", "tiny"],
            default="county",
            help="county: Vestland at its real size (default); tiny: a few hundred rows",
        )
        parser.add_argument(
            "--base-url",
            default="http://127.0.0.1:8000",
            help="the address the demo is served on, put in front of the printed links",
        )

    def handle(self, *args, scale: str, base_url: str, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data has known passwords and is refused outside demo mode "
                "(set DEMO_MODE=1 or DEBUG=1)."
            )
        if not settings.ALLOW_SYNTHETIC_IDS:
            raise CommandError(
                "The demo register has synthetic identity numbers, which this server refuses "
                "(ALLOW_SYNTHETIC_IDS is off)."
            )
        started = time.perf_counter()
        run = load_demo_register(scale=scale)
        if run.status not in {ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED}:
            raise CommandError(f"The demo extract was not imported: {run.message}")
        self.stdout.write(
            f"Demo register ({scale} extract in {demo_extract_dir()}): {run.message} "
            f"({len(run.errors)} rows with errors, as the demo extract has on purpose; "
            f"{time.perf_counter() - started:.1f} s)"
        )
        office = demo_office()
        if office is None:
            raise CommandError("The demo extract has no training office in Vestland.")
        with transaction.atomic():
            load_demo_users(office)
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in with:"))
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<20} {DEMO_PASSWORD}   {login.description}")
        self.stdout.write(
            f"The training office of kontor@demo.no is {office.name} ({office.orgnr})."
        )
        links = load_demo_surveys(office=office)
        history = load_demo_history(
            last_year=survey_year_of(timezone.localdate()) - 1, office=office
        )
        self.stdout.write(f"Published results 2012 to last year: {len(history)} rounds added.")
        self.stdout.write(self.style.SUCCESS("The surveys are open. Answer through these links:"))
        for link in links:
            self.stdout.write(f"  {link.description}:\n    {base_url.rstrip('/')}{link.path}")
