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
  reported with the line of the first. A row whose required reference (its company) names a
  missing or skipped row is skipped too; an optional reference (a training office, a
  professional leader) is emptied and the row kept, with a warning (registry_import.
  validation.rows). A skipped row leaves its record in the register as it was: it is not
  "gone".
- Every unit is placed on the county structure of the survey year (R-P4, validation.rows).
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
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from portal.lib.oslo import oslo_now
from portal.models import Company, County, TrainingOffice
from portal.organisations.structure import CountyStructure
from registry_import.extract_files import (
    CONTRACTS,
    KINDS,
    FileRefused,
    Table,
    collect_extract,
    read_table,
)
from registry_import.extract_format import FORMATS
from registry_import.importing.liveness import import_runs_fail_interrupted, run_alive
from registry_import.importing.progress import Progress, ProgressCallback
from registry_import.importing.sync import Sync
from registry_import.models import (
    Apprentice,
    Contract,
    ImportRun,
    ImportStatus,
    ProfessionalLeader,
)
from registry_import.pseudonym import Pseudonymiser
from registry_import.signals import import_succeeded
from registry_import.undeliverable import undeliverable_apply
from registry_import.validation import FileResult, RowChecker, problem

# Named after the module that has always logged the import, which is what log filters know.
logger = logging.getLogger("registry_import.services")

# Errors kept in the ImportRun; a wholly wrong national file would otherwise store megabytes.
MAX_STORED_ERRORS = 10_000
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
    survey_year: int | None = None,
) -> ImportRun:
    """Imports the extract found in `sources` (folders, .zip files or single files) and returns
    its ImportRun: created here, or `run` (queued) when given. Bad input never raises: it ends
    as status refused (a file cannot be read as the format) with rows that cannot be used
    listed in `errors`. An unexpected error ends as failed with nothing changed; an interrupt
    (Ctrl-C) is recorded as failed and raised again.

    `survey_year` is the year whose reference date the extract is for, and so the county
    structure its units are placed on (R-P4): by default the run's, or else the year of the
    import in Norway (from January to September the 1 October to come, from October the one
    just passed)."""
    import_runs_fail_interrupted()
    if run is None:
        run = ImportRun(source=source)
    if user is not None and getattr(user, "is_authenticated", False):
        run.started_by = user
    run.dry_run = dry_run
    run.survey_year = survey_year or run.survey_year or oslo_now().year
    run.started_at = timezone.now()
    run.finished_at = None
    run.files, run.counts, run.warnings, run.errors, run.message = [], {}, [], [], ""
    run.extract_sha256 = ""
    # Running only once its lock is held (importing.liveness).
    run.status = ImportStatus.QUEUED
    run.save()
    with run_alive(run):
        _import_guarded(run, sources, dry_run, progress)
    return run


def _import_guarded(run: ImportRun, sources, dry_run: bool, progress) -> None:
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


class _DryRun(Exception):
    """Raised at the end of a dry run to roll its writes back."""


def _import(run: ImportRun, sources: list[Path], dry_run: bool, callback) -> None:
    tables = _read(run, sources)
    if tables is None:
        return
    progress = Progress(callback)
    rows = sum(t.total_rows for t in tables.values())
    # Checking the rows is half the work, writing them the other half.
    progress.start(2 * rows)
    county_ids = dict(County.objects.values_list("code", "id"))
    results, error_count = _check(run, tables, county_ids, progress)
    contract_counties = {r.county for r in results[CONTRACTS].records.values()}
    sync = Sync(results, county_ids, contract_counties, progress)
    _write(sync, dry_run)
    progress.finish()

    run.counts = {
        result.name: sync.counts[kind]
        | {"skipped": result.skipped}
        | {"invalid_email": result.invalid_email, "invalid_mobile": result.invalid_mobile}
        | {"mapped": result.mapped}
        for kind, result in results.items()
    }
    status, message = _outcome(run, results, sync, dry_run)
    message += " " + _scope_text(contract_counties)
    if error_count > MAX_STORED_ERRORS:
        message += " " + _("Only the first %(kept)s of %(count)s errors are stored.") % {
            "kept": MAX_STORED_ERRORS,
            "count": error_count,
        }
    _finish(run, status, message)
    if status == ImportStatus.SUCCEEDED:
        _after_change(run)


def _read(run: ImportRun, sources: list[Path]) -> dict[str, Table] | None:
    """The four files read as tables, recorded on the run; None when the extract is refused."""
    extract = collect_extract(sources)
    for name in extract.ignored:
        run.warnings.append(
            problem(name, None, "", "", _("The file is not part of the extract format; not read."))
        )
    run.files = [_file_entry(extract.files[k]) for k in KINDS if k in extract.files]
    run.extract_sha256 = _extract_sha256(extract.files)
    if extract.refusals:
        _refuse(run, extract.refusals)
        return None
    tables: dict[str, Table] = {}
    refusals: list[FileRefused] = []
    for kind in KINDS:
        spec = FORMATS[kind]
        try:
            tables[kind] = read_table(extract.files[kind], spec.required, spec.optional)
        except FileRefused as refusal:
            refusals.append(refusal)
    if refusals:
        _refuse(run, refusals)
        return None
    for entry, kind in zip(run.files, KINDS, strict=True):
        entry["rows"] = tables[kind].total_rows
    return tables


def _check(
    run: ImportRun, tables: dict[str, Table], county_ids: dict[str, int], progress: Progress
) -> tuple[dict[str, FileResult], int]:
    """Every row checked and placed on the run's survey year; the run gets the warnings and
    the first errors. Returns the results and how many errors there were."""
    assert run.survey_year is not None  # given a year when the run started
    checker = RowChecker(
        structure=CountyStructure(run.survey_year),
        county_codes=frozenset(county_ids),
        allow_synthetic=getattr(settings, "ALLOW_SYNTHETIC_IDS", False),
        pseudonymise=Pseudonymiser(),
        on_row=progress.step,
    )
    results = checker.check(tables)
    undeliverable_apply(results.values())  # a bounced address stays invalid until VIGO changes it
    for result in results.values():
        run.warnings.extend(result.warnings)
        run.errors.extend(result.errors)
    error_count = len(run.errors)
    del run.errors[MAX_STORED_ERRORS:]
    return results, error_count


def _write(sync: Sync, dry_run: bool) -> None:
    """The register brought in line with the extract in one transaction, rolled back after a
    dry run."""
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


def _outcome(
    run: ImportRun, results: dict[str, FileResult], sync: Sync, dry_run: bool
) -> tuple[str, str]:
    """The run's status and the sentence that sums it up."""
    totals = {key: sum(c[key] for c in run.counts.values()) for key in ("new", "changed", "gone")}
    totals["skipped"] = sum(r.skipped for r in results.values())
    summary = (
        _(
            "%(new)s new, %(changed)s changed, %(gone)s no longer in the register, "
            "%(skipped)s rows skipped."
        )
        % totals
    )
    if dry_run:
        return ImportStatus.DRY_RUN, _(
            "Dry run, nothing was saved. The import would give: %(summary)s"
        ) % {"summary": summary}
    if not sync.changes:
        message = _("No changes: the register already matched this extract.")
        previous = _last_successful(run)
        if previous is not None and previous.extract_sha256 == run.extract_sha256:
            message += " " + _("It is the same extract as the import of %(when)s.") % {
                "when": oslo_now(previous.finished_at).strftime("%d.%m.%Y %H:%M")
            }
        return ImportStatus.UNCHANGED, message
    return ImportStatus.SUCCEEDED, _("The extract was imported: %(summary)s") % {
        "summary": summary
    }


def _after_change(run: ImportRun) -> None:
    """Fresh planner statistics for the pages that read the register right after a large
    import; then, once committed, the announcement that the register changed (the surveys
    bring their samples up to date with it)."""
    if connection.vendor == "postgresql":
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for model in (Contract, Apprentice, ProfessionalLeader, Company, TrainingOffice):
                columns = ", ".join(quote(column) for column in _planned_columns(model))
                cursor.execute(f"ANALYZE {quote(model._meta.db_table)} ({columns})")
    transaction.on_commit(lambda: import_succeeded.send(sender=ImportRun, run=run))


def _planned_columns(model: type[models.Model]) -> list[str]:
    """The columns the portal's queries join and filter the register on (keys, flags, dates,
    statuses): their statistics are what the planner needs right after a large import. The
    wide text columns, half the cost of a full ANALYZE, are left to autovacuum."""
    return [
        f.column
        for f in model._meta.concrete_fields
        if f.is_relation or f.choices or isinstance(f, models.BooleanField | models.DateField)
    ]


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
