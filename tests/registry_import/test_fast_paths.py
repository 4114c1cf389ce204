"""The fast paths of the value checks say exactly what the libraries say: compared with
phonenumbers, python-stdnum and Django's e-mail validator on large samples of valid and invalid
values. And the part of a national extract checked in a second process comes out as if checked
in one."""

from __future__ import annotations

import random
from datetime import date

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.utils import translation
from stdnum.no import fodselsnummer, orgnr

from demo.register.extract import write_demo_extract
from portal.organisations.structure import CountyStructure
from registry_import.extract_files import KINDS, collect_extract, read_table
from registry_import.extract_format import FORMATS
from registry_import.pseudonym import Pseudonymiser
from registry_import.validation import (
    InvalidValue,
    RowChecker,
    check_email,
    normalise_mobile,
    parse_identity_number,
    parse_orgnr,
)
from registry_import.validation import rows as row_checks

rng = random.Random(20261001)


def library_mobile(value: str) -> tuple[str, bool]:
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        return value, False
    kind = phonenumbers.number_type(number)
    if kind in (
        phonenumbers.PhoneNumberType.MOBILE,
        phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE,
    ):
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), True
    return value, False


def test_mobile_numbers_are_judged_as_phonenumbers_judges_them():
    values = []
    for _ in range(15_000):
        digits = f"{rng.randrange(10**7, 10**8):08d}"
        style = rng.randrange(4)
        values.append(
            [digits, f"+47{digits}", f"0047 {digits}", f"{digits[:3]} {digits[3:5]} {digits[5:]}"][
                style
            ]
        )
    values += ["80012345", "82012345", "85012345", "88012345", "4512 3456", "+46701234567"]
    for value in values:
        assert normalise_mobile(value) == library_mobile(value), value


def test_identity_numbers_are_judged_as_stdnum_judges_them():
    def candidates():
        for _ in range(15_000):
            born = date(rng.randrange(1950, 2026), rng.randrange(1, 13), rng.randrange(1, 29))
            day = born.day + (40 if rng.random() < 0.1 else 0)
            nine = f"{day:02d}{born.month:02d}{born.year % 100:02d}{rng.randrange(1000):03d}"
            yield nine + f"{rng.randrange(100):02d}"  # mostly wrong check digits
            first = fodselsnummer.calc_check_digit1(nine)
            yield nine + first + fodselsnummer.calc_check_digit2(nine + first)

    for number in candidates():
        try:
            ours = parse_identity_number(number, allow_synthetic=False)
        except InvalidValue:
            ours = None
        assert (ours is not None) == fodselsnummer.is_valid(number), number


def test_organisation_numbers_are_judged_as_stdnum_judges_them():
    for _ in range(10_000):
        number = f"{rng.randrange(10**8, 10**9):09d}"
        for written in (number, f"{number[:3]} {number[3:6]} {number[6:]}"):
            try:
                ours = parse_orgnr(written)
            except InvalidValue:
                ours = None
            assert (ours is not None) == orgnr.is_valid(written), written


def test_an_address_the_fast_path_accepts_is_one_django_accepts():
    validator = EmailValidator()
    letters = "abcxyz019._-+æ"
    for _ in range(20_000):
        user = "".join(rng.choice(letters) for _ in range(rng.randrange(1, 12)))
        host = "".join(rng.choice("abc-9.") for _ in range(rng.randrange(1, 10)))
        value = f"{user}@{host}.{rng.choice(['no', 'com', 'n', 'c0m', ''])}"
        try:
            validator(value)
            django_says = True
        except ValidationError:
            django_says = False
        assert check_email(value)[1] == django_says, value


@pytest.fixture(scope="module")
def tiny_extract(tmp_path_factory):
    folder = tmp_path_factory.mktemp("tiny")
    write_demo_extract(folder, scale="tiny", seed=5, reference=date(2026, 10, 1))
    return collect_extract([folder])


def checked(extract, monkeypatch, parallel_from: int):
    monkeypatch.setattr(row_checks, "PARALLEL_FROM_ROWS", parallel_from)
    tables = {
        k: read_table(extract.files[k], FORMATS[k].required, FORMATS[k].optional) for k in KINDS
    }
    rows_seen = []
    checker = RowChecker(
        structure=CountyStructure(2026),
        county_codes=frozenset({"03", "11", "15", "18", "34", "42", "46", "50", "55", "56"}),
        allow_synthetic=True,
        pseudonymise=Pseudonymiser("key"),
        on_row=lambda: rows_seen.append(1),
    )
    with translation.override("nb"):
        return checker.check(tables), len(rows_seen)


def test_a_second_process_checks_part_of_the_rows_with_the_same_outcome(tiny_extract, monkeypatch):
    alone, rows_alone = checked(tiny_extract, monkeypatch, parallel_from=10**9)
    shared, rows_shared = checked(tiny_extract, monkeypatch, parallel_from=1)

    assert rows_shared == rows_alone  # progress counts every row once
    for kind, result in alone.items():
        other = shared[kind]
        assert (other.rows, other.skipped, other.invalid_email, other.invalid_mobile) == (
            result.rows,
            result.skipped,
            result.invalid_email,
            result.invalid_mobile,
        )
        assert other.errors == result.errors
        assert other.warnings == result.warnings
        assert other.lines == result.lines
        assert [(k, vars_of(r)) for k, r in other.records.items()] == [
            (k, vars_of(r)) for k, r in result.records.items()
        ]


def vars_of(record) -> tuple:
    return tuple(getattr(record, f) for f in record.__slots__)


def test_without_a_second_process_the_rows_are_checked_here(tiny_extract, monkeypatch):
    from registry_import.validation import parallel

    alone, _rows = checked(tiny_extract, monkeypatch, parallel_from=10**9)

    def no_fork():
        raise OSError("no more processes")

    monkeypatch.setattr(parallel.os, "fork", no_fork)
    here, _rows = checked(tiny_extract, monkeypatch, parallel_from=1)

    for kind, result in alone.items():
        assert here[kind].errors == result.errors
        assert list(here[kind].records) == list(result.records)


def test_a_piece_that_fails_in_the_second_process_is_reported_here():
    from registry_import.validation.parallel import ChildFailed, Pending

    def broken():
        raise ValueError("no such column")

    with Pending(broken) as pending, pytest.raises(ChildFailed, match="ValueError: no such column"):
        pending.result()
