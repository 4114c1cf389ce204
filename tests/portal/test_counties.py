from datetime import date

import pytest

from portal.models import County

pytestmark = pytest.mark.django_db

EXPECTED = {
    range(2012, 2018): {
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "14",
        "15",
        "16",
        "17",
        "18",
        "19",
        "20",
    },
    range(2018, 2020): {
        "01",
        "02",
        "03",
        "04",
        "05",
        "06",
        "07",
        "08",
        "09",
        "10",
        "11",
        "12",
        "14",
        "15",
        "50",
        "18",
        "19",
        "20",
    },
    range(2020, 2024): {"03", "11", "15", "18", "30", "34", "38", "42", "46", "50", "54"},
    range(2024, date.today().year + 1): {
        "03",
        "11",
        "15",
        "18",
        "31",
        "32",
        "33",
        "34",
        "39",
        "40",
        "42",
        "46",
        "50",
        "55",
        "56",
    },
}


def expected_codes(year: int) -> set[str]:
    return next(codes for years, codes in EXPECTED.items() if year in years)


@pytest.mark.parametrize("year", range(2012, date.today().year + 1))
def test_it_knows_which_counties_existed_in_each_year(year):
    codes = set(County.objects.existing_in(year).values_list("code", flat=True))
    assert codes == expected_codes(year)


@pytest.mark.parametrize("year", range(2012, date.today().year + 1))
def test_every_county_maps_onto_the_structure_of_every_year(year):
    valid = expected_codes(year)
    for county in County.objects.all():
        became = [c.code for c in county.in_year(year)]
        assert became, f"{county} maps to nothing in {year}"
        assert set(became) <= valid, f"{county} maps to {became} in {year}"


@pytest.mark.parametrize(
    ("code", "year", "became"),
    [
        ("16", 2018, ["50"]),
        ("17", 2025, ["50"]),
        ("01", 2020, ["30"]),
        ("01", 2024, ["31", "32", "33"]),
        ("30", 2024, ["31", "32", "33"]),
        ("07", 2022, ["38"]),
        ("38", 2024, ["39", "40"]),
        ("19", 2023, ["54"]),
        ("54", 2026, ["55", "56"]),
        ("12", 2020, ["46"]),
        ("04", 2021, ["34"]),
        ("09", 2020, ["42"]),
        ("03", 2012, ["03"]),
        ("03", 2026, ["03"]),
    ],
)
def test_it_tells_what_a_county_became(code, year, became):
    assert [c.code for c in County.objects.get(code=code).in_year(year)] == became


@pytest.mark.parametrize(
    ("code", "year", "was"),
    [
        ("50", 2017, ["16", "17"]),
        ("30", 2019, ["01", "02", "06"]),
        ("31", 2019, ["01", "02", "06"]),
        ("31", 2022, ["30"]),
        ("56", 2015, ["19", "20"]),
        ("46", 2012, ["12", "14"]),
    ],
)
def test_it_tells_what_a_county_was_made_of_before_it_began(code, year, was):
    assert [c.code for c in County.objects.get(code=code).in_year(year)] == was


def test_viken_has_no_2019_data_and_lies_on_its_predecessors():
    viken = County.objects.get(code="30")
    assert not viken.exists_in(2019)
    assert viken.exists_in(2020) and viken.exists_in(2023) and not viken.exists_in(2024)
    assert {c.code for c in viken.predecessors.all()} == {"01", "02", "06"}
    assert {c.code for c in viken.successors.all()} == {"31", "32", "33"}


def test_names_keep_norwegian_letters():
    assert County.objects.get(code="01").name == "Østfold"
    assert County.objects.get(code="15").name == "Møre og Romsdal"
