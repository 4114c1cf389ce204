"""Inserting many rows at once: COPY on PostgreSQL, several times faster than INSERT for tens of
thousands of rows (a national sample, a register extract, a dispatch's outbox, the links it
issues), batched INSERTs elsewhere (the embedded SQLite of the demo)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection, models
from django.db.models.fields import NOT_PROVIDED
from django.utils import timezone

BATCH_SIZE = 2_000


def concrete_field(model: type[models.Model], name: str) -> models.Field[Any, Any]:
    """The model's column-backed field named `name` (or by its attname, `county_id`): the only
    kind the bulk writers address, unlike the reverse relations `get_field` may also return."""
    field = model._meta.get_field(name)
    if not isinstance(field, models.Field):
        raise TypeError(f"{model.__name__}.{name} is not a column")
    return field


def _value_of_missing(field: models.Field) -> Any:
    """What a column left out of the rows gets, as bulk_create would give it."""
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return timezone.now()
    return field.get_default()


def rows_insert(
    model: type[models.Model], attnames: Sequence[str], rows: Iterable[Sequence[Any]]
) -> None:
    """Inserts rows given as values of `attnames` (field names or attnames, `county_id`), in
    that order. A field not given gets its default; one with a database default gets that."""
    meta = model._meta
    given = [concrete_field(model, name) for name in attnames]
    if connection.vendor != "postgresql":
        names = [f.attname for f in given]
        batch: list[models.Model] = []
        for row in rows:
            batch.append(model(**dict(zip(names, row, strict=True))))
            if len(batch) >= BATCH_SIZE:
                model._default_manager.bulk_create(batch)
                batch = []
        if batch:
            model._default_manager.bulk_create(batch)
        return
    rest = [
        f
        for f in meta.concrete_fields
        if f not in given and not f.primary_key and f.db_default is NOT_PROVIDED
    ]
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in [*given, *rest])
    sql = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
    defaults = tuple(_value_of_missing(f) for f in rest)
    json_columns = [i for i, f in enumerate(given) if isinstance(f, models.JSONField)]
    if json_columns:
        rows = _with_json(rows, json_columns)
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        write = copy.write_row
        if defaults:
            for row in rows:
                write((*row, *defaults))
        else:
            for row in rows:
                write(row)


def _with_json(rows: Iterable[Sequence[Any]], columns: list[int]) -> Iterable[tuple]:
    """JSON values as psycopg's Jsonb, which COPY writes as the column expects."""
    from psycopg.types.json import Jsonb

    for row in rows:
        values = list(row)
        for i in columns:
            values[i] = Jsonb(values[i])
        yield tuple(values)
