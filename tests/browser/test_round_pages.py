"""The round and sample pages in a real browser: WCAG 2.1 AA (axe), a phone's width, and the
forms working without JavaScript."""

import pytest

from surveys.models import Round, RoundCounty
from surveys.services.samples import samples_build
from tests import register_rows as reg
from tests.browser.conftest import axe_violations, follow, log_in, screenshot
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def rounds_with_samples(counties, county_a):
    reg.questionnaires(2030)
    rounds = reg.rounds(2030)  # the LBU choice is still open
    office = reg.office(county_a, nor=False, name="Kontor Uten NOR")
    member = reg.company(county_a, office=office, name="Medlem Uten Leder AS")
    reg.contract(reg.apprentice(), member)
    firm = reg.company(county_a, name="Vestland Bygg AS")
    reg.contract(reg.apprentice(), firm, leader=reg.leader(firm))
    reg.contract(reg.apprentice(), reg.company(county_a, nlr=False, name="Uregistrert AS"))
    for round_ in rounds.values():
        samples_build(round_)
    return rounds


def test_the_national_round_pages_meet_wcag_aa(page, rounds_with_samples, national_admin):
    log_in(page, national_admin.email, PASSWORD)
    page.get_by_role("link", name="Undersøkelsesrunder", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Undersøkelsesrunder"
    assert axe_violations(page) == []

    follow(page.get_by_role("link", name="Lærebedriftsundersøkelsen"))
    assert axe_violations(page) == []
    page.get_by_label("Undersøkelsen åpner").fill("2030-09-01")  # before the reference date
    follow(page.get_by_role("button", name="Lagre"))
    assert "Undersøkelsen kan ikke åpne før referansedatoen." in page.content()
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_the_national_calendar_is_saved_without_javascript(
    page_factory, rounds_with_samples, national_admin
):
    page = page_factory(javascript=False)
    log_in(page, national_admin.email, PASSWORD)
    page.goto("/nasjonalt/runder/2030/lbu/")
    page.get_by_label("Siste svardag").fill("2031-01-05")
    follow(page.get_by_role("button", name="Lagre"))
    assert "Runden ble lagret." in page.content()
    assert Round.objects.get(year=2030, kind="LBU").last_answer_day.isoformat() == "2031-01-05"


def test_the_county_sample_pages_meet_wcag_aa_on_a_phone(
    page_factory, rounds_with_samples, county_a, county_a_admin
):
    page = page_factory(width=320)
    log_in(page, county_a_admin.email, PASSWORD)
    follow(page.get_by_role("link", name="Utvalg", exact=True))
    assert page.url.endswith("/fylke/46/utvalg/2030/")
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.goto("/fylke/46/utvalg/2030/ar/utelatt/")
    content = page.content()
    assert "Kontor Uten NOR" in content and "Medlem Uten Leder AS" in content
    assert "Uregistrert AS" in content
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320

    page.goto("/fylke/46/runder/2030/lbu/")
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_the_county_chooses_lbu_without_javascript(
    page_factory, rounds_with_samples, county_a, county_a_admin
):
    page = page_factory(javascript=False)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto("/fylke/46/runder/2030/lbu/")

    page.get_by_label("Nei").check()
    page.get_by_role("button", name="Lagre").click()

    assert "Vestland kjører ikke LBU i 2030." in page.content()
    choice = RoundCounty.objects.get(round__year=2030, round__kind="LBU", county=county_a)
    assert not choice.participates


def test_the_list_check_pages_meet_wcag_aa_on_a_phone(
    page_factory, rounds_with_samples, county_a, county_a_admin
):
    page = page_factory(width=360)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto("/fylke/46/utvalg/2030/")
    follow(page.get_by_role("link", name="Sjekk listen for Lærlingundersøkelsen", exact=False))
    assert page.url.endswith("/fylke/46/utvalg/2030/lu/sjekk/")
    for kind in ("lu", "lbu", "ar"):
        page.goto(f"/fylke/46/utvalg/2030/{kind}/sjekk/")
        assert axe_violations(page) == []
        screenshot(page, f"list-check-{kind}-360.png")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert "Vestland Bygg AS" in page.content()
    assert page.console_errors == []


def test_the_list_check_is_filtered_without_javascript(
    page_factory, rounds_with_samples, county_a, county_a_admin
):
    page = page_factory(javascript=False)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto("/fylke/46/utvalg/2030/ar/sjekk/")
    unreachable = "Kan ikke nås (verken gyldig e-post eller gyldig mobil)"
    page.get_by_label("Kan nås").select_option(label=unreachable)
    follow(page.get_by_role("button", name="Vis"))
    assert "nas=nei" in page.url
    assert "Ingen på listen passer." in page.content()
