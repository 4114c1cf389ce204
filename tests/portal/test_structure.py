"""The county structure of a year (R-P4): where a county number of another year's structure,
and a municipality number of any period, belong that year."""

import pytest

from portal.organisations.data.municipalities import municipality_counties
from portal.organisations.structure import CountyStructure, NotPlaced, Placement, counterparts


@pytest.mark.parametrize(
    ("code", "year", "expected"),
    [
        ("46", 2026, ("46",)),
        ("12", 2026, ("46",)),  # merged into Vestland
        ("30", 2026, ("31", "32", "33")),  # split
        ("01", 2026, ("31", "32", "33")),  # through Viken
        ("31", 2023, ("30",)),
        ("31", 2019, ("01", "02", "06")),
        ("46", 2019, ("12", "14")),
        ("50", 2017, ("16", "17")),
        ("16", 2019, ("50",)),
        ("54", 2025, ("55", "56")),
        ("99", 2026, ()),
    ],
)
def test_what_a_county_number_is_in_a_year(code, year, expected):
    assert counterparts(code, year) == expected


@pytest.mark.parametrize(
    ("municipality", "year", "county"),
    [
        ("0101", 2026, "31"),  # Halden, numbered 0101 until 2019, 3001 until 2023, now 3101
        ("3001", 2026, "31"),
        ("3101", 2022, "30"),
        ("3101", 2019, "01"),
        ("0627", 2026, "32"),  # Røyken, Buskerud, merged into Asker, now Akershus
        ("3025", 2019, None),  # Asker was made of Akershus and Buskerud municipalities
        ("0532", 2024, "32"),  # Jevnaker, Oppland until 2019
        ("4601", 2019, "12"),
        ("1852", 2024, "55"),  # Tjeldsund, Nordland until 2019
        ("0301", 2026, "03"),  # a county that never changed
        ("3199", 2026, None),  # no such municipality
        ("", 2026, None),
    ],
)
def test_where_a_municipality_lies_in_a_year(municipality, year, county):
    assert CountyStructure(year).municipality_county(municipality) == county


def test_every_split_or_merged_county_has_its_municipalities_in_the_table():
    # Each county of 2020-2023 that was later split, and each county merged in 2020, has its
    # municipalities listed with the county of every period.
    for number, periods in [("3005", ("06/07", "30", "33")), ("5412", ("18/19", "54", "55"))]:
        assert "/".join(municipality_counties(number, 2019)) == periods[0]
        assert municipality_counties(number, 2022) == (periods[1],)
        assert municipality_counties(number, 2025) == (periods[2],)


def test_placing_uses_the_municipality_only_where_the_code_was_split_or_merged():
    year_2026 = CountyStructure(2026)
    assert year_2026.place("46") == Placement("46", mapped=False)
    assert year_2026.place("12", "0301") == Placement("46", mapped=True)
    assert year_2026.place("30", "3024") == Placement("32", mapped=True)
    with pytest.raises(NotPlaced) as no_municipality:
        year_2026.place("30")
    assert no_municipality.value.became == ("31", "32", "33")
    with pytest.raises(NotPlaced) as elsewhere:
        year_2026.place("30", "4601")
    assert elsewhere.value.municipality == "4601"


def test_an_office_is_placed_where_its_members_agree():
    structure = CountyStructure(2026)
    assert structure.place_by_members("30", ["3101", "3103", "0301"]) == Placement("31", True)
    with pytest.raises(NotPlaced):
        structure.place_by_members("30", ["3101", "3201"])
    with pytest.raises(NotPlaced):
        structure.place_by_members("30", [])
    assert structure.place_by_members("12", []) == Placement("46", True)
