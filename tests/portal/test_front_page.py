"""An organisation's front page: what to do now from the round calendar, the panels and the
navigation registered by the apps; and the help pages linked from every page."""

from datetime import date, datetime

import pytest
from django.urls import reverse

from portal.accounts.access import Scope
from portal.lib.oslo import OSLO
from portal.models import Role
from surveys.calendar import calendar_panel_context
from surveys.models import Round, RoundCounty
from tests.surveys.factories import (
    ar_questionnaire,
    lbu_questionnaire,
    lu_questionnaire,
    respondent_make,
)

pytestmark = pytest.mark.django_db

YEAR = 2026


def national_round(questionnaire) -> Round:
    """A round with the national calendar of R-C1..R-C5."""
    return Round.objects.create(
        year=YEAR,
        kind=questionnaire.kind,
        questionnaire=questionnaire,
        qa_starts_on=date(YEAR, 9, 1),
        correction_deadline=datetime(YEAR, 9, 30, 12, 0, tzinfo=OSLO),
        reference_date=date(YEAR, 10, 1),
        opens_at=datetime(YEAR, 10, 15, tzinfo=OSLO),
        closes_at=datetime(YEAR, 12, 21, tzinfo=OSLO),
        separate_lbu_from=date(YEAR, 11, 15) if questionnaire.kind == "LBU" else None,
    )


@pytest.fixture
def rounds(counties):
    return [
        national_round(lu_questionnaire()),
        national_round(lbu_questionnaire()),
        national_round(ar_questionnaire()),
    ]


def steps(scope, today):
    context = calendar_panel_context(scope, today=today)
    return {row.step.key: row for row in context["rows"]}


def test_in_september_the_county_is_told_to_check_the_quality_report(rounds, county_a):
    rows = steps(Scope(role=Role.COUNTY, county=county_a), date(YEAR, 9, 20))
    quality = rows["quality"]
    # Nothing left in the report: done from the data; targets are the step that is next.
    assert (quality.state, quality.days_left) == ("done", 10)
    assert rows["targets"].state == "now"
    assert quality.step.url == reverse("county_quality", args=[county_a.code])
    assert quality.step.deadline == datetime(YEAR, 9, 30, 12, tzinfo=OSLO)
    assert (rows["invite"].state, rows["invite"].days_left) == ("later", 25)
    assert rows["lbu_separately"].step.starts == date(YEAR, 11, 15)
    assert rows["results"].step.starts == date(YEAR, 12, 21)
    assert next(iter(rows)) == "quality"


def test_in_november_sending_and_reminding_are_now(rounds, county_a):
    rows = steps(Scope(role=Role.COUNTY, county=county_a), date(YEAR, 11, 20))
    assert rows["quality"].state == "done"
    assert rows["invite"].state == "now"  # nothing sent yet: the one step that is next
    assert rows["remind"].state == rows["lbu_separately"].state == "open"
    assert rows["remind"].days_left == 30  # until 20 December, the last day to answer
    assert rows["follow"].step.url == reverse("county_response_rates", args=[county_a.code])


def test_a_county_not_running_lbu_gets_no_lbu_step(rounds, county_a):
    RoundCounty.objects.create(round=rounds[1], county=county_a, participates=False)
    assert "lbu_separately" not in steps(
        Scope(role=Role.COUNTY, county=county_a), date(YEAR, 11, 20)
    )


def test_the_office_and_the_national_level_get_their_own_steps(rounds, office_a):
    office = steps(Scope(role=Role.OFFICE, office=office_a), date(YEAR, 10, 20))
    assert "quality" not in office and "lbu_separately" not in office
    assert office["office_report"].step.url == reverse(
        "office_annual_report", args=[office_a.orgnr]
    )
    national = steps(Scope(role=Role.NATIONAL), date(YEAR, 9, 20))
    assert national["register_import"].step.url == reverse("import_list")
    assert national["register_import"].days_left == 11
    assert "invite" not in national


def test_the_county_front_page_shows_the_calendar_rates_and_navigation(
    client, county_a_admin, county_a, rounds, django_assert_max_num_queries
):
    for n in range(10):
        respondent_make(rounds[0], county_a, answered_at=rounds[0].opens_at if n < 5 else None)
    client.force_login(county_a_admin)
    url = reverse("county_dashboard", args=[county_a.code])
    # The steps' checks from the data (quality lists, targets, invitations), the warning about
    # targets not yet set and the time of the extract the register shows cost one query each;
    # the newest rounds and last year's are read once for every panel. Measured after a first
    # visit, as bench/portal_pages.py measures (the first one writes the session).
    client.get(url)
    with django_assert_max_num_queries(20):
        body = client.get(url).content.decode()
    assert "Hva skal gjøres nå – undersøkelsesåret 2026" in body
    assert "Sjekk kvalitetsrapporten" in body
    for name in [
        "county_quality",
        "county_samples_latest",
        "county_response_rates",
        "county_ar_answers",
        "county_users",
        "county_audit",
        "county_contact",
    ]:
        assert f'href="{reverse(name, args=[county_a.code])}"' in body, name
    assert "Svarprosent" in body and "50 %" in body  # 5 of 10 LU
    assert 'aria-current="page"' in body


def test_the_office_front_page(
    client, office_a_admin, office_a, rounds, django_assert_max_num_queries
):
    client.force_login(office_a_admin)
    url = reverse("office_dashboard", args=[office_a.orgnr])
    client.get(url)  # after a first visit, as the county's page
    with django_assert_max_num_queries(20):
        body = client.get(url).content.decode()
    for name in [
        "office_annual_report",
        "office_response_rates",
        "office_ar_answers",
        "office_users",
        "office_audit",
    ]:
        assert f'href="{reverse(name, args=[office_a.orgnr])}"' in body, name
    assert "county_quality" not in body and "/kvalitet/" not in body
    assert "Svar på kontorets egen Årlig rapportering" in body


def test_the_national_front_page(client, national_admin, rounds, django_assert_max_num_queries):
    client.force_login(national_admin)
    with django_assert_max_num_queries(20):
        body = client.get(reverse("national_dashboard")).content.decode()
    for name in ["national_rounds", "import_list", "national_users", "national_audit"]:
        assert f'href="{reverse(name)}"' in body, name
    assert "panel-rates" not in body  # response rates are the counties' and offices'
    assert "Svarprosent per fylke" in body  # every county's, beside last year's


def test_the_directorate_sees_every_countys_rates_beside_last_year(
    client, national_admin, county_a, county_b, rounds
):
    """Vestland: 10 invited, 6 answered this year; last year 10 invited, 3 answered by the same
    date (one more after it). Oslo: 3 answered, fewer than the threshold: hidden as on Oslo's
    own pages. The national user who also holds Vestland sees its name as a link."""
    from datetime import timedelta

    from django.core.cache import cache
    from django.utils import timezone

    from portal.models import Membership, Role

    lu = rounds[0]
    now = timezone.now()
    Round.objects.filter(pk=lu.pk).update(opens_at=now - timedelta(days=10))
    lu.refresh_from_db()
    last = Round.objects.create(
        year=YEAR - 1,
        kind=lu.kind,
        questionnaire=lu.questionnaire,
        qa_starts_on=date(YEAR - 1, 9, 1),
        correction_deadline=lu.correction_deadline - timedelta(days=365),
        reference_date=date(YEAR - 1, 10, 1),
        opens_at=lu.opens_at - timedelta(days=365),
        closes_at=lu.closes_at - timedelta(days=365),
    )
    a_year_ago = now - timedelta(days=365)
    for n in range(10):
        respondent_make(lu, county_a, answered_at=now - timedelta(days=1) if n < 6 else None)
        answered = a_year_ago - timedelta(days=2) if n < 3 else None
        if n == 3:
            answered = a_year_ago + timedelta(days=2)  # after the same date
        respondent_make(last, county_a, answered_at=answered)
        respondent_make(lu, county_b, answered_at=now if n < 3 else None)
    Membership.objects.create(user=national_admin, role=Role.COUNTY, county=county_a)
    cache.clear()  # the table is kept a minute; another test's may have the same round ids
    client.force_login(national_admin)
    client.get(reverse("switch_organisation"), {"til": "nasjonalt"})
    body = client.get(reverse("national_dashboard")).content.decode()
    panel = body[body.index('id="panel-national-rates"') :]
    table = panel[: panel.index("</table>")]
    link = f'<a href="{reverse("county_dashboard", args=[county_a.code])}">'
    vestland = table[table.index(link) :]
    vestland = vestland[: vestland.index("</tr>")]
    assert '<td class="num">10</td><td class="num">60 %</td><td class="num">30 %</td>' in (
        vestland.replace("\n", "").replace("  ", "")
    )
    oslo = table[table.index(">Oslo<") :]
    oslo = oslo[: oslo.index("</tr>")]
    assert "<abbr title=" in oslo and "%" not in oslo.split("<abbr")[0].split("</th>")[1]


def test_without_rounds_the_front_page_still_works(client, county_a_admin, county_a):
    client.force_login(county_a_admin)
    response = client.get(reverse("county_dashboard", args=[county_a.code]))
    assert response.status_code == 200
    assert "Hva skal gjøres nå" not in response.content.decode()


# --- Help ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/konto/login/", "/tilgjengelighet/", "/hjelp/"])
def test_every_page_links_to_help(client, path, db):
    assert f'href="{reverse("help")}"' in client.get(path).content.decode()


def test_the_help_page_shows_the_contacts_from_settings_and_the_county(
    client, settings, office_a_admin, county_a
):
    settings.SUPPORT_TECHNICAL_EMAIL = "brukerstotte@portal.test"
    settings.SUPPORT_DIRECTORATE_EMAIL = "post@udir.test"
    county_a.contact_name, county_a.contact_email = "Åse Rapport", "ar@vestland.test"
    county_a.save()
    client.force_login(office_a_admin)
    body = client.get(reverse("help")).content.decode()
    assert "brukerstotte@portal.test" in body and "post@udir.test" in body
    assert "Vestland: Åse Rapport" in body and "ar@vestland.test" in body


def test_the_county_keeps_its_own_ar_contact(client, county_a_admin, county_a, county_b_admin):
    client.force_login(county_a_admin)
    url = reverse("county_contact", args=[county_a.code])
    response = client.post(url, {"contact_name": "Åse", "contact_email": "ikke-epost"})
    assert "gyldig e-postadresse" in response.content.decode()
    client.post(url, {"contact_name": "Åse", "contact_email": "ar@vestland.test"})
    county_a.refresh_from_db()
    assert county_a.contact_email == "ar@vestland.test"
    client.force_login(county_b_admin)
    assert client.post(url, {"contact_email": "x@y.test"}).status_code == 404


@pytest.mark.parametrize(
    ("language", "heading"),
    [
        ("nb", "Brukerveiledning for fylkeskommunen"),
        ("nn", "Brukarrettleiing for fylkeskommunen"),
        ("en", "User guide for county authorities"),
    ],
)
def test_the_guides_are_in_the_chosen_language(client, settings, language, heading, db):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    for role in ["fylke", "kontor", "nasjonalt"]:
        assert client.get(reverse("help_guide", args=[role])).status_code == 200
    assert (
        f"<h1>{heading}</h1>" in client.get(reverse("help_guide", args=["fylke"])).content.decode()
    )
    assert client.get(reverse("help_guide", args=["elev"])).status_code == 404
