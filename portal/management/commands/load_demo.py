from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.demo import DEMO_LOGINS, DEMO_PASSWORD, load_demo_organisations, load_demo_users


class Command(BaseCommand):
    help = "Loads demo organisations and users with known passwords (only in demo mode)."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "Demo data has known passwords and is refused outside demo mode "
                "(set DEMO_MODE=1 or DEBUG=1)."
            )
        with transaction.atomic():
            load_demo_organisations()
            load_demo_users()
        self.stdout.write(self.style.SUCCESS("Demo data loaded. Log in with:"))
        for login in DEMO_LOGINS:
            self.stdout.write(f"  {login.email:<20} {DEMO_PASSWORD}   {login.description}")
