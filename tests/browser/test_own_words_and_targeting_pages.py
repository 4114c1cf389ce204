"""The own-words page and a targeted reminder in a real browser: WCAG 2.1 AA (axe) and a phone's
width with JavaScript, and the same steps without it (where nothing can be measured in the
page)."""

import re

import pytest

from dispatch.models import Dispatch, OwnWords
from tests.browser.conftest import axe_violations, follow, log_in, screenshot
from tests.conftest import PASSWORD
from tests.dispatch.conftest import year_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = "document.documentElement.scrollWidth"


@pytest.fixture
def year(county_a, county_b, office_a, office_b, company_a):
    return year_make(county_a, county_b, office_a, office_b, company_a)


@pytest.fixture(autouse=True)
def recording(settings):
    settings.DISPATCH_EMAIL_BACKEND = "record"
    settings.SMS_BACKEND = "record"


def _measured(page, javascript: bool) -> None:
    if javascript:
        assert page.evaluate(WIDTH) <= 360
        assert axe_violations(page) == []


@pytest.mark.parametrize("javascript", [True, False])
def test_own_words_are_previewed_and_saved_on_a_phone(
    page_factory, year, county_a, county_a_admin, javascript
):
    page = page_factory(width=360, javascript=javascript)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/utsendelser/{year.lu.year}/")
    follow(page.get_by_role("link", name="Egne ord i meldingene: Lærlingundersøkelsen"))
    _measured(page, javascript)
    page.get_by_label("Innledning").fill("Svaret ditt betyr mye for oss, {first_name}.")
    page.get_by_label("Kontaktlinje").fill("Spørsmål? Ring 55 00 00 00.")
    follow(page.get_by_role("button", name="Forhåndsvis"))
    assert "Svaret ditt betyr mye for oss, (fornavn)." in page.content()
    _measured(page, javascript)
    screenshot(page, f"own-words-preview-360{'' if javascript else '-nojs'}.png")
    follow(page.get_by_role("button", name="Lagre"))
    assert "De egne ordene deres er lagret." in page.content()
    assert OwnWords.objects.get().contact == "Spørsmål? Ring 55 00 00 00."


@pytest.mark.parametrize("javascript", [True, False])
def test_a_targeted_reminder_is_sent_on_a_phone(
    page_factory, year, county_a, county_a_admin, office_a, javascript
):
    page = page_factory(width=360, javascript=javascript)
    log_in(page, county_a_admin.email, PASSWORD)
    page.goto(f"/fylke/{county_a.code}/utsendelser/{year.lu.year}/lu/ny/")
    _measured(page, javascript)
    page.get_by_role("radio", name="Påminnelse", exact=True).check()
    # The office's rate is hidden in this small year, so it cannot be chosen by name; the
    # groups below a rate take it in, in doubt.
    page.get_by_role("radio", name="De som ikke har svart i valgte opplæringskontorer").check()
    page.get_by_role("checkbox", name=office_a.name).check()
    follow(page.get_by_role("button", name="Forhåndsvisning"))
    assert "kan ikke velges ved navn" in page.content()
    page.get_by_role(
        "radio", name="De som ikke har svart i grupper med svarprosent under en grense"
    ).check()
    page.get_by_label("Svarprosent under (prosent)").fill("100")
    follow(page.get_by_role("button", name="Forhåndsvisning"))
    assert "Begrenset til opplæringskontorer med svarprosent under 100" in page.content()
    _measured(page, javascript)
    screenshot(page, f"targeted-reminder-preview-360{'' if javascript else '-nojs'}.png")
    follow(page.get_by_role("button", name="Gå videre til bekreftelse"))
    follow(page.get_by_role("button", name=re.compile("^Send til")))
    assert "Utsendelsen er bestilt." in page.content()
    kept = Dispatch.objects.get().targeting
    assert kept["below"] == 100 and kept["in_doubt"]  # the office among the groups in doubt
