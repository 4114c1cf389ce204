from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.steps import STEPS, DemoContext


class Command(BaseCommand):
    help = (
        "Loads the demo: a synthetic register extract of Vestland, imported like a real one, "
        "users with known passwords for each role, and an open survey year with links to "
        "answer (only in demo mode)."
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
        context = DemoContext(
            scale=scale,
            base_url=base_url,
            write=self.stdout.write,
            success=self.style.SUCCESS,
        )
        for step in STEPS:
            step(context)
