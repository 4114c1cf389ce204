"""R-P2, R-P3, R-P4: results over the years, kept apart where the questions changed, and on the
county structure they were collected under."""

import re

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


def test_the_trends_show_the_nation_and_the_targets_beside_the_unit(
    client, years, world, county_a_admin
):
    from decimal import Decimal

    from reporting.models import Target

    Target.objects.create(
        county=world.county_a, year=2021, kind="LU", index="trivsel", value=Decimal("4.5")
    )
    client.force_login(county_a_admin)
    url = "/fylke/46/resultater/lu/utvikling/?sporsmal=indeks-trivsel"
    body = client.get(url).content.decode()
    national = results_trend(ResultScope.national(), "LU", _item("indeks-trivsel"))
    national_2021 = next(p.figure for s in national for p in s.points if p.year == 2021)
    row = re.search(r'<th scope="row">2021</th>(.*?)</tr>', body, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    assert cells[-2:] == [f"{national_2021.mean:.1f}".replace(".", ","), "4,5"]
    assert 'fill="none" stroke="#b34700"' in body  # the nation's line
    assert 'stroke="#1b1b1b" stroke-width="3"' in body  # the target's mark
    assert "Hele landet" in body and "Mål" in body


def test_the_trends_speak_norwegian_and_name_the_new_county_structure(
    client, years, world, county_a_admin
):
    Membership.objects.create(user=county_a_admin, role=Role.COUNTY, county=years)
    client.force_login(county_a_admin)
    url = "/fylke/46/resultater/lu/utvikling/?sporsmal=indeks-veiledning"
    body = client.get(url).content.decode()
    assert ">break<" not in body
    assert "nye spørsmål 2020" in body and "ny fylkesinndeling 2020" in body
    assert "Vestland ble opprettet 1. januar 2020 av Hordaland, Sogn og Fjordane" in body
    # Back to the county of earlier years, and forward from it to its successor.
    assert 'href="/fylke/12/resultater/lu/utvikling/">Hordaland</a>' in body
    assert "/fylke/14/resultater/lu/utvikling/" not in body  # no access there
    old = client.get("/fylke/12/resultater/lu/utvikling/").content.decode()
    assert "Hordaland ble avviklet 31. desember 2019: fra 2020 er det en del av Vestland" in old
    assert 'href="/fylke/46/resultater/lu/utvikling/">Vestland</a>' in old


def test_the_chart_keeps_its_labels_inside_the_drawing(years, world):
    from reporting.charts import trend_chart

    scope = ResultScope.of_county(world.county_a)
    series = results_trend(scope, "LU", _item("indeks-trivsel"))
    national = results_trend(ResultScope.national(), "LU", _item("indeks-trivsel"))
    svg = str(
        trend_chart(
            series, chart_id="t", title="t", description="d", national=national,
            structure_year=2020,
        )
    )
    labels = re.findall(r'<text x="([\d.]+)"([^>]*)>(ny[^<]*)</text>', svg)
    assert {text for _x, _rest, text in labels} == {
        "nye spørsmål 2018",
        "ny fylkesinndeling 2020",
    }
    for x, rest, text in labels:
        # Roughly 5 px a character at this size: the label fits on the side it is drawn.
        width = 5 * len(text)
        if 'text-anchor="end"' in rest:
            assert float(x) - width > 0
        else:
            assert float(x) + width < 560


def test_an_offices_trend_shows_its_county_of_each_year(client, years, world, office_a_admin):
    client.force_login(office_a_admin)
    body = client.get(
        f"/kontor/{world.offices['big'].orgnr}/resultater/lu/utvikling/?sporsmal=indeks-trivsel"
    ).content.decode()
    assert "Fylke det året" in body
    row_2017 = re.search(r'<th scope="row">2017</th>(.*?)</tr>', body, re.S).group(1)
    row_2021 = re.search(r'<th scope="row">2021</th>(.*?)</tr>', body, re.S).group(1)
    assert "<td>Hordaland</td>" in row_2017
    assert "<td>Vestland</td>" in row_2021


def _item(slug):
    return item_by_slug(publication_items(publication_get("LU", 2021)), slug)


def test_the_trends_download_has_the_nation_the_target_and_the_offices_county(
    client, years, world, office_a_admin
):
    import csv
    import io
    from decimal import Decimal

    from portal.lib.downloads import csv_cell
    from reporting.models import Target

    office = world.offices["big"]
    Target.objects.create(
        office=office, year=2021, kind="LU", index="trivsel", value=Decimal("4.4")
    )
    client.force_login(office_a_admin)
    content = client.get(f"/kontor/{office.orgnr}/resultater/2021/lu/tabeller/utvikling.csv")
    rows = list(csv.reader(io.StringIO(content.content.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert header[3] == "Fylke det året" and header[-2:] == ["Gjennomsnitt nasjonalt", "Mål"]
    trivsel = {r[2]: r for r in rows[1:] if r[0] == "Trivsel"}
    assert trivsel["2017"][3] == "Hordaland" and trivsel["2021"][3] == "Vestland"
    assert trivsel["2021"][-1] == "4,4" and trivsel["2020"][-1] == ""
    national = results_trend(ResultScope.national(), "LU", _item("indeks-trivsel"))
    mean_2021 = next(p.figure.mean for s in national for p in s.points if p.year == 2021)
    assert trivsel["2021"][-2] == csv_cell(round(mean_2021, 2))
