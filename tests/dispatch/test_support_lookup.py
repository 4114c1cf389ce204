"""Support lookup: an organisation finds its own respondent by name, mobile or e-mail, sees
their messages and what became of each, and sends the personal link again; R-L7 for LU/LBU."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import (
    Channel,
    Dispatch,
    Message,
    MessageState,
    Purpose,
    SkipReason,
    SmsOptOut,
)
from dispatch.services.quotas import quota_used
from dispatch.services.support_lookup import link_resend, person_view, respondents_find
from portal.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db

ONE_TIME = re.compile(r'name="(csrfmiddlewaretoken|key)" value="[^"]*"')


def found(sender, query) -> set[int]:
    return {r.pk for r in respondents_find(sender, query)}


@pytest.fixture
def county(county_a):
    return Sender(county=county_a)


@pytest.fixture
def office(office_a):
    return Sender(office=office_a)


def lookup_url(org, query: str = "") -> str:
    name, arg = (
        ("county_support_lookup", org.code)
        if hasattr(org, "code")
        else ("office_support_lookup", org.orgnr)
    )
    return reverse(name, args=[arg]) + (f"?q={query}" if query else "")


def person_url(org, respondent) -> str:
    if hasattr(org, "code"):
        return reverse("county_support_person", args=[org.code, respondent.pk])
    return reverse("office_support_person", args=[org.orgnr, respondent.pk])


def resend_url(org, respondent) -> str:
    if hasattr(org, "code"):
        return reverse("county_support_resend", args=[org.code, respondent.pk])
    return reverse("office_support_resend", args=[org.orgnr, respondent.pk])


def message(dispatch_round, sender, respondent, channel=Channel.EMAIL, **fields) -> Message:
    dispatch = Dispatch.objects.create(
        round=dispatch_round,
        purpose=Purpose.INVITATION,
        by_email=channel == Channel.EMAIL,
        by_sms=channel == Channel.SMS,
        send_at=timezone.now(),
        state="done",
        recipients=1,
        **sender.filter,
    )
    return Message.objects.create(
        dispatch=dispatch, respondent=respondent, channel=channel, **fields
    )


# --- Search by each key, within one's own scope ---------------------------------------------


def test_found_by_name_mobile_and_e_mail(year, county):
    person = year.people["lu_a_member"]
    person.name = "Siri Utne Hansen"
    person.save()
    assert found(county, "Siri Utne Hansen") == {person.pk}
    # Every word, in any order and case.
    assert found(county, "hansen SIRI") == {person.pk}
    assert found(county, "Siri Olsen") == set()
    assert found(county, person.email.upper()) == {person.pk}
    # The mobile however written: with or without +47, with spaces.
    digits = person.mobile.removeprefix("+47")
    assert found(county, f"{digits[:3]} {digits[3:5]} {digits[5:]}") == {person.pk}
    assert found(county, person.mobile) == {person.pk}


def test_a_query_shorter_than_three_characters_finds_nobody(year, county):
    assert found(county, "Læ") == set()


def test_a_county_cannot_find_another_countys_respondent(year, county, county_b):
    other = year.people["lu_b"]
    assert found(county, other.email) == set()
    assert found(county, other.mobile) == set()
    assert other.pk in found(Sender(county=county_b), other.email)


def test_an_office_finds_only_its_own(year, office):
    own = year.people["lu_b_of_office_a"]  # of county B, but office A's apprentice
    assert found(office, own.email) == {own.pk}
    assert found(office, year.people["lu_a_independent"].email) == set()
    assert found(office, year.people["lu_b"].email) == set()


def test_another_organisations_person_page_is_a_404(client, year, county_a, county_a_admin):
    client.force_login(county_a_admin)
    other = year.people["lu_b"]
    assert client.get(person_url(county_a, other)).status_code == 404
    assert client.post(resend_url(county_a, other), {"channel": "email"}).status_code == 404


def test_an_office_cannot_open_another_offices_person(client, year, office_a, office_a_admin):
    client.force_login(office_a_admin)
    assert client.get(person_url(office_a, year.people["lu_a_independent"])).status_code == 404
    assert client.get(person_url(office_a, year.people["lu_b_of_office_a"])).status_code == 200


# --- What became of each message ------------------------------------------------------------


def test_each_messages_outcome_is_named(year, county):
    person = year.people["lu_a_member"]
    message(year.lu, county, person, state=MessageState.DELIVERED)
    message(
        year.lu,
        county,
        person,
        Channel.SMS,
        state=MessageState.SKIPPED,
        skip_reason=SkipReason.OPTED_OUT,
    )
    message(year.lu, county, person, state=MessageState.FAILED)
    message(year.lu, county, person, state=MessageState.PENDING)
    message(year.lu, county, person, state=MessageState.UNCERTAIN)
    outcomes = sorted(line.outcome for line in person_view(person).messages)
    assert outcomes == ["bounced", "delivered", "queued", "stopped", "uncertain"]


def test_the_page_says_stop_and_names_the_outcomes(client, year, county_a, county_a_admin, county):
    person = year.people["lu_a_member"]
    message(year.lu, county, person, state=MessageState.DELIVERED)
    SmsOptOut.objects.create(mobile=person.mobile)
    client.force_login(county_a_admin)
    body = client.get(person_url(county_a, person)).text
    assert "Levert" in body
    assert "STOP" in body


# --- R-L7: never whether an LU or LBU respondent answered -----------------------------------


@pytest.mark.parametrize("who", ["lu_a_member", "lbu_member_a"])
def test_lu_and_lbu_never_show_whether_the_person_answered(
    client, year, county_a, county_a_admin, county, who
):
    person = year.people[who]
    round_ = person.round
    message(round_, county, person, state=MessageState.SKIPPED, skip_reason=SkipReason.ANSWERED)
    client.force_login(county_a_admin)

    def seen() -> tuple[str, str]:
        page = client.get(person_url(county_a, person)).text
        search = client.get(lookup_url(county_a, person.email)).text
        # The form's CSRF token and one-time key change at every load; nothing else may.
        return ONE_TIME.sub("", page), ONE_TIME.sub("", search)

    before = seen()
    person.answered_at = timezone.now()
    person.save()
    after = seen()
    # The pages are the same whether or not the person answered, and say why.
    assert before == after
    page = after[0]
    assert "aldri" in page and "anonyme" in page
    for word in ("Har svart", "Besvart", "Allerede svart", "Hadde svart", "Svart:"):
        assert word not in page
    view = person_view(person)
    assert view.answered is None
    assert [line.outcome for line in view.messages] == ["not_sent"]
    assert "answer" not in json.dumps([line.__dict__ for line in view.messages], default=str)


def test_ar_shows_whether_the_unit_answered(client, year, county_a, county_a_admin):
    person = year.people["ar_office_a"]
    client.force_login(county_a_admin)
    assert "Ikke ennå" in client.get(person_url(county_a, person)).text
    person.answered_at = timezone.now()
    person.save()
    assert person_view(person).answered is True


# --- Resend ---------------------------------------------------------------------------------


def test_resend_by_e_mail_is_one_dispatch_however_often_the_form_is_posted(
    year, county, county_a_admin, django_capture_on_commit_callbacks
):
    person = year.people["lu_a_member"]
    key = uuid.uuid4()
    with django_capture_on_commit_callbacks(execute=True):
        first, made = link_resend(county, person, Channel.EMAIL, key, user=county_a_admin)
    again, made_again = link_resend(county, person, Channel.EMAIL, key, user=county_a_admin)
    assert made and not made_again
    assert again.pk == first.pk
    assert Dispatch.objects.filter(order_key=key).count() == 1
    sent = Message.objects.get(dispatch=first)
    assert sent.respondent_id == person.pk
    assert sent.state in (MessageState.SENT, MessageState.DELIVERED)
    assert quota_used(year.lu, county) == 0


def test_resend_by_sms_takes_one_sms_dispatch(year, county, county_a_admin):
    person = year.people["lu_a_member"]
    link_resend(county, person, Channel.SMS, uuid.uuid4(), user=county_a_admin)
    assert quota_used(year.lu, county) == 1


def test_a_refused_resend_changes_nothing(year, county, county_a_admin):
    person = year.people["lu_a_member"]
    person.mobile_valid = False
    person.save()
    with pytest.raises(Exception, match="mobile"):
        link_resend(county, person, Channel.SMS, uuid.uuid4(), user=county_a_admin)
    assert not Dispatch.objects.exists()
    assert quota_used(year.lu, county) == 0


def test_resend_through_the_page_posts_once_and_is_logged(
    client, year, county_a, county_a_admin, django_capture_on_commit_callbacks
):
    person = year.people["lu_a_member"]
    client.force_login(county_a_admin)
    page = client.get(person_url(county_a, person)).text
    assert "én SMS-utsendelse" in page or "SMS-utsendelse" in page
    data = {"channel": "email", "key": str(uuid.uuid4())}
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(resend_url(county_a, person), data)
    second = client.post(resend_url(county_a, person), data)
    assert first.status_code == second.status_code == 302
    assert Dispatch.objects.filter(county=county_a).count() == 1
    created = AuditEntry.objects.filter(action=AuditAction.DISPATCH_CREATED, county=county_a)
    assert [e.detail["resend"] for e in created] == [person.pk]


# --- The audit log --------------------------------------------------------------------------


def test_every_search_and_every_person_viewed_is_logged_without_the_words_searched(
    client, year, county_a, county_a_admin
):
    person = year.people["lu_a_member"]
    client.force_login(county_a_admin)
    client.get(lookup_url(county_a, person.email))
    client.get(lookup_url(county_a, "Ingen Slik"))
    client.get(person_url(county_a, person))
    entries = AuditEntry.objects.filter(action=AuditAction.VIEW_IDENTIFIED, county=county_a)
    searches = [e.detail for e in entries if "support_search" in e.detail]
    assert sorted(d["found"] for d in searches) == [0, 1]
    viewed = [e.detail["support_person"] for e in entries if "support_person" in e.detail]
    assert viewed == [person.pk]
    logged = json.dumps([(e.target, e.detail) for e in entries])
    assert person.email not in logged and "Ingen Slik" not in logged


def test_the_navigation_has_the_lookup_for_senders(client, year, county_a, county_a_admin):
    client.force_login(county_a_admin)
    body = client.get(reverse("county_dashboard", args=[county_a.code])).text
    assert lookup_url(county_a) in body
