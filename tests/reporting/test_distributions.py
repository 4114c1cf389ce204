"""Each question's answers by option for every unit the viewer may see, on the page and in the
downloads: shares and the top two steps from the published counts, a hidden figure as * and
never a number behind it."""

import csv
import io
import json
import re

import pytest
from openpyxl import load_workbook

from reporting.items import item_by_slug
from reporting.models import ResultUnit
from reporting.selectors import publication_items

pytestmark = pytest.mark.django_db

ITEM = "trivsel_trives"
# Numbers no real figure of the fixture has: left in a hidden figure, they must never show.
SECRET = 4321


@pytest.fixture
def known(published, world):
    """County A with known counts of ITEM; office Vest's figure hidden, with numbers left in it
    that no page may read."""
    item = item_by_slug(publication_items(published), ITEM)
    extra = [0] * (len(item.values) - 5)
    county = ResultUnit.objects.get(publication=published, unit_type="C", county=world.county_a)
    county.figures[ITEM] = {"n": 100, "c": [10, 10, 20, 30, 30, *extra]}
    county.save()
    office = ResultUnit.objects.get(
        publication=published, unit_type="CO", office=world.offices["big"]
    )
    office.figures[ITEM] = {"h": 1, "n": SECRET, "c": [SECRET] * len(item.values)}
    office.save()
    return item


def _row(html: str, label: str) -> list[str]:
    """The cells of the table row headed `label`, as text."""
    match = re.search(
        r"<tr[^>]*>\s*<th scope=\"row\">" + re.escape(label) + r"</th>(.*?)</tr>", html, re.S
    )
    assert match, label
    return [
        re.sub(r"<[^>]+>", "", c).strip()
        for c in re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)
    ]


def test_the_county_sees_shares_means_and_the_top_two_steps_of_each_unit(
    client, known, county_a_admin, world
):
    client.force_login(county_a_admin)
    response = client.get(f"/fylke/46/resultater/2024/lu/sporsmal/{ITEM}/fordeling/")
    assert response.status_code == 200
    html = response.content.decode()
    cells = _row(html, "Vestland")
    assert cells[:6] == ["100", "10 % (10)", "10 % (10)", "20 % (20)", "30 % (30)", "30 % (30)"]
    assert cells[-2:] == ["3,6", "60 %"]  # mean (10·1+10·2+20·3+30·4+30·5)/100; 60 % in 4 or 5
    assert "Hele landet" in html
    # The county's breakdowns: trades, offices, companies.
    assert world.trades["ELE"].name in html
    assert world.companies["member"].name in html
    hidden = _row(html, world.offices["big"].name)
    assert set(hidden) == {"*"}
    assert str(SECRET) not in html
    assert "Vises ikke" in html  # the reason for *


def test_the_distribution_downloads_hide_the_same_and_name_the_question(
    client, known, county_a_admin, world
):
    client.force_login(county_a_admin)
    base = f"/fylke/46/resultater/2024/lu/tabeller/fordeling-{ITEM}"
    csv_bytes = client.get(base + ".csv").content
    rows = list(csv.reader(io.StringIO(csv_bytes.decode("utf-8-sig")), delimiter=";"))
    header = rows[0]
    assert all(known.label in h for h in header[2:])  # the question's text in every heading
    by_label = {r[1]: r for r in rows[1:]}
    county = by_label["Vestland"]
    assert county[2:8] == ["100", "10", "10", "10", "10", "20"]  # answers, then number and share
    assert county[-2:] == ["3,6", "60"]
    assert set(by_label[world.offices["big"].name][2:]) == {"*"}
    assert str(SECRET).encode() not in csv_bytes

    sheet = load_workbook(io.BytesIO(client.get(base + ".xlsx").content)).active
    values = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    office = next(r for r in values if r[1] == world.offices["big"].name)
    assert set(office[2:]) == {"*"}
    assert all(SECRET not in r and str(SECRET) not in r for r in values)

    document = json.loads(client.get(base + ".json").content)
    figures = document["tables"][0]["figures"]
    own = next(f for f in figures if f["unit"] == {"type": "C", "county": "46"})
    assert own["shares"]["1"] == 0.1 and own["share_top_two"] == 0.6
    hidden = next(f for f in figures if f["unit"].get("office") == world.offices["big"].orgnr)
    assert hidden == {"unit": hidden["unit"], "item": ITEM, "n": "*"}
    assert str(SECRET) not in json.dumps(document)


def test_an_office_sees_its_county_and_the_nation_beside_its_own_units(
    client, known, office_a_admin, world
):
    client.force_login(office_a_admin)
    orgnr = world.offices["big"].orgnr
    html = client.get(
        f"/kontor/{orgnr}/resultater/2024/lu/sporsmal/{ITEM}/fordeling/"
    ).content.decode()
    assert _row(html, "Vestland")[0] == "100"  # the office's county, read-only beside it
    assert "Hele landet" in html
    assert world.offices["two"].name not in html  # not the county's other offices
    assert str(SECRET) not in html


def test_the_results_page_links_to_each_distribution(client, known, county_a_admin):
    client.force_login(county_a_admin)
    html = client.get("/fylke/46/resultater/2024/lu/").content.decode()
    assert f"/fylke/46/resultater/2024/lu/sporsmal/{ITEM}/fordeling/" in html
    assert "/fylke/46/resultater/2024/lu/sporsmal/indeks-trivsel/fordeling/" in html


def test_the_number_of_answers_has_no_distribution(client, published, county_a_admin):
    client.force_login(county_a_admin)
    assert client.get("/fylke/46/resultater/2024/lu/sporsmal/answers/fordeling/").status_code == 404
    assert (
        client.get("/fylke/46/resultater/2024/lu/tabeller/fordeling-answers.csv").status_code == 404
    )
