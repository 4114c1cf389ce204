"""Progress that tells the truth: states that mean what they say, uncertain messages apart,
failures by reason, cancelling that settles every message, and a clear page while the database
is away."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState, Message, MessageState, SkipReason
from dispatch.selectors import dispatch_progress, failure_reasons
from dispatch.services.dispatches import dispatch_cancel, dispatch_counts
from dispatch.services.outbox import REFUSED
from tests.dispatch.helpers import reached
from tests.dispatch.test_outbox import _queued

pytestmark = pytest.mark.django_db


def _progress(d: Dispatch):
    d.refresh_from_db()
    return dispatch_progress(d, dispatch_counts(d))


def test_cancelling_after_a_worker_died_settles_every_message_and_frees_those_never_reached(
    year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    claimed, handing = Message.objects.filter(dispatch=d)
    # The worker died holding one message claimed and one being handed to the provider.
    Message.objects.filter(pk=claimed.pk).update(state=MessageState.CLAIMED)
    Message.objects.filter(pk=handing.pk).update(state=MessageState.HANDING)
    dispatch_cancel(d)
    counts = dispatch_counts(d)
    assert (counts.waiting, counts.uncertain, counts.sent) == (0, 1, 0)
    assert _progress(d).key == "cancelled"
    # Who got nothing may be invited again; who may have got it is not invited twice.
    assert reached(year.lu, Sender(county=county_a)) == {claimed.respondent_id}


def test_sent_only_when_something_was_and_uncertain_ones_are_not_counted_as_sent(
    year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    first, second = Message.objects.filter(dispatch=d)
    Dispatch.objects.filter(pk=d.pk).update(state=DispatchState.DONE)
    messages = Message.objects.filter(dispatch=d)
    # A scheduled dispatch whose time came after the round had closed.
    messages.update(state=MessageState.SKIPPED, skip_reason=SkipReason.OUTSIDE_WINDOW)
    progress = _progress(d)
    assert (progress.key, progress.label) == ("not_sent_closed", "Not sent: the round had closed")
    messages.filter(pk=first.pk).update(state=MessageState.SENT)
    messages.filter(pk=second.pk).update(state=MessageState.UNCERTAIN)
    assert dispatch_counts(d).sent == 1
    assert _progress(d).key == "sent_with_errors"
    messages.filter(pk=second.pk).update(state=MessageState.SENT)
    assert _progress(d).key == "sent"


def test_a_dispatch_nobody_works_on_is_stalled_with_why_and_since_when(
    year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    assert _progress(d).key == "sending"
    ordered = timezone.now() - timedelta(minutes=10)
    Dispatch.objects.filter(pk=d.pk).update(send_at=ordered)
    progress = _progress(d)
    assert (progress.key, progress.since) == ("stalled", ordered)
    assert "10 minutes while 2 wait" in progress.why
    # A worker renewing its claim is working: not stalled.
    Message.objects.filter(dispatch=d).update(
        state=MessageState.CLAIMED, claimed_at=timezone.now()
    )
    assert _progress(d).key == "sending"


def test_failures_are_grouped_by_reason(year, county_a, django_capture_on_commit_callbacks):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    first, second = Message.objects.filter(dispatch=d)
    Message.objects.filter(pk=first.pk).update(
        state=MessageState.FAILED, error=f"{REFUSED}550 no such mailbox"
    )
    Message.objects.filter(pk=second.pk).update(state=MessageState.FAILED, error="421 try later")
    refused = "The provider refused the address or number; it is marked invalid"
    assert sorted(failure_reasons(d)) == [
        ("The provider failed on every try", "421 try later", 1),
        (refused, "550 no such mailbox", 1),
    ]


def test_the_progress_page_says_stalled_and_shows_uncertain_ones_apart_in_bokmal(
    client, county_a_admin, year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    Dispatch.objects.filter(pk=d.pk).update(send_at=timezone.now() - timedelta(minutes=10))
    first = Message.objects.filter(dispatch=d).first()
    Message.objects.filter(pk=first.pk).update(state=MessageState.UNCERTAIN)
    client.force_login(county_a_admin)
    body = client.get(reverse("county_dispatch", args=[county_a.code, d.pk])).content.decode()
    assert "Stoppet opp" in body and "mens 1 venter" in body
    assert "Usikker" in body and "1 melding var i ferd med" in body


def test_the_progress_page_answers_503_in_bokmal_while_the_database_is_away(
    county_a_admin, year, county_a, django_capture_on_commit_callbacks
):
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    # As a browser sees it: the exception is not handed to the test.
    client = Client(raise_request_exception=False)
    client.force_login(county_a_admin)
    url = reverse("county_dispatch", args=[county_a.code, d.pk])

    def database_away(execute, sql, params, many, context):
        raise OperationalError("connection to server at 127.0.0.1 failed: Connection refused")

    with connection.execute_wrapper(database_away):
        response = client.get(url)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    body = response.content.decode()
    assert '<html lang="nb">' in body and "Portalen er utilgjengelig en kort stund" in body
