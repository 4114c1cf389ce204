from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from portal.accounts.addresses import address_holder, address_normalise, user_create
from portal.accounts.mails import AccountMailKind, base_url_of
from portal.accounts.user_admin import account_mail_order
from portal.models import County, Membership, Role, TrainingOffice, User
from portal.organisations.validators import normalise_orgnr


class Command(BaseCommand):
    help = (
        "Gives a person a role on an organisation, creating the user if needed. A new user gets "
        "the activation e-mail when SITE_URL is set, else chooses a password through 'Forgot "
        "your password?' on the login page. An address a user has added to their account "
        "without confirming it is refused."
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
        email = address_normalise(email)
        with transaction.atomic():
            if options["revoke"]:
                user = User.objects.filter(email=email).first()
                if user is None:
                    raise CommandError(f"No user has the e-mail address {email}.")
                deleted, _ = Membership.objects.filter(user=user, **fields).delete()
                self.stdout.write(f"Removed {deleted} membership(s) from {email}.")
                return
            try:
                user = address_holder(email)
            except ValidationError as refused:
                raise CommandError(" ".join(refused.messages)) from None
            if user is None:
                user = user_create(email, options["name"])
                self.stdout.write(f"Created user {email}.")
            _membership, created = Membership.objects.get_or_create(user=user, **fields)
            if created and user.is_active and not user.has_usable_password():
                self._invite(user, fields)
        verb = "granted" if created else "already had"
        self.stdout.write(f"{user.email}: {verb} {fields['role'].label}.")

    def _invite(self, user: User, fields: dict) -> None:
        try:
            base_url = base_url_of(None)
        except ImproperlyConfigured:
            self.stdout.write("SITE_URL is not set: no activation e-mail was sent.")
            return
        organisation = str(
            fields.get("county") or fields.get("training_office") or fields["role"].label
        )
        account_mail_order(
            AccountMailKind.INVITATION,
            user=user,
            organisation=organisation,
            by=None,
            base_url=base_url,
        )
        self.stdout.write(f"Activation e-mail queued for {user.email}.")

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
