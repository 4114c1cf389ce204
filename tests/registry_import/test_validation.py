"""Each rule for a single value of an extract, with Norwegian examples. Messages are asserted in
bokmål, as the importer stores them."""

from datetime import date

import pytest
from django.test import override_settings
from django.utils import translation
from stdnum.no import fodselsnummer

from registry_import.models import ContractKind, ContractStatus
from registry_import.pseudonym import Pseudonymiser, normalise_identity_number, pseudonym
from registry_import.validation import (
    InvalidValue,
    check_email,
    is_synthetic,
    looks_like_identity_number,
    normalise_mobile,
    parse_bool,
    parse_contract_kind,
    parse_contract_status,
    parse_county,
    parse_date,
    parse_identity_number,
    parse_municipality,
    parse_orgnr,
    synthetic_identity_number,
)

REAL_FNR = "15108695088"  # python-stdnum's documented example
D_NUMBER = "55108695071"  # the same birth date as a D-number: day + 40
LEADING_ZERO_FNR = "01019012480"


@pytest.fixture(autouse=True)
def bokmal():
    with translation.override("nb"):
        yield


def message_of(parse, *args, **kwargs) -> str:
    with pytest.raises(InvalidValue) as caught:
        parse(*args, **kwargs)
    return caught.value.message


# --- Identity numbers -----------------------------------------------------------------------


def test_a_valid_identity_number_is_accepted_with_or_without_spaces():
    assert parse_identity_number(REAL_FNR, allow_synthetic=False) == REAL_FNR
    assert parse_identity_number("151086 95088", allow_synthetic=False) == REAL_FNR
    assert parse_identity_number("151086-95088", allow_synthetic=False) == REAL_FNR


def test_a_d_number_is_accepted():
    assert fodselsnummer.is_valid(D_NUMBER)
    assert parse_identity_number(D_NUMBER, allow_synthetic=False) == D_NUMBER


def test_a_wrong_check_digit_is_refused():
    assert (
        message_of(parse_identity_number, "15108695077", allow_synthetic=True)
        == "Ugyldig fødselsnummer: feil kontrollsiffer."
    )


@pytest.mark.parametrize("value", ["151086950", "151086950881", "1510869508A"])
def test_an_identity_number_of_the_wrong_length_is_refused(value):
    assert (
        message_of(parse_identity_number, value, allow_synthetic=True)
        == "Ugyldig fødselsnummer: det må ha 11 sifre."
    )


def test_an_impossible_birth_date_is_refused():
    # 31 February, with check digits made valid so only the date is wrong.
    nine = "310286950"
    first = fodselsnummer.calc_check_digit1(nine)
    number = nine + first + fodselsnummer.calc_check_digit2(nine + first)
    assert len(number) == 11
    assert (
        message_of(parse_identity_number, number, allow_synthetic=True)
        == "Ugyldig fødselsnummer: ikke en gyldig fødselsdato."
    )


def test_the_leading_zero_a_spreadsheet_drops_is_restored():
    assert parse_identity_number(LEADING_ZERO_FNR[1:], allow_synthetic=False) == LEADING_ZERO_FNR


def test_a_synthetic_number_is_accepted_only_when_allowed():
    number = synthetic_identity_number(date(2005, 3, 14), 512)
    assert number is not None and is_synthetic(number)
    assert number[2:4] == "83"  # March + 80
    assert not fodselsnummer.is_valid(number)  # no real person can have it
    assert parse_identity_number(number, allow_synthetic=True) == number
    assert (
        message_of(parse_identity_number, number, allow_synthetic=False)
        == "Syntetisk fødselsnummer (testperson) er ikke tillatt på denne serveren."
    )


def test_a_synthetic_number_still_needs_valid_check_digits():
    number = synthetic_identity_number(date(2005, 3, 14), 512)
    wrong = number[:10] + str((int(number[10]) + 1) % 10)
    assert (
        message_of(parse_identity_number, wrong, allow_synthetic=True)
        == "Ugyldig fødselsnummer: feil kontrollsiffer."
    )


def test_a_synthetic_d_number_is_accepted_when_allowed():
    number = synthetic_identity_number(date(2004, 11, 2), 601, d_number=True)
    assert number is not None and number[:2] == "42"
    assert parse_identity_number(number, allow_synthetic=True) == number


def test_any_valid_identity_number_is_recognised_for_hiding():
    assert looks_like_identity_number(REAL_FNR)
    assert looks_like_identity_number("151086 95088")
    assert looks_like_identity_number(D_NUMBER)
    assert looks_like_identity_number(synthetic_identity_number(date(2005, 3, 14), 512))
    assert not looks_like_identity_number("91234567")
    assert not looks_like_identity_number("15108695077")


# --- Pseudonyms -----------------------------------------------------------------------------


@override_settings(PSEUDONYM_KEY="nøkkel-en")
def test_the_pseudonym_is_an_hmac_of_the_eleven_digits_under_the_key():
    import hashlib
    import hmac

    expected = hmac.new("nøkkel-en".encode(), REAL_FNR.encode(), hashlib.sha256).hexdigest()
    assert pseudonym(REAL_FNR) == expected
    assert pseudonym("151086 95088") == expected
    assert Pseudonymiser()(REAL_FNR) == expected
    assert REAL_FNR not in expected
    assert pseudonym(REAL_FNR, key="nøkkel-to") != expected
    assert normalise_identity_number("151086-95088") == REAL_FNR


# --- Organisation numbers -------------------------------------------------------------------


def test_an_organisation_number_may_have_spaces():
    assert parse_orgnr("974 760 673") == "974760673"
    assert parse_orgnr("974760673") == "974760673"


@pytest.mark.parametrize("value", ["974 760 674", "97476067", "NO974760673X", "abc"])
def test_an_invalid_organisation_number_is_refused(value):
    assert (
        message_of(parse_orgnr, value)
        == "Ugyldig organisasjonsnummer: det må ha ni sifre og gyldig kontrollsiffer."
    )


# --- Contact data ---------------------------------------------------------------------------


def test_a_valid_email_address_is_kept_as_valid():
    assert check_email("kari.nordmann@bedrift.no") == ("kari.nordmann@bedrift.no", True)
    assert check_email("ase@ørnes.no") == ("ase@ørnes.no", True)  # an IDN domain


@pytest.mark.parametrize("value", ["kari@", "kari.nordmann", "kari@bedrift", "a b@c.no"])
def test_an_invalid_email_address_is_kept_but_flagged(value):
    assert check_email(value) == (value, False)


@pytest.mark.parametrize(
    ("value", "e164"),
    [
        ("912 34 567", "+4791234567"),
        ("91234567", "+4791234567"),
        ("+47 412 34 567", "+4741234567"),
        ("0047 98 76 54 32", "+4798765432"),
        ("+47-901-23-456", "+4790123456"),
        ("+46 70 123 45 67", "+46701234567"),  # a Swedish mobile is a mobile too
    ],
)
def test_a_mobile_number_is_normalised_to_e164(value, e164):
    assert normalise_mobile(value) == (e164, True)


@pytest.mark.parametrize(
    "value",
    [
        "22 33 44 55",  # Oslo landline
        "55 55 55 55",  # Bergen landline
        "800 12 345",  # toll-free
        "912 34 56",  # too short
        "ring meg",
    ],
)
def test_a_number_that_is_not_a_mobile_is_kept_but_flagged(value):
    assert normalise_mobile(value) == (value, False)


def test_an_identity_number_in_a_contact_column_is_not_kept_in_clear():
    assert normalise_mobile(REAL_FNR) == ("(skjult)", False)
    assert check_email(REAL_FNR) == ("(skjult)", False)


# --- Dates, booleans, codes -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-08-15", date(2024, 8, 15)),
        ("15.08.2024", date(2024, 8, 15)),
        ("1.9.2024", date(2024, 9, 1)),
        ("29.02.2024", date(2024, 2, 29)),
    ],
)
def test_both_date_formats_are_read(value, expected):
    assert parse_date(value) == expected


@pytest.mark.parametrize("value", ["2024/08/15", "15-08-2024", "31.02.2024", "2023-02-29", "i går"])
def test_a_bad_date_is_refused(value):
    assert message_of(parse_date, value) == "Ugyldig dato: bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("J", True),
        ("j", True),
        ("ja", True),
        ("Ja", True),
        ("true", True),
        ("1", True),
        ("N", False),
        ("nei", False),
        ("FALSE", False),
        ("0", False),
    ],
)
def test_booleans_are_read(value, expected):
    assert parse_bool(value) is expected


@pytest.mark.parametrize("value", ["x", "yes", "jo", "2"])
def test_a_bad_boolean_is_refused(value):
    assert message_of(parse_bool, value) == "Ugyldig verdi: bruk J eller N."


def test_a_county_number_must_be_in_the_county_table():
    codes = {"03", "46"}
    assert parse_county("46", codes) == "46"
    assert parse_county("3", codes) == "03"  # the leading zero a spreadsheet drops
    assert message_of(parse_county, "99", codes) == "Ukjent fylkesnummer."


def test_a_municipality_number_has_four_digits():
    assert parse_municipality("4601") == "4601"
    assert parse_municipality("301") == "0301"
    assert (
        message_of(parse_municipality, "46x1")
        == "Ugyldig kommunenummer (fire sifre); det blir ikke lagret."
    )


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("LÆREKONTRAKT", ContractKind.APPRENTICE),
        ("lærekontrakt", ContractKind.APPRENTICE),
        ("LAEREKONTRAKT", ContractKind.APPRENTICE),
        ("OPPLÆRINGSKONTRAKT", ContractKind.CANDIDATE),
    ],
)
def test_contract_types_map_to_contract_kinds(value, kind):
    assert parse_contract_kind(value) == kind


def test_an_unknown_contract_type_is_refused():
    assert (
        message_of(parse_contract_kind, "ARBEIDSKONTRAKT")
        == "Ukjent kontrakttype: bruk LÆREKONTRAKT eller OPPLÆRINGSKONTRAKT."
    )


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("LØPENDE", ContractStatus.RUNNING),
        ("løpende", ContractStatus.RUNNING),
        ("LOPENDE", ContractStatus.RUNNING),
        ("FULLFØRT", ContractStatus.COMPLETED),
        ("HEVET", ContractStatus.TERMINATED),
    ],
)
def test_statuses_map_to_contract_statuses(value, status):
    assert parse_contract_status(value) == status


def test_an_unknown_status_is_refused():
    assert (
        message_of(parse_contract_status, "PAUSE")
        == "Ukjent status: bruk LØPENDE, FULLFØRT eller HEVET."
    )
