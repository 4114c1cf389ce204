"""E-mail notifications to administrators, each through the account mail outbox once per event
and user: a dispatch with many failures, few SMS dispatches left, 7 and 2 days before closing
with the rate against last year's (never a rate hidden below the threshold), results
published; none to a user who turned them off on their own page."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import AccountMail, Dispatch, DispatchState, Message, MessageState, SmsQuota
from dispatch.services.account_mails import account_mail_process
from dispatch.services.dispatches import dispatch_create
from dispatch.services.notifications import (
    notifications_send,
    notify_closing,
    notify_failed_dispatches,
    notify_sms_quotas,
)
from dispatch.services.quotas import quota_limit
from portal.models import User
from surveys.signals import results_published
from tests.dispatch.helpers import request

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _sent() -> list[tuple[str, str, str]]:
    """Sends what the outbox holds; (to, subject, body) of each mail that went."""
    for pk in AccountMail.objects.filter(state=MessageState.PENDING).values_list("pk", flat=True):
        account_mail_process(pk)
    return [(m.to[0], str(m.subject), str(m.body)) for m in mail.outbox]


def _finished(year, county_a, *, failed: int) -> Dispatch:
    """A county's LU invitation, finished with `failed` of its messages failed."""
    dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    messages = list(Message.objects.filter(dispatch=dispatch).order_by("respondent_id"))
    for n, message in enumerate(messages):
        state = MessageState.FAILED if n < failed else MessageState.SENT
        Message.objects.filter(pk=message.pk).update(state=state, error="timed out")
    Dispatch.objects.filter(pk=dispatch.pk).update(
        state=DispatchState.DONE, finished_at=timezone.now()
    )
    return dispatch


def test_a_dispatch_with_many_failures_is_told_its_senders_administrators_once(
    year, county_a, county_a_admin, county_b_admin, office_a_admin
):
    dispatch = _finished(year, county_a, failed=1)
    assert notify_failed_dispatches() == 1
    assert notify_failed_dispatches() == 0  # the hourly task again: nothing twice
    assert notifications_send()["failed"] == 0
    [(to, subject, body)] = _sent()
    assert to == county_a_admin.email
    assert subject.startswith("Mange meldinger i en utsendelse feilet")
    assert "1 av 2 meldinger feilet (50 %)" in body
    assert reverse("county_dispatch", args=[county_a.code, dispatch.pk]) in body
    stored = AccountMail.objects.get()
    assert (stored.state, stored.text) == (MessageState.SENT, "")  # nothing kept once sent


def test_failures_within_the_set_share_are_not_told(year, county_a, county_a_admin, settings):
    settings.NOTIFY_FAILED_PERCENT = 50
    _finished(year, county_a, failed=1)
    assert notify_failed_dispatches() == 0
    settings.NOTIFY_FAILED_PERCENT = 49
    assert notify_failed_dispatches() == 1


def test_an_administrator_who_turned_notifications_off_gets_none(
    client, year, county_a, county_a_admin
):
    client.force_login(county_a_admin)
    url = reverse("notification_settings")
    page = client.get(url).content.decode()
    assert "Send meg varsler på e-post" in page
    assert client.post(url, {}).status_code == 302  # the box unticked
    assert not User.objects.get(pk=county_a_admin.pk).notifications
    _finished(year, county_a, failed=2)
    assert notify_failed_dispatches() == 0
    results_published.send(sender=None, round_id=year.lu.pk, version=1)
    assert not AccountMail.objects.exists()
    client.post(url, {"notifications": "on"})
    assert User.objects.get(pk=county_a_admin.pk).notifications
    assert notify_failed_dispatches() == 1


def test_the_notification_page_speaks_nynorsk_and_needs_a_login(client, county_a_admin):
    url = reverse("notification_settings")
    assert client.get(url).status_code == 302
    client.force_login(county_a_admin)
    client.cookies["portal_language"] = "nn"
    page = client.get(url, headers={"accept-language": "nn"}).content.decode()
    assert "Send meg varsel på e-post" in page


def test_few_sms_dispatches_left_is_told_once_per_number_left(
    year, county_a, county_a_admin, office_a_admin, settings
):
    settings.NOTIFY_SMS_LEFT = 1
    limit = quota_limit(year.lu, Sender(county=county_a))
    row = SmsQuota.objects.create(round=year.lu, county=county_a, used=limit - 2)
    assert notify_sms_quotas() == 0
    SmsQuota.objects.filter(pk=row.pk).update(used=limit - 1)
    assert notify_sms_quotas() == 1
    assert notify_sms_quotas() == 0
    SmsQuota.objects.filter(pk=row.pk).update(used=limit)
    assert notify_sms_quotas() == 1  # none left now: told again, once
    (to, subject, body), (_to, _subject, last) = _sent()
    assert to == county_a_admin.email and subject.startswith("Få SMS-utsendelser igjen")
    assert f"har 1 av {limit} SMS-utsendelser igjen" in body
    assert f"har 0 av {limit} SMS-utsendelser igjen" in last


def test_seven_and_two_days_before_closing_with_the_rate_and_never_a_hidden_one(
    year, county_a, county_a_admin
):
    last_day = year.ar.last_answer_day
    assert notify_closing(today=last_day - timedelta(days=5)) == 0
    queued = notify_closing(today=last_day - timedelta(days=7))
    assert queued == 3  # LU, ÅR and LBU, to the county's one administrator
    assert notify_closing(today=last_day - timedelta(days=7)) == 0
    sent = {subject: body for _to, subject, body in _sent()}
    ar = next(body for subject, body in sent.items() if str(year.ar) in subject)
    assert "har svart så langt" in ar
    # LU answers are anonymous below the threshold: the test county's few apprentices hide it.
    lu = next(body for subject, body in sent.items() if str(year.lu) in subject)
    assert "Svarprosenten vises ikke" in lu and "%" not in lu
    assert all(subject.startswith("7 dager igjen") for subject in sent)
    assert notify_closing(today=last_day - timedelta(days=2)) == 3


def test_results_published_tells_every_administrator_once(
    year, county_a_admin, county_b_admin, office_a_admin, national_admin
):
    results_published.send(sender=None, round_id=year.lu.pk, version=1)
    results_published.send(sender=None, round_id=year.lu.pk, version=2)
    sent = _sent()
    assert sorted(to for to, _s, _b in sent) == sorted(
        [county_a_admin.email, county_b_admin.email, office_a_admin.email]
    )
    assert all(subject == f"Resultater publisert: {year.lu}" for _to, subject, _b in sent)
