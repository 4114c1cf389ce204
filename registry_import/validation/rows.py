"""The rows of an extract: each file's rows read by its format into records (`file_records`), the
references between the files checked, and every unit placed on the county structure of the
extract's survey year (R-P4). What is wrong is reported with file, line, column, value and
reason.

- A row whose required value is missing or cannot be used is skipped (an error). An optional
  value that cannot be used is left empty and the row kept (a warning); an invalid e-mail or
  mobile is kept as written, flagged invalid.
- Within a file the first row with a key counts; a later one is skipped.
- A required reference (a contract's or leader's company) to a row the extract lacks, or
  skipped, skips the row. An optional one (a contract's professional leader or training office,
  a company's training office) is left empty and the row kept, with a warning: losing the row
  would lose an apprentice from LU and a company from LBU and ÅR. The contract keeps the value
  as written (`unknown_<field>`) for the county's quality report.
- A county number that does not exist in the survey year is placed by `CountyStructure`: a
  company by its own municipality, a contract by its company's, a training office by its member
  companies' (in laerebedrifter.csv) when they agree. A row that cannot be placed is skipped
  with an error naming the number, the year and what it became.

Messages are evaluated in the active language (the importer uses bokmål). No message and no
reported value ever holds an identity number."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from functools import partial
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.organisations.structure import CountyStructure, NotPlaced, Placement, county_label
from registry_import.extract_files import COMPANIES, CONTRACTS, LEADERS, OFFICES, Table
from registry_import.extract_format import (
    COMPANY_FORMAT,
    CONTRACT_FORMAT,
    FORMATS,
    LEADER_FORMAT,
    Column,
)
from registry_import.validation.file_records import (
    KEY_FIELDS,
    FileReader,
    FileResult,
    by_line,
    joined,
    kept,
    problem,
    restored,
    shown,
    split_table,
)
from registry_import.validation.parallel import Pending

# What a reference to a row of another file says when that row is missing, or was skipped.
REFERENCE_MESSAGES = {
    OFFICES: (
        gettext_lazy("Unknown training office: not in %(file)s."),
        gettext_lazy("The training office was not imported (see line %(line)s of %(file)s)."),
    ),
    COMPANIES: (
        gettext_lazy("Unknown training company: not in %(file)s."),
        gettext_lazy("The training company was not imported (see line %(line)s of %(file)s)."),
    ),
    LEADERS: (
        gettext_lazy("Unknown professional leader: not in %(file)s."),
        gettext_lazy("The professional leader was not imported (see line %(line)s of %(file)s)."),
    ),
}

# Below this many contract rows a second process costs more than it saves.
PARALLEL_FROM_ROWS = 20_000
# The share of the contracts' rows checked in the second process while this one checks the
# three other files and the rest: their rows are lighter, so about even work on each side.
CHILD_SHARE = 0.6


class RowChecker:
    """Reads the four files' rows into records, in the order their references need."""

    def __init__(
        self,
        *,
        structure: CountyStructure,
        county_codes: set[str] | frozenset[str],
        allow_synthetic: bool,
        pseudonymise: Callable[[str], str],
        on_row: Callable[[], None] | None = None,
    ) -> None:
        self.structure = structure
        self.reader = FileReader(
            county_codes=county_codes,
            allow_synthetic=allow_synthetic,
            pseudonymise=pseudonymise,
            on_row=on_row,
        )

    # --- The four files -------------------------------------------------------------------

    def check(self, tables: dict[str, Table]) -> dict[str, FileResult]:
        """Every file's records. The tables are consumed (their rows released as read)."""
        self._mapped: Counter[tuple[str, str, str]] = Counter()
        results = self._read_all(tables)
        offices, companies = results[OFFICES], results[COMPANIES]
        leaders, contracts = results[LEADERS], results[CONTRACTS]
        self._place_offices(offices, companies)
        company_office = COMPANY_FORMAT.column("opplaeringskontor_orgnr")
        for record in list(companies.records.values()):
            if self._place(companies, record, record.municipality):
                self._refer(companies, record, company_office, offices)
        leader_company = LEADER_FORMAT.column("bedrift_orgnr")
        for record in list(leaders.records.values()):
            self._refer(leaders, record, leader_company, companies)
        contract_company = CONTRACT_FORMAT.column("bedrift_orgnr")
        contract_office = CONTRACT_FORMAT.column("opplaeringskontor_orgnr")
        contract_leader = CONTRACT_FORMAT.column("faglig_leder_id")
        company_records = companies.records
        for record in list(contracts.records.values()):
            if not self._refer(contracts, record, contract_company, companies):
                continue
            if self._place(contracts, record, company_records[record.company].municipality):
                self._refer(contracts, record, contract_office, offices)
                self._refer(contracts, record, contract_leader, leaders)
        for result in results.values():
            self._report_mapped(result)
            # What the file's own rows said, then what the other files said of them: by line.
            result.errors.sort(key=by_line)
            result.warnings.sort(key=by_line)
        return results

    def _read_all(self, tables: dict[str, Table]) -> dict[str, FileResult]:
        """Every file read into records. A national extract's contracts are read partly in a
        second process meanwhile (`parallel`), and the two parts joined as one file."""
        reader = self.reader
        contracts = tables.pop(CONTRACTS)
        rows = contracts.total_rows
        if rows < PARALLEL_FROM_ROWS:
            results = {kind: reader.read(FORMATS[kind], tables.pop(kind)) for kind in list(tables)}
            results[CONTRACTS] = reader.read(CONTRACT_FORMAT, contracts)
            return results
        first, second = split_table(contracts, round(rows * CHILD_SHARE))
        on_row = reader.on_row
        reader.on_row = _nothing  # the child must not report progress through our cache
        with Pending(reader.read_portable, CONTRACT_FORMAT, first) as pending:
            reader.on_row = on_row
            results = {kind: reader.read(FORMATS[kind], tables.pop(kind)) for kind in list(tables)}
            later = reader.read(CONTRACT_FORMAT, second, extra_columns=False)
            earlier = restored(CONTRACT_FORMAT, pending.result())
        for _row in range(earlier.rows):
            on_row()
        results[CONTRACTS] = joined(CONTRACT_FORMAT, earlier, later)
        return results

    # --- Between the files ----------------------------------------------------------------

    def _skip(self, result: FileResult, record: Any, column: str, value: str, message: str):
        result.errors.append(problem(result.name, record.line, column, value, message))
        result.skipped += 1
        del result.records[getattr(record, KEY_FIELDS[type(record)])]

    def _refer(self, result: FileResult, record: Any, column: Column, target: FileResult) -> bool:
        """Whether the record's reference in the column names a record of the target file. A
        required one that does not skips the record; an optional one is emptied and kept as
        written in `unknown_<field>`, with a warning. Returns whether the record is kept."""
        key = getattr(record, column.field)
        if key is None or key in target.records:
            return True
        written = shown(result.as_written.get((record.line, column.name), key))
        first = target.lines.get(key)
        unknown, not_imported = REFERENCE_MESSAGES[column.refers_to]
        if first is None:
            message = str(unknown) % {"file": target.name}
        else:
            message = str(not_imported) % {"line": first, "file": target.name}
        if column.required:
            self._skip(result, record, column.name, written, message)
            return False
        result.warnings.append(
            problem(result.name, record.line, column.name, written, message + " " + kept())
        )
        setattr(record, column.field, None)
        setattr(record, f"unknown_{column.field}", key)
        return True

    def _place(self, result: FileResult, record: Any, municipality: str) -> bool:
        """Places the record's county on the survey year's structure; skips it when that cannot
        be done. Returns whether the record is kept."""
        return self._apply_placement(
            result, record, lambda: self.structure.place(record.county, municipality or "")
        )

    def _place_offices(self, offices: FileResult, companies: FileResult) -> None:
        """An office has no municipality: a county number of another structure is placed by its
        member companies' municipalities (laerebedrifter.csv), when they agree."""
        members: dict[str, list[str]] = {}
        for company in companies.records.values():
            if company.training_office and company.municipality:
                members.setdefault(company.training_office, []).append(company.municipality)
        for office in list(offices.records.values()):
            self._apply_placement(
                offices,
                office,
                partial(
                    self.structure.place_by_members, office.county, members.get(office.orgnr, [])
                ),
                by_members=True,
            )

    def _apply_placement(
        self,
        result: FileResult,
        record: Any,
        place: Callable[[], Placement],
        *,
        by_members: bool = False,
    ) -> bool:
        try:
            placement = place()
        except NotPlaced as not_placed:
            message = not_placed_message(not_placed, by_members=by_members)
            self._skip(result, record, "fylkesnr", record.county, message)
            return False
        if placement.mapped:
            result.mapped += 1
            self._mapped[(result.name, record.county, placement.code)] += 1
            record.county = placement.code
        return True

    def _report_mapped(self, result: FileResult) -> None:
        for (name, given, placed), count in sorted(self._mapped.items()):
            if name != result.name:
                continue
            result.warnings.append(
                problem(
                    name,
                    None,
                    "fylkesnr",
                    given,
                    ngettext(
                        "County number %(given)s does not exist in %(year)s; %(count)s row was "
                        "placed in %(placed)s.",
                        "County number %(given)s does not exist in %(year)s; %(count)s rows "
                        "were placed in %(placed)s.",
                        count,
                    )
                    % {
                        "given": county_label(given),
                        "year": self.structure.year,
                        "count": count,
                        "placed": county_label(placed),
                    },
                )
            )


def _nothing() -> None:
    pass


def not_placed_message(error: NotPlaced, *, by_members: bool = False) -> str:
    """Why a county number could not be placed on the survey year's structure."""
    became = _join([county_label(code) for code in error.became])
    message = _(
        "County number %(code)s does not exist in %(year)s; in %(year)s its area lies in "
        "%(became)s."
    ) % {"code": county_label(error.code), "year": error.year, "became": became}
    if by_members:
        reason = _(
            "The office's member companies in laerebedrifter.csv have no municipality numbers "
            "that tell which."
        )
    elif error.municipality:
        reason = _("Municipality %(municipality)s lies in none of them.") % {
            "municipality": error.municipality
        }
    else:
        reason = _("There is no municipality number (kommunenr of the company) to tell which.")
    return f"{message} {reason}"


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return _("%(items)s and %(last)s") % {"items": ", ".join(items[:-1]), "last": items[-1]}
