"""Recovery of the outbox: its own queue, retries when the database goes away, a heartbeat on
claims and a short lease, so a dead worker's messages go out within two minutes."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.core.mail.backends.base import BaseEmailBackend
from django.db import OperationalError, connection
from django.db.models import F
from django.utils import timezone

from dispatch.models import Dispatch, DispatchState, Message, MessageState, RecordedMessage
from dispatch.services import outbox
from dispatch.tasks import outbox_sweep, send_chunk
from portal.celery import app
from tests.dispatch.test_outbox import _queued

pytestmark = pytest.mark.django_db

COMPOSE = Path(__file__).resolve().parents[2] / "docker-compose.yml"


def _queue_of(task: str) -> str:
    return app.amqp.router.route({}, task)["queue"].name


def test_the_sweeper_and_the_release_have_a_queue_and_a_worker_of_their_own():
    assert _queue_of("dispatch.tasks.sweep_outbox") == "control"
    assert _queue_of("dispatch.tasks.release_due_dispatches") == "control"
    assert _queue_of("dispatch.tasks.send_chunk") == "celery"
    worker = r'command: \["celery", "-A", "portal", "worker"(.*)\]'
    workers = re.findall(worker, COMPOSE.read_text())
    queues = [re.search(r'"-Q", "([^"]+)"', w).group(1) for w in workers]
    # A worker serves the control queue alone: send tasks cannot take its place.
    assert sorted(queues) == ["celery", "control"]


def test_a_dead_workers_messages_go_out_within_two_minutes_at_default_settings(
    year, county_a, django_capture_on_commit_callbacks
):
    lease = django_settings.DISPATCH_LEASE_SECONDS
    sweeps = django_settings.CELERY_BEAT_SCHEDULE["sweep-outbox"]["schedule"]
    assert isinstance(sweeps, float)
    assert lease + sweeps <= 120
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    # The worker's last heartbeat was a lease and a little ago; it has died since.
    last_beat = timezone.now() - timedelta(seconds=lease + 5)
    Message.objects.filter(dispatch=d).update(state=MessageState.CLAIMED, claimed_at=last_beat)
    with django_capture_on_commit_callbacks(execute=True):
        result = outbox_sweep()
    assert result.released == 2 and result.enqueued == {d.pk: 1}
    assert RecordedMessage.objects.count() == 2
    d.refresh_from_db()
    assert d.state == "done"


@pytest.mark.django_db(transaction=True)
def test_a_send_task_that_loses_the_database_tries_again_and_gives_back_its_claim(
    year, county_a, django_capture_on_commit_callbacks
):
    # Committed as a worker commits: the dispatch is written (and sent), then made to wait
    # again as if no task had run yet.
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    RecordedMessage.objects.all().delete()
    Message.objects.filter(dispatch=d).update(state=MessageState.PENDING, claim=None)
    Dispatch.objects.filter(pk=d.pk).update(state=DispatchState.SENDING)
    lost: list[str] = []

    def database_gone(execute, sql, params, many, context):
        # The connection breaks after the claim, as the messages are about to be handed.
        handing = sql.startswith("UPDATE") and MessageState.HANDING in (params or ())
        if handing and not lost:
            lost.append(sql)
            raise OperationalError("server closed the connection unexpectedly")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(database_gone):
        result = send_chunk.apply(args=(d.pk,), throw=False)
    assert lost and result.successful()
    states = list(Message.objects.filter(dispatch=d).values_list("state", flat=True))
    assert states == ["sent", "sent"]
    assert RecordedMessage.objects.count() == 2


class SlowMail(BaseEmailBackend):
    """An SMTP server that takes 50 s per message: the claims age in the database while the
    outbox's clock moves on as much; during the second message the sweeper runs."""

    clock = 0.0
    sweeps: list = []

    def send_messages(self, email_messages):
        type(self).clock += 50
        Message.objects.exclude(claimed_at=None).update(
            claimed_at=F("claimed_at") - timedelta(seconds=50)
        )
        if type(self).clock > 50:
            type(self).sweeps.append(outbox_sweep())
        return len(email_messages)


def test_a_task_working_a_slow_chunk_keeps_its_claim_alive(
    year, county_a, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.DISPATCH_EMAIL_BACKEND = "django"
    settings.EMAIL_BACKEND = f"{__name__}.SlowMail"
    settings.DISPATCH_LEASE_SECONDS = 60
    SlowMail.clock, SlowMail.sweeps = 0.0, []
    monkeypatch.setattr(outbox, "_clock", lambda: SlowMail.clock)
    d = _queued(django_capture_on_commit_callbacks, year, county_a)
    with django_capture_on_commit_callbacks(execute=False):
        result = outbox.outbox_process_chunk(d.pk)
    # 100 s after the claim the sweeper found it renewed, and the task sent both messages.
    assert [(s.released, s.uncertain) for s in SlowMail.sweeps] == [(0, 0)]
    assert result.sent == 2
    assert set(Message.objects.filter(dispatch=d).values_list("state", flat=True)) == {"sent"}
