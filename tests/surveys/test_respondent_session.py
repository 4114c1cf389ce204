"""The token is in one request only: the link opens a short signed session and every later
address, page and header is free of it."""

from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse

from surveys.models import Draft, RespondentRole
from surveys.respondent_session import COOKIE_NAME
from surveys.services.links import link_issue, link_path
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    form_key,
    lu_questionnaire,
    open_link,
    post_page,
    respondent_make,
    round_make,
    section_url,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def apprentice(counties, county_a):
    return respondent_make(round_make(lu_questionnaire()), county_a)


def test_after_the_first_request_no_address_page_or_header_carries_the_token(client, apprentice):
    token = link_issue(apprentice)
    first = client.get(link_path(token))
    seen = [first["Location"]]
    response = client.get(first["Location"], follow=True)
    seen += [url for url, _status in response.redirect_chain]
    pages = [response]
    pages.append(post_page(client, token, 1, {"lu_a": "4"}))
    seen.append(pages[-1]["Location"])
    for path in [section_url(2), reverse("respond_send"), reverse("respond_saved")]:
        pages.append(client.get(path))
        seen.append(path)
    assert all(token not in url for url in seen), seen
    for page in pages:
        assert token not in page.content.decode()
        assert all(token not in value for value in page.headers.values())
    # What the browser keeps is a signed id, not the token.
    assert token not in client.cookies[COOKIE_NAME].value


def test_the_session_cookie_is_signed_http_only_for_the_survey_pages_and_short_lived(
    client, apprentice, settings
):
    cookie = client.get(link_path(link_issue(apprentice))).cookies[COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
    assert cookie["path"] == "/s/"
    assert int(cookie["max-age"]) == settings.RESPONDENT_SESSION_MINUTES * 60 <= 4 * 3600


def test_with_https_the_cookie_is_secure(apprentice):
    from django.test import Client

    with override_settings(SESSION_COOKIE_SECURE=True):
        response = Client().get(link_path(link_issue(apprentice)), secure=True)
    assert response.cookies[COOKIE_NAME]["secure"]


def test_a_page_without_the_session_asks_for_the_link_again(client, apprentice):
    for path in [reverse("respond_entry"), reverse("respond_start"), section_url(1)]:
        response = client.get(path)
        assert response.status_code == 403
        body = response.content.decode()
        assert "Åpne lenken på nytt" in body
        assert reverse("respond_code") in body
        assert "no-store" in response["Cache-Control"]


def test_a_tampered_cookie_is_no_session(client, apprentice):
    open_link(client, link_issue(apprentice))
    value = client.cookies[COOKIE_NAME].value
    link_id, rest = value.split(":", 1)
    client.cookies[COOKIE_NAME] = f"{int(link_id) + 1}:{rest}"
    assert client.get(reverse("respond_start")).status_code == 403


def test_the_session_ends_after_its_minutes_and_the_link_opens_it_again(
    client, apprentice, monkeypatch, settings
):
    token = link_issue(apprentice)
    open_link(client, token)
    assert client.get(reverse("respond_start")).status_code == 200
    import time as real_time

    later = real_time.time() + settings.RESPONDENT_SESSION_MINUTES * 60 + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert client.get(reverse("respond_start")).status_code == 403
    assert open_link(client, token) == reverse("respond_start")
    assert client.get(reverse("respond_start")).status_code == 200


def test_every_page_renews_the_session(client, apprentice, monkeypatch, settings):
    open_link(client, link_issue(apprentice))
    import time as real_time

    now = real_time.time()
    step = timedelta(minutes=settings.RESPONDENT_SESSION_MINUTES * 0.6).total_seconds()
    for hop in (1, 2, 3):
        monkeypatch.setattr("django.core.signing.time.time", lambda hop=hop: now + hop * step)
        assert client.get(reverse("respond_start")).status_code == 200


def test_two_links_in_one_browser_the_last_opened_wins_and_each_page_names_its_survey(
    client, counties, county_a, apprentice
):
    """A professional leader's phone: the ÅR of one company, then an apprentice's LU link
    forwarded to it, then the ÅR again."""
    company = rows.company(county_a, name="Fjordbygg AS")
    ar = respondent_make(
        round_make(ar_questionnaire()), county_a, role=RespondentRole.LEADER, company=company
    )
    ar_token, lu_token = link_issue(ar), link_issue(apprentice)

    open_link(client, ar_token)
    ar_page = client.get(section_url(1)).content.decode()
    assert "Årlig rapportering" in ar_page and "Fjordbygg AS" in ar_page
    ar_key = form_key(ar_token)

    open_link(client, lu_token)
    lu_page = client.get(section_url(1)).content.decode()
    assert "Undersøkelse LU" in lu_page and "Fjordbygg AS" not in lu_page

    # The ÅR page left open in another tab is posted now: it does not go into the LU.
    stale = client.post(
        section_url(1), {"respondent": ar_key, "action": "next", "q-dok_plan": "yes"}
    )
    assert stale.status_code == 302
    assert stale["Location"] == reverse("respond_entry")
    assert not Draft.objects.exists()
    warned = client.get(stale["Location"], follow=True).content.decode()
    assert "en annen undersøkelse" in warned

    # Opening the ÅR link again brings the ÅR back.
    open_link(client, ar_token)
    assert "Fjordbygg AS" in client.get(section_url(1)).content.decode()


def test_the_language_chosen_on_the_survey_pages_is_kept_for_later_messages(
    client, apprentice, settings
):
    client.get(link_path(link_issue(apprentice)), follow=True)
    apprentice.refresh_from_db()
    assert apprentice.language == ""  # bokmål by default, nothing chosen
    client.post(reverse("set_language"), {"language": "nn", "next": reverse("respond_entry")})
    client.get(reverse("respond_entry"), follow=True)
    apprentice.refresh_from_db()
    assert apprentice.language == "nn"
