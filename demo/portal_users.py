"""The portal's part of the demo: users with a known password for each role (the demo app's
`load_demo` runs it after the register's part has made the organisations), and the helper that
makes valid organisation numbers for demo and test data."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from allauth.mfa.adapter import get_adapter as get_mfa_adapter
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
from stdnum.no import orgnr as stdnum_orgnr

from portal.accounts.addresses import address_prove, user_create
from portal.models import Access, County, Membership, Role, Statsforvalter, TrainingOffice, User
from portal.organisations.data.statsforvalters import load_statsforvalters

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105 - printed to the person trying the demo
DEMO_COUNTY = "46"  # Vestland
DEMO_OLD_COUNTIES = ("12", "14")  # Hordaland and Sogn og Fjordane, merged into Vestland (R-A5)


@dataclass(frozen=True)
class DemoLogin:
    email: str
    description: str


DEMO_LOGINS = [
    DemoLogin("nasjonal@demo.no", "National administrator (Directorate)"),
    DemoLogin(
        "fylke@demo.no",
        "County administrator of Vestland and the old Hordaland and Sogn og Fjordane",
    ),
    DemoLogin(
        "kontor@demo.no", "Administrator of the Vestland training office with most contracts"
    ),
    DemoLogin(
        "statsforvalter@demo.no",
        "Statsforvalter administrator of Vestland: manages the county's administrators",
    ),
    DemoLogin("leser@demo.no", "Reader in Vestland: results, targets and follow-up only"),
    DemoLogin("utsender@demo.no", "Sender in Vestland: dispatches and response rates"),
]


def valid_orgnr(base: int) -> str:
    """The first valid organisation number at or after the eight-digit base."""
    while True:
        for check in "0123456789":
            candidate = f"{base:08d}{check}"
            if stdnum_orgnr.is_valid(candidate):
                return candidate
        base += 1


def load_demo_users(office: TrainingOffice) -> None:
    """The demo users with the demo password, a proved (verified, primary) address and exactly
    their demo memberships (an office membership from an earlier demo register is removed)."""
    county = County.objects.get(code=DEMO_COUNTY)
    load_statsforvalters(Statsforvalter, County)  # the migration's rows, unless a flush took them
    memberships: dict[str, list[dict[str, Any]]] = {
        "nasjonal@demo.no": [{"role": Role.NATIONAL}],
        "fylke@demo.no": [
            {"role": Role.COUNTY, "county": County.objects.get(code=code)}
            for code in (DEMO_COUNTY, *DEMO_OLD_COUNTIES)
        ],
        "kontor@demo.no": [{"role": Role.OFFICE, "training_office": office}],
        "statsforvalter@demo.no": [
            {
                "role": Role.STATSFORVALTER,
                "statsforvalter": Statsforvalter.objects.get(counties__code=DEMO_COUNTY),
            }
        ],
        "leser@demo.no": [{"role": Role.COUNTY, "county": county, "access": Access.READER}],
        "utsender@demo.no": [{"role": Role.COUNTY, "county": county, "access": Access.SENDER}],
    }
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = user_create(login.email, login.description, password=DEMO_PASSWORD)
        else:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        # As if they had followed the activation link, the way production users are made.
        address_prove(user)
        kept = [
            Membership.objects.get_or_create(user=user, **fields)[0].pk
            for fields in memberships[login.email]
        ]
        user.memberships.exclude(pk__in=kept).delete()


# Demo users whose role requires two-factor login (portal.accounts.two_factor) get an authenticator.
DEMO_TWO_FACTOR_LOGINS = (
    "nasjonal@demo.no",
    "fylke@demo.no",
    "statsforvalter@demo.no",
    "leser@demo.no",
    "utsender@demo.no",
)


def load_demo_two_factor(write: Callable[[str], object]) -> dict[str, str]:
    """A fresh TOTP authenticator and recovery codes for the demo's national, statsforvalter and
    county users, printed with `write`, so a person can log in with an authenticator app (or
    a recovery code). Returns {e-mail: TOTP secret}."""
    secrets: dict[str, str] = {}
    write(
        "Two-factor login (required for these users): add the key to an authenticator app, "
        "or log in with one of the recovery codes."
    )
    users = {u.email: u for u in User.objects.filter(email__in=DEMO_TWO_FACTOR_LOGINS)}
    for email in (e for e in DEMO_TWO_FACTOR_LOGINS if e in users):
        user = users[email]
        Authenticator.objects.filter(user=user).delete()
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        codes = RecoveryCodes.activate(user).get_unused_codes()
        secrets[email] = secret
        write(f"  {email:<20} key {secret}")
        write(f"  {'':<20} {get_mfa_adapter().build_totp_url(user, secret)}")
        write(f"  {'':<20} recovery codes: {' '.join(codes[:5])}")
    return secrets
