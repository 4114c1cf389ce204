"""The report portal's pages in a real browser: WCAG 2.1 AA (axe) on a phone and a desktop, and
the forms working without JavaScript."""

import pytest

from reporting.models import Target
from tests.browser.conftest import axe_violations, follow, log_in, screenshot
from tests.conftest import PASSWORD
from tests.reporting.conftest import (  # noqa: F401 - fixtures shared with the reporting tests
    fast_passwords,
    lu_round,
    publish_year,
    published,
    questionnaires,
    small_rows,
    world,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def two_years(published, world):  # noqa: F811 - the fixtures imported above
    publish_year(2023, small_rows(world.county_a, world.offices["big"], world.trades["ELE"]))
    Target.objects.create(county=world.county_a, year=2024, kind="LU", index="trivsel", value=5)
    return published


def test_the_county_results_pages_meet_wcag_aa_on_a_phone(page_factory, two_years, county_a_admin):
    page = page_factory(width=320)
    log_in(page, county_a_admin.email, PASSWORD)
    for path in [
        "/fylke/46/resultater/",
        "/fylke/46/resultater/2024/lu/",
        "/fylke/46/resultater/2024/lu/sporsmal/indeks-trivsel/?sortering=value&retning=synkende",
        "/fylke/46/resultater/lu/utvikling/?sporsmal=indeks-trivsel",
        "/fylke/46/resultater/2024/lu/oppfolging/",
        "/fylke/46/resultater/2024/lu/pdf/",
        "/fylke/46/mal/2026/",
    ]:
        page.goto(path)
        assert axe_violations(page) == [], path
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    assert page.console_errors == []


def test_the_office_and_national_pages_meet_wcag_aa(
    page_factory,
    two_years,
    office_a_admin,
    national_admin,
    world,  # noqa: F811
):
    page = page_factory(width=1280)
    log_in(page, office_a_admin.email, PASSWORD)
    orgnr = world.offices["big"].orgnr
    for path in [f"/kontor/{orgnr}/resultater/2024/lu/", f"/kontor/{orgnr}/mal/2026/"]:
        page.goto(path)
        assert axe_violations(page) == [], path
    page.context.clear_cookies()
    log_in(page, national_admin.email, PASSWORD)
    for path in ["/nasjonalt/resultater/2024/lu/", "/nasjonalt/forskning/"]:
        page.goto(path)
        assert axe_violations(page) == [], path


def test_targets_and_the_pdf_work_without_javascript(page_factory, two_years, county_a_admin):
    page = page_factory(javascript=False)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto("/fylke/46/mal/2030/")
    page.get_by_label("Trivsel").fill("4,3")
    follow(page.get_by_role("button", name="Lagre målene"))
    assert "Målene ble lagret." in page.content()
    assert str(Target.objects.get(year=2030, index="trivsel").value) == "4.3"
    page.goto("/fylke/46/resultater/2024/lu/pdf/")
    page.get_by_role("button", name="Lag PDF-rapporten").click()
    assert page.get_by_role("link", name="Last ned PDF-rapporten").is_visible()


def test_the_distribution_page_meets_wcag_aa_on_a_phone_and_a_desktop(
    page_factory, two_years, county_a_admin
):
    for width in (360, 1280):
        page = page_factory(width=width)
        log_in(page, county_a_admin.email, PASSWORD)
        for path in [
            "/fylke/46/resultater/2024/lu/sporsmal/trivsel_trives/fordeling/",
            "/fylke/46/resultater/2024/lu/sporsmal/indeks-trivsel/fordeling/",
        ]:
            page.goto(path)
            assert axe_violations(page) == [], (width, path)
            assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, path)
            screenshot(page, f"distribution-{path.split('/')[-3]}-{width}.png")
        assert page.console_errors == []


def test_the_index_table_shows_last_year_and_the_target_at_1280_px(
    page_factory,
    two_years,
    office_a_admin,
    world,  # noqa: F811
):
    office = world.offices["big"]
    for index in ("trivsel", "motivasjon", "plan"):
        Target.objects.create(office=office, year=2024, kind="LU", index=index, value=5)
    page = page_factory(width=1280)
    log_in(page, office_a_admin.email, PASSWORD)
    page.goto(f"/kontor/{office.orgnr}/resultater/2024/lu/")
    region = page.locator('[aria-labelledby="indexes-caption"]')
    # The table fits its region: nothing to scroll to, so "Last year" and "Target" are in view,
    # and no cell's text runs out of its cell.
    assert region.evaluate("el => el.scrollWidth <= el.clientWidth")
    overflowing = region.evaluate(
        "el => [...el.querySelectorAll('th, td')]"
        ".filter(c => c.scrollWidth > c.clientWidth + 1).map(c => c.textContent.trim())"
    )
    assert overflowing == []
    # Under its chart across the whole width, not squeezed beside it.
    whole = page.locator(".chart-with-table").bounding_box()["width"]
    assert region.bounding_box()["width"] >= 0.95 * whole
    for name in ("I fjor", "Mål"):
        header = page.get_by_role("columnheader", name=name, exact=True)
        assert header.is_visible()
        box, frame = header.bounding_box(), region.bounding_box()
        assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, name


@pytest.mark.parametrize("width", [360, 1280])
def test_the_county_results_trends_comparison_followup_and_ar_overview_meet_wcag_aa(
    page_factory, two_years, county_a_admin, width
):
    page = page_factory(width=width)
    log_in(page, county_a_admin.email, PASSWORD)
    for path in [
        "/fylke/46/resultater/2024/lu/",
        "/fylke/46/resultater/lu/utvikling/?sporsmal=indeks-trivsel",
        "/fylke/46/resultater/2024/lu/fylkene/",
        "/fylke/46/resultater/2024/lu/oppfolging/",
    ]:
        response = page.goto(path)
        assert response.status == 200, (response.status, path)
        assert axe_violations(page) == [], (width, path)
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (width, path)
        screenshot(page, f"results-{path.strip('/').split('/')[-1].split('?')[0]}-{width}.png")
    assert page.console_errors == []
