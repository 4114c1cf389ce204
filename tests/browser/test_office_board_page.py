"""The county's office board in a real browser: WCAG 2.1 AA (axe) on a 360 px phone, no
sideways scrolling of the page, sorting by a column's link, and the plain form that gives an
office without users its managing director's access."""

from __future__ import annotations

import pytest

from portal.models import Membership, TrainingOffice
from tests.browser.conftest import axe_violations, follow, log_in, screenshot
from tests.conftest import PASSWORD
from tests.dispatch.conftest import year_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def year(county_a, county_b, office_a, office_b, company_a):
    office_a.email, office_a.email_valid, office_a.manager_name = "dl@okvest.test", True, "Dagny"
    office_a.save()
    return year_make(county_a, county_b, office_a, office_b, company_a)


def test_the_board_on_a_phone(page_factory, year, county_a, county_a_admin, office_a):
    page = page_factory(width=360)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/")
    follow(page.locator("nav.org-nav").get_by_role("link", name="Opplæringskontorer", exact=True))
    assert page.get_by_role("heading", level=1).inner_text().startswith("Opplæringskontorer")
    assert axe_violations(page) == []
    screenshot(page, "office-board-360.png")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    follow(page.get_by_role("link", name="LU svarprosent"))
    assert "sorter=lu-svarprosent" in page.url
    assert page.locator('th[aria-sort="descending"]').count() == 1
    assert axe_violations(page) == []
    follow(page.get_by_role("button", name=f"Gi daglig leder i {office_a.name} tilgang"))
    assert Membership.objects.filter(
        training_office=TrainingOffice.objects.get(pk=office_a.pk), user__email="dl@okvest.test"
    ).exists()
