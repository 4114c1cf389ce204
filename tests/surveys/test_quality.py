"""The county's quality report (R-C1, R-C2, R-S4, R-S5): what it lists, for whom, and its files."""

import csv
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation

from portal.lib.oslo import OSLO, oslo_today
from registry_import.models import ContractStatus
from registry_import.selectors import reference_date_of
from surveys.quality import deadline_countdown
from tests import register_rows as rows

pytestmark = pytest.mark.django_db

REF = reference_date_of(oslo_today().year)
LONG_AGO = REF.replace(year=REF.year - 2)  # more than 11 months before the reference date
LATELY = REF.replace(month=8)  # two months before it
LATER = REF.replace(year=REF.year + 1)

APPRENTICE_HEADERS = [
    "Lærling",
    "Kontrakt-ID",
    "Lærefag",
    "Lærebedrift",
    "Organisasjonsnummer",
    "Opplæringskontor",
    "E-post",
    "E-poststatus",
    "Mobil",
    "Mobilstatus",
]


def page(client, county) -> str:
    return client.get(reverse("county_quality", args=[county.code])).content.decode()


def csv_rows(client, county, key) -> list[list[str]]:
    response = client.get(reverse("county_quality_csv", args=[county.code, key]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))


def workbook(client, county):
    response = client.get(reverse("county_quality_xlsx", args=[county.code]))
    assert response.status_code == 200
    return openpyxl.load_workbook(io.BytesIO(response.content), read_only=True)


def listed(client, county, key) -> list[str]:
    """The first cell of each data row of one category's CSV."""
    return [r[0] for r in csv_rows(client, county, key)[1:]]


@pytest.fixture
def client_a(client, county_a_admin):
    client.force_login(county_a_admin)
    return client


def running(person, company, **extra):
    return rows.contract(person, company, start=LONG_AGO, end=LATER, **extra)


# --- Who may see it -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("county_a_admin", 200),
        ("county_b_admin", 404),
        ("national_admin", 404),
        ("office_a_admin", 404),
        ("outsider", 404),
    ],
)
@pytest.mark.parametrize("view", ["page", "csv", "xlsx"])
def test_only_the_counties_own_administrators_reach_the_report(
    client, request, county_a, persona, status, view
):
    client.force_login(request.getfixturevalue(persona))
    url = {
        "page": reverse("county_quality", args=[county_a.code]),
        "csv": reverse("county_quality_csv", args=[county_a.code, "laerlinger"]),
        "xlsx": reverse("county_quality_xlsx", args=[county_a.code]),
    }[view]
    assert client.get(url).status_code == status


def test_an_unknown_category_is_not_found(client_a, county_a):
    url = reverse("county_quality_csv", args=[county_a.code, "alt"])
    assert client_a.get(url).status_code == 404


def test_the_county_dashboard_links_to_the_report(client_a, county_a):
    body = client_a.get(reverse("county_dashboard", args=[county_a.code])).content.decode()
    assert reverse("county_quality", args=[county_a.code]) in body


# --- a. Apprentices in the LU sample without valid contact data -----------------------------


class TestApprentices:
    def test_one_in_the_sample_without_valid_contact_data_is_listed_with_what_is_wrong(
        self, client_a, county_a
    ):
        company = rows.company(county_a, name="Fjord Elektro AS")
        person = rows.apprentice(
            first_name="Siri",
            last_name="Utenepost",
            email="",
            email_valid=False,
            mobile="12345",
            mobile_valid=False,
        )
        contract = running(person, company)
        assert csv_rows(client_a, county_a, "laerlinger") == [
            APPRENTICE_HEADERS,
            [
                "Siri Utenepost",
                contract.register_id,
                "Elektrikerfaget",
                "Fjord Elektro AS",
                company.orgnr,
                "",
                "",
                "Mangler",
                "12345",
                "Ugyldig",
            ],
        ]
        body = page(client_a, county_a)
        assert "Siri Utenepost" in body
        assert "Mangler" in body

    def test_one_missing_only_the_mobile_is_listed_too(self, client_a, county_a):
        person = rows.apprentice(last_name="Utenmobil", mobile="", mobile_valid=False)
        running(person, rows.company(county_a))
        assert listed(client_a, county_a, "laerlinger") == [str(person)]

    def test_one_with_valid_e_mail_and_mobile_is_not_listed(self, client_a, county_a):
        running(rows.apprentice(last_name="Iorden"), rows.company(county_a))
        assert listed(client_a, county_a, "laerlinger") == []

    def test_one_not_yet_eleven_months_in_training_is_not_listed(self, client_a, county_a):
        person = rows.apprentice(email="", email_valid=False)
        rows.contract(person, rows.company(county_a), start=LATELY, end=LATER)
        assert listed(client_a, county_a, "laerlinger") == []


# --- b. Professional leaders without valid contact data -------------------------------------


class TestProfessionalLeaders:
    def test_a_leader_with_neither_valid_is_listed_as_unreachable(self, client_a, county_a):
        company = rows.company(county_a)
        running(rows.apprentice(), company)
        leader = rows.leader(
            company, last_name="Nåesløs", email="feil@", email_valid=False, mobile_valid=False
        )
        assert listed(client_a, county_a, "faglige-ledere") == [str(leader)]
        assert listed(client_a, county_a, "faglige-ledere-delvis") == []

    def test_a_leader_missing_one_of_them_is_listed_apart(self, client_a, county_a):
        company = rows.company(county_a)
        running(rows.apprentice(), company)
        leader = rows.leader(company, mobile="", mobile_valid=False)
        assert listed(client_a, county_a, "faglige-ledere") == []
        assert listed(client_a, county_a, "faglige-ledere-delvis") == [str(leader)]

    def test_a_leader_named_on_a_contract_counts_the_contracts_led(self, client_a, county_a):
        company = rows.company(county_a)
        leader = rows.leader(company, email_valid=False, mobile_valid=False)
        running(rows.apprentice(), company, leader=leader)
        running(rows.apprentice(), company, leader=leader)
        running(rows.apprentice(), company)
        [row] = csv_rows(client_a, county_a, "faglige-ledere")[1:]
        assert row[0] == str(leader)
        assert row[-1] == "2"

    def test_leaders_with_valid_contact_data_or_without_running_contracts_are_not_listed(
        self, client_a, county_a
    ):
        busy = rows.company(county_a)
        running(rows.apprentice(), busy)
        rows.leader(busy)
        rows.leader(busy, email_valid=False, mobile_valid=False, in_register=False)
        idle = rows.company(county_a)
        rows.contract(
            rows.apprentice(),
            idle,
            start=LONG_AGO,
            end=LATELY,
            status=ContractStatus.COMPLETED,
        )
        rows.leader(idle, email_valid=False, mobile_valid=False)
        assert listed(client_a, county_a, "faglige-ledere") == []
        assert listed(client_a, county_a, "faglige-ledere-delvis") == []


# --- c. Companies with running contracts and no professional leader -------------------------


class TestCompaniesWithoutLeader:
    def test_a_company_with_running_contracts_and_no_leader_is_listed(self, client_a, county_a):
        company = rows.company(county_a, name="Lederløs AS")
        running(rows.apprentice(), company)
        running(rows.apprentice(), company)
        assert csv_rows(client_a, county_a, "bedrifter-uten-faglig-leder")[1:] == [
            ["Lederløs AS", company.orgnr, county_a.name, "", "2"]
        ]

    def test_a_leader_registered_for_the_company_is_enough(self, client_a, county_a):
        registered = rows.company(county_a)
        running(rows.apprentice(), registered)
        rows.leader(registered)
        assert listed(client_a, county_a, "bedrifter-uten-faglig-leder") == []

    def test_a_leader_of_another_company_named_on_the_contract_is_not(self, client_a, county_a):
        # R-S2: such a leader cannot answer for this company, so the sample leaves it out.
        named = rows.company(county_a, name="Lånt leder AS")
        elsewhere = rows.leader(rows.company(county_a))
        running(rows.apprentice(), named, leader=elsewhere)
        assert listed(client_a, county_a, "bedrifter-uten-faglig-leder") == ["Lånt leder AS"]

    def test_a_company_without_running_contracts_is_not_listed(self, client_a, county_a):
        company = rows.company(county_a)
        rows.contract(
            rows.apprentice(),
            company,
            start=LONG_AGO,
            end=LATELY,
            status=ContractStatus.TERMINATED,
        )
        assert listed(client_a, county_a, "bedrifter-uten-faglig-leder") == []


# --- d. Units not registered in NLR/NOR -----------------------------------------------------


class TestUnregisteredUnits:
    def test_a_company_not_in_nlr_with_running_contracts_is_listed(self, client_a, county_a):
        company = rows.company(county_a, name="Uregistrert AS", nlr=False)
        running(rows.apprentice(), company)
        assert listed(client_a, county_a, "bedrifter-utenfor-nlr") == ["Uregistrert AS"]

    def test_registered_companies_and_those_without_running_contracts_are_not(
        self, client_a, county_a
    ):
        running(rows.apprentice(), rows.company(county_a))
        rows.contract(
            rows.apprentice(),
            rows.company(county_a, nlr=False),
            start=LONG_AGO,
            end=LATELY,
            status=ContractStatus.COMPLETED,
        )
        assert listed(client_a, county_a, "bedrifter-utenfor-nlr") == []

    def test_offices_not_in_nor_are_listed_by_their_contracts_and_members(self, client_a, county_a):
        following = rows.office(county_a, name="Følger opp OK", nor=False)
        running(rows.apprentice(), rows.company(county_a), office=following)
        member_of = rows.office(county_a, name="Har medlem OK", nor=False)
        running(rows.apprentice(), rows.company(county_a, office=member_of))
        assert listed(client_a, county_a, "kontor-utenfor-nor") == [
            "Følger opp OK",
            "Har medlem OK",
        ]

    def test_offices_in_nor_or_without_running_contracts_are_not(self, client_a, county_a):
        registered = rows.office(county_a)
        running(rows.apprentice(), rows.company(county_a, office=registered))
        rows.office(county_a, nor=False)
        assert listed(client_a, county_a, "kontor-utenfor-nor") == []


# --- The training offices' managing director, e-mail and mobile (ÅR, activation) ------------


class TestOfficeContacts:
    def test_an_office_whose_managing_director_cannot_be_reached_is_listed(
        self, client_a, county_a
    ):
        office = rows.office(
            county_a, name="Uten kontakt OK", email="feil@", email_valid=False, mobile=""
        )
        running(rows.apprentice(), rows.company(county_a, office=office))
        assert listed(client_a, county_a, "kontor-kan-ikke-naas") == ["Uten kontakt OK"]
        assert listed(client_a, county_a, "kontor-kontaktdata") == []
        header, row = csv_rows(client_a, county_a, "kontor-kan-ikke-naas")
        assert header[3:8] == ["Daglig leder", "E-post", "E-poststatus", "Mobil", "Mobilstatus"]
        assert row[4:9] == ["feil@", "Ugyldig", "", "Mangler", "1"]

    def test_an_office_missing_the_director_or_one_channel_is_listed_apart(
        self, client_a, county_a
    ):
        no_mobile = rows.office(county_a, name="A Uten mobil OK")  # e-mail only
        no_name = rows.office(
            county_a, name="B Uten leder OK", manager_name="", mobile="+4741000001",
            mobile_valid=True,
        )
        complete = rows.office(
            county_a, name="C Komplett OK", mobile="+4741000002", mobile_valid=True
        )
        for office in (no_mobile, no_name, complete):
            running(rows.apprentice(), rows.company(county_a), office=office)
        assert listed(client_a, county_a, "kontor-kontaktdata") == [
            "A Uten mobil OK",
            "B Uten leder OK",
        ]
        assert listed(client_a, county_a, "kontor-kan-ikke-naas") == []
        by_name = {r[0]: r for r in csv_rows(client_a, county_a, "kontor-kontaktdata")[1:]}
        assert by_name["B Uten leder OK"][3] == "Mangler"
        assert by_name["A Uten mobil OK"][7] == "Mangler"

    def test_offices_without_running_contracts_or_of_other_counties_are_not_listed(
        self, client_a, county_a, county_b
    ):
        rows.office(county_a, name="Ingen kontrakter OK", email_valid=False)
        elsewhere = rows.office(county_b, name="Oslo OK", email_valid=False)
        running(rows.apprentice(), rows.company(county_b, office=elsewhere))
        assert listed(client_a, county_a, "kontor-kan-ikke-naas") == []
        assert listed(client_a, county_a, "kontor-kontaktdata") == []

    def test_the_page_and_the_workbook_count_the_offices_like_the_other_findings(
        self, client_a, county_a
    ):
        office = rows.office(county_a, name="Telles OK", email_valid=False, mobile="")
        running(rows.apprentice(), rows.company(county_a, office=office))
        text = page(client_a, county_a)
        assert "Opplæringskontorer der daglig leder ikke kan nås" in text
        assert "Opplæringskontorer som mangler daglig leder, e-post eller mobil" in text
        book = workbook(client_a, county_a)
        assert "Kontor som ikke kan nås" in book.sheetnames
        overview = {r[0]: r[1] for r in book["Oversikt"].iter_rows(values_only=True) if r}
        assert overview["Opplæringskontorer der daglig leder ikke kan nås"] == 1


# --- Scope: a county sees its own contracts' rows only --------------------------------------


def test_county_a_never_sees_county_bs_rows_on_the_page_or_in_the_files(
    client, county_a, county_b, county_a_admin, county_b_admin
):
    b_company = rows.company(county_b, name="Oslo Uregistrert AS", nlr=False)
    running(rows.apprentice(last_name="Oslolærling", email_valid=False), b_company)
    b_office = rows.office(county_b, name="Oslo Uregistrert OK", nor=False)
    b_leaderless = rows.company(county_b, name="Oslo Lederløs AS", office=b_office)
    running(rows.apprentice(last_name="Oslolærling2", mobile_valid=False), b_leaderless)
    b_with_leader = rows.company(county_b, name="Oslo Ledet AS")
    rows.leader(b_with_leader, last_name="Osloleder", email_valid=False, mobile_valid=False)
    running(rows.apprentice(), b_with_leader)
    # A company located in A with a contract of county B is B's concern for that contract.
    a_located = rows.company(county_a, name="Vestland Lederløs AS")
    running(
        rows.apprentice(last_name="Bergenlærling", email_valid=False), a_located, county=county_b
    )

    secrets = [
        "Oslo Uregistrert AS",
        "Oslolærling",
        "Oslo Uregistrert OK",
        "Oslo Lederløs AS",
        "Osloleder",
        "Vestland Lederløs AS",
        "Bergenlærling",
    ]
    client.force_login(county_a_admin)
    body = page(client, county_a)
    sheets = workbook(client, county_a)
    files = [
        "\n".join(";".join(r) for r in csv_rows(client, county_a, key))
        for key in [
            "laerlinger",
            "faglige-ledere",
            "faglige-ledere-delvis",
            "bedrifter-uten-faglig-leder",
            "bedrifter-utenfor-nlr",
            "kontor-utenfor-nor",
        ]
    ]
    cells = "\n".join(
        str(v) for ws in sheets.worksheets for r in ws.iter_rows(values_only=True) for v in r
    )
    for secret in secrets:
        assert secret not in body
        assert secret not in cells
        assert all(secret not in f for f in files)

    client.force_login(county_b_admin)
    body_b = page(client, county_b)
    for secret in secrets:
        assert secret in body_b
    assert set(listed(client, county_b, "bedrifter-uten-faglig-leder")) == {
        "Oslo Uregistrert AS",
        "Oslo Lederløs AS",
        "Vestland Lederløs AS",
    }


def test_undeliverable_addresses_are_listed_for_the_county_whose_people_hold_them(
    client, county_a, county_b, county_a_admin
):
    from registry_import.undeliverable import undeliverable_mark

    running(rows.apprentice(email="borte@example.test"), rows.company(county_a, name="V AS"))
    running(rows.apprentice(mobile="+4798765432"), rows.company(county_a, name="W AS"))
    running(rows.apprentice(email="oslo@example.test"), rows.company(county_b, name="O AS"))
    for channel, value in [
        ("email", "borte@example.test"),
        ("mobile", "+4798765432"),
        ("email", "oslo@example.test"),
    ]:
        undeliverable_mark(channel=channel, value=value, reason="550 no such user")
    client.force_login(county_a_admin)
    assert sorted(listed(client, county_a, "ikke-levert")) == ["+4798765432", "borte@example.test"]


# --- The downloads --------------------------------------------------------------------------


def test_the_workbook_has_an_overview_and_a_sheet_per_category_with_norwegian_headers(
    client_a, county_a
):
    person = rows.apprentice(last_name="Iark", email="", email_valid=False)
    contract = running(person, rows.company(county_a, nlr=True))
    rows.company(county_a)
    sheets = workbook(client_a, county_a)
    assert sheets.sheetnames == [
        "Oversikt",
        "Lærlinger som ikke kan nås",
        "Lærlinger",
        "Faglige ledere",
        "Faglige ledere, én mangler",
        "Kontor som ikke kan nås",
        "Kontor, kontaktdata mangler",
        "Bedrifter uten faglig leder",
        "Bedrifter ikke i NLR",
        "Kontor ikke i NOR",
        "Ukjent kontor eller leder",
        "Ulikt kontor",
        "Kan ikke nås",
    ]
    apprentices = list(sheets["Lærlinger"].iter_rows(values_only=True))
    assert list(apprentices[0]) == APPRENTICE_HEADERS
    assert [r[:2] for r in apprentices[1:]] == [(str(person), contract.register_id)]
    overview = list(sheets["Oversikt"].iter_rows(values_only=True))
    assert overview[0] == ("Kvalitetsrapport", str(county_a))
    counts = {r[0]: r[1] for r in overview[4:]}
    assert (
        counts["Lærlinger i LU-utvalget som mangler gyldig e-post, gyldig mobil eller begge"] == 1
    )
    assert (
        counts["Lærlinger i LU-utvalget som ikke kan nås (verken gyldig e-post eller gyldig mobil)"]
        == 0
    )
    assert counts["Lærebedrifter med løpende kontrakter uten faglig leder"] == 1


def test_a_value_that_looks_like_a_formula_is_never_run_as_one(client_a, county_a):
    person = rows.apprentice(
        last_name="Formel",
        email='=HYPERLINK("http://x")',
        email_valid=False,
        mobile="+4798765432",
    )
    running(person, rows.company(county_a))
    [row] = csv_rows(client_a, county_a, "laerlinger")[1:]
    assert row[6] == '\'=HYPERLINK("http://x")'
    assert row[8] == "+4798765432"  # a phone number keeps its plus
    cell = workbook(client_a, county_a)["Lærlinger"]["G2"]
    assert cell.value == '=HYPERLINK("http://x")'
    assert cell.data_type == "s"


def test_long_lists_are_paginated_on_the_page_and_whole_in_the_files(client_a, county_a):
    company = rows.company(county_a)
    running(rows.apprentice(), company)
    for _ in range(101):
        rows.leader(company, email_valid=False, mobile_valid=False)
    url = reverse("county_quality", args=[county_a.code])
    first = client_a.get(url).content.decode()
    assert "Rader 1–100 av 101" in first
    assert "faglige-ledere=2#faglige-ledere" in first
    second = client_a.get(url, {"faglige-ledere": 2}).content.decode()
    assert "Rader 101–101 av 101" in second
    assert len(listed(client_a, county_a, "faglige-ledere")) == 101


def test_the_page_costs_the_same_number_of_queries_for_ten_or_thirty_rows_of_each(
    client_a, county_a
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        office = rows.office(county_a, nor=False)
        for _ in range(n):
            company = rows.company(county_a, nlr=False, office=office)
            running(rows.apprentice(email_valid=False), company)
            running(rows.apprentice(mobile_valid=False), rows.company(county_a))
            rows.leader(company, email_valid=False, mobile_valid=False)
            rows.leader(company, mobile_valid=False)

    url = reverse("county_quality", args=[county_a.code])
    client_a.get(url)  # the session's first page remembers the organisation and second factor
    add(10)
    with CaptureQueriesContext(connection) as ten:
        assert client_a.get(url).status_code == 200
    add(20)
    with CaptureQueriesContext(connection) as thirty:
        assert client_a.get(url).status_code == 200
    assert len(thirty) == len(ten)
    assert len(ten) < 30


# --- The deadline (R-C2) --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("now", "text"),
    [
        (datetime(2026, 9, 28, 9, 30, tzinfo=OSLO), "2 dager og 2 timer igjen"),
        (datetime(2026, 9, 29, 11, 0, tzinfo=OSLO), "1 dag og 1 time igjen"),
        (datetime(2026, 9, 30, 11, 59, tzinfo=OSLO), "0 dager og 0 timer igjen"),
        (datetime(2026, 1, 1, 0, 0, tzinfo=OSLO), "272 dager og 11 timer igjen"),
    ],
)
def test_before_the_deadline_the_days_and_hours_left_are_counted_down(now, text):
    countdown = deadline_countdown(now)
    assert countdown.passed is None
    assert countdown.deadline == datetime(2026, 9, 30, 12, 0, tzinfo=OSLO)
    with translation.override("nb"):
        assert countdown.remaining_text == text


@pytest.mark.parametrize(
    "now",
    [datetime(2026, 9, 30, 12, 0, tzinfo=OSLO), datetime(2026, 12, 31, 23, 0, tzinfo=OSLO)],
)
def test_from_noon_on_30_september_the_deadline_has_passed_and_next_years_is_shown(now):
    countdown = deadline_countdown(now)
    assert countdown.passed == datetime(2026, 9, 30, 12, 0, tzinfo=OSLO)
    assert countdown.deadline == datetime(2027, 9, 30, 12, 0, tzinfo=OSLO)
    assert (countdown.deadline - now).days == countdown.days


def test_the_countdown_works_from_a_time_given_in_utc():
    countdown = deadline_countdown(datetime(2026, 9, 30, 9, 59, tzinfo=ZoneInfo("UTC")))
    assert countdown.passed is None
    assert (countdown.days, countdown.hours) == (0, 0)
    assert deadline_countdown(datetime(2026, 9, 30, 10, 0, tzinfo=ZoneInfo("UTC"))).passed


def test_the_page_shows_the_countdown_and_htmx_gets_only_the_countdown(client_a, county_a):
    url = reverse("county_quality", args=[county_a.code])
    body = client_a.get(url).content.decode()
    assert "igjen" in body
    assert 'hx-trigger="every 60s"' in body
    fragment = client_a.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="deadline"')
    assert "igjen" in fragment
    assert "<h1>" not in fragment


def test_the_page_names_the_reference_date(client_a, county_a):
    assert f"1. oktober {REF.year}" in page(client_a, county_a)


def test_the_countdown_follows_a_deadline_moved_in_the_round_calendar(counties):
    rounds = rows.rounds(2026)
    moved = datetime(2026, 9, 25, 15, 0, tzinfo=OSLO)
    rounds["LU"].correction_deadline = moved
    rounds["LU"].save()
    countdown = deadline_countdown(datetime(2026, 9, 24, 15, 0, tzinfo=OSLO))
    assert countdown.deadline == moved
    assert (countdown.days, countdown.hours) == (1, 0)
