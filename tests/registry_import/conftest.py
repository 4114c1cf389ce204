"""Small register extracts built in a test's tmp_path: a few offices, companies, leaders and
contracts in Vestland and Oslo, which each test changes as it needs and writes as CSV (any
encoding and delimiter), .xlsx or .zip."""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pytest
from openpyxl import Workbook

from demo.portal_users import valid_orgnr
from portal.models import Company, TrainingOffice
from registry_import.extract_format import FORMATS
from registry_import.models import (
    Apprentice,
    Contract,
    ImportRun,
    ImportStatus,
    ProfessionalLeader,
    Trade,
)
from registry_import.services import import_extract
from registry_import.validation import synthetic_identity_number

# Every column of each file, in the order of the format.
HEADERS = {kind: list(spec.names) for kind, spec in FORMATS.items()}

OFFICE_VEST = valid_orgnr(97100001)
OFFICE_OSLO = valid_orgnr(97100101)
COMPANY_VEST = valid_orgnr(98100001)
COMPANY_VEST_2 = valid_orgnr(98100101)
COMPANY_OSLO = valid_orgnr(98100201)
# A real-form identity number, the example of python-stdnum's documentation.
REAL_FNR = "15108695088"


def synthetic(n: int) -> str:
    """The n-th synthetic identity number: test persons born in 2005."""
    serial = 500 + n
    while True:
        number = synthetic_identity_number(date(2005, 1 + n % 12, 1 + n % 28), serial)
        if number is not None:
            return number
        serial += 100


def fnrs() -> list[str]:
    return [synthetic(n) for n in range(4)]


@dataclass
class ExtractBuilder:
    offices: list[dict] = field(default_factory=list)
    companies: list[dict] = field(default_factory=list)
    leaders: list[dict] = field(default_factory=list)
    contracts: list[dict] = field(default_factory=list)

    @classmethod
    def default(cls) -> ExtractBuilder:
        people = fnrs()
        return cls(
            offices=[
                {
                    "orgnr": OFFICE_VEST,
                    "navn": "Opplæringskontoret for elektrofag Vestland",
                    "fylkesnr": "46",
                    "nor_registrert": "J",
                    "daglig_leder_navn": "Åse Ørnes",
                    "daglig_leder_epost": "ase@okvest.no",
                    "daglig_leder_mobil": "912 34 567",
                },
                {
                    "orgnr": OFFICE_OSLO,
                    "navn": "Oslo Opplæringskontor for helsefag",
                    "fylkesnr": "03",
                    "nor_registrert": "J",
                },
            ],
            companies=[
                {
                    "orgnr": COMPANY_VEST,
                    "navn": "Fjordkraft Elektro AS",
                    "fylkesnr": "46",
                    "kommunenr": "4601",
                    "opplaeringskontor_orgnr": OFFICE_VEST,
                    "nlr_registrert": "J",
                },
                {
                    "orgnr": COMPANY_VEST_2,
                    "navn": "Sunnfjord Mekaniske AS",
                    "fylkesnr": "46",
                    "kommunenr": "4647",
                    "nlr_registrert": "J",
                },
                {
                    "orgnr": COMPANY_OSLO,
                    "navn": "Grünerløkka Frisør AS",
                    "fylkesnr": "03",
                    "kommunenr": "0301",
                    "opplaeringskontor_orgnr": OFFICE_OSLO,
                    "nlr_registrert": "N",
                },
            ],
            leaders=[
                {
                    "faglig_leder_id": "FL-1",
                    "bedrift_orgnr": COMPANY_VEST,
                    "fornavn": "Øystein",
                    "etternavn": "Brække",
                    "epost": "oystein@fjordkraft.no",
                    "mobil": "+47 412 34 567",
                },
                {
                    "faglig_leder_id": "FL-2",
                    "bedrift_orgnr": COMPANY_OSLO,
                    "fornavn": "Kari",
                    "etternavn": "Nordmann",
                    "epost": "kari@frisor.no",
                    "mobil": "22 33 44 55",  # a landline: kept, flagged invalid
                },
            ],
            contracts=[
                {
                    "kontrakt_id": "K-1",
                    "fodselsnummer": people[0],
                    "fornavn": "Åsmund",
                    "etternavn": "Æsøy",
                    "epost": "asmund@example.no",
                    "mobil": "98765432",
                    "kontrakttype": "LÆREKONTRAKT",
                    "status": "LØPENDE",
                    "startdato": "2024-08-15",
                    "sluttdato": "14.08.2026",
                    "laerefag_kode": "ELELE3----",
                    "laerefag_navn": "Elektrikerfaget",
                    "bedrift_orgnr": COMPANY_VEST,
                    "opplaeringskontor_orgnr": OFFICE_VEST,
                    "faglig_leder_id": "FL-1",
                    "fylkesnr": "46",
                },
                {
                    "kontrakt_id": "K-2",
                    "fodselsnummer": people[1],
                    "fornavn": "Ola",
                    "etternavn": "Nordmann",
                    "epost": "ola@example",  # invalid: kept, flagged
                    "mobil": "",
                    "kontrakttype": "OPPLÆRINGSKONTRAKT",
                    "status": "LØPENDE",
                    "startdato": "01.09.2024",
                    "sluttdato": "2026-08-31",
                    "laerefag_kode": "TPTIP3----",
                    "laerefag_navn": "Industrimekanikerfaget",
                    "bedrift_orgnr": COMPANY_VEST_2,
                    "fylkesnr": "46",
                },
                {
                    "kontrakt_id": "K-3",
                    "fodselsnummer": people[2],
                    "fornavn": "Fatima",
                    "etternavn": "Hansen",
                    "epost": "fatima@example.no",
                    "mobil": "413 22 111",
                    "kontrakttype": "LÆREKONTRAKT",
                    "status": "FULLFØRT",
                    "startdato": "2022-08-15",
                    "sluttdato": "2024-08-14",
                    "laerefag_kode": "FRFRI3----",
                    "laerefag_navn": "Frisørfaget",
                    "bedrift_orgnr": COMPANY_OSLO,
                    "opplaeringskontor_orgnr": OFFICE_OSLO,
                    "faglig_leder_id": "FL-2",
                    "fylkesnr": "03",
                },
            ],
        )

    def rows(self, kind: str) -> list[dict]:
        return {
            "opplaeringskontor": self.offices,
            "laerebedrifter": self.companies,
            "faglige_ledere": self.leaders,
            "kontrakter": self.contracts,
        }[kind]

    def table(self, kind: str) -> list[list[str]]:
        header = list(HEADERS[kind])
        for row in self.rows(kind):
            header.extend(k for k in row if k not in header)
        return [header] + [[row.get(c, "") for c in header] for row in self.rows(kind)]

    def csv_bytes(self, kind: str, *, encoding: str = "utf-8", delimiter: str = ";") -> bytes:
        out = io.StringIO(newline="")
        csv.writer(out, delimiter=delimiter, lineterminator="\r\n").writerows(self.table(kind))
        return out.getvalue().encode(encoding)

    def xlsx_bytes(self, kind: str) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        for row in self.table(kind):
            sheet.append(row)
        out = io.BytesIO()
        workbook.save(out)
        return out.getvalue()

    def write(
        self,
        folder: Path,
        *,
        xlsx: bool = False,
        encoding: str = "utf-8",
        delimiter: str = ";",
        skip: tuple[str, ...] = (),
        raw: dict[str, bytes] | None = None,
    ) -> Path:
        """Writes the four files into `folder` (created) and returns it. `raw` replaces a
        file's bytes, keyed by file name."""
        folder.mkdir(parents=True, exist_ok=True)
        raw = raw or {}
        for kind in HEADERS:
            if kind in skip:
                continue
            name = f"{kind}.xlsx" if xlsx else f"{kind}.csv"
            if name in raw:
                data = raw[name]
            elif xlsx:
                data = self.xlsx_bytes(kind)
            else:
                data = self.csv_bytes(kind, encoding=encoding, delimiter=delimiter)
            (folder / name).write_bytes(data)
        for name, data in raw.items():
            (folder / name).write_bytes(data)
        return folder

    def write_zip(self, path: Path, **options) -> Path:
        folder = self.write(path.parent / (path.stem + "-files"), **options)
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for child in sorted(folder.iterdir()):
                archive.write(child, f"uttrekk/{child.name}")
        return path


@pytest.fixture
def extract() -> ExtractBuilder:
    return ExtractBuilder.default()


REGISTER = [TrainingOffice, Company, ProfessionalLeader, Apprentice, Trade, Contract]


def snapshot() -> dict[str, list[dict]]:
    """Every row of the register, to compare before and after."""
    return {m.__name__: list(m.objects.order_by("pk").values()) for m in REGISTER}


def error(run: ImportRun, file: str, line: int, column: str) -> dict:
    matches = [e for e in run.errors if (e["file"], e["line"], e["column"]) == (file, line, column)]
    assert len(matches) == 1, run.errors
    return matches[0]


@pytest.fixture
def imported(extract, tmp_path, counties) -> ImportRun:
    run = import_extract([extract.write(tmp_path / "first")])
    assert run.status == ImportStatus.SUCCEEDED, run.message
    return run


def warning(run: ImportRun, file: str, line: int, column: str) -> dict:
    matches = [
        w for w in run.warnings if (w["file"], w["line"], w["column"]) == (file, line, column)
    ]
    assert len(matches) == 1, run.warnings
    return matches[0]
