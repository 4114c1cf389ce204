"""No page scrolls sideways on a 360 px phone: every GET route of the permission matrix
(tests/access/matrix.py) as the first persona allowed to see it, the public pages, and the
respondent's pages of LBU, whose heading "Lærebedriftsundersøkelsen" is the longest word a
respondent meets. One browser, one signed-in context per persona (its session made on the
server, not through the login form), one test for all routes: the world is made once."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import RespondentRole, Round, SurveyKind
from surveys.services.links import link_issue, link_path
from surveys.services.questionnaires import questionnaires_load
from surveys.services.rounds import round_create
from tests.access.matrix import MATRIX, PERSONAS, PUBLIC
from tests.access.test_permission_matrix import persona_users, world  # noqa: F401
from tests.surveys.factories import respondent_make

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = 360
WIDTH = "document.documentElement.scrollWidth"
# What is wider than the screen, to name in a failure.
WIDEST = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
  .filter(e => !e.closest('.table-wrap'))
  .slice(0, 3).map(e => e.tagName.toLowerCase() + (e.className ? '.' + e.className : '')
    + ': ' + (e.textContent || '').trim().slice(0, 40))"""


def persona_of(name: str) -> str | None:
    entry = MATRIX[name]
    if entry.get != 200:
        return None
    return next((p for p in PERSONAS if p in entry.allowed), None)


def signed_in(browser, live_server, user):
    """A 360 px context whose session belongs to the user (None: anonymous)."""
    context = browser.new_context(
        viewport={"width": PHONE, "height": 740}, base_url=live_server.url
    )
    if user is not None:
        client = Client()
        client.force_login(user)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                    "url": live_server.url,
                }
            ]
        )
    return context


def overflow(page, url: str) -> str | None:
    # Downloads (CSV, XLSX, PDF, JSON) are not pages: asked first with the context's cookies.
    if not page.request.get(url).headers.get("content-type", "").startswith("text/html"):
        return None
    page.goto(url)
    width = page.evaluate(WIDTH)
    if width <= PHONE:
        return None
    return f"{url}: {width} px {page.evaluate(WIDEST)}"


def test_no_page_of_any_role_scrolls_sideways_at_360_px(
    browser,
    live_server,
    world,  # noqa: F811
    persona_users,  # noqa: F811
):
    contexts: dict[str, Any] = {}
    pages = {}
    found = []
    checked = 0
    try:
        routes = [(name, persona_of(name)) for name in sorted(MATRIX) if persona_of(name)]
        routes += [(name, "anonymous") for name in ("home", "help", "privacy", "accessibility")]
        for name, persona in routes:
            if persona not in pages:
                contexts[persona] = signed_in(browser, live_server, persona_users[persona])
                pages[persona] = contexts[persona].new_page()
            entry = MATRIX.get(name)
            args = [world[arg] for arg in entry.args] if entry else []
            url = reverse(name, args=args) + (entry.query if entry else "")
            problem = overflow(pages[persona], url)
            checked += 1
            if problem:
                found.append(f"{name} ({persona}) {problem}")
    finally:
        for context in contexts.values():
            context.close()
    assert checked >= len(MATRIX) // 2
    assert set(PUBLIC) >= {"home", "help", "privacy", "accessibility"}
    assert not found, "\n".join(found)


def test_the_lbu_respondent_s_pages_fit_360_px(browser, live_server, counties, county_a):
    """The shipped LBU questionnaire, its round open, a professional leader's link: the first
    page with "Lærebedriftsundersøkelsen" in the heading, and each page after it."""
    cache.clear()
    questionnaires_load()
    year = timezone.now().year
    for kind in SurveyKind:
        round_create(year=year, kind=kind)
    Round.objects.filter(year=year).update(
        opens_at=timezone.now() - timedelta(days=1), closes_at=timezone.now() + timedelta(days=30)
    )
    lbu = Round.objects.get(year=year, kind=SurveyKind.LBU)
    leader = respondent_make(lbu, county_a, role=RespondentRole.LEADER)
    context = signed_in(browser, live_server, None)
    try:
        page = context.new_page()
        page.goto(link_path(link_issue(leader)))
        heading = page.get_by_role("heading", level=1).inner_text()
        assert "Lærebedriftsundersøkelsen" in heading
        shots = settings.VAR_DIR / "screenshots"
        shots.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(shots / "narrow-lbu-start-360.png"), full_page=True)
        found = [p for p in [overflow(page, page.url)] if p]
        seen = {page.url}
        for _ in range(6):  # through the consent and the sections, as far as the pages lead
            consent = page.get_by_label("Ja", exact=False).first
            if page.locator("main input[type=radio]").count() and consent.count():
                consent.check()
            button = page.locator("main form button[type=submit]").first
            if button.count() == 0:
                break
            with page.expect_navigation():
                button.click()
            if page.url in seen:
                break
            seen.add(page.url)
            found += [p for p in [overflow(page, page.url)] if p]
        assert len(seen) >= 2, "the answering flow went no further than its first page"
    finally:
        context.close()
    assert not found, "\n".join(found)
