"""The page where a user turns e-mail notifications off and on, in a real browser: reached
from the two-factor page, usable by keyboard at 360 px, WCAG 2.1 AA by axe."""

import pytest
from django.conf import settings

from portal.models import User
from tests.browser.conftest import axe_violations, follow, log_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_an_administrator_turns_notifications_off_by_keyboard(page_factory, county_a_admin):
    page = page_factory(width=360)
    log_in(page, county_a_admin.email, PASSWORD)
    follow(page.get_by_role("link", name="Tofaktorinnlogging"))
    follow(page.get_by_role("link", name="Varsler på e-post"))
    assert page.get_by_role("heading", level=1).inner_text() == "Varsler på e-post"
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    box = page.get_by_label("Send meg varsler på e-post")
    assert box.is_checked()
    box.focus()
    page.keyboard.press("Space")
    assert not box.is_checked()
    page.keyboard.press("Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert "Du får ikke lenger varsler på e-post." in page.content()
    assert not User.objects.get(pk=county_a_admin.pk).notifications
    assert axe_violations(page) == []
    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / "notification_settings_360.png"), full_page=True)
