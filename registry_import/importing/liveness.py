"""Whether the process running an import is still alive.

An import runs in one database transaction, so a worker that dies in the middle leaves nothing
half-done in the register, but its ImportRun would stay "running" for ever. While an import
runs, its connection holds a PostgreSQL session lock named after the run; the lock goes with
the connection when the process dies. The next import, and the upload page, take every run
still recorded as running whose lock is free for failed. Without PostgreSQL (the demo's SQLite,
one process) a run is taken for dead after STALE_AFTER."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db import connection
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from registry_import.models import ImportRun, ImportStatus
from registry_import.uploads import import_progress_clear, upload_discard

logger = logging.getLogger("registry_import.services")

# The first key of the runs' session locks: "RUNS". The second is the run's id (as a 32-bit
# key: ids beyond it would only ever share a lock with a run two billion imports older).
_RUN_LOCKS = 0x5255_4E53


def _run_key(run_id: int) -> int:
    return run_id % 2**31
STALE_AFTER = timedelta(hours=6)


@contextmanager
def run_alive(run: ImportRun) -> Iterator[None]:
    """Marks the run as running and holds its lock while the block runs."""
    locking = connection.vendor == "postgresql"
    if locking:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [_RUN_LOCKS, _run_key(run.pk)])
    run.status = ImportStatus.RUNNING
    run.save(update_fields=["status"])
    try:
        yield
    finally:
        if locking:
            try:
                with connection.cursor() as cursor:
                    cursor.execute(
                        "SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCKS, _run_key(run.pk)]
                    )
            except Exception:
                # The connection itself failed, and its locks went with it.
                logger.warning("Register import %s: its lock could not be released", run.pk)


def _dead(run_id: int, started_at: datetime | None, now: datetime) -> bool:
    if connection.vendor != "postgresql":
        return started_at is None or started_at < now - STALE_AFTER
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [_RUN_LOCKS, _run_key(run_id)])
        free = cursor.fetchone()[0]
        if free:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [_RUN_LOCKS, _run_key(run_id)])
    return bool(free)


def import_runs_fail_interrupted(now: datetime | None = None) -> list[int]:
    """Records as failed every import recorded as running whose process has stopped, with the
    reason, and deletes its uploaded files (they hold identity numbers). Returns their ids."""
    now = now or timezone.now()
    running = ImportRun.objects.filter(status=ImportStatus.RUNNING).values_list("pk", "started_at")
    dead = [pk for pk, started_at in running if _dead(pk, started_at, now)]
    if not dead:
        return []
    with translation.override("nb"):
        message = _(
            "The import was interrupted: the process running it stopped before it finished "
            "(a worker that died or was restarted). Nothing was saved; import the extract again."
        )
    ImportRun.objects.filter(pk__in=dead, status=ImportStatus.RUNNING).update(
        status=ImportStatus.FAILED, finished_at=now, message=message
    )
    for pk in dead:
        upload_discard(pk)
        import_progress_clear(pk)
        logger.warning("Register import %s was interrupted and is recorded as failed", pk)
    return dead
