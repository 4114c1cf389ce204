"""Headless Chromium (the system's, never a downloaded build) driven by Playwright against the
live test server, with axe-core for WCAG checks."""

from __future__ import annotations

import os

import pytest

from tests.conftest import totp_code

# Playwright's sync API runs an event loop in this thread; the ORM calls made by fixtures and
# the live server are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@pytest.fixture(scope="session")
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture
def page_factory(browser, live_server):
    """Opens pages at a given width (default a 375 px phone) and collects console errors."""
    contexts = []

    def open_page(width: int = 375, height: int = 800, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            base_url=live_server.url,
            java_script_enabled=javascript,
        )
        contexts.append(context)
        page = context.new_page()
        page.console_errors = []
        page.on(
            "console",
            lambda msg: msg.type == "error" and page.console_errors.append(msg.text),
        )
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(page_factory):
    return page_factory()


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]},
    )
    return [
        f"{v['id']}: {v['help']} ({len(v['nodes'])}×: {v['nodes'][0]['target']})"
        for v in results.response["violations"]
    ]


def follow(locator) -> None:
    """Clicks a link or a submit button and waits until the page it leads to has loaded (its
    content may otherwise be read while the new document is still empty)."""
    with locator.page.expect_navigation():
        locator.click()


def log_in(page, email: str, password: str) -> None:
    """Logs in with the password and, when the portal asks, the authenticator app's code."""
    page.goto("/konto/login/")
    page.get_by_label("E-postadresse").fill(email)
    page.get_by_label("Passord").fill(password)
    follow(page.get_by_role("button", name="Logg inn"))
    if page.url.endswith("/konto/2fa/authenticate/"):
        type_totp_code(page, email)


def type_totp_code(page, email: str) -> None:
    from django.core.cache import cache

    from portal.models import User

    code = totp_code()
    # A code works once; a key left by an earlier run of the suite must not refuse it.
    user_id = User.objects.get(email=email).pk
    cache.delete(f"allauth.mfa.totp.used?user={user_id}&code={code}")
    page.get_by_label("Kode fra autentiseringsappen, eller en gjenopprettingskode").fill(code)
    follow(page.get_by_role("button", name="Logg inn"))


def screenshot(page, name: str) -> None:
    """Keeps the page as it looks under var/screenshots/ (CI keeps the folder as artefacts)."""
    from django.conf import settings

    shots = settings.VAR_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(shots / name), full_page=True)
