""""Prøv igjen" on a dispatch's progress page: only failures where a retry is safe go again
(never a refused address, a hard bounce or an uncertain message), each once, one form one
retry, logged; only the dispatch's own sender may."""

from __future__ import annotations

import threading
import time
import uuid

import pytest
from django.core import mail
from django.db import connection, connections
from django.urls import reverse

from dispatch.audience import Sender
from dispatch.models import REFUSED, Dispatch, DispatchState, FailureRetry, Message, MessageState
from dispatch.services.dispatches import dispatch_create
from dispatch.services.retries import failures_retry, retryable_failures
from portal.models import AuditAction, AuditEntry
from tests.conftest import need
from tests.dispatch.helpers import request


@pytest.fixture
def by_django_mail(settings):
    """E-mail through Django's API to the in-memory outbox: every hand-over is counted."""
    settings.DISPATCH_EMAIL_BACKEND = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def _failed(dispatch: Dispatch) -> tuple[Message, Message]:
    """The dispatch finished: one message failed on a timeout, the other a hard bounce."""
    temporary, permanent = Message.objects.filter(dispatch=dispatch).order_by("respondent_id")
    Message.objects.filter(pk=temporary.pk).update(
        state=MessageState.FAILED, error="timed out", attempts=5
    )
    Message.objects.filter(pk=permanent.pk).update(
        state=MessageState.FAILED, error=f"{REFUSED}Postmark: HardBounce"
    )
    Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.DONE)
    return temporary, permanent


def _wait_done(dispatch: Dispatch) -> None:
    deadline = time.monotonic() + 60
    while Dispatch.objects.get(pk=dispatch.pk).state != DispatchState.DONE:
        assert time.monotonic() < deadline, "the worker did not finish the dispatch"
        time.sleep(0.05)  # polling the worker's progress, not waiting for time to pass


@pytest.mark.celery
def test_try_again_resends_only_the_safe_failures_once_even_on_a_double_post(
    celery_worker_thread, client, county_a_admin, county_a, year, by_django_mail
):
    dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    _wait_done(dispatch)
    temporary, permanent = _failed(dispatch)
    mail.outbox.clear()
    client.force_login(county_a_admin)
    page = client.get(reverse("county_dispatch", args=[county_a.code, dispatch.pk]))
    html = page.content.decode()
    assert "Prøv igjen" in html
    key = page.context["retry_key"]
    url = reverse("county_dispatch_retry", args=[county_a.code, dispatch.pk])
    first = client.post(url, {"order_key": str(key)})
    second = client.post(url, {"order_key": str(key)})
    assert first.status_code == second.status_code == 302
    _wait_done(dispatch)  # the worker has finished it again: nothing else is on its way
    assert Message.objects.get(pk=temporary.pk).state == MessageState.SENT
    assert len(mail.outbox) == 1
    assert Message.objects.get(pk=permanent.pk).state == MessageState.FAILED
    assert FailureRetry.objects.get().messages == 1
    logged = AuditEntry.objects.get(action=AuditAction.FAILURES_RETRIED)
    assert logged.detail["messages"] == 1 and logged.user == county_a_admin
    page = client.get(reverse("county_dispatch", args=[county_a.code, dispatch.pk]))
    assert "Prøv igjen" not in page.content.decode()


@pytest.mark.django_db
def test_uncertain_messages_and_cancelled_dispatches_are_never_tried_again(
    year, county_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    temporary, permanent = _failed(dispatch)
    Message.objects.filter(pk=permanent.pk).update(state=MessageState.UNCERTAIN, error="")
    assert list(retryable_failures(dispatch)) == [temporary]
    Dispatch.objects.filter(pk=dispatch.pk).update(state=DispatchState.CANCELLED)
    dispatch.refresh_from_db()
    assert not retryable_failures(dispatch).exists()


@pytest.mark.django_db
def test_another_countys_administrator_cannot_retry(
    client, county_b_admin, county_a, year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    _failed(dispatch)
    client.force_login(county_b_admin)
    url = reverse("county_dispatch_retry", args=[county_a.code, dispatch.pk])
    response = client.post(url, {"order_key": "0d7c5a8e-1111-4222-8333-944445555666"})
    assert response.status_code in (403, 404)
    assert not FailureRetry.objects.exists()
    assert Message.objects.filter(dispatch=dispatch, state=MessageState.FAILED).count() == 2


@pytest.mark.django_db
def test_a_retry_without_its_form_key_is_refused(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    _failed(dispatch)
    client.force_login(county_a_admin)
    url = reverse("county_dispatch_retry", args=[county_a.code, dispatch.pk])
    assert client.post(url, {}).status_code == 302
    assert not FailureRetry.objects.exists()
    assert Message.objects.filter(dispatch=dispatch, state=MessageState.FAILED).count() == 2


@pytest.mark.django_db(transaction=True)
def test_the_same_form_posted_ten_times_at_once_retries_once(year, county_a, county_a_admin):
    need(connection.vendor == "postgresql", "PostgreSQL")
    dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
    _failed(dispatch)
    dispatch.refresh_from_db()
    key = uuid.uuid4()
    start = threading.Barrier(10)
    outcomes: list[object] = []

    def retry() -> None:
        try:
            start.wait()
            outcomes.append(failures_retry(dispatch, key=key, user=county_a_admin))
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=retry) for _ in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes, key=str) == sorted([(1, True)] + [(1, False)] * 9, key=str)
    assert FailureRetry.objects.get().messages == 1
    assert AuditEntry.objects.filter(action=AuditAction.FAILURES_RETRIED).count() == 1
