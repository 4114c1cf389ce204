"""Account mails through the outbox: activation (R-A3, R-A4), access notices, password resets and
allauth's own mails are stored with what ordered them and sent once, by a worker, whatever the
broker's state when they were ordered; the audit log says queued, then sent or not sent."""

from __future__ import annotations

import smtplib
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from dispatch.models import AccountMail, MessageState
from dispatch.services.account_mails import account_mail_process
from dispatch.tasks import account_mail_store, account_mails_sweep
from portal.accounts.access import Scope
from portal.accounts.mail_queue import (
    account_mail_sender_register,
    account_mail_sender_unregister,
)
from portal.accounts.user_admin import access_grant
from portal.models import AuditAction, AuditEntry, Role, User

NEW = "ny.radgiver@vestland.test"


@pytest.fixture(autouse=True)
def locmem(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _grant(county_a) -> User:
    county = Scope(role=Role.COUNTY, county=county_a)
    return access_grant(email=NEW, target=county, by=county, full_name="Ny Rådgiver").user


def _entries(user: User) -> list[str]:
    """The user's account mail entries, oldest first."""
    mails = (
        AuditAction.INVITATION_SENT,
        AuditAction.ACCOUNT_MAIL_SENT,
        AuditAction.ACCOUNT_MAIL_FAILED,
    )
    entries = AuditEntry.objects.filter(action__in=mails, email=user.email).order_by("at", "pk")
    return list(entries.values_list("action", flat=True))


@pytest.mark.celery
def test_an_activation_ordered_with_redis_down_is_sent_by_a_worker_once_it_is_back(
    celery_worker_thread, county_a, broker_down
):
    user = _grant(county_a)  # committed at once: the broker is away at the commit
    stored = AccountMail.objects.get()
    assert (stored.kind, stored.user_id, stored.state) == ("invitation", user.pk, "pending")
    assert not mail.outbox
    assert _entries(user) == [AuditAction.INVITATION_SENT]
    assert AuditEntry.objects.get(action=AuditAction.INVITATION_SENT).get_action_display() == (
        "Activation e-mail queued"
    )
    broker_down(worker=True)
    assert account_mails_sweep()["enqueued"] == 0  # too fresh: its own task may still come
    assert account_mails_sweep(now=timezone.now() + timedelta(minutes=2))["enqueued"] == 1
    deadline = time.monotonic() + 60
    while AccountMail.objects.exclude(state=MessageState.SENT).exists():
        assert time.monotonic() < deadline, "the worker sent nothing"
        time.sleep(0.05)  # polling the worker's progress, not waiting for time to pass
    assert [m.to for m in mail.outbox] == [[NEW]]
    assert "/konto/password/reset/key/" in mail.outbox[0].body
    assert _entries(user) == [AuditAction.INVITATION_SENT, AuditAction.ACCOUNT_MAIL_SENT]
    sent = AuditEntry.objects.get(action=AuditAction.ACCOUNT_MAIL_SENT)
    assert sent.detail["mail"] == stored.pk and sent.county == county_a
    # Nothing personal is kept once it has gone; a second sweep sends nothing.
    stored.refresh_from_db()
    assert (stored.email, stored.base_url, stored.text) == ("", "", "")
    assert account_mails_sweep(now=timezone.now() + timedelta(minutes=4))["enqueued"] == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_an_account_mail_is_sent_once_however_often_its_task_runs(
    county_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        user = _grant(county_a)
    stored = AccountMail.objects.get()
    assert stored.state == MessageState.SENT
    assert account_mail_process(stored.pk) is None
    assert len(mail.outbox) == 1
    assert _entries(user) == [AuditAction.INVITATION_SENT, AuditAction.ACCOUNT_MAIL_SENT]


@pytest.mark.django_db
def test_a_worker_that_died_while_handing_leaves_the_mail_uncertain_never_sent_again(county_a):
    _grant(county_a)
    stored = AccountMail.objects.get()
    AccountMail.objects.filter(pk=stored.pk).update(
        state=MessageState.HANDING, claimed_at=timezone.now()
    )
    later = timezone.now() + timedelta(minutes=5)
    assert account_mails_sweep(now=later) == {"released": 0, "uncertain": 1, "enqueued": 0}
    assert account_mail_process(stored.pk, now=later) is None
    assert not mail.outbox
    # One claimed but never handed waits again and goes.
    _grant_other = AccountMail.objects.create(kind="invitation", user_id=stored.user_id)
    AccountMail.objects.filter(pk=_grant_other.pk).update(
        state=MessageState.CLAIMED, claimed_at=timezone.now()
    )
    assert account_mails_sweep(now=later)["released"] == 1
    account_mail_process(_grant_other.pk, now=later)
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_a_provider_outage_is_tried_again_and_a_refused_address_fails_with_its_reason(
    county_a, monkeypatch
):
    user = _grant(county_a)
    stored = AccountMail.objects.get()

    def outage(self, *args, **kwargs):
        raise smtplib.SMTPServerDisconnected("connection lost")

    monkeypatch.setattr("django.core.mail.EmailMessage.send", outage)
    wait = account_mail_process(stored.pk)
    stored.refresh_from_db()
    assert wait is not None and wait > 0
    assert (stored.state, stored.attempts) == (MessageState.PENDING, 1)
    assert account_mail_process(stored.pk) is None  # not due yet: nothing happens
    assert stored.error == "connection lost"

    def refused(self, *args, **kwargs):
        raise smtplib.SMTPRecipientsRefused({NEW: (550, b"no such user")})

    monkeypatch.setattr("django.core.mail.EmailMessage.send", refused)
    account_mail_process(stored.pk, now=timezone.now() + timedelta(hours=1))
    stored.refresh_from_db()
    assert stored.state == MessageState.FAILED and stored.error.startswith("refused: ")
    assert _entries(user) == [AuditAction.INVITATION_SENT, AuditAction.ACCOUNT_MAIL_FAILED]
    failed = AuditEntry.objects.get(action=AuditAction.ACCOUNT_MAIL_FAILED)
    assert "no such user" in failed.detail["reason"]


@pytest.mark.django_db
def test_a_password_reset_goes_through_the_outbox_and_keeps_nothing_once_sent(
    client, county_a_admin, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("account_reset_password"), {"email": county_a_admin.email})
    assert response.status_code == 302
    stored = AccountMail.objects.get()
    assert (stored.kind, stored.state) == ("password_reset", MessageState.SENT)
    assert stored.email == "" and stored.base_url == ""
    assert [m.to for m in mail.outbox] == [[county_a_admin.email]]
    assert "/konto/password/reset/key/" in mail.outbox[0].body
    sent = AuditEntry.objects.get(action=AuditAction.ACCOUNT_MAIL_SENT)
    assert sent.detail["user_id"] == county_a_admin.pk


@pytest.mark.django_db
def test_a_reset_for_an_unknown_address_sends_nothing_and_logs_nothing(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": "ukjent@ingen.test"})
    stored = AccountMail.objects.get()
    assert (stored.state, stored.email) == (MessageState.SKIPPED, "")
    assert not mail.outbox
    assert not AuditEntry.objects.filter(action__startswith="account_mail").exists()


@pytest.mark.django_db
def test_allauths_own_mails_go_through_the_outbox(county_a_admin, rf):
    from allauth.account.adapter import get_adapter

    get_adapter().send_mail(
        "account/email/password_changed", county_a_admin.email, {"user": county_a_admin}
    )
    stored = AccountMail.objects.get()
    assert (stored.kind, stored.user_id, stored.email) == (
        "rendered",
        county_a_admin.pk,
        county_a_admin.email,
    )
    assert stored.subject and stored.text
    account_mail_process(stored.pk)
    assert [m.to for m in mail.outbox] == [[county_a_admin.email]]
    stored.refresh_from_db()
    assert (stored.state, stored.text, stored.email) == (MessageState.SENT, "", "")


@pytest.mark.django_db
def test_without_the_outbox_the_portal_sends_account_mails_itself(
    county_a, django_capture_on_commit_callbacks
):
    account_mail_sender_unregister(account_mail_store)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            _grant(county_a)
    finally:
        account_mail_sender_register(account_mail_store)
    assert not AccountMail.objects.exists()
    assert [m.to for m in mail.outbox] == [[NEW]]


@pytest.mark.django_db
def test_activations_an_earlier_order_still_owes_move_into_the_outbox_once(
    year, county_a, django_capture_on_commit_callbacks
):
    from dispatch.audience import Sender
    from dispatch.models import Dispatch
    from dispatch.services.dispatches import dispatch_create
    from dispatch.tasks import activations_enqueue_owed
    from tests.dispatch.helpers import request

    manager = User.objects.create_user("dl@okvest.test")  # never chose a password
    with django_capture_on_commit_callbacks(execute=False):
        dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    owed = [["invitation", manager.pk, "Opplæringskontoret Vest", "https://undersokelse.test"]]
    Dispatch.objects.filter(pk=dispatch.pk).update(
        activations_owed=owed, created_at=timezone.now() - timedelta(minutes=5)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert activations_enqueue_owed() == 1
    assert Dispatch.objects.get(pk=dispatch.pk).activations_owed == []
    assert [m.to for m in mail.outbox] == [["dl@okvest.test"]]
    assert "https://undersokelse.test/konto/password/reset/key/" in mail.outbox[0].body
    with django_capture_on_commit_callbacks(execute=True):
        assert activations_enqueue_owed() == 0
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_dispatch_status_shows_the_account_mails(county_a, capsys):
    from django.core.management import call_command

    _grant(county_a)
    call_command("dispatch_status")
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split("\t")
    [row] = [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:-1]]
    assert (row["dispatch"], row["pending"], row["sent"]) == ("account_mails", "1", "0")
