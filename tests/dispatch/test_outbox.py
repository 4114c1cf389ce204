"""The outbox: exactly once through claims, leases and the sweeper; retries; the close step."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, Message, MessageState, Purpose, RecordedMessage
from dispatch.services.closing import round_messages_forget
from dispatch.services.dispatches import dispatch_cancel, dispatch_counts
from dispatch.services.outbox import outbox_process_chunk
from dispatch.services.quotas import quota_left
from dispatch.tasks import outbox_retry, outbox_sweep
from portal.models import AuditAction, AuditEntry
from surveys.models import RespondentLink
from surveys.services.links import link_find
from tests.dispatch.helpers import send

pytestmark = pytest.mark.django_db


def _queued(capture, year, county_a, **kwargs) -> Dispatch:
    """A dispatch written but whose tasks never ran (the web process died after commit)."""
    from dispatch.services.dispatches import dispatch_create
    from tests.dispatch.helpers import request

    with capture(execute=False):
        return dispatch_create(request(year.lu, Sender(county=county_a), **kwargs))


def test_a_dispatch_sends_each_message_once_with_a_working_personal_link(
    year, county_a, django_capture_on_commit_callbacks
):
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a), sms=True)
    assert d.state == "done"
    recorded = list(RecordedMessage.objects.all())
    assert len(recorded) == 4
    assert RespondentLink.objects.count() == 4  # a fresh link per message
    sms = next(r for r in recorded if r.channel == "sms")
    token = sms.text.split("/s/")[1].split("/")[0]
    link = link_find(token)
    assert link is not None and link.respondent.round == year.lu
    counts = dispatch_counts(d)
    assert (counts.messages, counts.sent, counts.waiting) == (4, 4, 0)
    entry = AuditEntry.objects.get(action=AuditAction.DISPATCH_CREATED)
    assert entry.detail["dispatch"] == d.pk and entry.county == county_a


def test_the_sweeper_sends_what_was_never_picked_up(
    year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    assert RecordedMessage.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        result = outbox_sweep(now=timezone.now() + timedelta(minutes=5))
    assert result.enqueued == {d.pk: 1}
    assert RecordedMessage.objects.count() == 2
    d.refresh_from_db()
    assert d.state == "done"


def test_a_task_delivered_twice_sends_nothing_twice(
    year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    first = outbox_process_chunk(d.pk)
    second = outbox_process_chunk(d.pk)
    assert (first.sent, second.claimed) == (2, 0)
    assert RecordedMessage.objects.count() == 2


def test_a_lease_lost_to_a_dead_worker_is_resent_only_where_the_provider_cannot_have_it(
    year, county_a, settings, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a, sms=True)
    long_ago = timezone.now() - timedelta(hours=1)
    email, sms = (Message.objects.filter(dispatch=d, channel=c) for c in ("email", "sms"))
    # A worker died: it had claimed the e-mails (never handed) and was handing the SMS.
    email.update(state=MessageState.CLAIMED, claimed_at=long_ago)
    sms.update(state=MessageState.HANDING, claimed_at=long_ago)
    settings.SMS_BACKEND = "twilio"  # not idempotent: a message being handed may have gone
    with django_capture_on_commit_callbacks(execute=False):
        result = outbox_sweep()
    assert (result.released, result.uncertain, result.rehanded) == (2, 2, 0)
    assert set(sms.values_list("state", flat=True)) == {"uncertain"}
    # The e-mails the provider never saw are sent on at once.
    assert set(email.values_list("state", flat=True)) == {"sent"}
    # With the recording backend, handing is idempotent: such messages go again, recorded once.
    settings.SMS_BACKEND = "record"
    sms.update(state=MessageState.HANDING, claimed_at=long_ago)
    with django_capture_on_commit_callbacks(execute=False):
        result = outbox_sweep()
    assert result.rehanded == 2


def test_a_late_task_cannot_mark_messages_taken_from_it(
    year, county_a, django_capture_on_commit_callbacks
):
    from dispatch.services import outbox

    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    now = timezone.now()
    claim, rows = outbox._claim(d.pk, now)
    assert len(rows) == 2
    # The lease runs out and the sweeper gives the messages back; another task sends them.
    outbox_sweep(now=now + timedelta(hours=1))
    outbox_process_chunk(d.pk)
    assert RecordedMessage.objects.count() == 2
    assert Message.objects.filter(claim=claim).count() == 0


def test_transient_errors_are_retried_then_failed_and_refused_addresses_marked_invalid(
    year, county_a, settings, django_capture_on_commit_callbacks
):
    from dispatch.backends.base import Outcome
    from dispatch.services import outbox

    settings.DISPATCH_MAX_ATTEMPTS = 2
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    messages = list(Message.objects.filter(dispatch=d).select_related("respondent"))
    temporary, refused = messages
    claim = outbox._claim(d.pk, timezone.now())[0]
    Message.objects.filter(dispatch=d).update(state=MessageState.HANDING)
    group = [outbox.Outgoing(m.pk, "email", m.respondent.email, year.lu.pk) for m in messages]
    result = outbox.ChunkResult()
    outcomes = [
        Outcome(temporary.pk, ok=False, error="SMTPServerDisconnected"),
        Outcome(refused.pk, ok=False, error="550 no such user", invalid_address=True),
    ]
    outbox._mark(claim, group, outcomes, result, timezone.now())
    temporary.refresh_from_db()
    refused.refresh_from_db()
    assert (temporary.state, temporary.attempts, result.retry_in) == ("pending", 1, 30)
    assert temporary.not_before is not None
    assert refused.state == "failed"
    refused.respondent.refresh_from_db()
    assert refused.respondent.email_valid is False
    # The second transient error is the last try.
    claim = outbox._claim(d.pk, timezone.now() + timedelta(minutes=1))[0]
    Message.objects.filter(pk=temporary.pk).update(state=MessageState.HANDING)
    outbox._mark(claim, group[:1], outcomes[:1], outbox.ChunkResult(), timezone.now())
    temporary.refresh_from_db()
    assert temporary.state == "failed"
    # After the outage: dispatch_retry puts the failed one back, never the refused address.
    with django_capture_on_commit_callbacks(execute=True):
        assert outbox_retry() == 1
    temporary.refresh_from_db()
    refused.refresh_from_db()
    assert (temporary.state, refused.state) == ("sent", "failed")


def test_cancelling_a_scheduled_sms_dispatch_gives_the_quota_back(
    year, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    later = timezone.now() + timedelta(days=1)
    d = send(django_capture_on_commit_callbacks, year.lu, sender, sms=True, send_at=later)
    assert (d.state, quota_left(year.lu, sender)) == ("scheduled", 6)
    assert dispatch_cancel(d) == 4
    d.refresh_from_db()
    assert (d.state, quota_left(year.lu, sender)) == ("cancelled", 7)
    assert AuditEntry.objects.filter(action=AuditAction.DISPATCH_CANCELLED).count() == 1


def test_at_close_the_messages_of_lu_go_and_the_dispatch_keeps_its_counts(
    year, county_a, office_a, django_capture_on_commit_callbacks
):
    from surveys.signals import round_closing

    lu = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    ar = send(django_capture_on_commit_callbacks, year.ar, Sender(office=office_a))
    Message.objects.filter(dispatch=lu).update(state=MessageState.DELIVERED)
    round_closing.send(sender=None, round=year.lu)
    lu.refresh_from_db()
    assert not Message.objects.filter(dispatch=lu).exists()
    assert not RecordedMessage.objects.filter(round=year.lu).exists()
    counts = dispatch_counts(lu)
    assert (counts.sent, counts.delivered, counts.failed) == (2, 2, 0)
    # ÅR is identified by law: its messages stay.
    assert round_messages_forget(year.ar) == 0
    assert Message.objects.filter(dispatch=ar).count() == 2
    assert lu.purpose == Purpose.INVITATION


def test_retention_deletes_the_recorded_messages_and_error_texts_of_ar(
    year, office_a, settings, django_capture_on_commit_callbacks
):
    from surveys.services.retention import personal_data_purge

    ar = send(django_capture_on_commit_callbacks, year.ar, Sender(office=office_a))
    Message.objects.filter(dispatch=ar).update(error="550 ola@example.test: no such user")
    assert RecordedMessage.objects.filter(round=year.ar).count() == 2
    before_retention = year.ar.closes_at + timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE - 1)
    assert personal_data_purge(now=before_retention).elsewhere == 0
    assert RecordedMessage.objects.filter(round=year.ar).count() == 2

    after = year.ar.closes_at + timedelta(days=settings.RETENTION_DAYS_AFTER_CLOSE, minutes=1)
    assert personal_data_purge(now=after).elsewhere == 4  # 2 recorded, 2 error texts
    assert not RecordedMessage.objects.filter(round=year.ar).exists()
    # The messages stay (ÅR is identified until then), without the provider's words.
    assert list(Message.objects.filter(dispatch=ar).values_list("error", flat=True)) == ["", ""]
