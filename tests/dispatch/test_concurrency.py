"""On the real PostgreSQL and Redis with real workers: the SMS quota under a burst of
concurrent requests, and a worker killed with SIGKILL in the middle of a dispatch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, connections
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, Message, MessageState, Purpose, RecordedMessage, SmsQuota
from dispatch.services.dispatches import dispatch_create
from dispatch.tasks import outbox_sweep
from surveys.models import Respondent, RespondentRole
from tests.conftest import need
from tests.dispatch.helpers import request

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]


def test_twenty_concurrent_sms_dispatches_against_one_left_make_exactly_one(year, county_a):
    need(connection.vendor == "postgresql", "PostgreSQL")
    sender = Sender(county=county_a)
    SmsQuota.objects.create(round=year.lu, county=county_a, used=6)  # 7 per round: one left
    start = threading.Barrier(20)
    outcomes: list[str] = []

    def order() -> None:
        try:
            start.wait()
            dispatch_create(
                request(year.lu, sender, Purpose.REMINDER, sms=True, override_spacing=True)
            )
            outcomes.append("sent")
        except Exception as exc:  # the quota refused it
            outcomes.append(type(exc).__name__)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=order) for _ in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("sent") == 1, outcomes
    # Orders of a round are planned one at a time, so the others are refused by their plan
    # (no SMS dispatch left); the quota's conditional UPDATE stays as the last guard.
    # Nothing else goes wrong.
    assert set(outcomes) <= {"sent", "QuotaExhausted", "DispatchRefused"}, outcomes
    assert Dispatch.objects.filter(by_sms=True).count() == 1
    assert SmsQuota.objects.get(round=year.lu, county=county_a).used == 7


def _worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "--pool",
            "solo",
            "--without-heartbeat",
            "--without-gossip",
            "--without-mingle",
            "-l",
            "WARNING",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def _wait(condition, timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)  # polling a condition, not waiting for time to pass
    return False


@pytest.mark.celery
def test_a_worker_killed_mid_dispatch_leaves_every_message_sent_exactly_once(
    year, county_a, redis_url, settings
):
    need(connection.vendor == "postgresql", "PostgreSQL")
    from portal.celery import app

    count = 2000
    Respondent.objects.bulk_create(
        Respondent(
            round=year.lu,
            role=RespondentRole.APPRENTICE,
            county=county_a,
            name=f"Lærling {i}",
            email=f"massen{i}@example.test",
            email_valid=True,
        )
        for i in range(count - 2)
    )
    settings.DISPATCH_CHUNK_SIZE = 10
    db = settings.DATABASES["default"]
    env = os.environ | {
        "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "REDIS_URL": redis_url,
        "DISPATCH_CHUNK_SIZE": "10",
        "DISPATCH_EMAIL_BACKEND": "record",
        "DISPATCH_RECORD_DELIVERED": "0",  # sent, as this test counts them
        "SITE_URL": "https://undersokelse.test",
    }
    app.conf.task_always_eager = False
    app.control.purge()
    worker = _worker(env)
    try:
        dispatch = dispatch_create(request(year.lu, Sender(county=county_a)))
        assert _wait(lambda: RecordedMessage.objects.count() >= count // 4)
        worker.send_signal(signal.SIGKILL)
        worker.wait()
        left = Message.objects.filter(dispatch=dispatch).exclude(state=MessageState.SENT).count()
        assert left > 0, "the worker finished before it was killed"
        worker = _worker(env)
        # The dead worker's claimed chunk comes back once its lease has run out.
        lease = timedelta(seconds=settings.DISPATCH_LEASE_SECONDS + 1)
        outbox_sweep(now=timezone.now() + lease)
        assert _wait(
            lambda: (
                not Message.objects.filter(dispatch=dispatch)
                .exclude(state=MessageState.SENT)
                .exists()
            )
        )
    finally:
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=30)
        app.control.purge()
        app.conf.task_always_eager = True
    assert Message.objects.filter(dispatch=dispatch, state=MessageState.SENT).count() == count
    recorded = RecordedMessage.objects.filter(round=year.lu)
    assert recorded.count() == count
    assert recorded.values("to").distinct().count() == count  # nobody got it twice
