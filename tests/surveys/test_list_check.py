"""The seed's check of the sample lists: one count of who cannot be reached (R-S5), the same on
the samples page and in the quality report."""

from __future__ import annotations

import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from portal.lib.oslo import oslo_today
from portal.models import Access, AuditAction, AuditEntry, Membership, Role, User
from registry_import import register_checks
from registry_import.models import Contract, ProfessionalLeader
from registry_import.selectors import reference_date_of
from surveys.list_check import NO_OFFICE, check_list
from surveys.models import Respondent, Round, SurveyKind
from surveys.selectors import county_samples
from surveys.services.samples import samples_build
from surveys.services.samples.rules import LeaderReason, leader_choices
from surveys.views.list_check import PAGE_SIZE
from tests import register_rows as rows
from tests.conftest import give_two_factor

pytestmark = pytest.mark.django_db

REF = reference_date_of(oslo_today().year)
LONG_AGO = REF.replace(year=REF.year - 2)
LATER = REF.replace(year=REF.year + 1)


@pytest.fixture
def client_a(client, county_a_admin):
    client.force_login(county_a_admin)
    return client


def running(person, company):
    return rows.contract(person, company, start=LONG_AGO, end=LATER)


@pytest.fixture
def sample(counties, county_a):
    """Five apprentices in the LU sample: two reachable by neither channel, one only by
    e-mail, one only by mobile, one by both."""
    rounds = rows.rounds(oslo_today().year)
    firm = rows.company(county_a, nlr=True)
    for n in range(2):
        running(
            rows.apprentice(
                last_name=f"Ingen{n}", email="x", email_valid=False, mobile="1", mobile_valid=False
            ),
            firm,
        )
    running(rows.apprentice(last_name="Epost", mobile="", mobile_valid=False), firm)
    running(rows.apprentice(last_name="Mobil", email="", email_valid=False), firm)
    running(rows.apprentice(last_name="Begge"), firm)
    samples_build(rounds["LU"])
    return firm


def lu_sample(county):
    return next(s for s in county_samples(county, oslo_today().year) if s.round.kind == "LU")


def test_the_samples_page_and_the_quality_report_count_the_same_unreachable(
    sample, client_a, county_a
):
    in_quality = register_checks.apprentices_unreachable(county_a, REF).count()
    assert in_quality == 2
    assert lu_sample(county_a).unreachable == in_quality
    # Those missing one channel only are listed apart, under their own words.
    assert register_checks.apprentices_without_contact(county_a, REF).count() == 4


def test_both_pages_show_the_one_count_under_the_same_words(sample, client_a, county_a):
    year = oslo_today().year
    samples = client_a.get(reverse("county_samples", args=[county_a.code, year])).text
    quality = client_a.get(reverse("county_quality", args=[county_a.code])).text
    words = "verken gyldig e-post eller gyldig mobil"
    assert words in samples
    assert words in quality
    # The LU row of the samples page and the quality report's category both say 2.
    lu_row = re.search(r"Lærlingundersøkelsen.*?</tr>", samples, re.S)
    assert lu_row is not None
    assert re.findall(r'<td class="num">(\d+)</td>', lu_row.group(0))[1] == "2"
    assert re.search(r"ikke kan nås \(verken gyldig e-post eller gyldig mobil\)\D*2\b", quality)


# --- The whole list, with every respondent's contact data -------------------------------------


def _round(kind: str) -> Round:
    return Round.objects.get(year=oslo_today().year, kind=kind)


def _url(name: str, org: str, kind: str, *more: str) -> str:
    return reverse(name, args=[org, oslo_today().year, kind, *more])


def _rows_by_first_cell(cells: list[list]) -> dict[str, list]:
    return {row[0]: row for row in cells}


def test_the_lu_list_holds_everyone_with_contact_data_and_whether_reachable(sample, county_a):
    rows = _rows_by_first_cell(check_list(_round(SurveyKind.LU), county=county_a).all_cells())
    assert len(rows) == 5
    both = next(row for name, row in rows.items() if name.endswith("Begge"))
    # A well-formed address shows as it is, so a wrong one can be spotted.
    assert both[5].endswith("@example.test") and both[6] == "Gyldig"
    assert both[7].startswith("+47") and both[9] == "Ja"
    assert both[1] == "Elektrikerfaget" and both[2] == sample.name
    nobody = [row for name, row in rows.items() if "Ingen" in name]
    assert [row[9] for row in nobody] == ["Nei", "Nei"]
    assert {row[6] for row in nobody} == {"Ugyldig"}
    email_only = next(row for name, row in rows.items() if name.endswith("Epost"))
    assert email_only[8] == "Mangler" and email_only[9] == "Ja"


def test_the_page_shows_the_whole_list_and_the_one_count_of_unreachable(
    sample, client_a, county_a
):
    page = client_a.get(_url("county_list_check", county_a.code, "lu")).text
    for name in ("Ingen0", "Ingen1", "Epost", "Mobil", "Begge"):
        assert name in page
    assert "5 på listen, av dem 2 som ikke kan nås" in page
    only = client_a.get(_url("county_list_check", county_a.code, "lu") + "?nas=nei").text
    assert "Ingen0" in only and "Begge" not in only


def test_the_list_is_filtered_by_training_office(counties, county_a, client_a):
    rows.rounds(oslo_today().year)
    north = rows.office(county_a, name="Kontor Nord")
    south = rows.office(county_a, name="Kontor Sør")
    running(rows.apprentice(last_name="Nordmann"), rows.company(county_a, office=north))
    running(rows.apprentice(last_name="Sørmann"), rows.company(county_a, office=south))
    running(rows.apprentice(last_name="Alenemann"), rows.company(county_a))
    samples_build(_round(SurveyKind.LU))
    url = _url("county_list_check", county_a.code, "lu")
    page = client_a.get(url).text
    assert "Kontor Nord" in page and "Kontor Sør" in page  # the filter's choices
    north_only = client_a.get(f"{url}?kontor={north.pk}").text
    assert "Nordmann" in north_only and "Sørmann" not in north_only
    assert "Alenemann" not in north_only
    alone = client_a.get(f"{url}?kontor={NO_OFFICE}").text
    assert "Alenemann" in alone and "Nordmann" not in alone


def test_a_long_list_is_paged(counties, county_a, client_a):
    rows.rounds(oslo_today().year)
    firm = rows.company(county_a)
    for n in range(PAGE_SIZE + 3):
        running(rows.apprentice(last_name=f"Mange{n:03d}"), firm)
    samples_build(_round(SurveyKind.LU))
    url = _url("county_list_check", county_a.code, "lu")
    first = client_a.get(url).text
    assert f"Rader 1–{PAGE_SIZE} av {PAGE_SIZE + 3}" in first
    last = client_a.get(f"{url}?side=2").text
    assert f"Rader {PAGE_SIZE + 1}–{PAGE_SIZE + 3} av {PAGE_SIZE + 3}" in last


# --- LBU: the leader chosen for each company, and why ------------------------------------------


@pytest.fixture
def leaders(counties, county_a):
    """Companies whose leader is chosen for each of the reasons of the ranking."""
    made = rows.rounds(oslo_today().year)
    firms = {}

    def firm(name):
        firms[name] = rows.company(county_a, name=name)
        return firms[name]

    only = firm("Eneste AS")
    alone = rows.leader(only, last_name="Alene")
    rows.contract(rows.apprentice(), only, start=LONG_AGO, end=LATER, leader=alone)

    most = firm("Flest AS")
    big, small = rows.leader(most, last_name="Stor"), rows.leader(most, last_name="Liten")
    for person in (rows.apprentice(), rows.apprentice()):
        rows.contract(person, most, start=LONG_AGO, end=LATER, leader=big)
    rows.contract(rows.apprentice(), most, start=LONG_AGO, end=LATER, leader=small)

    contracts = firm("Kontrakter AS")
    many, few = rows.leader(contracts, last_name="Mange"), rows.leader(contracts, last_name="Få")
    twice = rows.apprentice()
    rows.contract(twice, contracts, start=LONG_AGO, end=LATER, leader=many)
    rows.contract(twice, contracts, start=LONG_AGO, end=LATER, leader=many)
    rows.contract(rows.apprentice(), contracts, start=LONG_AGO, end=LATER, leader=few)

    tie = firm("Likt AS")
    first = rows.leader(tie, register_id="A0001", last_name="Først")
    second = rows.leader(tie, register_id="Z9999", last_name="Sist")
    rows.contract(rows.apprentice(), tie, start=LONG_AGO, end=LATER, leader=second)
    rows.contract(rows.apprentice(), tie, start=LONG_AGO, end=LATER, leader=first)

    unnamed = firm("Ingen navngitt AS")
    rows.leader(unnamed, register_id="A0002", last_name="Tidlig")
    rows.leader(unnamed, register_id="Z9998", last_name="Sen")
    running(rows.apprentice(), unnamed)

    samples_build(made[SurveyKind.LBU])
    return firms


def test_each_company_gets_the_leader_of_the_ranking_with_its_reason(leaders, county_a):
    lbu = _round(SurveyKind.LBU)
    choices = leader_choices(lbu.reference_date, [f.pk for f in leaders.values()])
    reasons = {name: choices[firm.pk].reason for name, firm in leaders.items()}
    assert reasons == {
        "Eneste AS": LeaderReason.ONLY,
        "Flest AS": LeaderReason.MOST_APPRENTICES,
        "Kontrakter AS": LeaderReason.MOST_CONTRACTS,
        "Likt AS": LeaderReason.LOWEST_REGISTER_ID,
        "Ingen navngitt AS": LeaderReason.NONE_NAMED,
    }
    # The reason names the leader the sample chose.
    for firm in leaders.values():
        respondent = Respondent.objects.get(round=lbu, company=firm)
        assert respondent.professional_leader_id == choices[firm.pk].leader_id
    assert choices[leaders["Flest AS"].pk].apprentices == 2
    assert choices[leaders["Kontrakter AS"].pk].contracts == 2


def test_the_lbu_list_says_in_words_why_each_leader_was_chosen(leaders, client_a, county_a):
    cells = check_list(_round(SurveyKind.LBU), county=county_a).all_cells()
    by_company = _rows_by_first_cell(cells)
    assert by_company["Flest AS"][3].endswith("Stor")
    assert by_company["Likt AS"][3].endswith("Først")
    assert by_company["Kontrakter AS"][3].endswith("Mange")
    assert by_company["Ingen navngitt AS"][3].endswith("Tidlig")
    page = client_a.get(_url("county_list_check", county_a.code, "lbu")).text
    assert "Bedriftens eneste faglige leder i registeret." in page
    assert "Faglig leder for flest lærlinger med løpende kontrakt (2)." in page
    assert "og for flest løpende kontrakter (2)." in page
    assert "som en annen faglig leder: den med lavest nummer i registeret." in page
    assert "Ingen av bedriftens 2 faglige ledere" in page


def test_a_leader_chosen_before_the_register_changed_is_said_to_be(leaders, county_a):
    lbu = _round(SurveyKind.LBU)
    firm = leaders["Flest AS"]
    # The register now names the other leader on every contract; the sample is not rebuilt.
    small = ProfessionalLeader.objects.get(company=firm, last_name="Liten")
    Contract.objects.filter(company=firm).update(professional_leader=small)
    cells = _rows_by_first_cell(check_list(lbu, county=county_a).all_cells())
    assert "registeret er endret siden" in cells["Flest AS"][9]


# --- ÅR: the offices and the companies -------------------------------------------------------


@pytest.fixture
def ar_units_made(counties, county_a, county_b):
    made = rows.rounds(oslo_today().year)
    office = rows.office(county_a, name="Kontor Vest", manager_name="Dagny Leder", mobile="")
    member = rows.company(county_a, name="Medlem AS", office=office)
    independent = rows.company(county_a, name="Selvstendig AS")
    elsewhere = rows.company(county_b, name="Annet fylke AS")
    for firm in (member, independent, elsewhere):
        leader = rows.leader(firm)
        rows.contract(rows.apprentice(), firm, start=LONG_AGO, end=LATER, leader=leader)
    samples_build(made[SurveyKind.LBU])
    samples_build(made[SurveyKind.AR])
    return office


def test_the_ar_list_has_the_offices_and_companies_with_their_contacts(ar_units_made, county_a):
    cells = _rows_by_first_cell(check_list(_round(SurveyKind.AR), county=county_a).all_cells())
    assert set(cells) == {"Kontor Vest", "Medlem AS", "Selvstendig AS"}
    office = cells["Kontor Vest"]
    assert office[2] == "Opplæringskontor" and office[4] == "Dagny Leder"
    assert office[5] == ar_units_made.email and office[8] == "Mangler"
    assert cells["Medlem AS"][2] == "Medlemsbedrift" and cells["Medlem AS"][3] == "Kontor Vest"
    assert cells["Selvstendig AS"][2] == "Selvstendig lærebedrift"
    assert cells["Medlem AS"][4].startswith("Faglig Leder")


def test_an_office_sees_its_own_respondents_only(ar_units_made, client, county_a):
    user = User.objects.create_user("leder@kontorvest.test", "x")
    Membership.objects.create(user=user, role=Role.OFFICE, training_office=ar_units_made)
    client.force_login(user)
    ar = client.get(_url("office_list_check", ar_units_made.orgnr, "ar")).text
    assert "Medlem AS" in ar and "Dagny Leder" in ar
    assert "Selvstendig AS" not in ar and "Annet fylke AS" not in ar
    lbu = client.get(_url("office_list_check", ar_units_made.orgnr, "lbu")).text
    assert "Medlem AS" in lbu and "Selvstendig AS" not in lbu
    latest = client.get(reverse("office_list_check_latest", args=[ar_units_made.orgnr]))
    assert latest.status_code == 302
    assert latest.url == _url("office_list_check", ar_units_made.orgnr, "lu")


# --- Downloads and the audit log --------------------------------------------------------------


def test_the_downloads_hold_the_whole_list(sample, client_a, county_a):
    csv_response = client_a.get(_url("county_list_check_download", county_a.code, "lu", "csv"))
    assert csv_response["Content-Disposition"].endswith(f'-{oslo_today().year}.csv"')
    lines = csv_response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[0] == "Lærling" and lines[0].split(";")[-1] == "Kan nås"
    assert len(lines) == 6
    assert sum(line.endswith(";Nei") for line in lines) == 2

    xlsx = client_a.get(_url("county_list_check_download", county_a.code, "lu", "xlsx"))
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[0][0] == "Lærling" and len(values) == 6
    assert sorted(str(row[9]) for row in values[1:]) == ["Ja", "Ja", "Ja", "Nei", "Nei"]

    filtered = client_a.get(
        _url("county_list_check_download", county_a.code, "lu", "csv") + "?nas=nei"
    )
    assert len(filtered.content.decode("utf-8-sig").splitlines()) == 3
    assert client_a.get(
        _url("county_list_check_download", county_a.code, "lu", "pdf")
    ).status_code == 404


def test_every_view_and_download_is_in_the_audit_log(sample, client_a, county_a):
    client_a.get(_url("county_list_check", county_a.code, "lu"))
    client_a.get(_url("county_list_check_download", county_a.code, "lu", "csv"))
    client_a.get(_url("county_list_check_download", county_a.code, "lu", "xlsx"))
    entries = AuditEntry.objects.filter(county=county_a).exclude(action=AuditAction.LOGIN)
    recorded = sorted(
        (e.action, e.detail.get("format", ""), e.detail.get("rows")) for e in entries
    )
    assert recorded == [
        (AuditAction.DOWNLOAD, "csv", 5),
        (AuditAction.DOWNLOAD, "xlsx", 5),
        (AuditAction.VIEW_IDENTIFIED, "", 5),
    ]
    assert all("Lærlingundersøkelsen" in e.target for e in entries)
    assert all(e.user is not None and e.user.email == "admin@vestland.test" for e in entries)


# --- Who may see the list ---------------------------------------------------------------------


def test_a_reader_without_personal_data_rights_gets_403(sample, client, county_a):
    reader = User.objects.create_user("leser@vestland.test", "x")
    Membership.objects.create(
        user=reader, role=Role.COUNTY, county=county_a, access=Access.READER
    )
    give_two_factor(reader)
    client.force_login(reader)
    assert client.get(_url("county_list_check", county_a.code, "lu")).status_code == 403
    download = _url("county_list_check_download", county_a.code, "lu", "csv")
    assert client.get(download).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()


def test_another_county_gets_404_and_sees_nothing(sample, client, county_a, county_b_admin):
    client.force_login(county_b_admin)
    assert client.get(_url("county_list_check", county_a.code, "lu")).status_code == 404
    # Its own list does not hold county A's apprentices.
    own = client.get(_url("county_list_check", "03", "lu")).text
    assert "Begge" not in own and "0 på listen" in own


def test_a_survey_that_does_not_exist_is_404(sample, client_a, county_a):
    assert client_a.get(_url("county_list_check", county_a.code, "xx")).status_code == 404


def test_the_samples_page_and_the_quality_report_link_to_the_list_check(
    sample, client_a, county_a
):
    url = _url("county_list_check", county_a.code, "lu")
    samples = client_a.get(reverse("county_samples", args=[county_a.code, oslo_today().year]))
    assert f'href="{url}"' in samples.text
    quality = client_a.get(reverse("county_quality", args=[county_a.code]))
    assert f'href="{url}"' in quality.text


def test_the_county_pages_of_lbu_and_ar_are_filtered_by_office_too(
    ar_units_made, client_a, county_a
):
    ar = _url("county_list_check", county_a.code, "ar")
    page = client_a.get(ar).text
    assert "Kontor Vest" in page and "Selvstendig AS" in page and "Annet fylke AS" not in page
    own = client_a.get(f"{ar}?kontor={ar_units_made.pk}").text
    assert "Medlem AS" in own and "Dagny Leder" in own and "Selvstendig AS" not in own
    lbu = client_a.get(_url("county_list_check", county_a.code, "lbu")).text
    assert "Medlem AS" in lbu and "Bedriftens eneste faglige leder i registeret." in lbu
