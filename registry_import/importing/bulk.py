"""Inserting many rows into a table of the register on PostgreSQL.

COPY is several times faster than INSERT. What remains of the cost of loading tens of thousands
of rows into a table is the database's own work per row: a lookup in each referenced table for
each foreign key, and an entry in each secondary index. PostgreSQL's manual advises, for such a
bulk load, to drop the foreign keys and secondary indexes and create them again afterwards
("Populating a Database"): a foreign key is then checked for all rows by one join, and an index
built by one sort. That is done here, inside the import's transaction, when the rows loaded
outnumber those already in the table (a first import); the constraints and indexes come back
exactly as they were (their own definitions, read from the catalogue), checked and built before
the transaction commits, and if anything fails the transaction takes the whole load back."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models

from portal.lib.bulk import rows_insert

# Below this many new rows the per-row checks cost less than rebuilding.
REBUILD_FROM_ROWS = 5_000


def bulk_load(
    model: type[models.Model],
    attnames: list[str],
    rows: Iterable[tuple],
    *,
    count: int,
    existing: int,
) -> None:
    """Inserts `count` rows (values of `attnames`, in that order) into the model's table, which
    holds `existing` rows. Columns not given get the field's default, as bulk_create would."""
    if count < REBUILD_FROM_ROWS or count <= existing:
        rows_insert(model, attnames, rows)
        return
    rebuild = _secondary_structures(model._meta.db_table)
    with connection.cursor() as cursor:
        # The foreign keys of rows written earlier in the transaction are checked now: a
        # table with checks still pending cannot be altered. Django's foreign keys are all
        # deferred, which the last statement makes them again.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for statement in rebuild.drops:
            cursor.execute(statement)
        rows_insert(model, attnames, rows)
        for statement in rebuild.creates:
            cursor.execute(statement)
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def allocate_ids(model: type[models.Model], count: int) -> list[int]:
    """`count` new primary keys from the table's own sequence, in one round trip: the rows are
    then loaded with their ids, which need not be read back."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_get_serial_sequence(%s, %s)", [model._meta.db_table, model._meta.pk.column]
        )
        sequence = cursor.fetchone()[0]
        cursor.execute(
            "SELECT array_agg(nextval(%s::regclass)) FROM generate_series(1, %s)",
            [sequence, count],
        )
        return cursor.fetchone()[0]


class _Rebuild:
    def __init__(self) -> None:
        self.drops: list[str] = []
        self.creates: list[str] = []


def _secondary_structures(table: str) -> _Rebuild:
    """The statements that drop the table's foreign keys and the indexes that back no
    constraint, and those that create them again as they are now."""
    quote = connection.ops.quote_name
    rebuild = _Rebuild()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
            [table],
        )
        for name, definition in cursor.fetchall():
            rebuild.drops.append(f"ALTER TABLE {quote(table)} DROP CONSTRAINT {quote(name)}")
            rebuild.creates.append(
                f"ALTER TABLE {quote(table)} ADD CONSTRAINT {quote(name)} {definition}"
            )
        cursor.execute(
            "SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x "
            "JOIN pg_class i ON i.oid = x.indexrelid "
            "WHERE x.indrelid = %s::regclass "
            "AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid) "
            "ORDER BY i.relname",
            [table],
        )
        for name, definition in cursor.fetchall():
            rebuild.drops.append(f"DROP INDEX {quote(name)}")
            rebuild.creates.append(definition)
    return rebuild


