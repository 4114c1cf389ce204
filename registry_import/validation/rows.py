"""The rows of an extract: each file's rows read by its format (registry_import.extract_format)
into records, the references between the files checked, and every unit placed on the county
structure of the extract's survey year (R-P4). What is wrong is reported with file, line,
column, value and reason.

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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any, NamedTuple

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.structure import CountyStructure, NotPlaced, county_label
from registry_import.extract_format import (
    COMPANY_FORMAT,
    CONTRACT_FORMAT,
    FORMATS,
    LEADER_FORMAT,
    Column,
    FileFormat,
    Kind,
)
from registry_import.readers import COMPANIES, CONTRACTS, LEADERS, OFFICES, Table
from registry_import.validation.parallel import Pending
from registry_import.validation.values import (
    InvalidValue,
    check_email,
    hidden,
    normalise_mobile,
    parse_bool,
    parse_contract_kind,
    parse_contract_status,
    parse_county,
    parse_date,
    parse_identity_number,
    parse_municipality,
    parse_orgnr,
    shown,
)

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
# Kept for code that names them one by one.
TRAINING_OFFICE, TRAINING_COMPANY, PROFESSIONAL_LEADER = (
    REFERENCE_MESSAGES[OFFICES],
    REFERENCE_MESSAGES[COMPANIES],
    REFERENCE_MESSAGES[LEADERS],
)

def _record_type(spec: FileFormat) -> type:
    """A file's record: its line and fields. Defined in this module by name, so that records
    can be pickled (a second process checks part of a national extract's rows)."""
    name = f"{spec.kind.capitalize()}Record"
    record_type = make_dataclass(name, ["line", *spec.fields], slots=True)
    record_type.__module__ = __name__
    record_type.__qualname__ = name
    globals()[name] = record_type
    return record_type


RECORDS = {kind: _record_type(spec) for kind, spec in FORMATS.items()}
# Below this many contract rows a second process costs more than it saves.
PARALLEL_FROM_ROWS = 20_000
# The share of the contracts' rows checked in the second process while this one checks the
# three other files and the rest: their rows are lighter, so about even work on each side.
CHILD_SHARE = 0.6


def problem(file: str, line: int | None, column: str, value: str, message: str) -> dict:
    """The stored form of an error or warning."""
    return {"file": file, "line": line, "column": column, "value": value, "message": message}


@dataclass
class FileResult:
    """One file checked: its usable records by key, and what was wrong.

    `lines` holds the first line of every key seen, used or not, so that a duplicate or a
    reference to a skipped row can point at it. `mapped` counts the rows whose county number
    was of another year's structure and was placed on the survey year's."""

    name: str
    rows: int = 0
    records: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    invalid_email: int = 0
    invalid_mobile: int = 0
    mapped: int = 0
    # References written otherwise than their key (an organisation number with spaces), by
    # (line, column): a report shows the value as written.
    as_written: dict[tuple[int, str], str] = field(default_factory=dict)


def _text(column: Column) -> Callable[[str], str]:
    limit = column.max_length

    def parse(value: str) -> str:
        if len(value) > limit:
            raise InvalidValue(
                _("The value is too long (at most %(max)s characters).") % {"max": limit}
            )
        return value

    return parse


def _cached(parse: Callable[[str], Any]) -> Callable[[str], Any]:
    """`parse` asked once per distinct value: organisation numbers, dates and county numbers
    repeat on thousands of rows."""
    known: dict[str, Any] = {}

    def cached(value: str) -> Any:
        result = known.get(value)
        if result is None:
            try:
                result = parse(value)
            except InvalidValue as invalid:
                result = invalid
            known[value] = result
        if isinstance(result, InvalidValue):
            raise result
        return result

    return cached


class _Plan(NamedTuple):
    """What the row loop needs of one column."""

    index: int  # in the file's rows; past every row's end when the file lacks the column
    column: Column
    contact: Kind | None  # EMAIL or MOBILE: the value is kept, flagged, whatever it is
    parse: Callable[[str], Any]
    blank: Any  # the value of an empty or unusable optional column
    reference: bool  # a reference: the value as written is kept for reports
    unknown: bool  # an optional reference: an `unknown_<field>` follows

    @classmethod
    def of(cls, column: Column, table: Table, parse: Callable[[str], Any]) -> _Plan:
        index = table.columns.get(column.name)
        return cls(
            index=len(table.columns) + 1_000_000 if index is None else index,
            column=column,
            contact=column.kind if column.kind in (Kind.EMAIL, Kind.MOBILE) else None,
            parse=parse,
            blank="" if column.kind in (Kind.TEXT, Kind.MUNICIPALITY) else None,
            reference=bool(column.refers_to),
            unknown=len(column.fields) == 2,
        )


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
        self.allow_synthetic = allow_synthetic
        self.pseudonymise = pseudonymise
        self.on_row = on_row or (lambda: None)
        orgnr = _cached(parse_orgnr)
        self.parsers: dict[Kind, Callable[[str], Any]] = {
            Kind.ORGNR: orgnr,
            Kind.COUNTY: _cached(lambda value: parse_county(value, county_codes)),
            Kind.MUNICIPALITY: _cached(parse_municipality),
            Kind.BOOLEAN: parse_bool,
            Kind.DATE: _cached(parse_date),
            Kind.IDENTITY: self._pseudonym,
            Kind.CONTRACT_KIND: parse_contract_kind,
            Kind.CONTRACT_STATUS: parse_contract_status,
        }

    def _pseudonym(self, value: str) -> str:
        digits = parse_identity_number(value, allow_synthetic=self.allow_synthetic)
        return self.pseudonymise(digits)

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
        return results

    def _read_all(self, tables: dict[str, Table]) -> dict[str, FileResult]:
        """Every file read into records. A national extract's contracts are read partly in a
        second process meanwhile (`parallel`), and the two parts joined as one file."""
        contracts = tables.pop(CONTRACTS)
        rows = contracts.total_rows
        if rows < PARALLEL_FROM_ROWS:
            results = {kind: self._read(FORMATS[kind], tables.pop(kind)) for kind in list(tables)}
            results[CONTRACTS] = self._read(CONTRACT_FORMAT, contracts)
            return results
        first, second = _split(contracts, round(rows * CHILD_SHARE))
        on_row = self.on_row
        self.on_row = _nothing  # the child must not report progress through our cache
        with Pending(self._read_portable, CONTRACT_FORMAT, first) as pending:
            self.on_row = on_row
            results = {kind: self._read(FORMATS[kind], tables.pop(kind)) for kind in list(tables)}
            later = self._read(CONTRACT_FORMAT, second, extra_columns=False)
            earlier = _restored(CONTRACT_FORMAT, pending.result())
        for _row in range(earlier.rows):
            on_row()
        results[CONTRACTS] = _joined(CONTRACT_FORMAT, earlier, later)
        return results

    def _read_portable(self, spec: FileFormat, table: Table) -> FileResult:
        """`_read`, with the records as plain tuples: pickled many times faster."""
        result = self._read(spec, table)
        result.records = {
            key: tuple(getattr(record, f) for f in record.__slots__)
            for key, record in result.records.items()
        }
        return result

    def _read(self, spec: FileFormat, table: Table, *, extra_columns: bool = True) -> FileResult:
        """The file's rows as records; rows with a required value missing or unusable, or a key
        seen before, are skipped. The loop runs for every value of a national extract, so what
        it needs of each column is worked out once, before it (`_Plan`)."""
        result = FileResult(name=table.name)
        for name in table.extra_columns if extra_columns else ():
            result.warnings.append(
                problem(
                    table.name, table.header_line, name, "", _("Unknown column; it is not read.")
                )
            )
        plan = [_Plan.of(column, table, self._parser(column)) for column in spec.columns]
        record_type = RECORDS[spec.kind]
        key_index = 1 + spec.fields.index(spec.column(spec.key).field)
        email = Kind.EMAIL
        for line, values in self._rows(table, result):
            count = len(values)
            out: list[Any] = [line]
            failed = False
            for index, column, contact, parse, blank, reference, unknown in plan:
                raw = values[index] if index < count else ""
                if contact is not None:
                    if not raw:
                        out += ("", False)
                    elif contact is email:
                        value, valid = check_email(raw)
                        result.invalid_email += not valid
                        out += (value, valid)
                    else:
                        value, valid = normalise_mobile(raw)
                        result.invalid_mobile += not valid
                        out += (value, valid)
                    continue
                if raw:
                    try:
                        value = parse(raw)
                    except InvalidValue as invalid:
                        value = blank
                        failed |= self._invalid(result, line, column, raw, invalid)
                    else:
                        if reference and value != raw:
                            result.as_written[(line, column.name)] = raw
                elif column.required:
                    value = None
                    failed = True
                    result.errors.append(
                        problem(result.name, line, column.name, "", _("Missing value."))
                    )
                else:
                    value = blank
                out.append(value)
                if unknown:
                    out.append("")
            key = out[key_index]
            if key is not None:
                first = result.lines.get(key)
                if first is None:
                    result.lines[key] = line
                elif not failed:
                    failed = True
                    result.errors.append(
                        _duplicate(result.name, line, spec.key, key, first)
                    )
            if failed:
                result.skipped += 1
            else:
                result.records[key] = record_type(*out)
        return result

    def _invalid(
        self, result: FileResult, line: int, column: Column, raw: str, invalid: InvalidValue
    ) -> bool:
        """Reports a value that cannot be used; returns whether the row must be skipped (the
        value is required) or kept without it (optional)."""
        reported = hidden() if column.kind is Kind.IDENTITY else shown(raw)
        if column.required:
            result.errors.append(problem(result.name, line, column.name, reported, invalid.message))
            return True
        # The municipality's message says itself that it is not saved.
        suffix = "" if column.kind is Kind.MUNICIPALITY else " " + _kept()
        result.warnings.append(
            problem(result.name, line, column.name, reported, invalid.message + suffix)
        )
        return False

    def _parser(self, column: Column) -> Callable[[str], Any]:
        if column.kind in (Kind.TEXT, Kind.REGISTER_ID):
            return _text(column)
        return self.parsers.get(column.kind, str)

    def _rows(self, table: Table, result: FileResult) -> Iterator[tuple[int, list[str]]]:
        width = len(table.columns) and max(table.columns.values()) + 1
        for line, values in table.rows():
            result.rows += 1
            self.on_row()
            if len(values) > width and any(values[width:]):
                result.errors.append(
                    problem(
                        result.name,
                        line,
                        "",
                        "",
                        _("The row has %(found)s values, but the header has %(expected)s.")
                        % {"found": len(values), "expected": width},
                    )
                )
                result.skipped += 1
                continue
            yield line, values

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
            problem(result.name, record.line, column.name, written, message + " " + _kept())
        )
        setattr(record, column.field, None)
        setattr(record, f"unknown_{column.field}", key)
        return True

    def _place(self, result: FileResult, record: Any, municipality: str) -> bool:
        """Places the record's county on the survey year's structure; skips it when that cannot
        be done. Returns whether the record is kept."""
        try:
            placement = self.structure.place(record.county, municipality or "")
        except NotPlaced as not_placed:
            self._skip(result, record, "fylkesnr", record.county, not_placed_message(not_placed))
            return False
        if placement.mapped:
            result.mapped += 1
            self._mapped[(result.name, record.county, placement.code)] += 1
            record.county = placement.code
        return True

    def _place_offices(self, offices: FileResult, companies: FileResult) -> None:
        """An office has no municipality: a county number of another structure is placed by its
        member companies' municipalities (laerebedrifter.csv), when they agree."""
        members: dict[str, list[str]] = {}
        for company in companies.records.values():
            if company.training_office and company.municipality:
                members.setdefault(company.training_office, []).append(company.municipality)
        for office in list(offices.records.values()):
            try:
                placement = self.structure.place_by_members(
                    office.county, members.get(office.orgnr, [])
                )
            except NotPlaced as not_placed:
                self._skip(
                    offices,
                    office,
                    "fylkesnr",
                    office.county,
                    not_placed_message(not_placed, by_members=True),
                )
                continue
            if placement.mapped:
                offices.mapped += 1
                self._mapped[(offices.name, office.county, placement.code)] += 1
                office.county = placement.code

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


# The record field holding each record's key.
KEY_FIELDS = {RECORDS[kind]: spec.column(spec.key).field for kind, spec in FORMATS.items()}


def _nothing() -> None:
    pass


def _duplicate(file: str, line: int, column: str, key: str, first: int) -> dict:
    return problem(
        file,
        line,
        column,
        shown(key),
        _("The same %(column)s as on line %(line)s; this row is skipped.")
        % {"column": column, "line": first},
    )


def _split(table: Table, at: int) -> tuple[Table, Table]:
    """The table's rows before and from the `at`-th, as two tables."""
    rows = list(table.rows())
    return (
        replace(table, total_rows=at, _rows=rows[:at]),
        replace(table, total_rows=len(rows) - at, _rows=rows[at:]),
    )


def _restored(spec: FileFormat, result: FileResult) -> FileResult:
    """A result read by `_read_portable`, with its records again."""
    record_type = RECORDS[spec.kind]
    result.records = {key: record_type(*values) for key, values in result.records.items()}
    return result


def _joined(spec: FileFormat, earlier: FileResult, later: FileResult) -> FileResult:
    """Two parts of one file read apart, as one: a key of the later part that the earlier part
    had already seen is a duplicate there, as it would have been read in one go."""
    joined = earlier
    for key, first in later.lines.items():
        seen = joined.lines.setdefault(key, first)
        if seen != first and key in later.records:
            del later.records[key]
            later.skipped += 1
            later.errors.append(_duplicate(later.name, first, spec.key, key, seen))
    joined.records.update(later.records)
    joined.rows += later.rows
    joined.skipped += later.skipped
    joined.invalid_email += later.invalid_email
    joined.invalid_mobile += later.invalid_mobile
    joined.as_written.update(later.as_written)
    joined.errors = sorted([*joined.errors, *later.errors], key=_by_line)
    joined.warnings = sorted([*joined.warnings, *later.warnings], key=_by_line)
    return joined


def _by_line(entry: dict) -> int:
    return entry["line"] or 0


def _kept() -> str:
    return _("The row is kept with the value left empty.")


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
