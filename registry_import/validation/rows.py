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
from dataclasses import dataclass, field, make_dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from portal.structure import CountyStructure, NotPlaced, county_label
from registry_import.extract_format import FORMATS, Column, FileFormat, Kind
from registry_import.readers import COMPANIES, CONTRACTS, LEADERS, OFFICES, Table
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

RECORDS = {
    kind: make_dataclass(f"{kind.capitalize()}Record", ["line", *spec.fields], slots=True)
    for kind, spec in FORMATS.items()
}


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
        results = {kind: self._read(FORMATS[kind], tables.pop(kind)) for kind in list(tables)}
        offices, companies = results[OFFICES], results[COMPANIES]
        leaders, contracts = results[LEADERS], results[CONTRACTS]
        self._place_offices(offices, companies)
        for record in list(companies.records.values()):
            if self._place(companies, record, record.municipality):
                self._refer(companies, record, "opplaeringskontor_orgnr", offices)
        for record in list(leaders.records.values()):
            self._refer(leaders, record, "bedrift_orgnr", companies)
        for record in list(contracts.records.values()):
            if not self._refer(contracts, record, "bedrift_orgnr", companies):
                continue
            company = companies.records[record.company]
            if self._place(contracts, record, company.municipality):
                self._refer(contracts, record, "opplaeringskontor_orgnr", offices)
                self._refer(contracts, record, "faglig_leder_id", leaders)
        for result in results.values():
            self._report_mapped(result)
        return results

    def _read(self, spec: FileFormat, table: Table) -> FileResult:
        """The file's rows as records; rows with a required value missing or unusable, or a key
        seen before, are skipped."""
        result = FileResult(name=table.name)
        for name in table.extra_columns:
            result.warnings.append(
                problem(
                    table.name, table.header_line, name, "", _("Unknown column; it is not read.")
                )
            )
        plan = [
            (table.columns.get(column.name), column, self._parser(column))
            for column in spec.columns
        ]
        record_type = RECORDS[spec.kind]
        key_index = 1 + spec.fields.index(spec.column(spec.key).field)
        for line, values in self._rows(table, result):
            count = len(values)
            out: list[Any] = [line]
            failed = False
            for index, column, parse in plan:
                raw = values[index] if index is not None and index < count else ""
                kind = column.kind
                if kind is Kind.EMAIL or kind is Kind.MOBILE:
                    out.extend(self._contact(result, kind, raw))
                    continue
                value: Any = None
                if raw:
                    try:
                        value = parse(raw)
                        if column.refers_to and value != raw:
                            result.as_written[(line, column.name)] = raw
                    except InvalidValue as invalid:
                        reported = hidden() if kind is Kind.IDENTITY else shown(raw)
                        if column.required:
                            failed = True
                            result.errors.append(
                                problem(result.name, line, column.name, reported, invalid.message)
                            )
                        else:
                            # The municipality's message says itself that it is not saved.
                            suffix = "" if kind is Kind.MUNICIPALITY else " " + _kept()
                            result.warnings.append(
                                problem(
                                    result.name,
                                    line,
                                    column.name,
                                    reported,
                                    invalid.message + suffix,
                                )
                            )
                elif column.required:
                    failed = True
                    result.errors.append(
                        problem(result.name, line, column.name, "", _("Missing value."))
                    )
                if value is None and kind in (Kind.TEXT, Kind.MUNICIPALITY) and not failed:
                    value = ""
                out.append(value)
                if len(column.fields) == 2:  # an optional reference: unknown_<field>
                    out.append("")
            key = out[key_index]
            if key is not None:
                first = result.lines.get(key)
                if first is None:
                    result.lines[key] = line
                else:
                    failed = True
                    result.errors.append(
                        problem(
                            result.name,
                            line,
                            spec.key,
                            shown(key),
                            _("The same %(column)s as on line %(line)s; this row is skipped.")
                            % {"column": spec.key, "line": first},
                        )
                    )
            if failed:
                result.skipped += 1
            else:
                result.records[key] = record_type(*out)
        return result

    def _parser(self, column: Column) -> Callable[[str], Any]:
        if column.kind in (Kind.TEXT, Kind.REGISTER_ID):
            return _text(column)
        return self.parsers.get(column.kind, str)

    def _contact(self, result: FileResult, kind: Kind, raw: str) -> tuple[str, bool]:
        if not raw:
            return "", False
        if kind is Kind.EMAIL:
            value, valid = check_email(raw)
            result.invalid_email += not valid
        else:
            value, valid = normalise_mobile(raw)
            result.invalid_mobile += not valid
        return value, valid

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
        key = FORMATS_BY_NAME_KEY[type(record)]
        del result.records[getattr(record, key)]

    def _refer(self, result: FileResult, record: Any, column_name: str, target: FileResult):
        """Whether the record's reference in the column names a record of the target file. A
        required one that does not skips the record; an optional one is emptied and kept as
        written in `unknown_<field>`, with a warning. Returns whether the record is kept."""
        column = FORMATS_BY_RECORD[type(record)].column(column_name)
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


FORMATS_BY_RECORD = {RECORDS[kind]: spec for kind, spec in FORMATS.items()}
FORMATS_BY_NAME_KEY = {RECORDS[kind]: spec.column(spec.key).field for kind, spec in FORMATS.items()}


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
