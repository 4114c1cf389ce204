"""The writing half of an import: each table of the register brought in line with the checked
rows of the extract, by natural key, writing only the differences in bulk."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from typing import TYPE_CHECKING

from django.db import connection, models

from portal.models import Company, TrainingOffice
from registry_import.models import Apprentice, Contract, ProfessionalLeader, Trade
from registry_import.readers import COMPANIES, CONTRACTS, LEADERS, OFFICES
from registry_import.validation import ContractRecord, FileResult

if TYPE_CHECKING:
    from registry_import.importing.run import Progress

BATCH_SIZE = 2_000


def _batched(items: Iterable, size: int):
    iterator = iter(items)
    while batch := list(islice(iterator, size)):
        yield batch


@dataclass
class _Outcome:
    ids: dict[str, int]
    new: set[str] = field(default_factory=set)
    changed: set[str] = field(default_factory=set)
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
    incoming: dict[str, tuple],
    *,
    gone_if: Callable[[tuple], bool] | None = None,
    seen: dict[str, int] | None = None,
    need_ids: bool = True,
) -> _Outcome:
    """Brings the model's rows in line with `incoming` (natural key -> values of `fields`, in
    that order): inserts the new, updates the changed, and when `gone_if` is given marks the
    rows it selects among those missing from `incoming` as in_register=False; a key in `seen`
    (a row that is in the file but was skipped) is not missing. `ids` of the
    outcome maps every natural key to its primary key (unless `need_ids` is False)."""
    attnames = [model._meta.get_field(f).attname for f in fields]
    existing = {
        row[1]: (row[0], row[2:]) for row in model.objects.values_list("pk", key, *attnames)
    }
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
        new = sorted(outcome.new)
        if connection.vendor == "postgresql":
            _copy_rows(model, [key, *attnames], ([k, *incoming[k]] for k in new))
            if need_ids:
                outcome.ids = dict(model.objects.values_list(key, "pk"))
        else:
            for batch in _batched(new, BATCH_SIZE):
                objects = [
                    model(**{key: k}, **dict(zip(attnames, incoming[k], strict=True)))
                    for k in batch
                ]
                model.objects.bulk_create(objects)
                outcome.ids.update((k, obj.pk) for k, obj in zip(batch, objects, strict=True))

    if updates:
        _update_rows(model, fields, updates)

    if gone_if is not None:
        flag = fields.index("in_register")
        seen_keys = seen or {}
        gone = [
            pk
            for k, (pk, values) in existing.items()
            if k not in incoming and k not in seen_keys and values[flag] and gone_if(values)
        ]
        for batch in _batched(gone, BATCH_SIZE):
            model.objects.filter(pk__in=batch).update(in_register=False)
        outcome.gone = len(gone)
    return outcome


def _copy_rows(model: type[models.Model], attnames: list[str], rows: Iterable[list]) -> None:
    """Inserts with PostgreSQL's COPY, several times faster than INSERT for tens of thousands
    of rows. Columns not given get the field's default, as bulk_create would."""
    quote = connection.ops.quote_name
    by_attname = {f.attname: f for f in model._meta.concrete_fields}
    given = [by_attname[a] for a in attnames]
    rest = [f for f in by_attname.values() if not f.primary_key and f.attname not in attnames]
    names = ", ".join(quote(f.column) for f in [*given, *rest])
    defaults = [f.get_default() for f in rest]
    sql = f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN"
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([*row, *defaults] if defaults else row)


def _update_rows(
    model: type[models.Model], fields: Sequence[str], updates: list[tuple[int, tuple]]
) -> None:
    """One UPDATE per changed row, sent with executemany (pipelined by psycopg): cheaper than
    bulk_update's CASE expressions when thousands of rows change."""
    quote = connection.ops.quote_name
    meta = model._meta
    assignments = ", ".join(f"{quote(meta.get_field(f).column)} = %s" for f in fields)
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
        self.county_ids = county_ids
        self.progress = progress
        # Several counties: the whole register. One: that county's contracts only.
        self.whole_register = len(contract_counties) > 1
        self.scope_county = (
            county_ids[next(iter(contract_counties))] if len(contract_counties) == 1 else None
        )
        self.counts: dict[str, dict[str, int]] = {}
        self.changes = 0

    def _gone_if(self) -> Callable[[tuple], bool] | None:
        return (lambda _values: True) if self.whole_register else None

    def _record(self, kind: str, outcome: _Outcome, **extra: int) -> None:
        counts = outcome.counts() | extra
        self.counts[kind] = counts
        self.changes += counts["new"] + counts["changed"] + counts["gone"]
        self.progress.step(self.results[kind].rows)

    def run(self) -> None:
        counties = self.county_ids
        offices = self.results[OFFICES].records
        office_outcome = _sync(
            TrainingOffice,
            "orgnr",
            (
                "name",
                "county",
                "manager_name",
                "email",
                "email_valid",
                "mobile",
                "mobile_valid",
                "nor_registered",
                "in_register",
            ),
            {
                k: (
                    r.name,
                    counties[r.county],
                    r.manager_name,
                    r.email,
                    r.email_valid,
                    r.mobile,
                    r.mobile_valid,
                    r.nor_registered,
                    True,
                )
                for k, r in offices.items()
            },
            gone_if=self._gone_if(),
            seen=self.results[OFFICES].lines,
        )
        self._record(OFFICES, office_outcome)
        office_ids = office_outcome.ids

        companies = self.results[COMPANIES].records
        company_outcome = _sync(
            Company,
            "orgnr",
            ("name", "county", "municipality", "nlr_registered", "training_office", "in_register"),
            {
                k: (
                    r.name,
                    counties[r.county],
                    r.municipality,
                    r.nlr_registered,
                    office_ids[r.office] if r.office else None,
                    True,
                )
                for k, r in companies.items()
            },
            gone_if=self._gone_if(),
            seen=self.results[COMPANIES].lines,
        )
        self._record(COMPANIES, company_outcome)
        company_ids = company_outcome.ids

        leaders = self.results[LEADERS].records
        leader_outcome = _sync(
            ProfessionalLeader,
            "register_id",
            (
                "company",
                "first_name",
                "last_name",
                "email",
                "email_valid",
                "mobile",
                "mobile_valid",
                "in_register",
            ),
            {
                k: (
                    company_ids[r.company],
                    r.first_name,
                    r.last_name,
                    r.email,
                    r.email_valid,
                    r.mobile,
                    r.mobile_valid,
                    True,
                )
                for k, r in leaders.items()
            },
            gone_if=self._gone_if(),
            seen=self.results[LEADERS].lines,
        )
        self._record(LEADERS, leader_outcome)
        leader_ids = leader_outcome.ids

        contracts: dict[str, ContractRecord] = self.results[CONTRACTS].records
        trades: dict[str, tuple] = {}
        people: dict[str, ContractRecord] = {}
        for record in contracts.values():
            trades[record.trade_code] = (record.trade_name,)
            chosen = people.get(record.pseudonym)
            if chosen is None or (record.start_date, record.line) > (
                chosen.start_date,
                chosen.line,
            ):
                people[record.pseudonym] = record
        trade_outcome = _sync(Trade, "code", ("name",), trades)
        self.changes += len(trade_outcome.new) + len(trade_outcome.changed)
        apprentice_outcome = _sync(
            Apprentice,
            "pseudonym",
            ("first_name", "last_name", "email", "email_valid", "mobile", "mobile_valid"),
            {
                k: (r.first_name, r.last_name, r.email, r.email_valid, r.mobile, r.mobile_valid)
                for k, r in people.items()
            },
        )
        self.changes += len(apprentice_outcome.new) + len(apprentice_outcome.changed)
        trade_ids = trade_outcome.ids
        apprentice_ids = apprentice_outcome.ids
        scope_county = self.scope_county
        contract_outcome = _sync(
            Contract,
            "register_id",
            (
                "apprentice",
                "kind",
                "status",
                "start_date",
                "end_date",
                "trade",
                "company",
                "training_office",
                "professional_leader",
                "county",
                "in_register",
            ),
            {
                k: (
                    apprentice_ids[r.pseudonym],
                    r.kind,
                    r.status,
                    r.start_date,
                    r.end_date,
                    trade_ids[r.trade_code],
                    company_ids[r.company],
                    office_ids[r.office] if r.office else None,
                    leader_ids[r.leader] if r.leader else None,
                    counties[r.county],
                    True,
                )
                for k, r in contracts.items()
            },
            gone_if=(
                self._gone_if()
                if scope_county is None
                else (lambda values: values[9] == scope_county)
            ),
            seen=self.results[CONTRACTS].lines,
            need_ids=False,
        )
        # A contract row whose apprentice's name or contact data changed has changed too.
        touched = apprentice_outcome.changed
        also_changed = sum(
            1
            for k, r in contracts.items()
            if r.pseudonym in touched
            and k not in contract_outcome.new
            and k not in contract_outcome.changed
        )
        contract_outcome.unchanged -= also_changed
        counts = contract_outcome.counts()
        counts["changed"] += also_changed
        self.counts[CONTRACTS] = counts
        self.changes += counts["new"] + counts["changed"] + counts["gone"]
        self.progress.step(self.results[CONTRACTS].rows)
