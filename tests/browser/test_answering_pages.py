import pytest
from django.core.cache import cache

from surveys.models import AnonymousResponse, IdentifiedResponse, RespondentRole
from surveys.services.links import link_issue, link_path
from tests.browser.conftest import axe_violations, follow, log_in
from tests.conftest import PASSWORD
from tests.surveys.factories import (
    ar_questionnaire,
    lbu_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()


def phone(page_factory):
    """A phone with JavaScript off, and beside it a mirror with JavaScript on: axe needs
    JavaScript, so each page's HTML is checked in the mirror, at the same width."""
    page = page_factory(width=PHONE, height=740, javascript=False)
    page.mirror = page_factory(width=PHONE, height=740)
    page.mirror.goto("/tilgjengelighet/")
    return page


def check(page):
    mirror = page.mirror
    mirror.set_content(page.content())
    assert axe_violations(mirror) == [], page.url
    assert mirror.evaluate("document.documentElement.scrollWidth") <= PHONE, page.url


def test_an_apprentice_answers_lu_on_a_phone_without_javascript(page_factory, counties, county_a):
    respondent = respondent_make(round_make(lu_questionnaire()), county_a)
    page = phone(page_factory)
    token = link_issue(respondent)
    page.goto(link_path(token))
    assert token not in page.url  # the token is gone from the address after the first request
    assert page.get_by_role("heading", level=1).inner_text() == "Undersøkelse LU"
    assert "Lærlingundersøkelsen er frivillig" in page.content()
    check(page)

    follow(page.get_by_role("link", name="Start undersøkelsen"))
    assert "Del 1 av 3" in page.content()
    page.get_by_role("group", name="Spørsmål laering.1").get_by_label("I stor grad").check()
    page.get_by_role("group", name="Spørsmål laering.2").get_by_label("I liten grad").check()
    check(page)
    follow(page.get_by_role("button", name="Neste"))

    assert "Del 2 av 3" in page.content()
    page.get_by_role("group", name="Spørsmål miljo.1").get_by_label("Ja").check()
    check(page)
    # Back and forward again: the answers are still there.
    follow(page.get_by_role("button", name="Forrige"))
    assert (
        page.get_by_role("group", name="Spørsmål laering.1")
        .get_by_label("I stor grad")
        .is_checked()
    )
    follow(page.get_by_role("button", name="Neste"))
    assert page.get_by_role("group", name="Spørsmål miljo.1").get_by_label("Ja").is_checked()
    follow(page.get_by_role("button", name="Neste"))

    assert "Del 3 av 3" in page.content()
    page.get_by_label("Spørsmål om_deg.2").fill("tusen")
    follow(page.get_by_role("button", name="Neste"))
    assert page.get_by_role("alert").is_visible()
    check(page)  # the error summary and the field's error
    page.get_by_label("Spørsmål om_deg.2").fill("7")
    page.get_by_label("Spørsmål om_deg.3").fill("Bra lærebedrift")
    follow(page.get_by_role("button", name="Neste"))

    assert page.get_by_role("heading", level=1).inner_text() == "Send inn svarene"
    assert "Svarene dine er anonyme" in page.content()
    check(page)
    follow(page.get_by_role("button", name="Send inn"))

    assert page.get_by_role("heading", level=1).inner_text() == "Takk for svarene dine"
    check(page)
    assert AnonymousResponse.objects.get().answers == {
        "lu_a": 4,
        "lu_b": 2,
        "lu_c": True,
        "lu_f": 7,
        "lu_g": "Bra lærebedrift",
    }
    assert page.console_errors == []


def test_the_lbu_consent_and_refusal_pages_are_accessible(page_factory, counties, county_a):
    leader = respondent_make(round_make(lbu_questionnaire()), county_a, role=RespondentRole.LEADER)
    page = phone(page_factory)
    page.goto(link_path(link_issue(leader)))
    check(page)
    follow(page.get_by_role("button", name="Fortsett"))
    assert page.get_by_role("alert").is_visible()
    check(page)
    page.get_by_label("Nei, jeg vil ikke være med").check()
    follow(page.get_by_role("button", name="Fortsett"))
    assert page.get_by_role("heading", level=1).inner_text() == "Takk"
    check(page)


def test_ar_validation_and_the_state_pages_are_accessible(page_factory, counties, county_a):
    office = respondent_make(round_make(ar_questionnaire()), county_a, role=RespondentRole.OFFICE)
    closed = respondent_make(round_make(lu_questionnaire(), state="closed"), county_a)
    page = phone(page_factory)
    page.goto(link_path(link_issue(office)))
    follow(page.get_by_role("button", name="Neste"))
    assert "Dette spørsmålet må besvares." in page.get_by_role("alert").inner_text()
    check(page)
    page.get_by_role("alert").get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.name") == "q-rap_plan"

    page.goto(link_path(link_issue(closed)))
    assert page.get_by_role("heading", level=1).inner_text() == "Undersøkelsen er stengt"
    check(page)

    page.goto("/s/kode/")
    check(page)
    page.get_by_label("Personlig kode").fill("feil kode")
    follow(page.get_by_role("button", name="Åpne undersøkelsen"))
    assert page.get_by_role("alert").is_visible()
    check(page)


def test_the_office_answers_its_annual_report_in_the_portal(
    page_factory, office_a_admin, office_a, county_a
):
    respondent = respondent_make(
        round_make(ar_questionnaire()),
        county_a,
        role=RespondentRole.OFFICE,
        training_office=office_a,
    )
    page = page_factory(width=1024)
    log_in(page, office_a_admin.email, PASSWORD)
    page.goto(f"/kontor/{office_a.orgnr}/arlig-rapportering/")
    assert "Dette svarte medlemsbedriftene" in page.content()
    check_wide = axe_violations(page)
    assert check_wide == []
    page.get_by_role("group", name="Spørsmål rapportering.1").get_by_label("Ja").check()
    page.get_by_label("Spørsmål rapportering.2").fill("3")
    follow(page.get_by_role("button", name="Send inn"))
    assert "Sendt inn" in page.content()
    assert axe_violations(page) == []
    assert IdentifiedResponse.objects.get().respondent == respondent
