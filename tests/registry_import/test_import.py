"""The import of a whole extract into the register: what a first import writes, and what it
refuses or skips and how it says so."""

from datetime import date

import pytest
from django.test import override_settings

from portal.models import Company, TrainingOffice
from registry_import.models import (
    Apprentice,
    Contract,
    ContractKind,
    ContractStatus,
    ImportRun,
    ImportStatus,
    ProfessionalLeader,
)
from registry_import.pseudonym import pseudonym
from registry_import.services import format_report, import_extract
from tests.registry_import.conftest import (
    COMPANY_OSLO,
    COMPANY_VEST,
    COMPANY_VEST_2,
    OFFICE_VEST,
    REAL_FNR,
    error,
    snapshot,
    warning,
)

pytestmark = pytest.mark.django_db


# --- A first import -------------------------------------------------------------------------


def test_a_first_import_creates_the_register(imported):
    office = TrainingOffice.objects.get(orgnr=OFFICE_VEST)
    assert office.name == "Opplæringskontoret for elektrofag Vestland"
    assert office.county.code == "46"
    assert office.manager_name == "Åse Ørnes"
    assert (office.mobile, office.mobile_valid) == ("+4791234567", True)
    assert (office.email, office.email_valid) == ("ase@okvest.no", True)
    assert office.nor_registered and office.in_register

    member = Company.objects.get(orgnr=COMPANY_VEST)
    assert member.training_office == office
    assert member.municipality == "4601"
    assert Company.objects.get(orgnr=COMPANY_VEST_2).is_independent
    assert Company.objects.get(orgnr=COMPANY_OSLO).nlr_registered is False

    leader = ProfessionalLeader.objects.get(register_id="FL-2")
    assert leader.company.orgnr == COMPANY_OSLO
    assert (leader.mobile, leader.mobile_valid) == ("22 33 44 55", False)  # a landline

    contract = Contract.objects.get(register_id="K-1")
    assert contract.kind == ContractKind.APPRENTICE
    assert contract.status == ContractStatus.RUNNING
    assert contract.start_date == date(2024, 8, 15)
    assert contract.end_date == date(2026, 8, 14)
    assert contract.trade.code == "ELELE3----"
    assert contract.trade.name == "Elektrikerfaget"
    assert contract.training_office == office
    assert contract.professional_leader.register_id == "FL-1"
    assert contract.county.code == "46"
    assert contract.apprentice.first_name == "Åsmund"
    assert contract.apprentice.last_name == "Æsøy"
    assert (contract.apprentice.mobile, contract.apprentice.mobile_valid) == ("+4798765432", True)

    candidate = Contract.objects.get(register_id="K-2")
    assert candidate.kind == ContractKind.CANDIDATE
    assert candidate.start_date == date(2024, 9, 1)
    assert candidate.training_office is None and candidate.professional_leader is None
    assert (candidate.apprentice.email, candidate.apprentice.email_valid) == ("ola@example", False)
    assert Contract.objects.get(register_id="K-3").status == ContractStatus.COMPLETED


def test_the_run_records_files_counts_and_times(imported, extract):
    assert [f["name"] for f in imported.files] == [
        "opplaeringskontor.csv",
        "laerebedrifter.csv",
        "faglige_ledere.csv",
        "kontrakter.csv",
    ]
    assert [f["rows"] for f in imported.files] == [2, 3, 2, 3]
    assert all(len(f["sha256"]) == 64 for f in imported.files)
    assert len(imported.extract_sha256) == 64
    assert imported.counts["kontrakter.csv"] == {
        "new": 3,
        "changed": 0,
        "unchanged": 0,
        "gone": 0,
        "skipped": 0,
        "invalid_email": 1,
        "invalid_mobile": 0,
        "mapped": 0,
    }
    assert imported.counts["faglige_ledere.csv"]["invalid_mobile"] == 1
    assert imported.started_at <= imported.finished_at
    assert imported.source == "command"
    assert imported.errors == [] and imported.warnings == []
    assert imported.message == (
        "Uttrekket er importert: 10 nye, 0 endret, 0 ikke lenger i registeret, "
        "0 rader hoppet over. Uttrekket gjelder hele landet."
    )
    assert ImportRun.objects.get(pk=imported.pk).status == ImportStatus.SUCCEEDED


def test_apprentices_are_matched_by_pseudonym(extract, tmp_path, counties):
    person = extract.contracts[0]["fodselsnummer"]
    second = dict(extract.contracts[1], kontrakt_id="K-9", fodselsnummer=person)
    second.update(fornavn="Åsmund", etternavn="Æsøy", startdato="2025-01-01")
    extract.contracts.append(second)
    import_extract([extract.write(tmp_path / "a")])
    apprentice = Apprentice.objects.get(pseudonym=pseudonym(person))
    assert set(apprentice.contracts.values_list("register_id", flat=True)) == {"K-1", "K-9"}
    assert Apprentice.objects.count() == 3

    # A new surname later is the same person, changed.
    for row in extract.contracts:
        if row["fodselsnummer"] == person:
            row["etternavn"] = "Ørnes"
    run = import_extract([extract.write(tmp_path / "b")])
    assert Apprentice.objects.get(pk=apprentice.pk).last_name == "Ørnes"
    assert run.counts["kontrakter.csv"]["changed"] == 2


def test_a_windows_1252_extract_keeps_ae_oe_aa(extract, tmp_path, counties):
    run = import_extract([extract.write(tmp_path / "x", encoding="cp1252")])
    assert run.status == ImportStatus.SUCCEEDED
    assert Contract.objects.get(register_id="K-1").apprentice.last_name == "Æsøy"
    assert Company.objects.get(orgnr=COMPANY_OSLO).name == "Grünerløkka Frisør AS"
    assert TrainingOffice.objects.get(orgnr=OFFICE_VEST).manager_name == "Åse Ørnes"


def test_a_comma_separated_extract_with_a_byte_order_mark_is_imported(extract, tmp_path, counties):
    run = import_extract([extract.write(tmp_path / "x", encoding="utf-8-sig", delimiter=",")])
    assert run.status == ImportStatus.SUCCEEDED
    assert Contract.objects.count() == 3


def test_an_xlsx_extract_is_imported(extract, tmp_path, counties):
    run = import_extract([extract.write(tmp_path / "x", xlsx=True)])
    assert run.status == ImportStatus.SUCCEEDED, run.message
    assert [f["name"] for f in run.files][-1] == "kontrakter.xlsx"
    assert Contract.objects.get(register_id="K-2").start_date == date(2024, 9, 1)
    assert Company.objects.get(orgnr=COMPANY_OSLO).municipality == "0301"


def test_a_zip_extract_is_imported(extract, tmp_path, counties):
    run = import_extract([extract.write_zip(tmp_path / "uttrekk.zip")])
    assert run.status == ImportStatus.SUCCEEDED, run.message
    assert Contract.objects.count() == 3
    assert run.files[0]["name"] == "opplaeringskontor.csv"


def test_the_api_uses_a_queued_run_and_records_who_started_it(
    extract, tmp_path, counties, national_admin
):
    queued = ImportRun.objects.create(source="upload", started_by=national_admin)
    run = import_extract(
        [extract.write(tmp_path / "x")], user=national_admin, source="upload", run=queued
    )
    assert run.pk == queued.pk
    queued.refresh_from_db()
    assert queued.status == ImportStatus.SUCCEEDED
    assert queued.started_by == national_admin
    assert queued.source == "upload"


def test_progress_is_reported_up_to_the_total(extract, tmp_path, counties):
    calls = []
    import_extract([extract.write(tmp_path / "x")], progress=lambda d, t: calls.append((d, t)))
    assert calls[0][0] == 0
    assert calls[-1][0] == calls[-1][1] > 0
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


# --- Files that are refused -----------------------------------------------------------------


def assert_refused(run: ImportRun, message: str, before: dict) -> None:
    assert run.status == ImportStatus.REFUSED
    assert run.message == "Uttrekket ble avvist; ingenting er endret.\n" + message
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.REFUSED
    assert snapshot() == before


def test_a_missing_required_column_refuses_the_extract(imported, extract, tmp_path):
    before = snapshot()
    for row in extract.contracts:
        row["STATUS_GAMMEL"] = row.pop("status")
    data = extract.csv_bytes("kontrakter").replace(b"status;", b"", 1)
    run = import_extract([extract.write(tmp_path / "x", raw={"kontrakter.csv": data})])
    assert_refused(run, "kontrakter.csv: Filen mangler kolonnen «status».", before)
    assert run.errors == [
        {
            "file": "kontrakter.csv",
            "line": 1,
            "column": "status",
            "value": "",
            "message": "Filen mangler kolonnen «status».",
        }
    ]


def test_an_empty_file_refuses_the_extract(imported, extract, tmp_path):
    before = snapshot()
    run = import_extract([extract.write(tmp_path / "x", raw={"faglige_ledere.csv": b""})])
    assert_refused(run, "faglige_ledere.csv: Filen er tom.", before)


def test_binary_junk_refuses_the_extract(imported, extract, tmp_path):
    before = snapshot()
    junk = bytes(range(256)) * 100
    run = import_extract([extract.write(tmp_path / "x", raw={"laerebedrifter.csv": junk})])
    assert_refused(
        run, "laerebedrifter.csv: Filen er ikke lesbar tekst i UTF-8 eller Windows-1252.", before
    )


def test_a_missing_file_refuses_the_extract(imported, extract, tmp_path):
    before = snapshot()
    run = import_extract([extract.write(tmp_path / "x", skip=("kontrakter",))])
    assert_refused(
        run,
        "kontrakter.csv: Filen mangler i uttrekket (kontrakter.csv eller kontrakter.xlsx).",
        before,
    )


def test_every_refused_file_is_named_at_once(imported, extract, tmp_path):
    before = snapshot()
    run = import_extract(
        [
            extract.write(
                tmp_path / "x",
                raw={"opplaeringskontor.csv": b"", "kontrakter.csv": b"kontrakt_id\nK-1\n"},
            )
        ]
    )
    assert run.status == ImportStatus.REFUSED
    assert [e["file"] for e in run.errors] == ["opplaeringskontor.csv", "kontrakter.csv"]
    assert snapshot() == before


def test_files_outside_the_format_are_a_warning(extract, tmp_path, counties):
    folder = extract.write(tmp_path / "x")
    (folder / "notater.txt").write_text("hei")
    run = import_extract([folder])
    assert run.status == ImportStatus.SUCCEEDED
    assert run.warnings == [
        {
            "file": "notater.txt",
            "line": None,
            "column": "",
            "value": "",
            "message": "Filen hører ikke til uttrekksformatet og er ikke lest.",
        }
    ]


def test_extra_columns_are_a_warning_once(extract, tmp_path, counties):
    for row in extract.companies:
        row["merknad"] = "intern"
    run = import_extract([extract.write(tmp_path / "x")])
    assert run.status == ImportStatus.SUCCEEDED
    assert run.warnings == [
        {
            "file": "laerebedrifter.csv",
            "line": 1,
            "column": "merknad",
            "value": "",
            "message": "Ukjent kolonne; den blir ikke lest.",
        }
    ]


# --- Rows that are skipped ------------------------------------------------------------------


def test_a_duplicate_id_skips_the_later_row_and_names_the_first(extract, tmp_path, counties):
    duplicate = dict(extract.contracts[1], fornavn="Dobbel")
    extract.contracts.append(dict(duplicate, kontrakt_id="K-1"))
    run = import_extract([extract.write(tmp_path / "x")])
    assert run.status == ImportStatus.SUCCEEDED
    assert error(run, "kontrakter.csv", 5, "kontrakt_id") == {
        "file": "kontrakter.csv",
        "line": 5,
        "column": "kontrakt_id",
        "value": "K-1",
        "message": "Samme kontrakt_id som på linje 2; raden er hoppet over.",
    }
    assert Contract.objects.get(register_id="K-1").apprentice.first_name == "Åsmund"
    assert run.counts["kontrakter.csv"]["skipped"] == 1


def test_a_duplicate_orgnr_with_spaces_is_still_a_duplicate(extract, tmp_path, counties):
    spaced = f"{COMPANY_VEST[:3]} {COMPANY_VEST[3:6]} {COMPANY_VEST[6:]}"
    extract.companies.append(dict(extract.companies[1], orgnr=spaced, navn="Kopi AS"))
    run = import_extract([extract.write(tmp_path / "x")])
    assert error(run, "laerebedrifter.csv", 5, "orgnr")["message"] == (
        "Samme orgnr som på linje 2; raden er hoppet over."
    )
    assert Company.objects.get(orgnr=COMPANY_VEST).name == "Fjordkraft Elektro AS"


def test_a_reference_to_an_unknown_company_skips_the_row(extract, tmp_path, counties):
    extract.contracts[2]["bedrift_orgnr"] = "974 760 673"
    run = import_extract([extract.write(tmp_path / "x")])
    assert error(run, "kontrakter.csv", 4, "bedrift_orgnr") == {
        "file": "kontrakter.csv",
        "line": 4,
        "column": "bedrift_orgnr",
        "value": "974 760 673",
        "message": "Ukjent lærebedrift: finnes ikke i laerebedrifter.csv.",
    }
    assert not Contract.objects.filter(register_id="K-3").exists()
    assert Contract.objects.count() == 2


def test_a_reference_to_a_skipped_row_points_at_its_line(extract, tmp_path, counties):
    extract.offices[1]["fylkesnr"] = "99"
    extract.companies[0]["navn"] = ""
    run = import_extract([extract.write(tmp_path / "x")])
    assert error(run, "opplaeringskontor.csv", 3, "fylkesnr")["message"] == "Ukjent fylkesnummer."
    # An optional reference to the skipped office is emptied, the company kept.
    assert warning(run, "laerebedrifter.csv", 4, "opplaeringskontor_orgnr")["message"] == (
        "Opplæringskontoret er ikke importert (se linje 3 i opplaeringskontor.csv). "
        "Raden er tatt med, med verdien tom."
    )
    assert Company.objects.get(orgnr=COMPANY_OSLO).training_office is None
    # A required one skips the row.
    assert error(run, "faglige_ledere.csv", 2, "bedrift_orgnr")["message"] == (
        "Lærebedriften er ikke importert (se linje 2 i laerebedrifter.csv)."
    )
    assert error(run, "kontrakter.csv", 2, "bedrift_orgnr")["message"] == (
        "Lærebedriften er ikke importert (se linje 2 i laerebedrifter.csv)."
    )
    assert run.counts["kontrakter.csv"]["skipped"] == 1


def test_references_to_unknown_offices_and_leaders_keep_the_row_with_a_warning(
    extract, tmp_path, counties
):
    extract.companies[1]["opplaeringskontor_orgnr"] = COMPANY_OSLO
    extract.contracts[0]["faglig_leder_id"] = "FL-404"
    run = import_extract([extract.write(tmp_path / "x")])
    assert warning(run, "laerebedrifter.csv", 3, "opplaeringskontor_orgnr")["message"] == (
        "Ukjent opplæringskontor: finnes ikke i opplaeringskontor.csv. "
        "Raden er tatt med, med verdien tom."
    )
    assert warning(run, "kontrakter.csv", 2, "faglig_leder_id") == {
        "file": "kontrakter.csv",
        "line": 2,
        "column": "faglig_leder_id",
        "value": "FL-404",
        "message": "Ukjent faglig leder: finnes ikke i faglige_ledere.csv. "
        "Raden er tatt med, med verdien tom.",
    }
    contract = Contract.objects.get(register_id="K-1")
    assert contract.professional_leader is None
    assert contract.unknown_professional_leader == "FL-404"
    assert run.counts["kontrakter.csv"]["skipped"] == 0


def test_bad_values_skip_the_row_with_file_line_column_value_and_reason(
    extract, tmp_path, counties
):
    extract.contracts[0].update(startdato="2024-13-01", status="PAUSE")
    extract.contracts[1].update(kontrakttype="ARBEID", sluttdato="")
    extract.companies[1]["orgnr"] = "123456789"
    run = import_extract([extract.write(tmp_path / "x")])
    assert error(run, "kontrakter.csv", 2, "startdato") == {
        "file": "kontrakter.csv",
        "line": 2,
        "column": "startdato",
        "value": "2024-13-01",
        "message": "Ugyldig dato: bruk ÅÅÅÅ-MM-DD eller DD.MM.ÅÅÅÅ.",
    }
    assert error(run, "kontrakter.csv", 2, "status")["message"] == (
        "Ukjent status: bruk LØPENDE, FULLFØRT eller HEVET."
    )
    assert error(run, "kontrakter.csv", 3, "kontrakttype")["value"] == "ARBEID"
    assert error(run, "kontrakter.csv", 3, "sluttdato")["message"] == "Mangler verdi."
    assert error(run, "laerebedrifter.csv", 3, "orgnr") == {
        "file": "laerebedrifter.csv",
        "line": 3,
        "column": "orgnr",
        "value": "123456789",
        "message": "Ugyldig organisasjonsnummer: det må ha ni sifre og gyldig kontrollsiffer.",
    }
    assert run.status == ImportStatus.SUCCEEDED
    assert list(Contract.objects.values_list("register_id", flat=True)) == ["K-3"]
    assert run.counts["kontrakter.csv"]["skipped"] == 2


def test_a_bad_identity_number_is_reported_without_its_value(extract, tmp_path, counties):
    extract.contracts[0]["fodselsnummer"] = "15108695077"
    run = import_extract([extract.write(tmp_path / "x")])
    assert error(run, "kontrakter.csv", 2, "fodselsnummer") == {
        "file": "kontrakter.csv",
        "line": 2,
        "column": "fodselsnummer",
        "value": "(skjult)",
        "message": "Ugyldig fødselsnummer: feil kontrollsiffer.",
    }
    assert "15108695077" not in format_report(run)


@override_settings(ALLOW_SYNTHETIC_IDS=False)
def test_synthetic_identity_numbers_are_refused_when_the_setting_is_off(
    extract, tmp_path, counties
):
    extract.contracts[0]["fodselsnummer"] = REAL_FNR
    run = import_extract([extract.write(tmp_path / "x")])
    assert list(Contract.objects.values_list("register_id", flat=True)) == ["K-1"]
    assert error(run, "kontrakter.csv", 3, "fodselsnummer")["message"] == (
        "Syntetisk fødselsnummer (testperson) er ikke tillatt på denne serveren."
    )


def test_a_bad_municipality_number_is_a_warning_and_the_row_is_kept(extract, tmp_path, counties):
    extract.companies[0]["kommunenr"] = "46O1"
    run = import_extract([extract.write(tmp_path / "x")])
    assert run.warnings[0]["message"] == "Ugyldig kommunenummer (fire sifre); det blir ikke lagret."
    assert Company.objects.get(orgnr=COMPANY_VEST).municipality == ""
