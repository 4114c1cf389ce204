"""Small extracts written by hand, as a county could really send them: rows of each file with the
defaults a test does not care about, and the import of them through the real importer."""

from __future__ import annotations

import csv
import io

from demo.portal_users import valid_orgnr
from registry_import.models import ImportRun, ImportStatus
from registry_import.services import import_extract
from tests.registry_import.conftest import ExtractBuilder, synthetic

YEAR = 2025  # a survey year whose reference date has passed
STARTED = "2024-08-15"  # more than 11 months before 1 October 2025
ENDS = "2026-08-14"


def office(orgnr: str, county: str, **row) -> dict:
    return {
        "orgnr": orgnr,
        "navn": f"Kontor {orgnr}",
        "fylkesnr": county,
        "nor_registrert": "J",
    } | row


def company(orgnr: str, county: str, municipality: str = "", office: str = "", **row) -> dict:
    return {
        "orgnr": orgnr,
        "navn": f"Bedrift {orgnr}",
        "fylkesnr": county,
        "kommunenr": municipality,
        "opplaeringskontor_orgnr": office,
        "nlr_registrert": "J",
    } | row


def leader(register_id: str, company: str) -> dict:
    return {
        "faglig_leder_id": register_id,
        "bedrift_orgnr": company,
        "fornavn": "Faglig",
        "etternavn": register_id,
        "epost": f"{register_id.lower()}@bedrift.no",
        "mobil": "41234567",
    }


def contract(number: int, person: int, company: str, county: str, **row) -> dict:
    return {
        "kontrakt_id": f"K-{number}",
        "fodselsnummer": synthetic(person),
        "fornavn": "Lærling",
        "etternavn": f"Nummer {person}",
        "epost": f"laerling{person}@example.no",
        "mobil": "98765432",
        "kontrakttype": "LÆREKONTRAKT",
        "status": "LØPENDE",
        "startdato": STARTED,
        "sluttdato": ENDS,
        "laerefag_kode": "ELELE3----",
        "laerefag_navn": "Elektrikerfaget",
        "bedrift_orgnr": company,
        "fylkesnr": county,
    } | row


# Every file must have a row: an office, a company and a leader in Oslo that no contract of
# these tests concerns.
OSLO_OFFICE = valid_orgnr(97399901)
OSLO_FIRM = valid_orgnr(98399901)


def imported(tmp_path, builder: ExtractBuilder, year: int = YEAR) -> ImportRun:
    builder.offices.append(office(OSLO_OFFICE, "03"))
    builder.companies.append(company(OSLO_FIRM, "03", "0301"))
    builder.leaders.append(leader("FL-OSLO", OSLO_FIRM))
    run = import_extract([builder.write(tmp_path / f"extract-{year}")], survey_year=year)
    assert run.status == ImportStatus.SUCCEEDED, run.message
    return run


def errors_of(run: ImportRun, file: str) -> list[dict]:
    return [e for e in run.errors if e["file"] == file]


OFFICE = valid_orgnr(97300001)
FIRM = valid_orgnr(98300001)
FIRM_2 = valid_orgnr(98300101)
FIRM_3 = valid_orgnr(98300201)


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
