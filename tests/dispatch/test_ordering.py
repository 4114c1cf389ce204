"""Ordering a dispatch: one order makes one dispatch, whether the form is posted twice or
twenty administrators press Send at once, and an order made while the broker is away counts
(its messages and the R-A3 activation e-mails it owes go once the queue is back)."""

from __future__ import annotations

import re
import threading
import time
from datetime import timedelta

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django.db import connection, connections
from django.urls import reverse
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import AccountMail, Dispatch, Message, MessageState, Purpose, SmsQuota
from dispatch.services.dispatches import AlreadyOrdered, dispatch_create
from dispatch.tasks import account_mails_sweep, outbox_sweep
from portal.models import User
from tests.conftest import need
from tests.dispatch.helpers import request

ORDER = {"purpose": "invitation", "by_email": "on", "language": "nb", "when": "now"}
KEY = re.compile(r'name="order_key" value="([0-9a-f-]{36})"')


def _order_url(county, year) -> str:
    return reverse("county_dispatch_new", args=[county.code, year.lu.year, "lu"])


def _key_of(page) -> str:
    found = KEY.search(page.content.decode())
    assert found, "the order form carries no one-time key"
    return found.group(1)


@pytest.mark.django_db
def test_the_order_form_carries_a_fresh_one_time_key_through_the_preview(
    client, county_a_admin, county_a, year
):
    client.force_login(county_a_admin)
    url = _order_url(county_a, year)
    first, second = _key_of(client.get(url)), _key_of(client.get(url))
    assert first != second
    preview = client.post(url, ORDER | {"order_key": first, "preview": "1"})
    assert _key_of(preview) == first  # the key the Send button posts is the one first shown


@pytest.mark.django_db
def test_a_double_click_on_send_makes_one_dispatch_and_leads_to_it(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    # A reminder by SMS with the spacing overridden: nothing but the key tells the second
    # post from a new order, and each would take an SMS dispatch of the quota.
    client.force_login(county_a_admin)
    url = _order_url(county_a, year)
    key = _key_of(client.get(url))
    form = ORDER | {
        "purpose": "reminder",
        "by_sms": "on",
        "override_spacing": "on",
        "order_key": key,
        "send": "1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, form)
        second = client.post(url, form)
    dispatch = Dispatch.objects.get()
    progress = reverse("county_dispatch", args=[county_a.code, dispatch.pk])
    assert first["Location"] == second["Location"] == progress
    assert str(dispatch.order_key) == key
    assert SmsQuota.objects.get(round=year.lu, county=county_a).used == 1
    told = [str(m) for m in get_messages(second.wsgi_request)]
    assert any(m.startswith("Denne utsendelsen er allerede bestilt av") for m in told), told
    assert (county_a_admin.full_name or county_a_admin.email) in told[-1]


@pytest.mark.django_db
def test_an_order_that_finds_everyone_reached_by_the_senders_order_just_made_names_it(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    client.force_login(county_a_admin)
    url = _order_url(county_a, year)
    keys = [_key_of(client.get(url)) for _ in range(2)]  # two administrators, two pages
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, ORDER | {"order_key": keys[0], "send": "1"})
        second = client.post(url, ORDER | {"order_key": keys[1], "send": "1"})
    dispatch = Dispatch.objects.get()
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert second["Location"] == reverse("county_dispatch", args=[county_a.code, dispatch.pk])
    told = " ".join(str(m) for m in get_messages(second.wsgi_request))
    assert "allerede bestilt av" in told


@pytest.mark.django_db(transaction=True)
def test_twenty_administrators_sending_the_same_invitation_at_once_make_one_dispatch(
    year, county_a
):
    need(connection.vendor == "postgresql", "PostgreSQL")
    sender = Sender(county=county_a)
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def order() -> None:
        try:
            start.wait()
            dispatch_create(request(year.lu, sender, Purpose.INVITATION))
            outcomes.append("ordered")
        except AlreadyOrdered as ordered:
            outcomes.append(f"already:{ordered.dispatch.pk}")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=order) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    dispatch = Dispatch.objects.get()
    assert outcomes.count("ordered") == 1, outcomes
    assert sorted(outcomes) == sorted(["ordered"] + [f"already:{dispatch.pk}"] * 19)
    # Nobody is invited twice.
    messages = Message.objects.filter(dispatch__round=year.lu)
    assert messages.count() == messages.values("respondent", "channel").distinct().count()


# --- The broker away ------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_an_order_with_the_broker_down_answers_the_page_and_is_sent_once_it_is_back(
    client, county_a_admin, county_a, year, broker_down
):
    client.force_login(county_a_admin)
    url = _order_url(county_a, year)
    response = client.post(url, ORDER | {"order_key": _key_of(client.get(url)), "send": "1"})
    dispatch = Dispatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("county_dispatch", args=[county_a.code, dispatch.pk])
    assert Message.objects.filter(dispatch=dispatch, state=MessageState.PENDING).count() == 2
    # A while later nothing has claimed them: the page says why.
    Dispatch.objects.filter(pk=dispatch.pk).update(send_at=timezone.now() - timedelta(minutes=2))
    page = client.get(response["Location"]).content.decode()
    assert "sendes når køen er tilbake" in page
    broker_down()
    outbox_sweep(now=timezone.now() + timedelta(minutes=3))
    assert Message.objects.filter(dispatch=dispatch, state=MessageState.SENT).count() == 2
    assert "sendes når køen er tilbake" not in client.get(response["Location"]).content.decode()


@pytest.mark.django_db(transaction=True)
def test_the_activations_of_an_ar_order_with_the_broker_down_go_once_it_is_back(
    client, county_a_admin, county_a, office_a, year, broker_down, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office_a.email, office_a.email_valid, office_a.manager_name = "dl@okvest.test", True, "Dagny"
    office_a.save()
    client.force_login(county_a_admin)
    url = reverse("county_dispatch_new", args=[county_a.code, year.ar.year, "ar"])
    response = client.post(url, ORDER | {"order_key": _key_of(client.get(url)), "send": "1"})
    assert response.status_code == 302
    assert Dispatch.objects.get().activations_owed == []  # the outbox holds the e-mail
    manager = User.objects.get(email="dl@okvest.test")  # R-A3: the office's user is made
    owed = AccountMail.objects.get(state=MessageState.PENDING)
    assert (owed.kind, owed.user_id) == ("invitation", manager.pk)
    assert not mail.outbox
    broker_down()
    # The sweeper leaves an order of a moment ago to its own hook, then takes it.
    assert account_mails_sweep()["enqueued"] == 0
    assert account_mails_sweep(now=timezone.now() + timedelta(minutes=2))["enqueued"] == 1
    assert [m.to for m in mail.outbox] == [["dl@okvest.test"]]
    assert "/konto/password/reset/key/" in mail.outbox[0].body
    assert AccountMail.objects.get().state == MessageState.SENT
    assert account_mails_sweep(now=timezone.now() + timedelta(minutes=4))["enqueued"] == 0
    assert len(mail.outbox) == 1


@pytest.mark.celery
def test_an_ar_order_with_redis_down_is_sent_by_a_worker_once_it_is_back_activations_included(
    celery_worker_thread, county_a, office_a, year, broker_down, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    office_a.email, office_a.email_valid, office_a.manager_name = "dl@okvest.test", True, "Dagny"
    office_a.save()
    dispatch = dispatch_create(request(year.ar, Sender(county=county_a)))
    messages = Message.objects.filter(dispatch=dispatch)
    assert messages.exists() and not messages.exclude(state=MessageState.PENDING).exists()
    assert not mail.outbox
    broker_down(worker=True)
    later = timezone.now() + timedelta(minutes=3)
    assert outbox_sweep(now=later).enqueued == {dispatch.pk: 1}
    assert account_mails_sweep(now=later)["enqueued"] == 1
    deadline = time.monotonic() + 60
    waiting = (MessageState.PENDING, MessageState.CLAIMED, MessageState.HANDING)
    while messages.filter(state__in=waiting).exists() or not mail.outbox:
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.05)  # polling the worker's progress, not waiting for time to pass
    assert messages.filter(state=MessageState.SENT).count() == messages.count()
    assert [m.to for m in mail.outbox] == [["dl@okvest.test"]]
    assert User.objects.get(email="dl@okvest.test").memberships.get().training_office == office_a
