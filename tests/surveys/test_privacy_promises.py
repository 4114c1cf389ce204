"""Each sentence of "What each role sees of the people asked" in docs/privacy.md, checked
against the pages: one test per sentence, the sentence quoted in its docstring."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dispatch.models import Dispatch, Message
from surveys.models import AnonymousResponse, Respondent
from surveys.services.links import gathering_codes_issue, link_issue
from tests.dispatch.conftest import year_make
from tests.surveys.factories import open_link, post_page, post_send, section_url

pytestmark = pytest.mark.django_db

CHECKED_4 = 'value="4" id="id_q-lu_a_3" checked'


@pytest.fixture
def year(county_a, county_b, office_a, office_b, company_a, settings):
    settings.DISPATCH_EMAIL_BACKEND = "record"
    settings.SMS_BACKEND = "record"
    settings.REPORTING_THRESHOLD = 5
    return year_make(county_a, county_b, office_a, office_b, company_a)


def _answer(person: Respondent) -> None:
    Respondent.objects.filter(pk=person.pk).update(answered_at=timezone.now())


def _same(body: str) -> str:
    """What two visits of a page share: CSRF tokens, form keys, ids and times made equal."""
    body = re.sub(r'name="(csrfmiddlewaretoken|respondent|order_key)" value="[^"]*"', "", body)
    return re.sub(r"\d+", "#", body)


def _code(person: Respondent) -> str:
    return gathering_codes_issue([person], timezone.now() + timedelta(hours=4))[person.pk]


def test_the_section_has_one_test_per_sentence():
    """The section this module checks: every sentence is a test below."""
    text = (Path(django_settings.BASE_DIR) / "docs" / "privacy.md").read_text()
    section = text.split("## What each role sees of the people asked", 1)[1].split("\n## ", 1)[0]
    promises = [
        " ".join(p.split()) for p in re.findall(r"^- (.*?)(?=^- |\Z)", section, re.S | re.M)
    ]
    documented = {
        " ".join(t.__doc__.split()) for name, t in globals().items() if name.startswith("test_")
    }
    assert promises and all(p in documented for p in promises), promises


def test_national(client, national_admin, year, county_a, office_a):
    """National administrators reach no page that lists LU, LBU or ÅR respondents: the dispatch and
    gathering pages of counties and offices answer them 404."""
    client.force_login(national_admin)
    for url in (
        reverse("county_dispatches", args=[county_a.code, year.lu.year]),
        reverse("office_gathering", args=[office_a.orgnr, year.lu.year]),
    ):
        assert client.get(url).status_code == 404


def test_counts_only(client, county_a_admin, county_a, year):
    """County and office administrators see LU and LBU respondents as counts only: the count of
    answers on the dispatch page is shown only for at least K asked, and no dispatch page or
    preview names an LU or LBU respondent."""
    Respondent.objects.filter(round__in=[year.lu, year.lbu]).update(name="Torbjørg Eksempel")
    client.force_login(county_a_admin)
    year_url = reverse("county_dispatches", args=[county_a.code, year.lu.year])
    before = client.get(year_url).content.decode()
    _answer(year.people["lu_a_member"])
    assert _same(client.get(year_url).content.decode()) == _same(before)
    for kind in ("lu", "lbu"):
        url = reverse("county_dispatch_new", args=[county_a.code, year.lu.year, kind])
        form = {"purpose": "reminder", "by_email": "on", "language": "nb", "when": "now"}
        preview = client.post(url, form | {"preview": "1"}).content.decode()
        assert "Torbjørg" not in preview and "Fjord Rør AS" not in preview
    assert "Torbjørg" not in before


def test_gathering_page(client, office_a_admin, office_a, year):
    """A training office sees its apprentices' names only on the gathering page, which lists
    everyone in its LU sample whether or not they have answered, with no count of answers."""
    client.force_login(office_a_admin)
    url = reverse("office_gathering", args=[office_a.orgnr, year.lu.year])
    before = client.get(url).content.decode()
    answered = year.people["lu_a_member"]
    assert answered.name in before
    _answer(answered)
    assert _same(client.get(url).content.decode()) == _same(before)


def test_gathering_send(client, office_a_admin, office_a, year, django_capture_on_commit_callbacks):
    """A send from the gathering page skips those who have answered, and its pages show only how
    many were picked."""
    client.force_login(office_a_admin)
    answered = year.people["lu_a_member"]
    _answer(answered)
    url = reverse("office_gathering", args=[office_a.orgnr, year.lu.year])
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(url, {"respondent": [answered.pk], "action": "send", "channel": "email"})
    detail = client.get(sent["Location"]).content.decode()
    assert not Message.objects.filter(respondent=answered).exists()
    assert Dispatch.objects.get().recipients == 1
    assert "Lærlinger valgt: 1." in detail and "Levert" not in detail


def test_code_shows_nothing_else(year):
    """A gathering code shows no answers saved through another link or another browser, and answers
    sent with it never replace answers already submitted."""
    person = year.people["lu_a_member"]
    own, token = Client(), link_issue(person)
    post_page(own, token, 1, {"lu_a": "4"})
    code = _code(person)
    other_browser = Client()
    post_page(other_browser, code, 1, {"lu_a": "4"})
    office = Client()
    open_link(office, code)
    assert CHECKED_4 not in office.get(section_url(1)).content.decode()
    post_send(own, token)
    post_page(office, code, 1, {"lu_a": "1"})
    post_send(office, code)
    assert [a.answers for a in AnonymousResponse.objects.all()] == [{"lu_a": 4}]


def test_code_is_the_same_and_short_lived(year):
    """A gathering code's pages are the same whether or not the respondent has answered, and the
    code works only until the end of the gathering's day."""
    answered, not_yet = year.people["lu_a_member"], year.people["lu_b_of_office_a"]
    _answer(answered)
    seen = []
    for person in (answered, not_yet):
        office, code = Client(), _code(person)
        seen.append([open_link(office, code), _same(office.get(section_url(1)).content.decode())])
    assert seen[0] == seen[1]
    from dispatch.services.gathering import gathering_ends
    from surveys.models import RespondentLink

    office = Client()
    code = gathering_codes_issue([not_yet], gathering_ends())[not_yet.pk]
    assert RespondentLink.objects.get(gathering=True, expires_at=gathering_ends())
    RespondentLink.objects.filter(gathering=True).update(expires_at=timezone.now())
    open_link(office, code)
    assert office.get(reverse("respond_entry")).status_code == 410


def test_ar_identified(client, county_a_admin, county_a, year):
    """ÅR is identified (R-L3): the county sees which of its ÅR units have answered."""
    _answer(year.people["ar_independent_a"])
    client.force_login(county_a_admin)
    url = reverse("county_ar_answers", args=[county_a.code])
    assert "Fjord Rør AS" in client.get(url, {"status": "svart"}).content.decode()
    assert "Fjord Rør AS" not in client.get(url, {"status": "mangler"}).content.decode()


def test_respondent_draft(year):
    """A respondent sees their draft only through the links sent to them, never through a gathering
    code."""
    person = year.people["lu_a_member"]
    own, token = Client(), link_issue(person)
    post_page(own, token, 1, {"lu_a": "4"})
    post_page(Client(), _code(person), 1, {"lu_a": "1"})
    own.cookies.clear()
    open_link(own, link_issue(person))
    assert CHECKED_4 in own.get(section_url(1)).content.decode()
