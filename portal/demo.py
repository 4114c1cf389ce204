"""The demo organisations and users. Kept in one place so the demo command and the tests that
check the demo's logins agree."""

from __future__ import annotations

from dataclasses import dataclass

from stdnum.no import orgnr as stdnum_orgnr

from portal.models import Company, County, Membership, Role, TrainingOffice, User

DEMO_PASSWORD = "demo-passord-2026"  # noqa: S105 - printed to the person trying the demo


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
    DemoLogin("kontor@demo.no", "Administrator of Opplæringskontoret for elektrofag Vestland"),
]


def valid_orgnr(base: int) -> str:
    """The first valid organisation number at or after the eight-digit base."""
    while True:
        for check in "0123456789":
            candidate = f"{base:08d}{check}"
            if stdnum_orgnr.is_valid(candidate):
                return candidate
        base += 1


OFFICES = [
    # (base, name, county)
    (91000001, "Opplæringskontoret for elektrofag Vestland", "46"),
    (91000101, "Bygg og anlegg Opplæringskontor Bergen", "46"),
    (91000201, "Oslo Opplæringskontor for helsefag", "03"),
]

COMPANIES = [
    # (base, name, county, municipality, office base or None)
    (92000001, "Fjordkraft Elektro AS", "46", "4601", 91000001),
    (92000101, "Vossa Installasjon AS", "46", "4621", 91000001),
    (92000201, "Bergen Tømrer og Bygg AS", "46", "4601", 91000101),
    (92000301, "Sunnfjord Mekaniske AS", "46", "4647", None),
    (92000401, "Oslo Sykehjem og Omsorg AS", "03", "0301", 91000201),
    (92000501, "Grünerløkka Frisør AS", "03", "0301", None),
]


def load_demo_organisations() -> None:
    counties = {c.code: c for c in County.objects.all()}
    offices: dict[int, TrainingOffice] = {}
    for base, name, county in OFFICES:
        offices[base], _ = TrainingOffice.objects.update_or_create(
            orgnr=valid_orgnr(base), defaults={"name": name, "county": counties[county]}
        )
    for base, name, county, municipality, office in COMPANIES:
        Company.objects.update_or_create(
            orgnr=valid_orgnr(base),
            defaults={
                "name": name,
                "county": counties[county],
                "municipality": municipality,
                "training_office": offices.get(office) if office else None,
            },
        )


def load_demo_users() -> None:
    memberships = {
        "nasjonal@demo.no": [{"role": Role.NATIONAL}],
        "fylke@demo.no": [
            {"role": Role.COUNTY, "county": County.objects.get(code=code)}
            for code in ("46", "12", "14")
        ],
        "kontor@demo.no": [
            {
                "role": Role.OFFICE,
                "training_office": TrainingOffice.objects.get(orgnr=valid_orgnr(91000001)),
            }
        ],
    }
    for login in DEMO_LOGINS:
        user = User.objects.filter(email=login.email).first()
        if user is None:
            user = User.objects.create_user(login.email, DEMO_PASSWORD, full_name=login.description)
        else:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        for fields in memberships[login.email]:
            Membership.objects.get_or_create(user=user, **fields)
