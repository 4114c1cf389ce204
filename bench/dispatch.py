"""Dispatch benchmark: 30,000 LU invitations from the click until every message has been handed
to the recording backends, beside 30,000 empty Celery tasks on the same broker and workers;
and the preview of a county's LU invitation at national scale.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/dispatch.py

It creates (dropping it first) a database of its own beside the one DATABASE_URL names,
<name>_bench_dispatch, migrates it, and starts two worker processes of the portal's Celery app
(`celery -A portal worker --pool solo`, each one process) on the Redis of REDIS_URL, with the
recording backends. Then:

1. baseline: 30,000 empty tasks (one Redis INCR each) sent to those workers, timed from the
   first send until the last has run;
2. 30,000 LU invitations by e-mail of one county (synthetic respondents of a round of their
   own), timed from `dispatch_create` (the click: plan, message rows, audit, enqueue) until
   every message row is marked sent;
3. preview: the synthetic national register (`make_demo_extract --scale national`) imported,
   the samples built and frozen, then `dispatch_plan` of the largest county's LU invitation by
   e-mail and SMS, median of 7 runs.

Targets: at least 2,000 messages per second, at least 4 times the empty tasks' rate; the
preview under 300 ms. Exit status 1 when one is missed. Options: --messages N, --skip-preview,
--database NAME, --keep.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import date, timedelta
from pathlib import Path

from _setup import ROOT, bench_database, bench_environment, drop_database, recreate_database

MESSAGES_PER_SECOND = 2000
RATIO = 4
PREVIEW_MS = 300


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=30_000)
    parser.add_argument("--skip-preview", action="store_true")
    parser.add_argument("--database", help="bench database name (default <name>_bench_dispatch)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()
    redis_url = os.environ.get("REDIS_URL", "")
    if not redis_url:
        print("This benchmark needs Redis: set REDIS_URL.", file=sys.stderr)
        return 2
    db = bench_database(
        args.database,
        "bench_dispatch",
        "This benchmark needs PostgreSQL: DATABASE_URL=postgres://user@host:5432/portal",
    )
    if db is None:
        return 2
    recreate_database(db.maintenance_url, db.name)
    # The benches' common settings, with the broker this one measures and recording backends.
    env = bench_environment(db.url) | {
        "REDIS_URL": redis_url,
        "DISPATCH_EMAIL_BACKEND": "record",
        # Measured until each message is handed over (sent), as before delivery was recorded.
        "DISPATCH_RECORD_DELIVERED": "0",
        "SMS_BACKEND": "record",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "bench"), str(ROOT)]),
    }
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    call_command("migrate", verbosity=0)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "portal",
                "worker",
                "--pool",
                "solo",
                "--include",
                "_bench_tasks",
                "-n",
                f"bench{i}@%h",
                "-l",
                "WARNING",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            cwd=ROOT,
            env=env,
        )
        for i in range(2)
    ]
    try:
        wait_for_workers()
        empty_rate = run_empty(args.messages, redis_url)
        message_rate = run_dispatch(args.messages)
        preview_ms = None if args.skip_preview else run_preview()
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=60)
        connections.close_all()
        if not args.keep:
            drop_database(db.maintenance_url, db.name)

    ratio = message_rate / empty_rate
    print("\nTargets:")
    results = [
        (
            message_rate >= MESSAGES_PER_SECOND,
            f"{message_rate:,.0f} messages/s ≥ {MESSAGES_PER_SECOND:,}",
        ),
        (ratio >= RATIO, f"{ratio:.1f}× the empty tasks' {empty_rate:,.0f}/s ≥ {RATIO}×"),
    ]
    if preview_ms is not None:
        results.append((preview_ms < PREVIEW_MS, f"preview {preview_ms:.0f} ms < {PREVIEW_MS} ms"))
    for met, text in results:
        print(f"  {'met    ' if met else 'NOT MET'}  {text}")
    return 0 if all(met for met, _text in results) else 1


def wait_for_workers() -> None:
    from portal.celery import app

    app.control.purge()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        replies = app.control.ping(timeout=1.0)
        if len(replies) >= 2:
            return
    raise SystemExit("The two workers did not start.")


def run_empty(count: int, redis_url: str) -> float:
    import redis

    from portal.celery import app

    key = f"bench-empty-{uuid.uuid4().hex}"
    client = redis.Redis.from_url(redis_url)
    started = time.perf_counter()
    with app.producer_or_acquire() as producer:
        for _i in range(count):
            app.send_task("_bench_tasks.noop", args=(key,), producer=producer)
    sent = time.perf_counter() - started
    while int(client.get(key) or 0) < count:
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    client.delete(key)
    rate = count / seconds
    print(f"{count:,} empty tasks: {seconds:.1f} s ({sent:.1f} s to send), {rate:,.0f} tasks/s")
    return rate


def _round(year: int, kind: str, *, build: bool = False):
    from django.utils import timezone

    from surveys.models import Round
    from surveys.services.rounds import rounds_create_year

    rounds_create_year(year)
    round_ = Round.objects.get(year=year, kind=kind)
    if build:
        from surveys.services.samples import samples_build

        samples_build(round_)
        round_.refresh_from_db()
    now = timezone.now()
    round_.opens_at = now - timedelta(days=1)
    round_.closes_at = now + timedelta(days=30)
    round_.sample_frozen_at = now - timedelta(hours=1)
    round_.save()
    return round_


def run_dispatch(count: int) -> float:
    from dispatch.audience import Sender
    from dispatch.models import Message, MessageState, Purpose
    from dispatch.services.dispatches import dispatch_create
    from dispatch.services.order_rules import DispatchRequest
    from portal.models import County
    from portal.organisations.data.counties import load_counties
    from surveys.models import Respondent, RespondentRole, SurveyKind
    from surveys.services.questionnaires import questionnaires_load

    if not County.objects.exists():
        load_counties(County)
    questionnaires_load()
    round_ = _round(date.today().year + 1, SurveyKind.LU)
    county = County.objects.get(code="46")
    Respondent.objects.bulk_create(
        (
            Respondent(
                round=round_,
                role=RespondentRole.APPRENTICE,
                county=county,
                name=f"Lærling {i}",
                email=f"laerling{i}@example.test",
                email_valid=True,
            )
            for i in range(count)
        ),
        batch_size=5000,
    )
    started = time.perf_counter()
    dispatch = dispatch_create(
        DispatchRequest(
            round=round_,
            sender=Sender(county=county),
            purpose=Purpose.INVITATION,
            by_email=True,
            by_sms=False,
        )
    )
    clicked = time.perf_counter() - started
    waiting = Message.objects.filter(dispatch=dispatch).exclude(state=MessageState.SENT)
    while waiting.exists():
        time.sleep(0.05)
    seconds = time.perf_counter() - started
    rate = count / seconds
    print(
        f"{count:,} LU invitations: {seconds:.1f} s from the click ({clicked:.2f} s to plan, "
        f"write and enqueue), {rate:,.0f} messages/s"
    )
    return rate


def run_preview() -> float:
    from django.db.models import Count

    from demo.register.extract import write_demo_extract
    from dispatch.audience import Sender
    from dispatch.models import Purpose
    from dispatch.services.order_rules import DispatchRequest
    from dispatch.services.preview import dispatch_plan
    from portal.models import County
    from registry_import.services import import_extract
    from surveys.models import Respondent, SurveyKind
    year = date.today().year
    with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
        started = time.perf_counter()
        paths = write_demo_extract(
            Path(tmp) / "extract", scale="national", seed=1, reference=date(year, 10, 1)
        )
        import_extract(paths, source="command")
        print(f"National extract written and imported in {time.perf_counter() - started:.1f} s")
    round_ = _round(year, SurveyKind.LU, build=True)
    largest = (
        Respondent.objects.filter(round=round_)
        .values("county_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    county = County.objects.get(pk=largest["county_id"])
    request = DispatchRequest(
        round=round_,
        sender=Sender(county=county),
        purpose=Purpose.INVITATION,
        by_email=True,
        by_sms=True,
    )
    times = []
    for _i in range(8):
        started = time.perf_counter()
        plan = dispatch_plan(request)
        times.append((time.perf_counter() - started) * 1000)
    median = statistics.median(times[1:])
    print(
        f"Preview of {county}'s LU invitation ({largest['n']:,} respondents, "
        f"{len(plan.recipients):,} reachable): median {median:.0f} ms of 7 runs"
    )
    return median


if __name__ == "__main__":
    sys.exit(main())
