"""Gathering mode (R-D13) tells the office nothing about who has answered LU: the page lists
everyone sampled, with no count of answers, and a send from it skips those who answered
without showing who they were."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.models import Dispatch, Message
from surveys.models import Respondent

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    body = client.get(url).content.decode()
    body = re.sub(r'name="order_key" value="[^"]*"', "", body)  # one-time, fresh each time
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)


def _answer(person: Respondent) -> None:
    Respondent.objects.filter(pk=person.pk).update(answered_at=timezone.now())


def test_the_gathering_page_is_the_same_before_and_after_an_apprentice_answers(
    client, office_a_admin, office_a, year
):
    client.force_login(office_a_admin)
    url = reverse("office_gathering", args=[office_a.orgnr, year.lu.year])
    before = _page(client, url)
    answered = year.people["lu_a_member"]
    assert f'name="respondent" value="{answered.pk}"' in before
    _answer(answered)
    assert _page(client, url) == before


def _send(client, office_a, year, picked, capture) -> Dispatch:
    url = reverse("office_gathering", args=[office_a.orgnr, year.lu.year])
    with capture(execute=True):
        response = client.post(
            url, {"respondent": [p.pk for p in picked], "action": "send", "channel": "email"}
        )
    assert response.status_code == 302, response.content.decode()
    client.get(response["Location"])  # shows (and so clears) the "being sent" notice
    return Dispatch.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def _normalised(body: str) -> str:
    """A page with what differs between two dispatches of the same kind (ids, times, tokens)
    made equal."""
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", body)
    return re.sub(r"\d+", "#", body)


def test_a_gathering_send_skips_who_answered_and_its_pages_do_not_tell(
    client, office_a_admin, office_a, year, django_capture_on_commit_callbacks
):
    client.force_login(office_a_admin)
    answered, not_yet = year.people["lu_a_member"], year.people["lu_b_of_office_a"]
    _answer(answered)
    to_answered = _send(client, office_a, year, [answered], django_capture_on_commit_callbacks)
    to_not_yet = _send(client, office_a, year, [not_yet], django_capture_on_commit_callbacks)
    assert not Message.objects.filter(respondent=answered).exists()
    assert Message.objects.filter(respondent=not_yet, dispatch=to_not_yet).exists()
    assert to_answered.recipients == to_not_yet.recipients == 1

    def detail(dispatch: Dispatch) -> str:
        url = reverse("office_dispatch", args=[office_a.orgnr, dispatch.pk])
        return _normalised(client.get(url).content.decode())

    assert detail(to_answered) == detail(to_not_yet)
    year_page = client.get(reverse("office_dispatches", args=[office_a.orgnr, year.lu.year]))
    rows = re.findall(r"<tr>.*?</tr>", year_page.content.decode(), re.S)
    gathering_rows = {_normalised(r) for r in rows if "Samling" in r}
    assert len(gathering_rows) == 1


def test_a_reminder_preview_names_no_lu_respondent(client, county_a_admin, county_a, year):
    Respondent.objects.filter(round=year.lu).update(name="Torbjørg Eksempel")
    client.force_login(county_a_admin)
    url = reverse("county_dispatch_new", args=[county_a.code, year.lu.year, "lu"])
    form = {"purpose": "reminder", "by_email": "on", "language": "nb", "when": "now"}
    body = client.post(url, form | {"preview": "1"}).content.decode()
    assert "Torbjørg" not in body
    assert "(fornavn)" in body


def test_the_dispatch_page_shows_no_lu_count_of_fewer_than_k_asked(
    client, office_a_admin, office_a, year, settings
):
    settings.REPORTING_THRESHOLD = 5  # office A has two LU apprentices
    client.force_login(office_a_admin)
    url = reverse("office_dispatches", args=[office_a.orgnr, year.lu.year])
    before = client.get(url).content.decode()
    assert "Færre enn 5 er invitert" in before
    _answer(year.people["lu_a_member"])
    assert _normalised(client.get(url).content.decode()) == _normalised(before)


def test_a_double_click_on_send_the_links_sends_them_once(
    client, office_a_admin, office_a, year, django_capture_on_commit_callbacks
):
    client.force_login(office_a_admin)
    url = reverse("office_gathering", args=[office_a.orgnr, year.lu.year])
    key = re.search(r'name="order_key" value="([0-9a-f-]{36})"', _page_raw(client, url))
    assert key, "the gathering page carries no one-time key"
    picked = year.people["lu_a_member"]
    form = {"respondent": [picked.pk], "action": "send", "channel": "email"}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, form | {"order_key": key.group(1)})
        second = client.post(url, form | {"order_key": key.group(1)})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Dispatch.objects.count() == 1
    assert Message.objects.filter(respondent=picked).count() == 1


def _page_raw(client, url: str) -> str:
    return client.get(url).content.decode()
