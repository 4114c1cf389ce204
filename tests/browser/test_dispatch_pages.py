"""The dispatch pages in a real browser: WCAG 2.1 AA (axe), a phone's width, sending without
JavaScript, and the gathering sheet."""

import pytest

from dispatch.models import RecordedMessage
from tests.browser.conftest import axe_violations, follow, log_in
from tests.conftest import PASSWORD
from tests.dispatch.conftest import year_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year(county_a, county_b, office_a, office_b, company_a):
    return year_make(county_a, county_b, office_a, office_b, company_a)


@pytest.fixture(autouse=True)
def recording(settings):
    settings.DISPATCH_EMAIL_BACKEND = "record"
    settings.SMS_BACKEND = "record"


def test_the_county_previews_and_sends_on_a_phone(page_factory, year, county_a, county_a_admin):
    page = page_factory(width=320)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/")
    page.locator("nav.org-nav").get_by_role("link", name="Utsendelser", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Utsendelser")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Ny invitasjon eller påminnelse: Lærlingundersøkelsen").click()
    page.get_by_label("På SMS").check()
    follow(page.get_by_role("button", name="Forhåndsvisning"))
    assert "segmenter" in page.content()
    assert axe_violations(page) == []
    follow(page.get_by_role("button", name="Send", exact=True))
    assert "Utsendelsen er bestilt." in page.content()
    assert page.locator("#dispatch-bar").get_attribute("value") == "100"
    assert axe_violations(page) == []
    assert RecordedMessage.objects.count() == 4
    follow(page.get_by_role("link", name="Sendte meldinger (registrert)"))
    assert axe_violations(page) == []
    follow(page.get_by_role("link", name="Åpne lenken i meldingen til").first)
    assert "/s/" in page.url


def test_sending_works_without_javascript(page_factory, year, county_a, county_a_admin):
    page = page_factory(javascript=False)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/utsendelser/{year.lu.year}/lu/ny/")
    page.get_by_role("button", name="Forhåndsvisning").click()
    follow(page.get_by_role("button", name="Send", exact=True))
    assert "Utsendelsen er bestilt." in page.content()
    assert RecordedMessage.objects.count() == 2


def test_the_gathering_sheet_meets_wcag_aa(page, year, office_a, office_a_admin):
    log_in(page, office_a_admin.email, PASSWORD)
    page.goto(f"/kontor/{office_a.orgnr}/utsendelser/{year.lu.year}/samling/")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Lag et ark for utskrift").click()
    assert page.locator(".slip").count() == 2
    assert page.locator(".slip svg").count() == 2
    assert axe_violations(page) == []
    assert page.console_errors == []
