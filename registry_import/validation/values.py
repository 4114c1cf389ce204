"""What single values of an extract mean: each checked with the library made for it.

The libraries (python-stdnum, phonenumbers, Django's e-mail validator) are the authority. A
national extract holds about 200,000 such values, so the common shapes are recognised on a fast
path that asks exactly what the library asks, with the library's own data where it has any
(the Norwegian mobile ranges come from phonenumbers' metadata), and every other value goes to
the library itself. The tests compare both paths on large samples of valid and invalid values.

Messages are gettext strings with English as the source. No message and no kept value ever
holds an identity number: see `hidden` and `shown`."""

from __future__ import annotations

import re
from datetime import date
from operator import mul

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils.translation import gettext as _
from stdnum.exceptions import InvalidChecksum, InvalidComponent
from stdnum.exceptions import ValidationError as StdnumError
from stdnum.no import fodselsnummer
from stdnum.no import orgnr as stdnum_orgnr

from portal.organisations.validators import normalise_orgnr
from registry_import.models import ContractKind, ContractStatus
from registry_import.pseudonym import normalise_identity_number


class InvalidValue(ValueError):
    """A value that cannot be used; `message` says why, in the active language."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# --- Dates and booleans ---------------------------------------------------------------------

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


# --- Identity numbers -----------------------------------------------------------------------

# Test persons (Skatteetaten's synthetic population, used in every test environment of the
# national registers) have 80 added to the birth month, on top of the +40 of a D-number's day.
SYNTHETIC_MONTH_OFFSET = 80


def is_synthetic(digits: str) -> bool:
    return len(digits) == 11 and digits.isdigit() and int(digits[2:4]) > SYNTHETIC_MONTH_OFFSET


def _check_digits(nine: str) -> str:
    first = fodselsnummer.calc_check_digit1(nine)
    return first + fodselsnummer.calc_check_digit2(nine + first)


# python-stdnum's weights for the two check digits of a fødselsnummer.
_WEIGHTS_1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
_WEIGHTS_2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


# Each digit's character code is 48 more than the digit: the sums below are over the codes.
_OFFSET_1 = 48 * sum(_WEIGHTS_1)
_OFFSET_2 = 48 * sum(_WEIGHTS_2)


def _check_digits_match(digits: str) -> bool:
    """Both check digits of eleven digits right: stdnum's calc_check_digit1 and 2 (the same
    weights), without the string round trips that make them the slow half of a row."""
    codes = digits.encode()
    if (11 - (sum(map(mul, _WEIGHTS_1, codes)) - _OFFSET_1) % 11) % 11 != codes[9] - 48:
        return False
    return (11 - (sum(map(mul, _WEIGHTS_2, codes)) - _OFFSET_2) % 11) % 11 == codes[10] - 48


def synthetic_identity_number(born: date, serial: int, *, d_number: bool = False) -> str | None:
    """The synthetic (test person) identity number for a birth date and a three-digit serial
    (individnummer), or None when no valid check digit exists for that serial. The serial must
    fit the birth year's century (500–999 for people born from 2000)."""
    day = born.day + (40 if d_number else 0)
    nine = f"{day:02d}{born.month + SYNTHETIC_MONTH_OFFSET:02d}{born.year % 100:02d}{serial:03d}"
    digits = nine + _check_digits(nine)
    return digits if len(digits) == 11 else None


def _birth_date(digits: str) -> date | None:
    """The birth date stdnum reads from a number with an ordinary month (synthetic numbers
    are passed with 80 taken off the month), or None when it has none."""
    try:
        return fodselsnummer.get_birth_date(digits)
    except StdnumError:
        return None


# stdnum reads the birth date from the first six digits and the century from which of these
# ranges the individual number (digits 7-9) lies in: one answer per birth date and range.
_CENTURY_RANGES = (500, 750, 900)
_born: dict[tuple[str, int], date | None] = {}


def _born_by_today(digits: str) -> bool:
    """Whether the number holds a birth date that is not in the future, as stdnum's
    get_birth_date reads it, asked once per birth date and century range."""
    individual = int(digits[6:9])
    low, middle, high = _CENTURY_RANGES
    key = (digits[:6], (individual >= low) + (individual >= middle) + (individual >= high))
    if key in _born:
        born = _born[key]
    else:
        born = _born[key] = _birth_date(digits)
    return born is not None and born <= date.today()


def _identity_digits(value: str) -> str:
    digits = normalise_identity_number(value)
    if len(digits) == 10 and digits.isdigit():
        digits = "0" + digits
    return digits


def parse_identity_number(value: str, *, allow_synthetic: bool) -> str:
    """The eleven digits of a valid fødselsnummer or D-number (stdnum.no.fodselsnummer). A
    synthetic number is valid only when `allow_synthetic`. Ten digits are read with the leading
    zero that a spreadsheet drops restored."""
    digits = _identity_digits(value)
    if len(digits) != 11 or not digits.isdigit():
        raise InvalidValue(_("Invalid identity number: it must have 11 digits."))
    if is_synthetic(digits):
        if not allow_synthetic:
            raise InvalidValue(
                _("Synthetic identity number (test person) is not allowed on this server.")
            )
        if not _check_digits_match(digits):
            raise InvalidValue(_("Invalid identity number: wrong check digit."))
        # The birth date and century rules are those of a real number.
        month = int(digits[2:4]) - SYNTHETIC_MONTH_OFFSET
        if not _born_by_today(f"{digits[:2]}{month:02d}{digits[4:]}"):
            raise InvalidValue(_("Invalid identity number: not a valid birth date."))
        return digits
    if _check_digits_match(digits) and _born_by_today(digits):
        # stdnum.validate's questions, asked without its clean-up of the input (the digits
        # are already clean); anything else is left to it, for its exact reason.
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
    digits = _identity_digits(value)
    if len(digits) != 11 or not digits.isdigit():
        return False
    try:
        parse_identity_number(digits, allow_synthetic=True)
    except InvalidValue:
        return False
    return True


def hidden() -> str:
    return _("(hidden)")


def shown(value: str) -> str:
    """A value as it may be reported: hidden when it is an identity number."""
    return hidden() if looks_like_identity_number(value) else value


# --- Organisation numbers -------------------------------------------------------------------


def parse_orgnr(value: str) -> str:
    """Nine digits with a valid modulus-11 check digit; spaces allowed (`974 760 673`)."""
    if len(value) == 9 and value.isdigit() and stdnum_orgnr.checksum(value) == 0:
        return value
    try:
        return normalise_orgnr(value)
    except ValidationError as error:
        _release(error)
        raise InvalidValue(
            _("Invalid organisation number: it must have nine digits and a valid check digit.")
        ) from None


# --- E-mail and mobile ----------------------------------------------------------------------

_email_validator = EmailValidator()
EMAIL_MAX_LENGTH = 254
MOBILE_MAX_LENGTH = 32
# A strict subset of what Django's EmailValidator accepts: ASCII dot-atoms and host names
# with a letter top-level domain. At most 64 characters, so no label can pass 63.
_PLAIN_EMAIL = re.compile(
    r"[a-z0-9]+(?:[._+-][a-z0-9]+)*@[a-z0-9]+(?:-[a-z0-9]+)*(?:\.[a-z0-9]+(?:-[a-z0-9]+)*)*"
    r"\.[a-z]{2,63}",
    re.IGNORECASE | re.ASCII,
)


def check_email(value: str) -> tuple[str, bool]:
    """The address and whether it is valid. An invalid one is kept, for the quality report."""
    if len(value) <= 64 and _PLAIN_EMAIL.fullmatch(value):
        return value, True
    if len(value) > EMAIL_MAX_LENGTH:
        return _stored_invalid(value, EMAIL_MAX_LENGTH), False
    try:
        _email_validator(value)
    except ValidationError as error:
        _release(error)
        return _stored_invalid(value, EMAIL_MAX_LENGTH), False
    return value, True


def _release(error: BaseException | None) -> None:
    """Django's ValidationError refers to itself (its error_list holds it), so only a garbage
    collection frees it; without the tracebacks of it and of the exceptions it was raised from,
    it no longer holds the frames of the import's row loop, and with them every record read,
    until then."""
    while error is not None:
        error.__traceback__ = None
        error = error.__cause__ or error.__context__


_MOBILE_TYPES = frozenset(
    {phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE}
)
_SEPARATORS = str.maketrans("", "", " -.()\t")


def _norwegian_mobile_pattern() -> re.Pattern[str]:
    """Eight digits, with or without +47 or 0047, that phonenumbers' own metadata for Norway
    calls a mobile number: its mobile ranges, minus every range it checks before them (premium
    rate, toll free and the other special numbers), exactly as its number_type decides."""
    metadata = phonenumbers.PhoneMetadata.metadata_for_region("NO")
    assert metadata is not None and metadata.mobile is not None
    before = [
        metadata.premium_rate,
        metadata.toll_free,
        metadata.shared_cost,
        metadata.voip,
        metadata.personal_number,
        metadata.pager,
        metadata.uan,
        metadata.voicemail,
        metadata.fixed_line,
    ]
    excluded = "|".join(
        f"(?:{desc.national_number_pattern})\\Z"
        for desc in before
        if desc is not None and desc.national_number_pattern
    )
    assert metadata.general_desc is not None and metadata.mobile is not None  # as for Norway
    general = metadata.general_desc.national_number_pattern
    mobile = metadata.mobile.national_number_pattern
    return re.compile(
        rf"(?:\+47|0047)?(?=\d{{8}}\Z)(?!{excluded})(?=(?:{general})\Z)((?:{mobile}))", re.ASCII
    )


_PLAIN_NORWEGIAN_MOBILE = _norwegian_mobile_pattern()


def normalise_mobile(value: str) -> tuple[str, bool]:
    """A mobile number in E.164 (`912 34 567` -> `+4791234567`) and True, or the value as given
    and False when it is not a valid mobile number (a landline is not). Numbers without a
    country code are Norwegian."""
    plain = _PLAIN_NORWEGIAN_MOBILE.fullmatch(value.translate(_SEPARATORS))
    if plain:
        return "+47" + plain[1], True
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


# --- Contracts ------------------------------------------------------------------------------

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


# --- Places ---------------------------------------------------------------------------------


def parse_county(value: str, codes: set[str] | frozenset[str]) -> str:
    """A county number of the county table; a leading zero dropped by a spreadsheet is
    restored (`3` is `03`). Whether the county exists in the extract's survey year is the row
    checker's question (R-P4)."""
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
