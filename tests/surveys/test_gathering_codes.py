"""Gathering codes (R-D13): the office that printed the sheet holds every code on it, so a code
shows nothing the respondent saved elsewhere, cannot submit over their answers, looks the same
whether or not they have answered, and works only for the gathering's day."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from surveys.models import AnonymousResponse, Draft, Respondent, RespondentLink
from surveys.services.links import code_display, gathering_codes_issue, link_issue
from tests.surveys.factories import (
    lu_questionnaire,
    open_link,
    post_page,
    post_send,
    respondent_make,
    round_make,
    section_url,
)

pytestmark = pytest.mark.django_db

CHECKED_4 = 'value="4" id="id_q-lu_a_3" checked'


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


@pytest.fixture
def apprentice(lu_round, county_a, office_a, company_a):
    return respondent_make(lu_round, county_a, training_office=office_a, company=company_a)


def _code(respondent: Respondent) -> str:
    until = timezone.now() + timedelta(hours=6)
    return gathering_codes_issue([respondent], until)[respondent.pk]


def _normalised(body: str) -> str:
    """A page with what differs between any two visits (form keys, CSRF tokens) blanked."""
    body = re.sub(r'name="(respondent|csrfmiddlewaretoken|order_key)" value="[^"]*"', "", body)
    return body


def test_a_code_shows_no_answers_saved_through_the_respondents_own_link(apprentice):
    own, office = Client(), Client()
    post_page(own, link_issue(apprentice), 1, {"lu_a": "4", "lu_b": "2"})
    assert CHECKED_4 in own.get(section_url(1)).content.decode()

    code = _code(apprentice)
    assert open_link(office, code) == reverse("respond_start")
    page = office.get(section_url(1)).content.decode()
    assert "checked" not in page
    # Saving through the code leaves the respondent's own draft as it was.
    post_page(office, code, 1, {"lu_a": "1"})
    assert Draft.objects.get(respondent=apprentice).answers == {"lu_a": 4, "lu_b": 2}


def test_a_code_typed_on_the_code_page_opens_a_draft_of_its_own(apprentice):
    post_page(Client(), link_issue(apprentice), 1, {"lu_a": "4"})
    office = Client()
    typed = office.post(reverse("respond_code"), {"code": code_display(_code(apprentice))})
    assert typed["Location"] == reverse("respond_entry")
    assert CHECKED_4 not in office.get(section_url(1)).content.decode()


def test_another_browser_with_the_same_code_sees_nothing_saved_by_the_first(apprentice):
    code = _code(apprentice)
    at_gathering, office = Client(), Client()
    post_page(at_gathering, code, 1, {"lu_a": "4"})
    assert CHECKED_4 in at_gathering.get(section_url(1)).content.decode()
    open_link(office, code)
    assert CHECKED_4 not in office.get(section_url(1)).content.decode()


def test_a_code_cannot_submit_over_the_answers_the_respondent_sent(apprentice):
    own = Client()
    token = link_issue(apprentice)
    post_page(own, token, 1, {"lu_a": "4"})
    post_send(own, token)
    assert [a.answers for a in AnonymousResponse.objects.all()] == [{"lu_a": 4}]

    office, code = Client(), _code(apprentice)
    post_page(office, code, 1, {"lu_a": "1"})
    sent = post_send(office, code)
    assert sent.status_code == 302
    assert "Takk for svarene" in office.get(reverse("respond_entry")).content.decode()
    assert [a.answers for a in AnonymousResponse.objects.all()] == [{"lu_a": 4}]


def test_a_code_looks_the_same_whether_or_not_the_respondent_has_answered(
    lu_round, county_a, office_a, company_a
):
    answered, not_yet = (
        respondent_make(lu_round, county_a, training_office=office_a, company=company_a)
        for _ in range(2)
    )
    own = Client()
    token = link_issue(answered)
    post_page(own, token, 1, {"lu_a": "4"})
    post_send(own, token)

    pages = []
    for person in (answered, not_yet):
        office, code = Client(), _code(person)
        path = open_link(office, code)
        seen = [path, _normalised(office.get(section_url(1)).content.decode())]
        post_page(office, code, 1, {"lu_a": "2"})
        sent = post_send(office, code)
        seen += [sent["Location"], _normalised(office.get(sent["Location"]).content.decode())]
        pages.append(seen)
    assert pages[0] == pages[1]


def test_a_code_sent_first_counts_and_the_respondents_own_draft_goes(apprentice):
    own, token = Client(), link_issue(apprentice)
    post_page(own, token, 1, {"lu_a": "4"})
    office, code = Client(), _code(apprentice)
    post_page(office, code, 1, {"lu_a": "2"})
    post_send(office, code)
    apprentice.refresh_from_db()
    assert apprentice.answered_at is not None
    assert [a.answers for a in AnonymousResponse.objects.all()] == [{"lu_a": 2}]
    assert not Draft.objects.filter(respondent=apprentice).exists()


def test_a_code_works_only_until_the_gathering_ends(apprentice):
    code = _code(apprentice)
    link = RespondentLink.objects.get(respondent=apprentice, gathering=True)
    assert link.expires_at < apprentice.round.closes_at
    RespondentLink.objects.filter(pk=link.pk).update(expires_at=timezone.now())
    office = Client()
    open_link(office, code)
    response = office.get(reverse("respond_entry"))
    assert response.status_code == 410
    assert "Koden har gått ut" in response.content.decode()
