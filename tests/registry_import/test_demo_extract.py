"""The synthetic register extract: the documented format, made-up people only, and just enough
dirt to exercise the importer's error paths."""

from __future__ import annotations

import csv
import re
from collections import Counter
from datetime import date
from pathlib import Path

import phonenumbers
import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.validators import EmailValidator
from stdnum.no import fodselsnummer, orgnr

from demo.register.extract import (
    COMPANIES_FILE,
    CONTRACTS_FILE,
    LEADERS_FILE,
    OFFICES_FILE,
    latest_extract_date,
    write_demo_extract,
)

REFERENCE = date(2026, 10, 1)
DOCS = Path(__file__).resolve().parents[2] / "docs" / "formats.md"


@pytest.fixture(scope="module")
def extract(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("county")
    write_demo_extract(out, scale="county", seed=1, reference=REFERENCE)
    return out


def read(folder: Path, name: str) -> list[dict[str, str]]:
    encoding = "cp1252" if name == LEADERS_FILE else "utf-8-sig"
    with (folder / name).open(encoding=encoding, newline="") as handle:
        return list(csv.DictReader(handle, delimiter=";"))


def documented_columns() -> dict[str, list[str]]:
    """The columns of each file as the tables of docs/formats.md list them."""
    columns: dict[str, list[str]] = {}
    current = None
    for line in DOCS.read_text(encoding="utf-8").splitlines():
        if heading := re.match(r"## `(\w+\.csv)`", line):
            current = columns.setdefault(heading.group(1), [])
        elif current is not None and line.startswith("| `"):
            current.extend(re.findall(r"`(\w+)`", line.split("|")[1]))
    return columns


def valid_check_digits(number: str) -> bool:
    return (
        fodselsnummer.calc_check_digit1(number[:9]) == number[9]
        and fodselsnummer.calc_check_digit2(number[:10]) == number[10]
    )


def valid_mobile(value: str) -> bool:
    try:
        number = phonenumbers.parse(value, "NO")
    except phonenumbers.NumberParseException:
        return False
    return (
        phonenumbers.is_valid_number(number)
        and phonenumbers.number_type(number) == phonenumbers.PhoneNumberType.MOBILE
    )


def valid_email(value: str) -> bool:
    try:
        EmailValidator()(value)
    except ValidationError:
        return False
    return True


def test_the_same_seed_gives_the_same_files_and_another_seed_other_ones(extract, tmp_path):
    write_demo_extract(tmp_path / "again", scale="county", seed=1, reference=REFERENCE)
    write_demo_extract(tmp_path / "other", scale="county", seed=2, reference=REFERENCE)
    for name in (OFFICES_FILE, COMPANIES_FILE, LEADERS_FILE, CONTRACTS_FILE):
        assert (tmp_path / "again" / name).read_bytes() == (extract / name).read_bytes()
    other = (tmp_path / "other" / CONTRACTS_FILE).read_bytes()
    assert other != (extract / CONTRACTS_FILE).read_bytes()


def test_the_four_files_have_exactly_the_documented_columns(extract):
    documented = documented_columns()
    assert sorted(documented) == sorted(
        [OFFICES_FILE, COMPANIES_FILE, LEADERS_FILE, CONTRACTS_FILE]
    )
    for name, columns in documented.items():
        encoding = "cp1252" if name == LEADERS_FILE else "utf-8-sig"
        with (extract / name).open(encoding=encoding, newline="") as handle:
            assert next(csv.reader(handle, delimiter=";")) == columns


def test_one_file_is_windows_1252_and_one_has_a_byte_order_mark(extract):
    leaders = (extract / LEADERS_FILE).read_bytes()
    with pytest.raises(UnicodeDecodeError):
        leaders.decode("utf-8")
    text = leaders.decode("cp1252")
    assert all(letter in text for letter in "æøåØÅ")
    assert "Ødegård" in text or "Bjørg" in text
    assert (extract / OFFICES_FILE).read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Opplæringskontoret" in (extract / OFFICES_FILE).read_text(encoding="utf-8-sig")
    assert not (extract / CONTRACTS_FILE).read_bytes().startswith(b"\xef\xbb\xbf")


def test_identity_numbers_are_synthetic_with_valid_check_digits_except_a_few(extract):
    numbers = [row["fodselsnummer"] for row in read(extract, CONTRACTS_FILE)]
    assert all(len(n) == 11 and n.isdigit() for n in numbers)
    # Birth month + 80: never a real person's number, whose month is 1 to 12.
    assert all(81 <= int(n[2:4]) <= 92 for n in numbers)
    assert any(int(n[:2]) > 40 for n in numbers)  # some D-number style
    bad = [n for n in numbers if not valid_check_digits(n)]
    assert 0 < len(bad) < len(numbers) * 0.005


def test_organisation_numbers_are_valid_except_the_deliberately_bad_ones(extract):
    offices = [row["orgnr"] for row in read(extract, OFFICES_FILE)]
    companies = [row["orgnr"] for row in read(extract, COMPANIES_FILE)]
    assert sum(not orgnr.is_valid(n) for n in offices) == 1
    bad_companies = sum(not orgnr.is_valid(n) for n in companies)
    assert 0 < bad_companies < len(companies) * 0.005
    assert any(" " in n for n in companies)  # "974 760 673" is allowed input
    assert len({orgnr.compact(n) for n in offices + companies}) == len(offices + companies)


def test_a_small_but_real_share_of_contract_rows_is_dirty(extract):
    contracts = read(extract, CONTRACTS_FILE)
    companies = {orgnr.compact(row["orgnr"]) for row in read(extract, COMPANIES_FILE)}
    faults = Counter()
    for row in contracts:
        if not valid_check_digits(row["fodselsnummer"]):
            faults["identity number"] += 1
        if row["bedrift_orgnr"] not in companies:
            faults["unknown company"] += 1
        if not orgnr.is_valid(row["bedrift_orgnr"]):
            faults["company number"] += 1
        if row["epost"] and not valid_email(row["epost"]):
            faults["e-mail"] += 1
        if row["mobil"] and not valid_mobile(row["mobil"]):
            faults["mobile"] += 1
    assert set(faults) == {
        "identity number",
        "unknown company",
        "company number",
        "e-mail",
        "mobile",
    }
    assert 0.002 < sum(faults.values()) / len(contracts) < 0.01
    missing = sum(not row["epost"] or not row["mobil"] for row in contracts)
    assert 0.02 < missing / len(contracts) < 0.05


def test_contracts_have_every_status_and_kind_in_realistic_shares(extract):
    contracts = read(extract, CONTRACTS_FILE)
    statuses = Counter(row["status"] for row in contracts)
    assert statuses["LØPENDE"] == 5_000
    assert statuses["FULLFØRT"] > 0 and statuses["HEVET"] > 0
    running = [row for row in contracts if row["status"] == "LØPENDE"]
    kinds = Counter(row["kontrakttype"] for row in running)
    assert set(kinds) == {"LÆREKONTRAKT", "OPPLÆRINGSKONTRAKT"}
    assert 0.04 < kinds["OPPLÆRINGSKONTRAKT"] / len(running) < 0.10
    assert {row["fylkesnr"] for row in contracts} == {"46"}
    assert all(re.fullmatch(r"[A-Z]{5}3----", row["laerefag_kode"]) for row in contracts)


def parsed(value: str) -> date | None:
    if re.fullmatch(r"\d\d\.\d\d\.\d{4}", value):
        value = f"{value[6:]}-{value[3:5]}-{value[:2]}"
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def test_about_half_the_running_contracts_have_lasted_more_than_eleven_months(extract):
    contracts = read(extract, CONTRACTS_FILE)
    # One impossible date (31.02.) in the whole file, for the importer's error path.
    assert sum(parsed(row["sluttdato"]) is None for row in contracts) == 1
    running = [row for row in contracts if row["status"] == "LØPENDE"]
    starts = [parsed(row["startdato"]) for row in running]
    assert all(start is not None and start <= REFERENCE for start in starts)
    assert any("." in row["startdato"] for row in running)  # both date formats
    long = sum((REFERENCE - start).days > 334 for start in starts if start)
    assert 0.35 < long / len(running) < 0.65
    ends = [parsed(row["sluttdato"]) for row in running]
    assert all(end > REFERENCE for end in ends if end)


def test_some_apprentices_changed_company_within_their_trade(extract):
    by_person: dict[str, list[dict[str, str]]] = {}
    for row in read(extract, CONTRACTS_FILE):
        by_person.setdefault(row["fodselsnummer"], []).append(row)
    changed = [rows for rows in by_person.values() if len(rows) == 2]
    assert len(changed) > 10
    for first, second in changed:
        assert first["laerefag_kode"] == second["laerefag_kode"]
        assert first["bedrift_orgnr"] != second["bedrift_orgnr"]
        assert {first["status"], second["status"]} == {"HEVET", "LØPENDE"}


def test_companies_offices_and_leaders_have_a_realistic_shape(extract):
    offices = read(extract, OFFICES_FILE)
    companies = read(extract, COMPANIES_FILE)
    leaders = read(extract, LEADERS_FILE)
    members = [row for row in companies if row["opplaeringskontor_orgnr"]]
    assert 0.6 < len(members) / len(companies) < 0.8
    assert 1.1 < len(leaders) / len(companies) < 1.3
    assert any(row["nor_registrert"] == "N" for row in offices)
    assert 0 < sum(row["nlr_registrert"] == "N" for row in companies) < len(companies) * 0.03
    office_numbers = {orgnr.compact(row["orgnr"]) for row in offices}
    assert all(orgnr.compact(row["opplaeringskontor_orgnr"]) in office_numbers for row in members)


def test_the_command_reports_each_file_and_its_rows(tmp_path, capsys):
    call_command("make_demo_extract", str(tmp_path), "--scale", "tiny", "--seed", "3")
    out = capsys.readouterr().out
    for name in (OFFICES_FILE, COMPANIES_FILE, LEADERS_FILE, CONTRACTS_FILE):
        assert (tmp_path / name).exists()
        assert name in out
    assert re.search(r"kontrakter\.csv\s+272 rows", out)


def test_the_default_extract_date_is_the_latest_first_of_october():
    assert latest_extract_date(date(2026, 11, 28)) == date(2026, 10, 1)
    assert latest_extract_date(date(2026, 10, 1)) == date(2026, 10, 1)
    assert latest_extract_date(date(2027, 9, 30)) == date(2026, 10, 1)
