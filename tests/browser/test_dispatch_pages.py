"""The dispatch pages in a real browser: WCAG 2.1 AA (axe), a phone's width, sending without
JavaScript, sending and cancelling by keyboard alone, and the gathering sheet. The keyboard
flows save their screenshots under var/screenshots/."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState, RecordedMessage
from dispatch.services.dispatches import dispatch_create
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
    follow(page.get_by_role("button", name="Gå videre til bekreftelse"))
    assert axe_violations(page) == []
    follow(page.get_by_role("button", name="Send til 2 mottakere"))
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
    page.get_by_role("button", name="Gå videre til bekreftelse").click()
    follow(page.get_by_role("button", name="Send til 2 mottakere"))
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


SCREENSHOTS = Path(django_settings.BASE_DIR) / "var" / "screenshots"


def _shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / name), full_page=True)


def _focused(page) -> str:
    """The focused element: its id, or else its text."""
    return page.evaluate(
        "() => document.activeElement.id || document.activeElement.textContent.trim()"
    )


def _tab_to(page, text: str, most: int = 40) -> int:
    """Presses Tab until the element whose text is `text` has the focus; how many presses."""
    for presses in range(1, most + 1):
        page.keyboard.press("Tab")
        if _focused(page) == text:
            return presses
    raise AssertionError(f"{text!r} was not reached by {most} presses of Tab")


def _press_and_wait(page, key: str) -> None:
    with page.expect_navigation():
        page.keyboard.press(key)


def _fits(page, width: int) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth") <= width


def test_preview_confirm_and_send_by_keyboard_alone_at_360_px(
    page_factory, year, county_a, county_a_admin
):
    page = page_factory(width=360)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/utsendelser/{year.lu.year}/lu/ny/")
    _tab_to(page, "id_by_sms")
    page.keyboard.press("Space")
    assert page.get_by_label("På SMS").is_checked()
    _tab_to(page, "Forhåndsvisning")
    _press_and_wait(page, "Enter")
    # The preview is in view with the focus on its heading, and says what it found.
    assert _focused(page) == "preview-heading"
    assert page.url.endswith("#preview-heading")
    assert page.locator("#preview-heading").is_visible()
    assert "Forhåndsvisningen er klar: 2 mottakere" in page.content()
    assert axe_violations(page) == [] and _fits(page, 360)
    _shot(page, "dispatch-preview-360.png")
    # From the heading, the next step is a few presses of Tab away, not sixteen.
    assert _tab_to(page, "Gå videre til bekreftelse") <= 3
    _press_and_wait(page, "Enter")
    assert _focused(page) == "confirm-heading"
    body = page.content()
    assert "Bekreft utsendelsen" in body and "0 av 7 brukt så langt, 7 igjen" in body
    assert not Dispatch.objects.exists()
    assert axe_violations(page) == [] and _fits(page, 360)
    _shot(page, "dispatch-confirm-360.png")
    assert _tab_to(page, "Send til 2 mottakere") == 1
    _press_and_wait(page, "Enter")
    assert "Utsendelsen er bestilt." in page.content()
    assert page.locator("#dispatch-progress [role=status]").inner_text().startswith("Status: Sendt")
    assert "Levert" in page.content()
    assert axe_violations(page) == [] and _fits(page, 360)
    _shot(page, "dispatch-sent-360.png")
    assert Dispatch.objects.get().recipients == 2
    assert page.console_errors == []


def test_cancel_asks_first_by_keyboard_alone_at_360_px(
    page_factory, year, county_a, county_a_admin
):
    from dispatch.services.order_rules import DispatchRequest

    dispatch = dispatch_create(
        DispatchRequest(
            round=year.lu,
            sender=Sender(county=county_a),
            purpose="reminder",
            by_email=True,
            by_sms=False,
            send_at=timezone.now() + timedelta(days=2),
        )
    )
    page = page_factory(width=360)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/utsendelser/vis/{dispatch.pk}/")
    _tab_to(page, "Avbryt det som ikke er sendt")
    _press_and_wait(page, "Enter")
    assert _focused(page) == "cancel-heading"
    assert "Avbryte utsendelsen?" in page.content()
    assert axe_violations(page) == [] and _fits(page, 360)
    _shot(page, "dispatch-cancel-confirm-360.png")
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.SCHEDULED  # the question cancels nothing
    assert _tab_to(page, "Ja, avbryt utsendelsen") == 1
    _press_and_wait(page, "Enter")
    dispatch.refresh_from_db()
    assert dispatch.state == DispatchState.CANCELLED
    body = page.content()
    assert "Avbrutt" in body and "den nådde ingen" in body and "(100 %)" not in body
    assert axe_violations(page) == [] and _fits(page, 360)
    _shot(page, "dispatch-cancelled-360.png")
    page.goto(f"/fylke/{county_a.code}/utsendelser/{year.lu.year}/")
    assert "Avbrutt før noe ble sendt" in page.content()
    assert axe_violations(page) == [] and _fits(page, 360)
