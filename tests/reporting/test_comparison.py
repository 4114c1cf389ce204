"""The counties side by side (R-P6): every county's county-level figures of the round's year
beside the nation, the viewer's own county marked, on that year's county structure; nothing
below another county's level, hidden stays hidden."""

import io

import pytest
from openpyxl import load_workbook

from portal.models import County
from tests.reporting.conftest import publish_year, small_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_counties(questionnaires, world):
    office, oslo_office, trade = world.offices["big"], world.offices["oslo"], world.trades["ELE"]
    rows = small_rows(world.county_a, office, trade, answered=30, sampled=40)
    rows += small_rows(world.county_b, oslo_office, trade, answered=9, sampled=30)
    return publish_year(2024, rows)


def _rows(body: str) -> list[str]:
    table = body.split("<tbody>")[1].split("</tbody>")[0]
    return [r for r in table.split("<tr") if "<th" in r]


def test_a_county_sees_every_county_beside_the_nation_with_its_own_marked(
    client, two_counties, county_a_admin, world
):
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2024/lu/fylkene/").content.decode()
    rows = _rows(body)
    assert "Hele landet" in rows[0]
    vestland = next(r for r in rows if "Vestland" in r)
    assert 'aria-current="true"' in vestland and "(ditt fylke)" in vestland
    oslo = next(r for r in rows if "Oslo" in r)
    assert "aria-current" not in oslo
    assert "30 %" in oslo  # 18 of 60 answered
    # Nothing below the county level of another county: Oslo's office is not named.
    assert world.offices["oslo"].name not in body
    round_page = client.get("/fylke/46/resultater/2024/lu/").content.decode()
    assert "/fylke/46/resultater/2024/lu/fylkene/" in round_page


def test_sorting_by_response_rate_puts_the_highest_first(client, two_counties, county_a_admin):
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2024/lu/fylkene/", {"sorter": "rate"}).content
    rows = _rows(body.decode())[1:]
    assert "Vestland" in rows[0] and "Oslo" in rows[1]
    assert 'aria-sort="descending"' in body.decode()


def test_an_office_sees_the_counties_with_its_county_marked(
    client, two_counties, office_a_admin, office_a
):
    client.force_login(office_a_admin)
    body = client.get(f"/kontor/{office_a.orgnr}/resultater/2024/lu/fylkene/").content.decode()
    vestland = next(r for r in _rows(body) if "Vestland" in r)
    assert 'aria-current="true"' in vestland


def test_a_small_county_stays_hidden(client, questionnaires, world, county_a_admin):
    office, oslo_office, trade = world.offices["big"], world.offices["oslo"], world.trades["ELE"]
    rows = small_rows(world.county_a, office, trade, answered=30, sampled=40)
    rows += small_rows(world.county_b, oslo_office, trade, answered=2, sampled=30)
    publish_year(2024, rows)
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2024/lu/fylkene/").content.decode()
    oslo = next(r for r in _rows(body) if "Oslo" in r)
    assert oslo.count('class="hidden-figure"') >= 2
    assert ">2<" not in oslo


def test_the_old_structure_is_shown_for_its_year(client, questionnaires, world, county_a_admin):
    hordaland = County.objects.get(code="12")
    office, trade = world.offices["big"], world.trades["ELE"]
    publish_year(2019, small_rows(hordaland, office, trade, answered=20, sampled=30))
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2019/lu/fylkene/").content.decode()
    row = next(r for r in _rows(body) if "Hordaland" in r)
    assert 'aria-current="true"' in row  # Vestland's area in 2019
    assert "Vestland" not in "".join(_rows(body))


def test_the_table_downloads_as_csv_and_excel(client, two_counties, county_a_admin):
    client.force_login(county_a_admin)
    csv = client.get("/fylke/46/resultater/2024/lu/fylkene/csv/").content.decode("utf-8-sig")
    header, nation, *counties = csv.strip().splitlines()
    assert header.startswith("Fylke;Svar;Svarprosent (%)")
    assert nation.startswith("Hele landet;78;")
    assert any(line.startswith("Oslo;18;30;") for line in counties)
    xlsx = client.get("/fylke/46/resultater/2024/lu/fylkene/xlsx/")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert [c.value for c in sheet[3]][:3] in (["Oslo", 18, 30], ["Vestland", 60, 75])
    assert client.get("/fylke/46/resultater/2024/lu/fylkene/pdf/").status_code == 404
