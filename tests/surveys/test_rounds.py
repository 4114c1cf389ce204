"""Rounds: the national calendar (R-C1..R-C5), the questionnaire version, the county's LBU
choice (R-L2), and the pages of the national and county administrators."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse

from portal.lib.oslo import OSLO
from surveys.models import Exclusion, Questionnaire, Round, RoundCounty
from surveys.services.rounds import round_county_set_lbu, round_create
from surveys.services.samples import samples_build
from tests import register_rows as reg

pytestmark = pytest.mark.django_db


@pytest.fixture
def questionnaires(db):
    reg.questionnaires(2018)
    reg.questionnaires(2020)
    reg.questionnaires(2030)


@pytest.fixture
def lbu_2030(counties, questionnaires) -> Round:
    """A round whose LBU choice is still open (the deadline lies in the future)."""
    return round_create(year=2030, kind="LBU")


# --- Creating rounds --------------------------------------------------------------------------


def test_a_new_round_follows_the_national_calendar_in_norwegian_time(counties, questionnaires):
    lu = round_create(year=2026, kind="LU")

    assert lu.qa_starts_on == date(2026, 9, 1)
    # 30 September 12:00 in Norway is 10:00 UTC (summer time).
    assert lu.correction_deadline == datetime(2026, 9, 30, 10, 0, tzinfo=UTC)
    assert lu.reference_date == date(2026, 10, 1)
    assert lu.opens_at == datetime(2026, 10, 14, 22, 0, tzinfo=UTC)
    # The last day to answer is 20 December: closed from 21 December 00:00 (winter time).
    assert lu.closes_at == datetime(2026, 12, 20, 23, 0, tzinfo=UTC)
    assert lu.last_answer_day == date(2026, 12, 20)
    assert lu.separate_lbu_from is None
    assert round_create(year=2026, kind="LBU").separate_lbu_from == date(2026, 11, 15)


def test_a_round_uses_the_newest_questionnaire_version_up_to_its_year(counties, questionnaires):
    assert round_create(year=2019, kind="LU").questionnaire.version == 2018
    assert round_create(year=2026, kind="LU").questionnaire.version == 2020
    with pytest.raises(ValidationError, match="Det finnes ikke noe spørreskjema for"):
        round_create(year=2017, kind="LU")


def test_a_given_questionnaire_must_be_of_the_survey_and_not_from_a_later_year(
    counties, questionnaires
):
    later = Questionnaire.objects.get(kind="LU", version=2030)
    other_kind = Questionnaire.objects.get(kind="AR", version=2020)
    for wrong in (later, other_kind):
        with pytest.raises(ValidationError, match="må være en versjon av"):
            round_create(year=2026, kind="LU", questionnaire=wrong)


def test_one_round_per_year_and_survey_with_every_county_of_the_year(counties, questionnaires):
    lbu = round_create(year=2026, kind="LBU")
    with pytest.raises(ValidationError, match="finnes allerede"):
        round_create(year=2026, kind="LBU")
    codes = set(lbu.counties.values_list("county__code", flat=True))
    assert len(codes) == 15 and {"46", "03", "55", "56"} <= codes and "54" not in codes
    assert all(lbu.counties.values_list("participates", flat=True))


def test_create_round_creates_the_three_rounds_of_a_year_once(counties, questionnaires, capsys):
    call_command("create_round", "2026")
    assert set(Round.objects.filter(year=2026).values_list("kind", flat=True)) == {
        "LU",
        "LBU",
        "AR",
    }
    call_command("create_round", "2026")
    assert "already exist" in capsys.readouterr().out
    call_command("create_round", "2027", "--kind", "LU")
    assert list(Round.objects.filter(year=2027).values_list("kind", flat=True)) == ["LU"]


def test_create_round_without_questionnaires_says_what_to_do(counties):
    with pytest.raises(CommandError, match="load_questionnaires"):
        call_command("create_round", "2026")


# --- The county's LBU choice (R-L2) ---------------------------------------------------------


def test_a_county_chooses_lbu_until_the_correction_deadline(lbu_2030, county_a):
    round_county_set_lbu(lbu_2030, county_a, participates=False)
    assert not RoundCounty.objects.get(round=lbu_2030, county=county_a).participates

    after = datetime(2030, 9, 30, 12, 0, tzinfo=OSLO)
    with pytest.raises(ValidationError, match="stengte"):
        round_county_set_lbu(lbu_2030, county_a, participates=True, now=after)
    assert not RoundCounty.objects.get(round=lbu_2030, county=county_a).participates


def test_lu_and_ar_are_not_the_countys_choice(counties, questionnaires, county_a):
    lu = round_create(year=2030, kind="LU")
    with pytest.raises(ValidationError, match="obligatoriske"):
        round_county_set_lbu(lu, county_a, participates=False)


def test_the_county_page_saves_the_lbu_choice(client, lbu_2030, county_a, county_a_admin):
    client.force_login(county_a_admin)
    url = reverse("county_lbu_choice", args=[county_a.code, 2030])

    page = client.get(url)
    assert page.status_code == 200
    assert "Vestland kjører LBU i 2030." in page.content.decode()

    response = client.post(url, {"participates": "0"}, follow=True)
    assert response.status_code == 200
    assert not RoundCounty.objects.get(round=lbu_2030, county=county_a).participates
    assert "Vestland kjører ikke LBU i 2030." in response.content.decode()


def test_the_lbu_choice_page_is_closed_after_the_deadline(
    client, counties, questionnaires, county_a, county_a_admin
):
    past = round_create(year=2025, kind="LBU")
    client.force_login(county_a_admin)
    url = reverse("county_lbu_choice", args=[county_a.code, 2025])

    page = client.get(url).content.decode()
    assert 'type="radio"' not in page
    client.post(url, {"participates": "0"})
    assert RoundCounty.objects.get(round=past, county=county_a).participates


@pytest.mark.parametrize(
    "persona", ["county_b_admin", "office_a_admin", "outsider", "national_admin"]
)
def test_only_the_countys_own_administrator_reaches_its_lbu_choice(
    client, request, lbu_2030, county_a, persona
):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("county_lbu_choice", args=[county_a.code, 2030])
    assert client.get(url).status_code == 404
    assert client.post(url, {"participates": "0"}).status_code == 404
    assert RoundCounty.objects.get(round=lbu_2030, county=county_a).participates


# --- The national calendar page -------------------------------------------------------------


def calendar_form(**changes) -> dict:
    data = {
        "questionnaire": Questionnaire.objects.get(kind="LBU", version=2030).pk,
        "qa_starts_on": "2030-09-01",
        "correction_deadline": "2030-09-30",
        "correction_deadline_time": "12:00",
        "reference_date": "2030-10-01",
        "opens_on": "2030-10-15",
        "last_day": "2030-12-20",
        "separate_lbu_from": "2030-11-15",
    }
    return data | changes


def test_the_national_administrator_edits_the_calendar(client, lbu_2030, national_admin):
    client.force_login(national_admin)
    url = reverse("national_round_edit", args=[2030, "lbu"])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="2030-12-20"' in page.content.decode()  # the last day, not 21 December

    response = client.post(
        url,
        calendar_form(
            correction_deadline="2030-09-27",
            correction_deadline_time="15:30",
            opens_on="2030-10-20",
            last_day="2031-01-10",
            separate_lbu_from="2030-11-20",
            questionnaire=Questionnaire.objects.get(kind="LBU", version=2020).pk,
        ),
    )

    assert response.status_code == 302
    lbu_2030.refresh_from_db()
    assert lbu_2030.correction_deadline == datetime(2030, 9, 27, 15, 30, tzinfo=OSLO)
    assert lbu_2030.opens_at == datetime(2030, 10, 20, 0, 0, tzinfo=OSLO)
    assert lbu_2030.closes_at == datetime(2031, 1, 11, 0, 0, tzinfo=OSLO)
    assert lbu_2030.separate_lbu_from == date(2030, 11, 20)
    assert lbu_2030.questionnaire.version == 2020


def test_dates_out_of_order_are_refused_with_a_message(client, lbu_2030, national_admin):
    client.force_login(national_admin)
    url = reverse("national_round_edit", args=[2030, "lbu"])

    response = client.post(url, calendar_form(opens_on="2030-09-20"))

    assert response.status_code == 200
    assert "Undersøkelsen kan ikke åpne før referansedatoen." in response.content.decode()
    lbu_2030.refresh_from_db()
    assert lbu_2030.opens_at == datetime(2030, 10, 15, 0, 0, tzinfo=OSLO)


def test_the_national_page_shows_every_countys_lbu_choice(
    client, lbu_2030, county_b, national_admin
):
    RoundCounty.objects.filter(round=lbu_2030, county=county_b).update(participates=False)
    client.force_login(national_admin)

    page = client.get(reverse("national_round_edit", args=[2030, "lbu"])).content.decode()

    assert page.count("<td>Ja</td>") == 14
    assert page.count("<td>Nei</td>") == 1
    assert "03 Oslo</th><td>Nei</td>" in page


def test_the_national_rounds_page_creates_the_rounds_of_a_year(
    client, counties, questionnaires, national_admin
):
    client.force_login(national_admin)
    response = client.post(reverse("national_rounds"), {"year": "2031"}, follow=True)
    assert response.status_code == 200
    assert Round.objects.filter(year=2031).count() == 3
    assert "Lærebedriftsundersøkelsen" in response.content.decode()


@pytest.mark.parametrize(
    "persona", ["county_a_admin", "county_b_admin", "office_a_admin", "outsider"]
)
def test_only_the_national_administrator_reaches_the_round_pages(
    client, request, lbu_2030, persona
):
    client.force_login(request.getfixturevalue(persona))
    for url in (reverse("national_rounds"), reverse("national_round_edit", args=[2030, "lbu"])):
        assert client.get(url).status_code == 404
    assert client.post(reverse("national_rounds"), {"year": "2032"}).status_code == 404
    assert not Round.objects.filter(year=2032).exists()


def test_anonymous_visitors_are_sent_to_log_in(client, lbu_2030):
    response = client.get(reverse("national_rounds"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


# --- The county's samples and exclusions pages ----------------------------------------------


@pytest.fixture
def two_counties_excluded(counties, questionnaires, county_a, county_b):
    rounds = reg.rounds()
    in_a = reg.company(county_a, nlr=False, name="Uregistrert Vest AS")
    in_b = reg.company(county_b, nlr=False, name="Uregistrert Øst AS")
    no_leader = reg.company(county_a, name="Uten Leder AS")
    for firm in (in_a, in_b, no_leader):
        reg.contract(reg.apprentice(), firm)
    samples_build(rounds["AR"])
    return rounds


def test_the_exclusions_page_lists_the_countys_units_per_reason(
    client, two_counties_excluded, county_a, county_a_admin
):
    client.force_login(county_a_admin)
    page = client.get(reverse("county_exclusions", args=[county_a.code, 2025, "ar"]))

    assert page.status_code == 200
    html = page.content.decode()
    assert "Uregistrert Vest AS" in html and "Uten Leder AS" in html
    assert "Uregistrert Øst AS" not in html  # county A never sees B
    assert "Lærebedriften er ikke registrert i NLR (1)" in html
    assert "Lærebedriften har ingen faglig leder (1)" in html
    assert Exclusion.objects.filter(county=county_a).count() == 2


def test_the_samples_overview_counts_only_the_countys_own_rows(
    client, two_counties_excluded, county_b, county_b_admin
):
    client.force_login(county_b_admin)
    response = client.get(reverse("county_samples_latest", args=[county_b.code]))
    assert response["Location"] == reverse("county_samples", args=[county_b.code, 2025])

    html = client.get(response["Location"]).content.decode()

    assert reverse("county_exclusions", args=[county_b.code, 2025, "ar"]) in html
    assert '<td class="num">1</td>' in html  # one exclusion in Oslo's ÅR
    assert "Uten Leder" not in html


@pytest.mark.parametrize("persona", ["county_b_admin", "office_a_admin", "national_admin"])
def test_another_countys_sample_pages_are_not_found(
    client, request, two_counties_excluded, county_a, persona
):
    client.force_login(request.getfixturevalue(persona))
    for url in (
        reverse("county_samples", args=[county_a.code, 2025]),
        reverse("county_exclusions", args=[county_a.code, 2025, "ar"]),
    ):
        assert client.get(url).status_code == 404


def test_an_unknown_survey_in_the_address_is_not_found(
    client, two_counties_excluded, county_a, county_a_admin
):
    client.force_login(county_a_admin)
    url = reverse("county_exclusions", args=[county_a.code, 2025, "xyz"])
    assert client.get(url).status_code == 404


def test_a_long_list_of_exclusions_is_paged_per_reason(
    client, two_counties_excluded, county_a, county_a_admin
):
    round_ = two_counties_excluded["AR"]
    Exclusion.objects.bulk_create(
        Exclusion(round=round_, county=county_a, reason="no_leader", company=c)
        for c in [reg.company(county_a, name=f"Bedrift {n:03d} AS") for n in range(150)]
    )
    client.force_login(county_a_admin)
    url = reverse("county_exclusions", args=[county_a.code, 2025, "ar"])

    first = client.get(url).content.decode()
    assert "Rader 1–100 av 151" in first
    assert "Side 1 av 2" in first
    assert "Uregistrert Vest AS" in first  # the other reason's list is whole on page 1

    second = client.get(url, {"no_leader": 2}).content.decode()
    assert "Rader 101–151 av 151" in second
    assert "Bedrift 149 AS" in second and "Bedrift 000 AS" not in second
