"""Rewriting the tables that held a closed round's people, so the deleted rows leave the files.

A DELETE in PostgreSQL only marks a row dead; its bytes stay in the table's pages (and a plain
VACUUM only marks the space free) until new rows happen to overwrite them. A copy of the data
directory, a file-level backup or a replica would then still hold the respondents the close step
removed, and the answers as they were written before the nightly mix. `VACUUM FULL` writes each
table, its TOAST table and its indexes anew from the live rows and drops the old files; on
SQLite `VACUUM` does the same for the whole database file.

Apps above surveys register the tables of theirs that named a round's respondents (dispatch's
messages) in their hooks.py, so surveys need not know them."""

from __future__ import annotations

import logging
import time

from django.db import connection, models

logger = logging.getLogger(__name__)

_registered: list[type[models.Model]] = []


def personal_tables_register(*tables: type[models.Model]) -> None:
    """Adds models whose rows named respondents of a round the close step removes."""
    for table in tables:
        if table not in _registered:
            _registered.append(table)


def personal_tables() -> list[str]:
    """The database tables rewritten after a close: surveys' own and those registered."""
    from surveys.models import (
        AnonymousResponse,
        CodeDraft,
        Draft,
        ReportClass,
        Respondent,
        RespondentLink,
    )

    own = [Respondent, RespondentLink, Draft, CodeDraft, ReportClass, AnonymousResponse]
    return [m._meta.db_table for m in own + _registered]


# VACUUM FULL copies a deleted row that a transaction still running anywhere on the server
# might see, so it waits (up to this long) until every transaction older than the delete is over.
HORIZON_WAIT_SECONDS = 600

# Whether some other transaction or replication slot still holds a snapshot in which the
# transaction `%(xid)s` was running. age() counts back from the next transaction id, as does
# the snapshot's xmax, so both sides are distances from the same point.
_OLDER_THAN_DELETE = """
WITH since AS (SELECT txid_snapshot_xmax(txid_current_snapshot()) - %(xid)s AS n)
SELECT EXISTS (
    SELECT 1 FROM pg_stat_activity, since WHERE pid <> pg_backend_pid()
    AND backend_type <> 'autovacuum worker'
    AND (age(backend_xmin) >= since.n OR age(backend_xid) >= since.n)
) OR EXISTS (
    SELECT 1 FROM pg_replication_slots, since
    WHERE age(xmin) >= since.n OR age(catalog_xmin) >= since.n
)
"""


def transaction_id_now() -> int | None:
    """A transaction id newer than every committed delete, on PostgreSQL, to pass to
    personal_tables_rewrite."""
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT txid_current()")
        return cursor.fetchone()[0]


def _horizon_wait(cursor, xid: int) -> bool:
    deadline = time.monotonic() + HORIZON_WAIT_SECONDS
    while True:
        cursor.execute(_OLDER_THAN_DELETE, {"xid": xid})
        if not cursor.fetchone()[0]:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def personal_tables_rewrite(after: int | None = None) -> bool:
    """Rewrites the tables (PostgreSQL) or the database file (SQLite). `after` is the id of the
    transaction that deleted the rows (transaction_id_now); on PostgreSQL the rewrite waits
    until no transaction can still see them, or they would be copied into the new files.

    Neither can run inside a transaction, so inside one (a close run from within an outer
    atomic block, or a test that rolls back) nothing is done and False is returned: the next
    close rewrites the same tables, and `manage.py close_rounds --rewrite` does it at once.
    False too when an old transaction outlived the wait (logged)."""
    if connection.in_atomic_block:
        logger.warning("Tables not rewritten: inside a transaction")
        return False
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if after is not None and not _horizon_wait(cursor, after):
                logger.warning(
                    "Tables not rewritten: a transaction older than the close is still open"
                )
                return False
            for table in personal_tables():
                # ACCESS EXCLUSIVE on the table while it is copied: answering and dispatch wait
                # on it, half a second for 50,000 respondents (docs/privacy.md).
                cursor.execute(f"VACUUM FULL {connection.ops.quote_name(table)}")
        else:
            cursor.execute("VACUUM")
    logger.info("Tables of closed rounds rewritten in %.1f s", time.monotonic() - started)
    return True
