"""The writing half of an import: each table of the register brought in line with the checked
records of the extract, by natural key, writing only the differences in bulk.

A table is described by its model, the field holding the natural key and the record attribute
it comes from; the fields written are the record's attributes that are fields of the model
(records are named after them, registry_import.extract_format). A foreign key's attribute holds
the natural key of the row it points at, which becomes its id here."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from operator import attrgetter
from typing import TYPE_CHECKING, Any, cast

from django.db import connection, models

from portal.lib.bulk import concrete_field
from portal.models import Company, County, TrainingOffice
from registry_import.extract_files import COMPANIES, CONTRACTS, LEADERS, OFFICES
from registry_import.importing.bulk import allocate_ids, bulk_load
from registry_import.models import Apprentice, Contract, ProfessionalLeader, Trade
from registry_import.validation import RECORDS, FileResult

if TYPE_CHECKING:
    from registry_import.importing.progress import Progress

BATCH_SIZE = 2_000


def _batched(items: Iterable, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass(frozen=True)
class Step:
    """One table: `model` keyed by `key` (a model field), taken from the record attribute
    `source` (the key's own name unless given), with `renamed` model fields taken from other
    attributes."""

    model: type[models.Model]
    key: str
    source: str = ""
    renamed: dict[str, str] = field(default_factory=dict)

    def fields(self, record_type: type) -> list[str]:
        """The model fields written, in the model's order: those with a record attribute."""
        attributes = set(vars(record_type)["__slots__"])
        return [
            f.name
            for f in self.model._meta.concrete_fields
            if not f.primary_key
            and f.name != self.key
            and (self.renamed.get(f.name, f.name) in attributes)
        ]


STEPS = {
    OFFICES: Step(TrainingOffice, "orgnr"),
    COMPANIES: Step(Company, "orgnr"),
    LEADERS: Step(ProfessionalLeader, "register_id"),
    # The contracts file holds three tables: trades, apprentices and the contracts themselves.
    "trades": Step(Trade, "code", source="trade", renamed={"name": "trade_name"}),
    "apprentices": Step(Apprentice, "pseudonym", source="apprentice"),
    CONTRACTS: Step(Contract, "register_id"),
}


@dataclass
class _Outcome:
    ids: dict[Any, int]
    new: set = field(default_factory=set)
    changed: set = field(default_factory=set)
    unchanged: int = 0
    gone: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "new": len(self.new),
            "changed": len(self.changed),
            "unchanged": self.unchanged,
            "gone": self.gone,
        }


def _sync(
    model: type[models.Model],
    key: str,
    fields: Sequence[str],
    incoming: dict[Any, tuple],
    *,
    gone_if: Callable[[dict[str, Any]], bool] | None = None,
    seen: dict[str, int] | None = None,
    need_ids: bool = True,
) -> _Outcome:
    """Brings the model's rows in line with `incoming` (natural key -> values of `fields`, in
    that order; every field written gets in_register=True when the model has it): inserts the
    new, updates the changed, and when `gone_if` is given marks the rows it selects among those
    missing from `incoming` as in_register=False; a key in `seen` (a row that is in the file but
    was skipped) is not missing. `ids` of the outcome maps every natural key to its primary key
    (unless `need_ids` is False)."""
    attnames = [concrete_field(model, f).attname for f in fields]
    stored = model._default_manager.values_list("pk", key, *attnames)
    existing = {row[1]: (row[0], row[2:]) for row in stored}
    outcome = _Outcome(ids={k: pk for k, (pk, _values) in existing.items()})
    updates: list[tuple[int, tuple]] = []
    for natural_key, values in incoming.items():
        current = existing.get(natural_key)
        if current is None:
            outcome.new.add(natural_key)
        elif current[1] != values:
            outcome.changed.add(natural_key)
            updates.append((current[0], values))
        else:
            outcome.unchanged += 1

    if outcome.new:
        new = [k for k in incoming if k in outcome.new]  # in the extract's order
        if connection.vendor == "postgresql" and need_ids:
            ids = allocate_ids(model, len(new))
            rows = ((pk, k, *incoming[k]) for pk, k in zip(ids, new, strict=True))
            names = [model._meta.pk.attname, key, *attnames]
            bulk_load(model, names, rows, count=len(new), existing=len(existing))
            outcome.ids.update(zip(new, ids, strict=True))
        elif connection.vendor == "postgresql":
            rows = ((k, *incoming[k]) for k in new)
            bulk_load(model, [key, *attnames], rows, count=len(new), existing=len(existing))
        else:
            for batch in _batched(new, BATCH_SIZE):
                objects = [
                    model(**{key: k}, **dict(zip(attnames, incoming[k], strict=True)))
                    for k in batch
                ]
                model._default_manager.bulk_create(objects)
                outcome.ids.update((k, obj.pk) for k, obj in zip(batch, objects, strict=True))

    if updates:
        _update_rows(model, fields, updates)

    if gone_if is not None:
        flag = fields.index("in_register")
        seen_keys = seen or {}
        gone = [
            pk
            for k, (pk, values) in existing.items()
            if k not in incoming
            and k not in seen_keys
            and values[flag]
            and gone_if(dict(zip(fields, values, strict=True)))
        ]
        for batch in _batched(gone, BATCH_SIZE):
            model._default_manager.filter(pk__in=batch).update(in_register=False)
        outcome.gone = len(gone)
    return outcome


def _update_rows(
    model: type[models.Model], fields: Sequence[str], updates: list[tuple[int, tuple]]
) -> None:
    """One UPDATE per changed row, sent with executemany (pipelined by psycopg): cheaper than
    bulk_update's CASE expressions when thousands of rows change."""
    quote = connection.ops.quote_name
    meta = model._meta
    assignments = ", ".join(f"{quote(concrete_field(model, f).column)} = %s" for f in fields)
    sql = f"UPDATE {quote(meta.db_table)} SET {assignments} WHERE {quote(meta.pk.column)} = %s"  # noqa: S608 - names from the model
    with connection.cursor() as cursor:
        for batch in _batched(updates, BATCH_SIZE):
            cursor.executemany(sql, [(*values, pk) for pk, values in batch])


class Sync:
    """The writing half of an import: each table in the order its foreign keys need."""

    def __init__(
        self,
        results: dict[str, FileResult],
        county_ids: dict[str, int],
        contract_counties: set[str],
        progress: Progress,
    ) -> None:
        self.results = results
        self.progress = progress
        # Natural key -> id of every table a foreign key points into.
        self.ids: dict[type[models.Model], dict[Any, int]] = {County: county_ids}
        # Several counties: the whole register. One: that county's contracts only.
        self.whole_register = len(contract_counties) > 1
        self.scope_county = (
            county_ids[next(iter(contract_counties))] if len(contract_counties) == 1 else None
        )
        self.counts: dict[str, dict[str, int]] = {}
        self.changes = 0

    def run(self) -> None:
        contracts = self.results[CONTRACTS].records.values()
        self.step(OFFICES, self.results[OFFICES].records.values())
        self.step(COMPANIES, self.results[COMPANIES].records.values())
        self.step(LEADERS, self.results[LEADERS].records.values())
        # A trade takes the name of its last row; an apprentice with several contracts the
        # name and contact data of the one that started last (the later line on a tie).
        self.step("trades", contracts)
        people = sorted(contracts, key=attrgetter("start_date", "line"))
        apprentices = self.step("apprentices", people)
        outcome = self.step(CONTRACTS, contracts, need_ids=False)
        # A contract whose apprentice's name or contact data changed has changed too.
        also_changed = sum(
            1
            for record in contracts
            if record.apprentice in apprentices.changed
            and record.register_id not in outcome.new
            and record.register_id not in outcome.changed
        )
        counts = self.counts[CONTRACTS]
        counts["changed"] += also_changed
        counts["unchanged"] -= also_changed
        self.changes += also_changed

    def step(self, name: str, records: Iterable[Any], *, need_ids: bool = True) -> _Outcome:
        """Writes one table from the records (a later record with the same key wins)."""
        step = STEPS[name]
        record_type = RECORDS[CONTRACTS if name in ("trades", "apprentices") else name]
        fields = step.fields(record_type)
        read = attrgetter(*(step.renamed.get(f, f) for f in fields))
        key = attrgetter(step.source or step.key)
        # Foreign keys: the natural key the record holds becomes the id.
        lookups = [
            (index, self.ids[cast(type[models.Model], f.related_model)])
            for index, f in enumerate(concrete_field(step.model, n) for n in fields)
            if f.is_relation
        ]
        has_flag = any(f.name == "in_register" for f in step.model._meta.concrete_fields)
        flag = (True,) if has_flag else ()
        incoming = {}
        if len(fields) == 1:
            for record in records:
                incoming[key(record)] = (read(record), *flag)
        elif lookups:
            for record in records:
                values = [*read(record), *flag]
                for index, ids in lookups:
                    natural = values[index]
                    if natural is not None:
                        values[index] = ids[natural]
                incoming[key(record)] = tuple(values)
        else:
            for record in records:
                incoming[key(record)] = (*read(record), *flag)
        written = [*fields, "in_register"] if has_flag else fields
        outcome = _sync(
            step.model,
            step.key,
            written,
            incoming,
            gone_if=self._gone_if(name),
            seen=self.results[name].lines if name in self.results else None,
            need_ids=need_ids,
        )
        self.ids[step.model] = outcome.ids
        counts = outcome.counts()
        self.changes += counts["new"] + counts["changed"] + counts["gone"]
        if name in self.results:
            self.counts[name] = counts
            self.progress.step(self.results[name].rows)
        return outcome

    def _gone_if(self, name: str) -> Callable[[dict[str, Any]], bool] | None:
        """Which rows missing from the extract are no longer in the register: in a whole
        register all of them; in one county's extract only that county's contracts."""
        if name not in self.results:
            return None  # trades and apprentices have no in_register
        if self.whole_register:
            return lambda _values: True
        if name == CONTRACTS and self.scope_county is not None:
            scope = self.scope_county
            return lambda values: values["county"] == scope
        return None
