import pytest

from tests.browser.conftest import axe_violations, follow, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_landing_and_login_pages_meet_wcag_aa(page):
    for path in ["/", "/konto/login/", "/konto/password/reset/", "/tilgjengelighet/"]:
        page.goto(path)
        assert axe_violations(page) == [], path
    assert page.console_errors == []


def test_a_county_admin_logs_in_and_the_dashboard_meets_wcag_aa(page, county_a_admin, office_a):
    log_in(page, county_a_admin.email, PASSWORD)
    assert page.url.endswith("/fylke/46/")
    assert page.get_by_role("heading", level=1).inner_text() == "Vestland"
    assert office_a.name in page.content()
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_a_failed_login_is_announced_and_accessible(page, county_a_admin):
    page.goto("/konto/login/")
    page.get_by_label("E-postadresse").fill(county_a_admin.email)
    page.get_by_label("Passord").fill("feil")
    page.get_by_role("button", name="Logg inn").click()
    assert page.get_by_role("alert").inner_text().strip() == (
        "E-postadressen eller passordet er feil."
    )
    assert axe_violations(page) == []


@pytest.mark.parametrize("path", ["/", "/konto/login/"])
def test_pages_fit_a_320_pixel_screen_without_sideways_scrolling(page_factory, path):
    page = page_factory(width=320)
    page.goto(path)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320


def test_the_skip_link_is_first_and_moves_focus_to_the_content(page):
    page.goto("/konto/login/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent.trim()")
    assert focused == "Hopp til hovedinnholdet"
    assert page.evaluate("document.activeElement.getBoundingClientRect().top") >= 0
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"


def test_the_language_switcher_works_without_javascript(page_factory):
    page = page_factory(javascript=False)
    page.goto("/konto/login/")
    page.get_by_role("button", name="Norsk nynorsk").click()
    assert page.locator("html").get_attribute("lang") == "nn"
    assert page.get_by_role("link", name="Hopp til hovudinnhaldet").count() == 1
    page.get_by_role("button", name="English").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Log in"


def test_the_organisation_switcher_works_without_javascript(page_factory, county_a_admin):
    from portal.models import County, Membership, Role

    Membership.objects.create(
        user=county_a_admin, role=Role.COUNTY, county=County.objects.get(code="12")
    )
    page = page_factory(javascript=False)
    log_in(page, county_a_admin.email, PASSWORD)
    page.get_by_label("Organisasjon").select_option("fylke-12")
    follow(page.get_by_role("button", name="Bytt"))
    assert page.url.endswith("/fylke/12/")
    assert page.get_by_role("heading", level=1).inner_text() == "Hordaland"
