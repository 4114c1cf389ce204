"""The permission matrix over every route of the portal (tests/access/matrix.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from demo.portal_users import valid_orgnr
from dispatch.models import Dispatch, DispatchState, Purpose
from portal.lib.oslo import oslo_today
from portal.models import Access, Company, County, Membership, Role, Statsforvalter, User
from portal.organisations.data.statsforvalters import load_statsforvalters
from registry_import.models import ImportRun, ImportStatus
from surveys.models import RespondentRole, Round, SurveyKind
from tests import register_rows as rows
from tests.access.matrix import (
    MATRIX,
    MEMBERS,
    PERSONAS,
    PUBLIC,
    ROLE_MAY,
    THIRD_PARTY_MODULES,
)
from tests.conftest import PASSWORD, give_two_factor
from tests.surveys.factories import respondent_make

pytestmark = pytest.mark.django_db


def _routes(patterns, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def portal_routes() -> dict[str, str]:
    """{name: path pattern} of every route of the portal's own apps."""
    found = {}
    for path, pattern in _routes(get_resolver().url_patterns):
        module = getattr(pattern.callback, "__module__", "")
        if module.startswith(THIRD_PARTY_MODULES):
            continue
        assert pattern.name, f"{path} has no name"
        found[pattern.name] = path
    return found


def test_every_route_has_a_row_or_a_reason():
    routes = portal_routes()
    missing = sorted(set(routes) - set(MATRIX) - set(PUBLIC))
    assert not missing, f"routes without a row in tests/access/matrix.py: {missing}"
    stale = sorted((set(MATRIX) | set(PUBLIC)) - set(routes))
    assert not stale, f"rows for routes that no longer exist: {stale}"
    # Every route with an organisation or object in its path is in the matrix, not public.
    with_objects = {name for name, path in routes.items() if "<" in path}
    public_with_objects = with_objects & set(PUBLIC) - {"respond_link", "respond_section"}
    assert not public_with_objects, public_with_objects


@pytest.fixture
def world(counties, county_a, county_b, office_a, office_b, national_admin, county_a_admin):
    year = oslo_today().year
    load_statsforvalters(Statsforvalter, County)
    rows.rounds(year)
    run = ImportRun.objects.create(
        status=ImportStatus.SUCCEEDED, source="upload", started_by=national_admin
    )
    ar_round = Round.objects.get(year=year, kind=SurveyKind.AR)
    company = Company.objects.create(
        orgnr=valid_orgnr(98000011), name="Medlem AS", county=county_a, training_office=office_a
    )
    ar_unit = respondent_make(
        ar_round, county_a, role=RespondentRole.LEADER, training_office=office_a, company=company
    )
    lu_round = Round.objects.get(year=year, kind=SurveyKind.LU)
    dispatches = {
        name: Dispatch.objects.create(
            round=lu_round,
            purpose=Purpose.INVITATION,
            by_email=True,
            send_at=timezone.now() + timedelta(days=1),
            state=DispatchState.SCHEDULED,
            **organisation,
        ).pk
        for name, organisation in (
            ("county_dispatch", {"county": county_a}),
            ("office_dispatch", {"training_office": office_a}),
        )
    }
    colleague = User.objects.create_user("kollega@okvest.test", PASSWORD)
    Membership.objects.create(user=colleague, role=Role.OFFICE, training_office=office_a)
    county_a_admin = Membership.objects.get(role=Role.COUNTY, county=county_a).user
    return _World(
        lambda: _published_results(county_a, county_b, office_a, national_admin),
        {
            "county_a": county_a.code,
            "office_a": office_a.orgnr,
            "statsforvalter_a": Statsforvalter.objects.get(counties=county_a).code,
            "year": year,
            "kind": "lu",
            "run": run.pk,
            "category": "laerlinger",
            "ar_unit": ar_unit.pk,
            "fmt": "csv",
            "pdf": "pdf",
            "role": "fylke",
            # A county administrator (the national level manages them), an office user (the
            # county manages them) and an office user who is not the office administrator.
            "county_admin_user": county_a_admin.pk,
            "office_user": colleague.pk,
            **dispatches,
        },
    )


class _World(dict):
    """The objects the routes' arguments name; the published results (costly to make) only for
    the routes that need them."""

    def __init__(self, more, values: dict) -> None:
        super().__init__(values)
        self._more = more

    def __missing__(self, key: str):
        self.update(self._more())
        return dict.__getitem__(self, key)


def _published_results(county_a, county_b, office_a, national_admin) -> dict:
    """A small published LU round of 2024, a PDF of it for county A and office A, and a
    registered research project: what the report portal's routes need."""
    import random

    from demo.synthetic_results import classes_fill, closed_round_ensure
    from registry_import.models import Trade
    from reporting.models import PdfReport, PdfStatus, ResearchProject
    from reporting.services.publishing import round_publish
    from surveys.services.questionnaires import questionnaires_load

    questionnaires_load()  # the shipped questionnaires, with their questions and indexes
    trade = Trade.objects.get_or_create(code="ELELE3----", name="Elektrikerfaget")[0]
    round_ = closed_round_ensure(2024, "LU")
    classes_fill(
        round_,
        [
            ((county_a.pk, office_a.pk, None, trade.pk, ""), 12, 8),
            ((county_a.pk, None, None, None, ""), 9, 6),
            ((county_b.pk, None, None, None, ""), 10, 7),
        ],
        rng=random.Random(1),
    )
    publication = round_publish(round_id=round_.pk)
    pdfs = {
        name: PdfReport.objects.create(
            publication=publication,
            version=publication.version,
            language="nb",
            status=PdfStatus.DONE,
            progress=100,
            content=b"%PDF-1.4\n%%EOF\n",
            **organisation,
        ).pk
        for name, organisation in (
            ("county_pdf", {"county": county_a}),
            ("office_pdf", {"office": office_a}),
        )
    }
    project = ResearchProject.objects.create(
        title="Læringsmiljø i fagopplæringen",
        institution="Universitetet",
        researcher_name="Forsker Forskersen",
        declaration_signed_on=date(2026, 1, 5),
        registered_by=national_admin,
    )
    return {
        "results_year": 2024,
        "results_kind": "lu",
        "item": "indeks-trivsel",
        "table": "oversikt",
        "results_fmt": "csv",
        "target_year": oslo_today().year + 1,
        "project": project.pk,
        **pdfs,
    }


@pytest.fixture
def persona_users(
    national_admin, county_a_admin, county_b_admin, office_a_admin, office_b, outsider
):
    office_b_admin = User.objects.create_user("leder@okost.test", PASSWORD)
    Membership.objects.create(user=office_b_admin, role=Role.OFFICE, training_office=office_b)
    county_a = county_a_admin.memberships.get().county
    office_a = office_a_admin.memberships.get().training_office
    lesser = {}
    for persona, (admin, access) in MEMBERS.items():
        user = User.objects.create_user(f"{persona.replace('_', '-')}@medlem.test", PASSWORD)
        organisation = (
            {"role": Role.COUNTY, "county": county_a}
            if admin == "county_a"
            else {"role": Role.OFFICE, "training_office": office_a}
        )
        Membership.objects.create(user=user, access=access, **organisation)
        if admin == "county_a":
            give_two_factor(user)
        lesser[persona] = user
    load_statsforvalters(Statsforvalter, County)
    statsforvalter_a = User.objects.create_user("admin@sfvl.test", PASSWORD)
    Membership.objects.create(
        user=statsforvalter_a,
        role=Role.STATSFORVALTER,
        statsforvalter=Statsforvalter.objects.get(counties=county_a),
        access=Access.ADMINISTRATOR,
    )
    give_two_factor(statsforvalter_a)
    return {
        **lesser,
        "statsforvalter_a": statsforvalter_a,
        "national": national_admin,
        "county_a": county_a_admin,
        "county_b": county_b_admin,
        "office_a": office_a_admin,
        "office_b": office_b_admin,
        "outsider": outsider,
        "anonymous": None,
    }


def expected(name: str, persona: str) -> tuple[int, int]:
    entry = MATRIX[name]
    if persona in MEMBERS:
        organisation, access = MEMBERS[persona]
        if organisation in entry.allowed:
            return (entry.get, entry.post) if entry.needs in ROLE_MAY[access] else (403, 403)
    if persona in entry.allowed:
        return entry.get, entry.post
    if persona in entry.others:
        return entry.others[persona]
    return (302, 302) if persona == "anonymous" else (404, 404)


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_the_matrix(client, world, persona_users, name):
    """Every persona against the route, GET and POST, in one test per route: the world is made
    once per route, and a failure names the persona."""
    entry = MATRIX[name]
    url = reverse(name, args=[world[arg] for arg in entry.args]) + entry.query
    found, wanted = {}, {}
    for persona in PERSONAS:
        client.logout()
        user = persona_users[persona]
        if user is not None:
            client.force_login(user)
        found[persona] = (client.get(url).status_code, client.post(url, {}).status_code)
        wanted[persona] = expected(name, persona)
        if persona == "anonymous" and found[persona][0] == 302:
            assert client.get(url)["Location"].startswith(reverse("account_login")), url
    wrong = {p: (found[p], wanted[p]) for p in PERSONAS if found[p] != wanted[p]}
    assert not wrong, (name, url, "persona: (found, expected)", wrong)
