"""The import of a register extract (docs/formats.md) into the register, all or nothing.

`import_extract` reads and checks the four files without touching the database, then in one
transaction loads what the register holds keyed by natural key (orgnr, register id, pseudonym,
trade code), compares in Python and writes only the differences in bulk: no query per row, so a
national extract takes seconds. Every attempt is recorded in an ImportRun, which is saved
outside that transaction and so survives a failed or interrupted import.

Rules the format leaves open, decided here:

- A file that cannot be read as the format (missing or doubled file, empty, not text, missing
  column, no rows) refuses the whole extract; nothing is changed.
- Within a file the first row with an id counts: a later row with the same id is skipped and
  reported with the line of the first. A row that refers to a skipped row is skipped too. A
  skipped row leaves its record in the register as it was: it is not "gone".
- An apprentice with several contracts takes name and contact data from the contract that
  started last (the later line on a tie). A trade takes the name of its last row.
- What is "gone": an extract whose contracts belong to several counties is the whole register,
  so any contract, company, office or leader missing from it is marked in_register=False. An
  extract of one county's contracts says nothing about companies, offices and leaders elsewhere:
  only that county's missing contracts are marked. Whatever appears again is marked
  in_register=True. Nothing is deleted.
- Re-importing the same extract writes nothing and ends as "unchanged".
"""

from __future__ import annotations

import gc
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.models import Company, County, TrainingOffice
from registry_import.models import (
    Apprentice,
    Contract,
    ImportRun,
    ImportStatus,
    ProfessionalLeader,
    Trade,
)
from registry_import.pseudonym import Pseudonymiser
from registry_import.readers import (
    COMPANIES,
    CONTRACTS,
    KINDS,
    LEADERS,
    OFFICES,
    FileRefused,
    Table,
    collect_extract,
    read_table,
)
from registry_import.validation import (
    COMPANY_COLUMNS,
    COMPANY_OPTIONAL,
    CONTRACT_COLUMNS,
    CONTRACT_OPTIONAL,
    LEADER_COLUMNS,
    LEADER_OPTIONAL,
    OFFICE_COLUMNS,
    OFFICE_OPTIONAL,
    ContractRecord,
    FileResult,
    RowChecker,
    problem,
)

logger = logging.getLogger(__name__)

ProgressCallback = Callable[[int, int], None]

COLUMNS = {
    OFFICES: (OFFICE_COLUMNS, OFFICE_OPTIONAL),
    COMPANIES: (COMPANY_COLUMNS, COMPANY_OPTIONAL),
    LEADERS: (LEADER_COLUMNS, LEADER_OPTIONAL),
    CONTRACTS: (CONTRACT_COLUMNS, CONTRACT_OPTIONAL),
}

# Errors kept in the ImportRun; a wholly wrong national file would otherwise store megabytes.
MAX_STORED_ERRORS = 10_000
BATCH_SIZE = 2_000
# One import at a time on PostgreSQL; a second waits for the first to commit.
_LOCK_ID = 0x5245_4749  # "REGI"

_SUCCESSFUL = (ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED)


def import_extract(
    sources: Sequence[Path],
    *,
    dry_run: bool = False,
    user=None,
    source: str = "command",
    run: ImportRun | None = None,
    progress: ProgressCallback | None = None,
) -> ImportRun:
    """Imports the extract found in `sources` (folders, .zip files or single files) and returns
    its ImportRun: created here, or `run` (queued) when given. Bad input never raises: it ends
    as status refused (a file cannot be read as the format) with rows that cannot be used
    listed in `errors`. An unexpected error ends as failed with nothing changed; an interrupt
    (Ctrl-C) is recorded as failed and raised again."""
    if run is None:
        run = ImportRun(source=source)
    if user is not None and getattr(user, "is_authenticated", False):
        run.started_by = user
    run.dry_run = dry_run
    run.status = ImportStatus.RUNNING
    run.started_at = timezone.now()
    run.finished_at = None
    run.files, run.counts, run.warnings, run.errors, run.message = [], {}, [], [], ""
    run.extract_sha256 = ""
    run.save()
    # Hundreds of thousands of small objects, none in a reference cycle: the cyclic garbage
    # collector would walk them again and again for nothing (a fifth of the time).
    collecting = gc.isenabled()
    gc.disable()
    try:
        with translation.override("nb"):
            _import(run, [Path(s) for s in sources], dry_run, progress)
    except (KeyboardInterrupt, SystemExit):
        with translation.override("nb"):
            _finish(run, ImportStatus.FAILED, _("The import was interrupted. Nothing was saved."))
        raise
    except Exception as exc:
        # The traceback goes to the log only: the message is shown to people and must hold
        # no data from the extract.
        logger.exception("Register import %s stopped on an unexpected error", run.pk)
        with translation.override("nb"):
            _finish(
                run,
                ImportStatus.FAILED,
                _("The import stopped on an unexpected error (%(error)s). Nothing was saved.")
                % {"error": type(exc).__name__},
            )
    finally:
        if collecting:
            gc.enable()
    return run


class _Progress:
    """Reports (done, total) to the callback about every half per cent, not on every row."""

    def __init__(self, callback: ProgressCallback | None) -> None:
        self.callback = callback
        self.done = 0
        self.total = 0
        self._next = 0

    def start(self, total: int) -> None:
        self.total = max(total, 1)
        self._report()

    def step(self, count: int = 1) -> None:
        self.done = min(self.done + count, self.total)
        if self.done >= self._next:
            self._report()

    def finish(self) -> None:
        self.done = self.total
        self._report()

    def _report(self) -> None:
        self._next = self.done + max(self.total // 200, 1)
        if self.callback is not None:
            self.callback(self.done, self.total)


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its writes back."""


def _import(run: ImportRun, sources: list[Path], dry_run: bool, callback) -> None:
    extract = collect_extract(sources)
    for name in extract.ignored:
        run.warnings.append(
            problem(name, None, "", "", _("The file is not part of the extract format; not read."))
        )
    run.files = [_file_entry(extract.files[k]) for k in KINDS if k in extract.files]
    run.extract_sha256 = _extract_sha256(extract.files)
    if extract.refusals:
        _refuse(run, extract.refusals)
        return

    tables: dict[str, Table] = {}
    refusals: list[FileRefused] = []
    for kind in KINDS:
        required, optional = COLUMNS[kind]
        try:
            tables[kind] = read_table(extract.files[kind], required, optional)
        except FileRefused as refusal:
            refusals.append(refusal)
    if refusals:
        _refuse(run, refusals)
        return
    for entry, kind in zip(run.files, KINDS, strict=True):
        entry["rows"] = tables[kind].total_rows
    del extract

    progress = _Progress(callback)
    rows = sum(t.total_rows for t in tables.values())
    # Checking the rows is half the work, writing them the other half.
    progress.start(2 * rows)
    county_ids = dict(County.objects.values_list("code", "id"))
    checker = RowChecker(
        county_codes=frozenset(county_ids),
        allow_synthetic=getattr(settings, "ALLOW_SYNTHETIC_IDS", False),
        pseudonymise=Pseudonymiser(),
        on_row=progress.step,
    )
    offices = checker.offices(tables.pop(OFFICES))
    companies = checker.companies(tables.pop(COMPANIES), offices)
    leaders = checker.leaders(tables.pop(LEADERS), companies)
    contracts = checker.contracts(tables.pop(CONTRACTS), companies, offices, leaders)
    results = {OFFICES: offices, COMPANIES: companies, LEADERS: leaders, CONTRACTS: contracts}
    for result in results.values():
        run.warnings.extend(result.warnings)
        run.errors.extend(result.errors)
    error_count = len(run.errors)
    del run.errors[MAX_STORED_ERRORS:]

    contract_counties = {r.county for r in contracts.records.values()}
    sync = _Sync(results, county_ids, contract_counties, progress)
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_ID])
            sync.run()
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    progress.finish()

    run.counts = {
        result.name: sync.counts[kind]
        | {"skipped": result.skipped}
        | {"invalid_email": result.invalid_email, "invalid_mobile": result.invalid_mobile}
        for kind, result in results.items()
    }
    totals = {key: sum(c[key] for c in run.counts.values()) for key in ("new", "changed", "gone")}
    totals["skipped"] = sum(r.skipped for r in results.values())
    summary = (
        _(
            "%(new)s new, %(changed)s changed, %(gone)s no longer in the register, "
            "%(skipped)s rows skipped."
        )
        % totals
    )
    scope = _scope_text(contract_counties)
    if dry_run:
        status = ImportStatus.DRY_RUN
        message = _("Dry run, nothing was saved. The import would give: %(summary)s") % {
            "summary": summary
        }
    elif not sync.changes:
        status = ImportStatus.UNCHANGED
        message = _("No changes: the register already matched this extract.")
        previous = _last_successful(run)
        if previous is not None and previous.extract_sha256 == run.extract_sha256:
            message += " " + _("It is the same extract as the import of %(when)s.") % {
                "when": timezone.localtime(previous.finished_at).strftime("%d.%m.%Y %H:%M")
            }
    else:
        status = ImportStatus.SUCCEEDED
        message = _("The extract was imported: %(summary)s") % {"summary": summary}
    message += " " + scope
    if error_count > MAX_STORED_ERRORS:
        message += " " + _("Only the first %(kept)s of %(count)s errors are stored.") % {
            "kept": MAX_STORED_ERRORS,
            "count": error_count,
        }
    _finish(run, status, message)
    if status == ImportStatus.SUCCEEDED:
        _after_change()


def _after_change() -> None:
    """Fresh planner statistics for the pages that read the register right after a large
    import, and the samples brought up to date with it (contact data of frozen samples,
    preliminary samples during quality assurance)."""
    from surveys.tasks import on_register_import_succeeded

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Contract, Apprentice, ProfessionalLeader, Company, TrainingOffice):
                cursor.execute(f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}")
    transaction.on_commit(on_register_import_succeeded)


def _file_entry(source) -> dict[str, Any]:
    return {"name": source.name, "sha256": source.sha256, "rows": None}


def _extract_sha256(files) -> str:
    digest = hashlib.sha256()
    for kind in KINDS:
        if kind in files:
            digest.update(f"{kind}:{files[kind].sha256}\n".encode())
    return digest.hexdigest()


def _scope_text(counties: set[str]) -> str:
    if len(counties) > 1:
        return _("The extract covers the whole country.")
    if len(counties) == 1:
        code = next(iter(counties))
        county = County.objects.filter(code=code).first()
        return _("The extract covers one county: %(county)s.") % {"county": county or code}
    return _("The extract has no usable contract, so nothing was marked as gone.")


def _last_successful(run: ImportRun) -> ImportRun | None:
    return (
        ImportRun.objects.filter(status__in=_SUCCESSFUL, dry_run=False)
        .exclude(pk=run.pk)
        .order_by("-finished_at")
        .first()
    )


def _refuse(run: ImportRun, refusals: list[FileRefused]) -> None:
    run.errors = [problem(r.file, r.line, r.column, "", r.message) for r in refusals]
    lines = "\n".join(f"{r.file}: {r.message}" for r in refusals)
    _finish(
        run,
        ImportStatus.REFUSED,
        _("The extract was refused; nothing was changed.") + "\n" + lines,
    )


def _finish(run: ImportRun, status: str, message: str) -> None:
    run.status = status
    run.message = message
    run.finished_at = timezone.now()
    try:
        run.save()
    except Exception:
        # The database itself may be what failed; the log keeps the outcome then.
        logger.exception("Register import %s: its outcome (%s) could not be saved", run.pk, status)
        raise
    # Counts only: the log holds no value from the extract.
    logger.info(
        "Register import %s: %s (new/changed/gone/skipped: %s)",
        run.pk,
        status,
        ", ".join(
            f"{name} " + "/".join(str(c.get(k, 0)) for k in ("new", "changed", "gone", "skipped"))
            for name, c in run.counts.items()
        )
        or "-",
    )


# --- Writing the differences ----------------------------------------------------------------


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


class _Sync:
    """The writing half of an import: each table in the order its foreign keys need."""

    def __init__(
        self,
        results: dict[str, FileResult],
        county_ids: dict[str, int],
        contract_counties: set[str],
        progress: _Progress,
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


# --- The report -----------------------------------------------------------------------------

REPORT_ERRORS = 50


def format_report(run: ImportRun, *, max_errors: int = REPORT_ERRORS) -> str:
    """The run as text for people (bokmål): status and message, counts per file, warnings,
    then the first errors as "fil:linje kolonne «verdi»: grunn"."""
    with translation.override("nb"):
        return _format_report(run, max_errors)


def _problem_line(entry: dict[str, Any]) -> str:
    where = str(entry.get("file") or "")
    if entry.get("line"):
        where += f":{entry['line']}"
    parts = [where]
    if entry.get("column"):
        parts.append(str(entry["column"]))
        parts.append(f"«{entry.get('value') or ''}»")
    return " ".join(parts) + f": {entry.get('message', '')}"


def _format_report(run: ImportRun, max_errors: int) -> str:
    lines = [
        _("Register import: %(status)s") % {"status": ImportStatus(run.status).label},
        run.message,
    ]
    if run.counts:
        lines.append("")
        lines.append(_("Files:"))
        rows = {f["name"]: f.get("rows") for f in run.files}
        for name, counts in run.counts.items():
            line = _(
                "%(name)s: %(rows)s rows; %(new)s new, %(changed)s changed, "
                "%(unchanged)s unchanged, %(gone)s no longer in the register, "
                "%(skipped)s skipped"
            ) % {"name": name, "rows": rows.get(name, "?"), **counts}
            if counts.get("invalid_email") or counts.get("invalid_mobile"):
                line += " " + _("(invalid e-mail: %(email)s, invalid mobile: %(mobile)s)") % {
                    "email": counts.get("invalid_email", 0),
                    "mobile": counts.get("invalid_mobile", 0),
                }
            lines.append("  " + line)
    if run.warnings:
        lines.append("")
        lines.append(_("Warnings (%(count)s):") % {"count": len(run.warnings)})
        lines.extend("  " + _problem_line(w) for w in run.warnings[:max_errors])
        if len(run.warnings) > max_errors:
            lines.append(
                "  " + _("… and %(count)s more") % {"count": len(run.warnings) - max_errors}
            )
    if run.errors and run.status != ImportStatus.REFUSED:
        lines.append("")
        lines.append(_("Errors (%(count)s):") % {"count": len(run.errors)})
        lines.extend("  " + _problem_line(e) for e in run.errors[:max_errors])
        if len(run.errors) > max_errors:
            lines.append("  " + _("… and %(count)s more") % {"count": len(run.errors) - max_errors})
    return "\n".join(lines)
