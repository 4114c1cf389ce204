"""Follow-up that carries to the meeting (R-P6): each finding links to its table, the county or
the office records decisions on it, the PDF prints them, and next year's list shows them beside
the same index."""

import io

import pytest
from pypdf import PdfReader

from reporting.models import Decision, DecisionStatus, Target
from reporting.scopes import ResultScope
from reporting.selectors import publication_get
from reporting.services.pdf_reports import pdf_build
from tests.reporting.conftest import publish_year, small_rows

pytestmark = pytest.mark.django_db

URL = "/fylke/46/resultater/2024/lu/oppfolging/"


@pytest.fixture
def two_years(questionnaires, world):
    office, trade = world.offices["big"], world.trades["ELE"]
    rows = small_rows(world.county_a, office, trade, answered=40, sampled=50)
    publish_year(2023, rows, seed=1)
    publish_year(2024, rows, seed=2)
    publish_year(2025, rows, seed=3)
    for year in (2024, 2025):
        Target.objects.create(county=world.county_a, year=year, kind="LU", index="trivsel", value=5)


def _add(client, url=URL, **fields):
    data = {"action": "add", "funn": "index:trivsel", "funn_tekst": "Trivsel: 3,9 mot målet 5,0"}
    return client.post(url, {**data, **fields})


def test_each_finding_links_to_its_table(client, two_years, county_a_admin):
    client.force_login(county_a_admin)
    body = client.get(URL).content.decode()
    assert 'href="/fylke/46/resultater/2024/lu/' in body
    assert "Registrer tiltak" in body


def test_a_decision_is_recorded_and_its_status_moved(client, two_years, county_a_admin, world):
    client.force_login(county_a_admin)
    done = _add(
        client, tiltak="Trivselsmøte med kontorene", ansvarlig="Fagopplæringen", frist="2025-03-01"
    )
    assert done.status_code == 302 and done["Location"].endswith("#tiltak")
    decision = Decision.objects.get()
    assert (decision.county, decision.office, decision.year, decision.kind) == (
        world.county_a,
        None,
        2024,
        "LU",
    )
    assert decision.created_by == county_a_admin
    body = client.get(URL).content.decode()
    assert "Trivselsmøte med kontorene" in body and "Fagopplæringen" in body
    moved = client.post(URL, {"action": "status", "vedtak": decision.pk, "status": "under_way"})
    assert moved.status_code == 302
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.UNDER_WAY


def test_a_decision_without_a_measure_or_with_a_bad_date_is_refused(
    client, two_years, county_a_admin
):
    client.force_login(county_a_admin)
    empty = _add(client, tiltak="  ")
    assert empty.status_code == 400
    assert "Beskriv tiltaket." in empty.content.decode()
    bad_date = _add(client, tiltak="Noe", frist="31.02.2025")
    assert bad_date.status_code == 400
    assert not Decision.objects.exists()


def test_another_organisation_cannot_touch_the_decision(
    client, two_years, county_a_admin, county_b_admin
):
    client.force_login(county_a_admin)
    _add(client, tiltak="Eget tiltak")
    decision = Decision.objects.get()
    client.force_login(county_b_admin)
    assert _add(client, tiltak="Fremmed").status_code == 404
    theirs = "/fylke/03/resultater/2024/lu/oppfolging/"
    refused = client.post(theirs, {"action": "status", "vedtak": decision.pk, "status": "done"})
    assert refused.status_code in (400, 404)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PLANNED
    assert Decision.objects.count() == 1


def test_next_year_shows_last_years_decisions_beside_the_same_index(
    client, two_years, county_a_admin
):
    client.force_login(county_a_admin)
    _add(client, tiltak="Trivselsmøte med kontorene")
    body = client.get("/fylke/46/resultater/2025/lu/oppfolging/").content.decode()
    assert "Besluttet i fjor om det samme:" in body
    assert "Trivselsmøte med kontorene" in body


def test_the_pdf_prints_the_decisions(client, two_years, county_a_admin, world):
    client.force_login(county_a_admin)
    _add(client, tiltak="Trivselsmøte med kontorene", ansvarlig="Fagopplæringen")
    content = pdf_build(ResultScope.of_county(world.county_a), publication_get("LU", 2024))
    pages = PdfReader(io.BytesIO(content)).pages
    text = " ".join(" ".join(p.extract_text() for p in pages).split())  # lines wrap in cells
    assert "Besluttede tiltak" in text
    assert "Trivselsmøte med kontorene" in text and "Fagopplæringen" in text
