from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.models import County, Membership, Role, TrainingOffice, User
from portal.validators import normalise_orgnr


class Command(BaseCommand):
    help = (
        "Gives a person a role on an organisation, creating the user if needed. A new user "
        "chooses a password through 'Forgot your password?' on the login page."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--national", action="store_true", help="national administrator")
        target.add_argument("--county", metavar="CODE", help="county administrator of CODE")
        target.add_argument("--office", metavar="ORGNR", help="training-office administrator")
        parser.add_argument("--name", default="", help="the person's full name")
        parser.add_argument("--revoke", action="store_true", help="take the role away instead")

    def handle(self, *args, email: str, **options) -> None:
        fields = self._membership_fields(options)
        email = email.strip().lower()
        with transaction.atomic():
            user = User.objects.filter(email=email).first()
            if options["revoke"]:
                if user is None:
                    raise CommandError(f"No user has the e-mail address {email}.")
                deleted, _ = Membership.objects.filter(user=user, **fields).delete()
                self.stdout.write(f"Removed {deleted} membership(s) from {email}.")
                return
            if user is None:
                user = User.objects.create_user(email, None, full_name=options["name"])
                self.stdout.write(f"Created user {email}.")
            _membership, created = Membership.objects.get_or_create(user=user, **fields)
        verb = "granted" if created else "already had"
        self.stdout.write(f"{email}: {verb} {fields['role'].label}.")

    def _membership_fields(self, options) -> dict:
        if options["national"]:
            return {"role": Role.NATIONAL}
        if options["county"]:
            county = County.objects.filter(code=options["county"]).first()
            if county is None:
                raise CommandError(f"--county {options['county']}: no county has that number.")
            return {"role": Role.COUNTY, "county": county}
        try:
            orgnr = normalise_orgnr(options["office"])
        except Exception:
            raise CommandError(
                f"--office {options['office']}: not a valid organisation number."
            ) from None
        office = TrainingOffice.objects.filter(orgnr=orgnr).first()
        if office is None:
            raise CommandError(f"--office {orgnr}: no training office has that number.")
        return {"role": Role.OFFICE, "training_office": office}
