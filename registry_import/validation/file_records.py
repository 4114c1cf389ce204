"""One file of an extract read into records by its format (registry_import.extract_format):
each value parsed by its column's kind, required values checked, keys kept unique. What is wrong
is reported with file, line, column, value and reason; no message and no reported value ever
holds an identity number. The references between the files are registry_import.validation.
rows's business."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, make_dataclass, replace
from typing import Any, NamedTuple

from django.utils.translation import gettext as _

from registry_import.extract_files import Table
from registry_import.extract_format import FORMATS, Column, FileFormat, Kind
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
# The record field holding each record's key.
KEY_FIELDS = {RECORDS[kind]: spec.column(spec.key).field for kind, spec in FORMATS.items()}


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
                result = _Refused(invalid.message)
            known[value] = result
        if type(result) is _Refused:
            # A new exception each time: a kept one would keep, through its traceback, the
            # frame of the row loop and every record read, until a garbage collection.
            raise InvalidValue(result)
        return result

    return cached


class _Refused(str):
    """Why a cached value was refused."""


class _Plan(NamedTuple):
    """What the row loop needs of one column."""

    position: int  # in the file's rows; past every row's end when the file lacks the column
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
            position=len(table.columns) + 1_000_000 if index is None else index,
            column=column,
            contact=column.kind if column.kind in (Kind.EMAIL, Kind.MOBILE) else None,
            parse=parse,
            blank="" if column.kind in (Kind.TEXT, Kind.MUNICIPALITY) else None,
            reference=bool(column.refers_to),
            unknown=len(column.fields) == 2,
        )


class FileReader:
    """Reads files into records; the parsers, with what they have learnt of each distinct
    value, are kept for every file of an extract."""

    def __init__(
        self,
        *,
        county_codes: set[str] | frozenset[str],
        allow_synthetic: bool,
        pseudonymise: Callable[[str], str],
        on_row: Callable[[], None] | None = None,
    ) -> None:
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

    def read_portable(self, spec: FileFormat, table: Table) -> FileResult:
        """`read`, with each record's values as a plain tuple: what a second process sends back,
        pickled many times faster than records. `restored` makes them records again."""
        return self.read(spec, table, record_type=tuple_of)

    def read(
        self,
        spec: FileFormat,
        table: Table,
        *,
        extra_columns: bool = True,
        record_type: Callable[..., Any] | None = None,
    ) -> FileResult:
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
        record_type = record_type or RECORDS[spec.kind]
        key_index = 1 + spec.fields.index(spec.column(spec.key).field)
        email = Kind.EMAIL
        value: Any
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
                    result.errors.append(duplicate(result.name, line, spec.key, key, first))
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
        suffix = "" if column.kind is Kind.MUNICIPALITY else " " + kept()
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


def duplicate(file: str, line: int, column: str, key: str, first: int) -> dict:
    return problem(
        file,
        line,
        column,
        shown(key),
        _("The same %(column)s as on line %(line)s; this row is skipped.")
        % {"column": column, "line": first},
    )


def tuple_of(*values: Any) -> tuple:
    return values


def split_table(table: Table, at: int) -> tuple[Table, Table]:
    """The table's rows before and from the `at`-th, as two tables."""
    rows = list(table.rows())
    return (
        replace(table, total_rows=at, _rows=rows[:at]),
        replace(table, total_rows=len(rows) - at, _rows=rows[at:]),
    )


def restored(spec: FileFormat, result: FileResult) -> FileResult:
    """A result read by `_read_portable`, with its records again."""
    record_type = RECORDS[spec.kind]
    result.records = {key: record_type(*values) for key, values in result.records.items()}
    return result


def joined(spec: FileFormat, earlier: FileResult, later: FileResult) -> FileResult:
    """Two parts of one file read apart, as one: a key of the later part that the earlier part
    had already seen is a duplicate there, as it would have been read in one go."""
    joined = earlier
    for key, first in later.lines.items():
        seen = joined.lines.setdefault(key, first)
        if seen != first and key in later.records:
            del later.records[key]
            later.skipped += 1
            later.errors.append(duplicate(later.name, first, spec.key, key, seen))
    joined.records.update(later.records)
    joined.rows += later.rows
    joined.skipped += later.skipped
    joined.invalid_email += later.invalid_email
    joined.invalid_mobile += later.invalid_mobile
    joined.as_written.update(later.as_written)
    joined.errors = sorted([*joined.errors, *later.errors], key=by_line)
    joined.warnings = sorted([*joined.warnings, *later.warnings], key=by_line)
    return joined


def by_line(entry: dict) -> tuple[bool, int]:
    """The order of a file's errors and warnings: by line, those of no line (a summary) last."""
    return (entry["line"] is None, entry["line"] or 0)


def kept() -> str:
    return _("The row is kept with the value left empty.")
