"""R-P2, R-P3, R-P4: results over the years, kept apart where the questions changed, and on the
county structure they were collected under."""

import pytest

from portal.models import County, Membership, Role
from reporting.items import item_by_slug
from reporting.scopes import ResultScope
from reporting.selectors import publication_get, publication_items, results_overview, results_trend
from tests.reporting.conftest import publish_year, small_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def years(questionnaires, world):
    """LU 2016–2021 for county A (Vestland did not exist before 2020: Hordaland then)."""
    hordaland = County.objects.get(code="12")
    office, trade = world.offices["big"], world.trades["ELE"]
    for year in range(2016, 2022):
        county = world.county_a if year >= 2020 else hordaland
        publish_year(year, small_rows(county, office, trade))
    return hordaland


def _series(scope, slug):
    publication = publication_get("LU", 2021)
    item = item_by_slug(publication_items(publication), slug)
    return [[p.year for p in s.points] for s in results_trend(scope, "LU", item)], results_trend(
        scope, "LU", item
    )


def test_the_2018_revision_splits_every_series(years, world):
    office = ResultScope.of_office(world.offices["big"])
    series, full = _series(office, "indeks-trivsel")
    assert series == [[2018, 2019, 2020, 2021], [2016, 2017]]
    assert "2018" in full[0].break_reason


def test_an_index_whose_questions_changed_in_2020_is_marked(years, world):
    office = ResultScope.of_office(world.offices["big"])
    series, full = _series(office, "indeks-veiledning")
    assert series == [[2020, 2021], [2018, 2019], [2016, 2017]]
    assert "2020" in full[0].break_reason


def test_a_question_that_continues_is_one_series_and_a_new_one_starts_in_2020(years, world):
    office = ResultScope.of_office(world.offices["big"])
    assert _series(office, "trivsel_trives")[0] == [[2018, 2019, 2020, 2021]]
    assert _series(office, "mobbing_laeretiden")[0] == [[2020, 2021]]


def test_last_year_is_compared_only_where_comparable(years, world):
    scope = ResultScope.of_office(world.offices["big"])
    overview = results_overview(scope, publication_get("LU", 2020))
    rows = {r.item.code: r for r in overview.rows}
    assert rows["index:trivsel"].last_year.mean is not None
    assert rows["index:veiledning"].last_year is None
    assert rows["mobbing_laeretiden"].last_year is None
    overview = results_overview(scope, publication_get("LU", 2018))
    assert all(r.last_year is None for r in overview.rows)


def test_a_county_keeps_its_own_years_and_never_sums_old_units(years, world):
    vestland = ResultScope.of_county(world.county_a)
    assert _series(vestland, "indeks-trivsel")[0] == [[2020, 2021]]
    hordaland = ResultScope.of_county(years)
    assert _series(hordaland, "indeks-trivsel")[0] == [[2018, 2019], [2016, 2017]]


def test_the_trends_page_shows_separate_series_and_the_break(client, years, world, office_a_admin):
    client.force_login(office_a_admin)
    body = client.get(
        f"/kontor/{world.offices['big'].orgnr}/resultater/lu/utvikling/?sporsmal=indeks-veiledning"
    ).content.decode()
    assert body.count('fill="none" stroke="#00509e"') == 3  # the office's three series
    assert body.count('fill="none" stroke="#b34700"') == 3  # the nation's beside them
    assert "stroke-dasharray" in body
    assert "2020" in body and "<table" in body


def test_a_merged_county_switches_between_its_old_units(client, years, world, county_a_admin):
    Membership.objects.create(user=county_a_admin, role=Role.COUNTY, county=years)
    client.force_login(county_a_admin)
    body = client.get("/fylke/46/resultater/2019/lu/").content.decode()
    assert '<option value="12">Hordaland</option>' in body
    assert '<option value="14">' not in body  # no access to Sogn og Fjordane
    assert 'id="indexes"' not in body  # nothing is shown summed for the new county
    response = client.get("/fylke/46/resultater/2019/lu/enhet/?fylke=12")
    assert response["Location"] == "/fylke/12/resultater/2019/lu/"
    assert client.get("/fylke/46/resultater/2019/lu/enhet/?fylke=14").status_code == 404
    body = client.get("/fylke/12/resultater/2021/lu/").content.decode()
    assert '<option value="46">Vestland</option>' in body
    body = client.get("/fylke/46/resultater/lu/utvikling/").content.decode()
    assert 'href="/fylke/12/resultater/lu/utvikling/">Hordaland</a>' in body


def test_an_office_sees_all_its_years_whatever_the_structure(client, years, world, office_a_admin):
    client.force_login(office_a_admin)
    for year in (2017, 2019, 2021):
        body = client.get(f"/kontor/{world.offices['big'].orgnr}/resultater/{year}/lu/")
        assert 'id="indexes"' in body.content.decode()
