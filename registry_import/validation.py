"""What the values of an extract mean: each value checked with the library made for it, each
row turned into a record or into errors naming file, line, column, value and reason.

Messages are gettext strings with English as the source; the importer evaluates them in bokmål
(they are stored for ops and the national administrator). No message and no reported value ever
holds an identity number: the identity-number column is reported as "(hidden)", and any other
value that is a valid identity number is hidden the same way."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer

from portal.validators import normalise_orgnr
from registry_import.models import ContractKind, ContractStatus
from registry_import.pseudonym import normalise_identity_number
from registry_import.readers import Table


class InvalidValue(ValueError):
    """A value that cannot be used; `message` says why, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Single values --------------------------------------------------------------------------

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NORWEGIAN_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})")


def parse_date(value: str) -> date:
    """`YYYY-MM-DD` or `DD.MM.YYYY`."""
    try:
        if _ISO_DATE.fullmatch(value):
            return date.fromisoformat(value)
        match = _NORWEGIAN_DATE.fullmatch(value)
        if match:
            day, month, year = match.groups()
            return date(int(year), int(month), int(day))
    except ValueError:
        pass
    raise InvalidValue(_("Invalid date: use YYYY-MM-DD or DD.MM.YYYY."))


_TRUE = frozenset({"j", "ja", "true", "1"})
_FALSE = frozenset({"n", "nei", "false", "0"})


def parse_bool(value: str) -> bool:
    """`J`/`N`, `ja`/`nei`, `true`/`false` or `1`/`0`, in any case."""
    folded = value.lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise InvalidValue(_("Invalid value: use J or N."))


# Test persons (Skatteetaten's synthetic population, used in every test environment of the
# national registers) have 80 added to the birth month, on top of the +40 of a D-number's day.
SYNTHETIC_MONTH_OFFSET = 80


def is_synthetic(digits: str) -> bool:
    return len(digits) == 11 and digits.isdigit() and int(digits[2:4]) > SYNTHETIC_MONTH_OFFSET


def _check_digits(nine: str) -> str:
    first = fodselsnummer.calc_check_digit1(nine)
    return first + fodselsnummer.calc_check_digit2(nine + first)


def synthetic_identity_number(born: date, serial: int, *, d_number: bool = False) -> str | None:
    """The synthetic (test person) identity number for a birth date and a three-digit serial
    (individnummer), or None when no valid check digit exists for that serial. The serial must
    fit the birth year's century (500–999 for people born from 2000)."""
    day = born.day + (40 if d_number else 0)
    nine = f"{day:02d}{born.month + SYNTHETIC_MONTH_OFFSET:02d}{born.year % 100:02d}{serial:03d}"
    digits = nine + _check_digits(nine)
    return digits if len(digits) == 11 else None


def parse_identity_number(value: str, *, allow_synthetic: bool) -> str:
    """The eleven digits of a valid fødselsnummer or D-number (stdnum.no.fodselsnummer). A
    synthetic number is valid only when `allow_synthetic`. Ten digits are read with the leading
    zero that a spreadsheet drops restored."""
    digits = normalise_identity_number(value)
    if len(digits) == 10 and digits.isdigit():
        digits = "0" + digits
    if len(digits) != 11 or not digits.isdigit():
        raise InvalidValue(_("Invalid identity number: it must have 11 digits."))
    if is_synthetic(digits):
        if not allow_synthetic:
            raise InvalidValue(
                _("Synthetic identity number (test person) is not allowed on this server.")
            )
        if digits[9:] != _check_digits(digits[:9]):
            raise InvalidValue(_("Invalid identity number: wrong check digit."))
        # The birth date and century rules are those of a real number.
        month = int(digits[2:4]) - SYNTHETIC_MONTH_OFFSET
        try:
            born = fodselsnummer.get_birth_date(f"{digits[:2]}{month:02d}{digits[4:]}")
        except StdnumError:
            born = None
        if born is None or born > date.today():
            raise InvalidValue(_("Invalid identity number: not a valid birth date."))
        return digits
    try:
        return fodselsnummer.validate(digits)
    except InvalidChecksum:
        raise InvalidValue(_("Invalid identity number: wrong check digit.")) from None
    except InvalidComponent:
        raise InvalidValue(_("Invalid identity number: not a valid birth date.")) from None
    except StdnumError:
        raise InvalidValue(_("Invalid identity number: it must have 11 digits.")) from None


def looks_like_identity_number(value: str) -> bool:
    """Whether a value (from any column) is a valid identity number and so must not be shown
    or stored in clear."""
    digits = normalise_identity_number(value)
    if len(digits) == 10 and digits.isdigit():
        digits = "0" + digits
    if len(digits) != 11 or not digits.isdigit():
        return False
    try:
        parse_identity_number(digits, allow_synthetic=True)
    except InvalidValue:
        return False
    return True


def parse_orgnr(value: str) -> str:
    """Nine digits with a valid modulus-11 check digit; spaces allowed (`974 760 673`)."""
    try:
        return normalise_orgnr(value)
    except ValidationError:
        raise InvalidValue(
            _("Invalid organisation number: it must have nine digits and a valid check digit.")
        ) from None


_email_validator = EmailValidator()
EMAIL_MAX_LENGTH = 254
MOBILE_MAX_LENGTH = 32


def check_email(value: str) -> tuple[str, bool]:
    """The address and whether it is valid. An invalid one is kept, for the quality report."""
    if len(value) > EMAIL_MAX_LENGTH:
        return _stored_invalid(value, EMAIL_MAX_LENGTH), False
    try:
        _email_validator(value)
    except ValidationError:
        return _stored_invalid(value, EMAIL_MAX_LENGTH), False
    return value, True


_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
# The common shape, eight digits with or without +47: built directly instead of through the
# general parser, which costs more than the rest of a row's checks together.
_PLAIN_NORWEGIAN = re.compile(r"(?:\+47|0047)?([1-9]\d{7})")
_SEPARATORS = str.maketrans("", "", " -.()\t")


def normalise_mobile(value: str) -> tuple[str, bool]:
    """A mobile number in E.164 (`912 34 567` -> `+4791234567`) and True, or the value as given
    and False when it is not a valid mobile number (a landline is not). Numbers without a
    country code are Norwegian."""
    plain = _PLAIN_NORWEGIAN.fullmatch(value.translate(_SEPARATORS))
    if plain:
        number = phonenumbers.PhoneNumber(country_code=47, national_number=int(plain[1]))
    else:
        try:
            number = phonenumbers.parse(value, "NO")
        except phonenumbers.NumberParseException:
            return _stored_invalid(value, MOBILE_MAX_LENGTH), False
    # number_type is UNKNOWN for a number that is not valid, so it answers both questions.
    if phonenumbers.number_type(number) in _MOBILE_TYPES:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True
    return _stored_invalid(value, MOBILE_MAX_LENGTH), False


def _stored_invalid(value: str, max_length: int) -> str:
    if looks_like_identity_number(value):
        return hidden()
    return value[:max_length]


def hidden() -> str:
    return _("(hidden)")


_KINDS = {
    "LÆREKONTRAKT": ContractKind.APPRENTICE,
    "LAEREKONTRAKT": ContractKind.APPRENTICE,
    "OPPLÆRINGSKONTRAKT": ContractKind.CANDIDATE,
    "OPPLAERINGSKONTRAKT": ContractKind.CANDIDATE,
}
_STATUSES = {
    "LØPENDE": ContractStatus.RUNNING,
    "LOPENDE": ContractStatus.RUNNING,
    "LOEPENDE": ContractStatus.RUNNING,
    "FULLFØRT": ContractStatus.COMPLETED,
    "FULLFORT": ContractStatus.COMPLETED,
    "FULLFOERT": ContractStatus.COMPLETED,
    "HEVET": ContractStatus.TERMINATED,
}


def parse_contract_kind(value: str) -> str:
    """`LÆREKONTRAKT` or `OPPLÆRINGSKONTRAKT` (any case; AE for Æ accepted) as ContractKind."""
    try:
        return _KINDS[value.upper()].value
    except KeyError:
        raise InvalidValue(
            _("Unknown contract type: use LÆREKONTRAKT or OPPLÆRINGSKONTRAKT.")
        ) from None


def parse_contract_status(value: str) -> str:
    """`LØPENDE`, `FULLFØRT` or `HEVET` (any case; O or OE for Ø accepted) as ContractStatus."""
    try:
        return _STATUSES[value.upper()].value
    except KeyError:
        raise InvalidValue(_("Unknown status: use LØPENDE, FULLFØRT or HEVET.")) from None


def parse_county(value: str, codes: set[str] | frozenset[str]) -> str:
    """A county number of the county table; a leading zero dropped by a spreadsheet is
    restored (`3` is `03`)."""
    code = value.zfill(2) if len(value) == 1 else value
    if code not in codes:
        raise InvalidValue(_("Unknown county number."))
    return code


_MUNICIPALITY = re.compile(r"\d{4}")


def parse_municipality(value: str) -> str:
    code = value.zfill(4) if value.isdigit() and len(value) == 3 else value
    if not _MUNICIPALITY.fullmatch(code):
        raise InvalidValue(_("Invalid municipality number (four digits); it is not saved."))
    return code


# --- The four files -------------------------------------------------------------------------

OFFICE_COLUMNS = ("orgnr", "navn", "fylkesnr", "nor_registrert")
OFFICE_OPTIONAL = ("daglig_leder_navn", "daglig_leder_epost", "daglig_leder_mobil")
COMPANY_COLUMNS = ("orgnr", "navn", "fylkesnr", "nlr_registrert")
COMPANY_OPTIONAL = ("kommunenr", "opplaeringskontor_orgnr")
LEADER_COLUMNS = ("faglig_leder_id", "bedrift_orgnr", "fornavn", "etternavn")
LEADER_OPTIONAL = ("epost", "mobil")
CONTRACT_COLUMNS = (
    "kontrakt_id",
    "fodselsnummer",
    "fornavn",
    "etternavn",
    "kontrakttype",
    "status",
    "startdato",
    "sluttdato",
    "laerefag_kode",
    "laerefag_navn",
    "bedrift_orgnr",
    "fylkesnr",
)
CONTRACT_OPTIONAL = ("epost", "mobil", "opplaeringskontor_orgnr", "faglig_leder_id")
IDENTITY_COLUMN = "fodselsnummer"

# What a reference to a row of another file says when that row is missing, or was skipped.
TRAINING_OFFICE = (
    gettext_lazy("Unknown training office: not in %(file)s."),
    gettext_lazy("The training office was not imported (see line %(line)s of %(file)s)."),
)
TRAINING_COMPANY = (
    gettext_lazy("Unknown training company: not in %(file)s."),
    gettext_lazy("The training company was not imported (see line %(line)s of %(file)s)."),
)
PROFESSIONAL_LEADER = (
    gettext_lazy("Unknown professional leader: not in %(file)s."),
    gettext_lazy("The professional leader was not imported (see line %(line)s of %(file)s)."),
)

# The model's column sizes: a longer value would fail the database write.
NAME_MAX = 200
PERSON_NAME_MAX = 100
REGISTER_ID_MAX = 64
TRADE_CODE_MAX = 10


@dataclass(slots=True)
class OfficeRecord:
    line: int
    orgnr: str
    name: str
    county: str
    nor_registered: bool
    manager_name: str
    email: str
    email_valid: bool
    mobile: str
    mobile_valid: bool


@dataclass(slots=True)
class CompanyRecord:
    line: int
    orgnr: str
    name: str
    county: str
    municipality: str
    office: str | None
    nlr_registered: bool


@dataclass(slots=True)
class LeaderRecord:
    line: int
    register_id: str
    company: str
    first_name: str
    last_name: str
    email: str
    email_valid: bool
    mobile: str
    mobile_valid: bool


@dataclass(slots=True)
class ContractRecord:
    line: int
    register_id: str
    pseudonym: str
    first_name: str
    last_name: str
    email: str
    email_valid: bool
    mobile: str
    mobile_valid: bool
    kind: str
    status: str
    start_date: date
    end_date: date
    trade_code: str
    trade_name: str
    company: str
    office: str | None
    leader: str | None
    county: str


@dataclass
class FileResult:
    """One file checked: its usable records by natural key, and what was wrong.

    `lines` holds the first line of every key seen, used or not, so that a duplicate or a
    reference to a skipped row can point at it."""

    name: str
    rows: int = 0
    records: dict[str, Any] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    invalid_email: int = 0
    invalid_mobile: int = 0


def problem(file: str, line: int | None, column: str, value: str, message: str) -> dict:
    """The stored form of an error or warning."""
    return {"file": file, "line": line, "column": column, "value": value, "message": message}


def shown(value: str) -> str:
    """A value as it may be reported: hidden when it is an identity number."""
    return hidden() if looks_like_identity_number(value) else value


class _Row:
    """One row being checked: its values by column name, and the errors found so far."""

    __slots__ = ("columns", "failed", "line", "result", "values")

    def __init__(self, result: FileResult, columns: dict[str, int], line: int, values: list):
        self.result = result
        self.columns = columns
        self.line = line
        self.values = values
        self.failed = False

    def get(self, column: str) -> str:
        index = self.columns.get(column)
        if index is None or index >= len(self.values):
            return ""
        return self.values[index]

    def error(self, column: str, value: str, message: str) -> None:
        self.failed = True
        self.result.errors.append(problem(self.result.name, self.line, column, value, message))

    def text(self, column: str, max_length: int, *, required: bool = True) -> str:
        value = self.get(column)
        if not value:
            if required:
                self.error(column, "", _("Missing value."))
            return ""
        if len(value) > max_length:
            self.error(
                column,
                shown(value),
                _("The value is too long (at most %(max)s characters).") % {"max": max_length},
            )
        return value

    def parsed(self, column: str, parse: Callable[[str], Any], *, required: bool = True) -> Any:
        value = self.get(column)
        if not value:
            if required:
                self.error(column, "", _("Missing value."))
            return None
        try:
            return parse(value)
        except InvalidValue as invalid:
            self.error(column, shown(value), invalid.message)
            return None

    def email(self, column: str) -> tuple[str, bool]:
        value = self.get(column)
        if not value:
            return "", False
        email, valid = check_email(value)
        if not valid:
            self.result.invalid_email += 1
        return email, valid

    def mobile(self, column: str) -> tuple[str, bool]:
        value = self.get(column)
        if not value:
            return "", False
        mobile, valid = normalise_mobile(value)
        if not valid:
            self.result.invalid_mobile += 1
        return mobile, valid

    def first_of(self, column: str, key: str | None) -> bool:
        """Records the key's first line; False (and an error) when it was seen before."""
        if key is None:
            return True
        first = self.result.lines.get(key)
        if first is None:
            self.result.lines[key] = self.line
            return True
        self.error(
            column,
            shown(key),
            _("The same %(column)s as on line %(line)s; this row is skipped.")
            % {"column": column, "line": first},
        )
        return False

    def reference(
        self, column: str, key: str | None, target: FileResult, messages: tuple[Any, Any]
    ) -> None:
        """The key must be a usable row of the target file; `messages` say otherwise."""
        if key is None or key in target.records:
            return
        first = target.lines.get(key)
        unknown, not_imported = messages
        if first is None:
            message = str(unknown) % {"file": target.name}
        else:
            message = str(not_imported) % {"line": first, "file": target.name}
        self.error(column, shown(self.get(column)), message)


class RowChecker:
    """Checks the rows of the four files in order, each against the ones before it."""

    def __init__(
        self,
        *,
        county_codes: set[str] | frozenset[str],
        allow_synthetic: bool,
        pseudonymise: Callable[[str], str],
        on_row: Callable[[], None] | None = None,
    ) -> None:
        self.county_codes = county_codes
        self.allow_synthetic = allow_synthetic
        self.pseudonymise = pseudonymise
        self.on_row = on_row or (lambda: None)
        # Every contract names its company: each distinct number is checked once.
        self._orgnrs: dict[str, str | InvalidValue] = {}

    def orgnr(self, value: str) -> str:
        known = self._orgnrs.get(value)
        if known is None:
            try:
                known = parse_orgnr(value)
            except InvalidValue as invalid:
                known = invalid
            self._orgnrs[value] = known
        if isinstance(known, InvalidValue):
            raise known
        return known

    def _start(self, table: Table) -> FileResult:
        result = FileResult(name=table.name)
        for column in table.extra_columns:
            result.warnings.append(
                problem(
                    table.name,
                    table.header_line,
                    column,
                    "",
                    _("Unknown column; it is not read."),
                )
            )
        return result

    def _rows(self, table: Table, result: FileResult):
        width = len(table.columns) and max(table.columns.values()) + 1
        for line, values in table.rows():
            result.rows += 1
            self.on_row()
            row = _Row(result, table.columns, line, values)
            if len(values) > width and any(values[width:]):
                row.error(
                    "",
                    "",
                    _("The row has %(found)s values, but the header has %(expected)s.")
                    % {"found": len(values), "expected": width},
                )
                result.skipped += 1
                continue
            yield row

    def _county(self, row: _Row) -> str:
        return row.parsed("fylkesnr", lambda v: parse_county(v, self.county_codes))

    def offices(self, table: Table) -> FileResult:
        result = self._start(table)
        for row in self._rows(table, result):
            orgnr = row.parsed("orgnr", self.orgnr)
            unique = row.first_of("orgnr", orgnr)
            record = OfficeRecord(
                row.line,
                orgnr,
                row.text("navn", NAME_MAX),
                self._county(row),
                row.parsed("nor_registrert", parse_bool),
                row.text("daglig_leder_navn", NAME_MAX, required=False),
                *row.email("daglig_leder_epost"),
                *row.mobile("daglig_leder_mobil"),
            )
            if row.failed or not unique:
                result.skipped += 1
            else:
                result.records[orgnr] = record
        return result

    def companies(self, table: Table, offices: FileResult) -> FileResult:
        result = self._start(table)
        for row in self._rows(table, result):
            orgnr = row.parsed("orgnr", self.orgnr)
            unique = row.first_of("orgnr", orgnr)
            office = row.parsed("opplaeringskontor_orgnr", self.orgnr, required=False)
            row.reference("opplaeringskontor_orgnr", office, offices, TRAINING_OFFICE)
            municipality = ""
            value = row.get("kommunenr")
            if value:
                try:
                    municipality = parse_municipality(value)
                except InvalidValue as invalid:
                    result.warnings.append(
                        problem(result.name, row.line, "kommunenr", shown(value), invalid.message)
                    )
            record = CompanyRecord(
                row.line,
                orgnr,
                row.text("navn", NAME_MAX),
                self._county(row),
                municipality,
                office,
                row.parsed("nlr_registrert", parse_bool),
            )
            if row.failed or not unique:
                result.skipped += 1
            else:
                result.records[orgnr] = record
        return result

    def leaders(self, table: Table, companies: FileResult) -> FileResult:
        result = self._start(table)
        for row in self._rows(table, result):
            register_id = row.text("faglig_leder_id", REGISTER_ID_MAX) or None
            unique = row.first_of("faglig_leder_id", register_id)
            company = row.parsed("bedrift_orgnr", self.orgnr)
            row.reference("bedrift_orgnr", company, companies, TRAINING_COMPANY)
            record = LeaderRecord(
                row.line,
                register_id,
                company,
                row.text("fornavn", PERSON_NAME_MAX),
                row.text("etternavn", PERSON_NAME_MAX),
                *row.email("epost"),
                *row.mobile("mobil"),
            )
            if row.failed or not unique:
                result.skipped += 1
            else:
                result.records[register_id] = record
        return result

    def _pseudonym(self, row: _Row) -> str | None:
        value = row.get(IDENTITY_COLUMN)
        if not value:
            row.error(IDENTITY_COLUMN, "", _("Missing value."))
            return None
        try:
            digits = parse_identity_number(value, allow_synthetic=self.allow_synthetic)
        except InvalidValue as invalid:
            row.error(IDENTITY_COLUMN, hidden(), invalid.message)
            return None
        return self.pseudonymise(digits)

    def contracts(
        self,
        table: Table,
        companies: FileResult,
        offices: FileResult,
        leaders: FileResult,
    ) -> FileResult:
        result = self._start(table)
        for row in self._rows(table, result):
            register_id = row.text("kontrakt_id", REGISTER_ID_MAX) or None
            unique = row.first_of("kontrakt_id", register_id)
            company = row.parsed("bedrift_orgnr", self.orgnr)
            row.reference("bedrift_orgnr", company, companies, TRAINING_COMPANY)
            office = row.parsed("opplaeringskontor_orgnr", self.orgnr, required=False)
            row.reference("opplaeringskontor_orgnr", office, offices, TRAINING_OFFICE)
            leader = row.text("faglig_leder_id", REGISTER_ID_MAX, required=False) or None
            row.reference("faglig_leder_id", leader, leaders, PROFESSIONAL_LEADER)
            record = ContractRecord(
                row.line,
                register_id,
                self._pseudonym(row),
                row.text("fornavn", PERSON_NAME_MAX),
                row.text("etternavn", PERSON_NAME_MAX),
                *row.email("epost"),
                *row.mobile("mobil"),
                row.parsed("kontrakttype", parse_contract_kind),
                row.parsed("status", parse_contract_status),
                row.parsed("startdato", parse_date),
                row.parsed("sluttdato", parse_date),
                row.text("laerefag_kode", TRADE_CODE_MAX),
                row.text("laerefag_navn", NAME_MAX),
                company,
                office,
                leader,
                self._county(row),
            )
            if row.failed or not unique:
                result.skipped += 1
            else:
                result.records[register_id] = record
        return result
