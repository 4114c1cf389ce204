"""The support lookup in a real browser: WCAG 2.1 AA (axe) at 1280 and 360 px, no sideways
scrolling on a phone, and a search, a person and a resend done by keyboard alone."""

from pathlib import Path

import pytest

from dispatch.models import Dispatch, RecordedMessage
from tests.browser.conftest import axe_violations, log_in
from tests.conftest import PASSWORD
from tests.dispatch.conftest import year_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Kept out of the repository (var/ is ignored), for the notes on what a page shows.
SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture
def year(county_a, county_b, office_a, office_b, company_a):
    return year_make(county_a, county_b, office_a, office_b, company_a)


@pytest.fixture(autouse=True)
def recording(settings):
    settings.DISPATCH_EMAIL_BACKEND = "record"
    settings.SMS_BACKEND = "record"


def press_tab_to(page, name: str, limit: int = 60) -> None:
    """Tabs until a focused link, button or field's text or label contains `name` (a
    scrollable table region takes focus too, and is passed)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "(() => { const e = document.activeElement;"
            " if (!['A', 'BUTTON', 'INPUT'].includes(e.tagName)) return '';"
            " return (e.innerText || e.value || e.getAttribute('aria-label') || '') + ' '"
            " + (e.labels && e.labels.length ? e.labels[0].innerText : ''); })()"
        )
        if name in focused:
            return
    raise AssertionError(f"{name!r} is not reached by Tab")


@pytest.mark.parametrize("width", [1280, 360])
def test_the_lookup_meets_wcag_aa_and_fits_the_width(
    page_factory, year, county_a, county_a_admin, width
):
    person = year.people["lu_a_member"]
    page = page_factory(width=width)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/")
    page.locator("nav.org-nav").get_by_role("link", name="Brukerstøtte").click()
    assert axe_violations(page) == []
    page.get_by_label("Navn, mobil eller e-post").fill(person.email)
    page.get_by_role("button", name="Søk").click()
    assert "1 person funnet" in page.content()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.get_by_role("link", name=person.name).click()
    assert page.get_by_role("heading", level=1).inner_text() == person.name
    assert "anonyme" in page.content()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"support-person-{width}.png"), full_page=True)


def test_search_open_and_resend_by_keyboard_alone(page_factory, year, county_a, county_a_admin):
    person = year.people["ar_office_a"]
    page = page_factory(width=1280)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/brukerstotte/")
    press_tab_to(page, "Navn, mobil eller e-post")
    page.keyboard.type("Dagny")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    press_tab_to(page, person.name)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", level=1).inner_text() == person.name
    assert "Ikke ennå" in page.content()  # ÅR shows whether the unit answered
    press_tab_to(page, "Send lenken på nytt")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Den personlige lenken er på vei igjen." in page.content()
    assert Dispatch.objects.filter(county=county_a).count() == 1
    assert RecordedMessage.objects.filter(to=person.email).count() == 1
    assert axe_violations(page) == []
