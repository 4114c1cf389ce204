"""The permission matrix over every route of the portal (tests/access/matrix.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from dispatch.models import Dispatch, DispatchState, Purpose
from portal.demo import valid_orgnr
from portal.models import Company, Membership, Role, User
from registry_import.models import ImportRun, ImportStatus
from surveys.models import RespondentRole, Round, SurveyKind
from tests import register_rows as rows
from tests.access.matrix import MATRIX, PERSONAS, PUBLIC, THIRD_PARTY_MODULES
from tests.conftest import PASSWORD
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
    year = timezone.localdate().year
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
    return {
        "county_a": county_a.code,
        "office_a": office_a.orgnr,
        "year": year,
        "kind": "lu",
        "run": run.pk,
        "category": "laerlinger",
        "ar_unit": ar_unit.pk,
        "fmt": "csv",
        "role": "fylke",
        # A county administrator (the national level manages them), an office user (the
        # county manages them) and an office user who is not the office administrator.
        "county_admin_user": county_a_admin.pk,
        "office_user": colleague.pk,
        **dispatches,
    }


@pytest.fixture
def persona_users(
    national_admin, county_a_admin, county_b_admin, office_a_admin, office_b, outsider
):
    office_b_admin = User.objects.create_user("leder@okost.test", PASSWORD)
    Membership.objects.create(user=office_b_admin, role=Role.OFFICE, training_office=office_b)
    return {
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
    if persona in entry.allowed:
        return entry.get, entry.post
    if persona in entry.others:
        return entry.others[persona]
    return (302, 302) if persona == "anonymous" else (404, 404)


@pytest.mark.parametrize("name", sorted(MATRIX))
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_matrix(client, world, persona_users, name, persona):
    entry = MATRIX[name]
    url = reverse(name, args=[world[arg] for arg in entry.args]) + entry.query
    user = persona_users[persona]
    if user is not None:
        client.force_login(user)
    statuses = (client.get(url).status_code, client.post(url, {}).status_code)
    assert statuses == expected(name, persona), (name, persona, url)
    if persona == "anonymous":
        response = client.get(url)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login"))
