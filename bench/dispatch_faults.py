"""Fault script of the outbox, with real processes: how long a dispatch takes to recover, and
that every message still goes out exactly once.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal REDIS_URL=redis://127.0.0.1:6379/9 \\
        .venv/bin/python bench/dispatch_faults.py

Each run dispatches 5,000 LU invitations by e-mail to the recording backend, with a prefork
Celery worker on the send queue (two children), a worker on the control queue and Celery beat,
as docker-compose.yml runs them, at the default lease and sweep settings. It empties the Redis
database of REDIS_URL first: give it one of its own.

(a) kill: once a fifth of the messages are out, every worker process (main processes and pool
    children) is SIGKILLed; the workers are started again; the time from that restart to the
    last message out must be under 120 s.
(b) database: once a fifth are out, PostgreSQL is stopped for 15 s and started again; the time
    from its return to the last message out must be under 60 s. Stopping the server everyone
    shares is not done: this run starts a PostgreSQL cluster of its own (initdb, pg_ctl, as the
    `postgres` user when run as root) on --port, and stops that one.

Run (a) uses a database of its own beside DATABASE_URL's, <name>_bench_faults, as the other
bench scripts do. Exactly once: every message is marked sent and the recording backend holds
exactly one record of each. Figures are printed beside the targets; exit status 1 when one is
missed. Options: --messages N, --only kill|database, --port P, --keep.
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from datetime import timedelta

from _setup import ROOT, bench_database, bench_environment, drop_database, recreate_database

KILL_TARGET_S = 120
DATABASE_TARGET_S = 60
DATABASE_DOWN_S = 15
REDIS_URL: list[str] = [os.environ.get("REDIS_URL", "")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--only", choices=("kill", "database"))
    parser.add_argument("--port", type=int, default=5439, help="port of run (b)'s own cluster")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    parser.add_argument("--scenario", help=argparse.SUPPRESS)  # the child process of one run
    parser.add_argument("--pgdata", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scenario:
        return scenario(args)
    if not os.environ.get("REDIS_URL"):
        print("This script needs Redis: set REDIS_URL.", file=sys.stderr)
        return 2
    results = []
    if args.only in (None, "kill"):
        db = bench_database(None, "bench_faults", "This script needs PostgreSQL: set DATABASE_URL")
        if db is None:
            return 2
        recreate_database(db.maintenance_url, db.name)
        try:
            results.append(child("kill", db.url, args))
        finally:
            if not args.keep:
                drop_database(db.maintenance_url, db.name)
    if args.only in (None, "database"):
        with own_cluster(args.port) as (url, pgdata):
            results.append(child("database", url, args, pgdata=pgdata))
    print("\nTargets:")
    met_all = True
    for r in results:
        target = KILL_TARGET_S if r["scenario"] == "kill" else DATABASE_TARGET_S
        what = "the worker restart" if r["scenario"] == "kill" else "PostgreSQL's return"
        met = r["seconds"] is not None and r["seconds"] < target and r["exactly_once"]
        met_all &= met
        seconds = "never" if r["seconds"] is None else f"{r['seconds']:.1f} s"
        print(
            f"  {'met    ' if met else 'NOT MET'}  ({r['scenario']}) last message {seconds} "
            f"after {what} < {target} s; {r['recorded']:,} of {r['messages']:,} recorded "
            f"once, {r['sent']:,} marked sent, {r['uncertain']} uncertain"
        )
    return 0 if met_all else 1


def child(name: str, url: str, args: argparse.Namespace, pgdata: str = "") -> dict:
    command = [sys.executable, __file__, "--scenario", name, "--messages", str(args.messages)]
    if pgdata:
        command += ["--pgdata", pgdata]
    redis_url = os.environ.get("REDIS_URL") or REDIS_URL[0]
    REDIS_URL[:] = [redis_url]
    # The benches' common settings pop REDIS_URL: this one measures with the broker.
    env = bench_environment(url) | {"REDIS_URL": redis_url}
    out = subprocess.run(command, env=env, cwd=ROOT, stdout=subprocess.PIPE, check=True)
    return json.loads(out.stdout.decode().strip().splitlines()[-1])


def _as_postgres(command: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *command] if os.geteuid() == 0 else command


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}")) or [shutil.which(name) or name]
    return found[-1]


class own_cluster:
    """A PostgreSQL cluster of the script's own, so stopping it troubles nobody else."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.dir = tempfile.mkdtemp(prefix="faults-pg-")
        self.data = os.path.join(self.dir, "data")

    def __enter__(self) -> tuple[str, str]:
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        subprocess.run(
            _as_postgres([_pg_bin("initdb"), "-D", self.data, "-A", "trust", "-U", "postgres"]),
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with open(os.path.join(self.data, "postgresql.conf"), "a") as conf:
            conf.write(f"\nport = {self.port}\nunix_socket_directories = '{self.dir}'\n")
        pg_ctl(self.data, "start")
        subprocess.run(
            _as_postgres([_pg_bin("createdb"), "-h", "127.0.0.1", "-p", str(self.port), "faults"]),
            check=True,
        )
        return f"postgres://postgres@127.0.0.1:{self.port}/faults", self.data

    def __exit__(self, *exc: object) -> None:
        pg_ctl(self.data, "stop", "-m", "immediate")
        shutil.rmtree(self.dir, ignore_errors=True)


def pg_ctl(data: str, *command: str) -> None:
    log = os.path.join(os.path.dirname(data), "log")
    subprocess.run(
        _as_postgres([_pg_bin("pg_ctl"), "-D", data, "-l", log, "-w", *command]),
        check=True,
        stdout=subprocess.DEVNULL,
    )


# --- One run, in a process of its own (Django set up on its database) ----------------------


def scenario(args: argparse.Namespace) -> int:
    import django
    import redis

    # Counted as sent: recorded delivery is off, as before the recording backends reported it.
    os.environ |= {
        "DISPATCH_EMAIL_BACKEND": "record",
        "SMS_BACKEND": "record",
        "DISPATCH_RECORD_DELIVERED": "0",
    }
    django.setup()
    from django.core.management import call_command
    from django.db import connections

    redis.Redis.from_url(os.environ["REDIS_URL"]).flushdb()
    call_command("migrate", verbosity=0)
    procs = Processes()
    try:
        procs.start_workers()
        procs.start_beat()
        dispatch_id, count = order(args.messages)
        wait_until_sent(dispatch_id, count // 5)
        if args.scenario == "kill":
            procs.kill_workers()
            time.sleep(2)
            started = wall()
            procs.start_workers()
        else:
            pg_ctl(args.pgdata, "stop", "-m", "fast")
            time.sleep(DATABASE_DOWN_S)
            pg_ctl(args.pgdata, "start")
            started = wall()
            connections.close_all()  # this process's own connection died with the server
        seconds = wait_until_done(dispatch_id, started, deadline=started + timedelta(seconds=300))
        result = outcome(dispatch_id, count, seconds) | {"scenario": args.scenario}
    finally:
        procs.stop()
    print(json.dumps(result))
    return 0


def wall():
    from django.utils import timezone

    return timezone.now()


class Processes:
    """The send worker (prefork, two children), the control worker and beat."""

    def __init__(self) -> None:
        self.workers: list[subprocess.Popen] = []
        self.beat: subprocess.Popen | None = None
        self.dir = tempfile.mkdtemp(prefix="faults-beat-")

    def _celery(self, *args: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "celery", "-A", "portal", *args, "-l", "WARNING"]
        return subprocess.Popen(command, cwd=ROOT, env=os.environ.copy())

    def start_workers(self) -> None:
        self.workers = [
            self._celery("worker", "-Q", "celery", "-c", "2", "-n", "send@%h"),
            self._celery("worker", "-Q", "control", "-c", "1", "-n", "control@%h"),
        ]

    def start_beat(self) -> None:
        self.beat = self._celery("beat", "-s", os.path.join(self.dir, "schedule"))

    def kill_workers(self) -> None:
        """SIGKILL to every worker process: main processes and their pool children."""
        pids = []
        for worker in self.workers:
            pids += [worker.pid, *_children(worker.pid)]
        for pid in pids:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for worker in self.workers:
            worker.wait()
        print(f"SIGKILLed {len(pids)} worker processes", file=sys.stderr)

    def stop(self) -> None:
        for proc in [*self.workers, *([self.beat] if self.beat else [])]:
            proc.terminate()
        for proc in [*self.workers, *([self.beat] if self.beat else [])]:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(self.dir, ignore_errors=True)


def _children(pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(pid)], stdout=subprocess.PIPE, text=True)
    return [int(p) for p in out.stdout.split()]


def order(count: int) -> tuple[int, int]:
    from datetime import date

    from django.utils import timezone

    from dispatch.audience import Sender
    from dispatch.models import Purpose
    from dispatch.services.dispatches import dispatch_create
    from dispatch.services.order_rules import DispatchRequest
    from portal.models import County
    from portal.organisations.data.counties import load_counties
    from surveys.models import Respondent, RespondentRole, Round, SurveyKind
    from surveys.services.questionnaires import questionnaires_load
    from surveys.services.rounds import rounds_create_year

    if not County.objects.exists():
        load_counties(County)
    questionnaires_load()
    year = date.today().year + 1
    rounds_create_year(year)
    round_ = Round.objects.get(year=year, kind=SurveyKind.LU)
    now = timezone.now()
    round_.opens_at, round_.closes_at = now - timedelta(days=1), now + timedelta(days=30)
    round_.sample_frozen_at = now - timedelta(hours=1)
    round_.save()
    county = County.objects.get(code="46")
    Respondent.objects.bulk_create(
        Respondent(
            round=round_,
            role=RespondentRole.APPRENTICE,
            county=county,
            name=f"Lærling {i}",
            email=f"laerling{i}@example.test",
            email_valid=True,
        )
        for i in range(count)
    )
    request = DispatchRequest(
        round=round_,
        sender=Sender(county=county),
        purpose=Purpose.INVITATION,
        by_email=True,
        by_sms=False,
    )
    dispatch = dispatch_create(request)
    return dispatch.pk, count


def _sent(dispatch_id: int) -> int | None:
    """Messages marked sent, or None while the database cannot be reached."""
    from django.db import DatabaseError, connections

    from dispatch.models import Message, MessageState

    try:
        return Message.objects.filter(dispatch_id=dispatch_id, state=MessageState.SENT).count()
    except DatabaseError:
        connections.close_all()
        return None


def wait_until_sent(dispatch_id: int, at_least: int) -> None:
    while (_sent(dispatch_id) or 0) < at_least:
        time.sleep(0.02)


def wait_until_done(dispatch_id: int, started, deadline) -> float | None:
    from django.db.models import Max

    from dispatch.models import Message

    total = Message.objects.filter(dispatch_id=dispatch_id).count()
    while wall() < deadline:
        if _sent(dispatch_id) == total:
            last = Message.objects.filter(dispatch_id=dispatch_id).aggregate(t=Max("sent_at"))
            return max(0.0, (last["t"] - started).total_seconds())
        time.sleep(0.2)
    return None


def outcome(dispatch_id: int, count: int, seconds: float | None) -> dict:
    from django.db.models import Count

    from dispatch.models import Message, MessageState, RecordedMessage

    messages = Message.objects.filter(dispatch_id=dispatch_id)
    ids = messages.values("id")
    recorded = RecordedMessage.objects.filter(message_id__in=ids)
    twice = recorded.values("message_id").annotate(n=Count("id")).filter(n__gt=1).count()
    states = dict(messages.values_list("state").annotate(n=Count("id")).order_by())
    sent = states.get(MessageState.SENT, 0)
    once = recorded.count() == count and twice == 0 and sent == count
    return {
        "seconds": seconds,
        "messages": count,
        "recorded": recorded.count(),
        "sent": sent,
        "uncertain": states.get(MessageState.UNCERTAIN, 0),
        "exactly_once": once,
    }


if __name__ == "__main__":
    sys.exit(main())
