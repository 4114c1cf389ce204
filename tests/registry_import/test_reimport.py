"""Imports after the first: all or nothing, re-imports and newer extracts, the identity numbers
an import must never keep, and the import in the admin."""

import json
import logging
from datetime import date

import pytest
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection

from portal.models import Company, TrainingOffice
from registry_import.importing import sync
from registry_import.models import (
    Apprentice,
    Contract,
    ContractStatus,
    ImportRun,
    ImportStatus,
    ProfessionalLeader,
)
from registry_import.pseudonym import pseudonym
from registry_import.services import format_report, import_extract
from tests.registry_import.conftest import (
    COMPANY_OSLO,
    COMPANY_VEST_2,
    OFFICE_OSLO,
    REAL_FNR,
    REGISTER,
    ExtractBuilder,
    error,
    snapshot,
    synthetic,
)

pytestmark = pytest.mark.django_db


# --- All or nothing -------------------------------------------------------------------------


def newer(extract: ExtractBuilder) -> ExtractBuilder:
    """A later extract: K-2 has ended, K-3 (completed) is gone, K-4 in Oslo is new, an office
    is renamed. It still has contracts of both counties, so it is the whole register."""
    extract.contracts[1]["status"] = "HEVET"
    oslo = extract.contracts.pop(2)
    extract.contracts.append(
        dict(
            oslo,
            kontrakt_id="K-4",
            fodselsnummer=synthetic(7),
            fornavn="Nora",
            status="LØPENDE",
            startdato="2025-08-15",
            sluttdato="2027-08-14",
        )
    )
    extract.offices[0]["navn"] = "Elektrofagenes Opplæringskontor Vestland"
    return extract


@pytest.mark.django_db(transaction=True)
def test_an_error_halfway_leaves_the_register_as_it_was(extract, tmp_path, counties, monkeypatch):
    import_extract([extract.write(tmp_path / "first")])
    before = snapshot()
    real_sync = sync._sync

    def failing_sync(model, *args, **kwargs):
        outcome = real_sync(model, *args, **kwargs)
        if model is Contract:  # everything else has been written by now
            raise RuntimeError("disk full")
        return outcome

    monkeypatch.setattr(sync, "_sync", failing_sync)
    run = import_extract([newer(extract).write(tmp_path / "second")])
    assert run.status == ImportStatus.FAILED
    assert run.message == (
        "Importen stoppet på en uventet feil (RuntimeError). Ingenting er lagret."
    )
    assert ImportRun.objects.get(pk=run.pk).status == ImportStatus.FAILED
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_an_interrupt_leaves_the_register_as_it_was_and_is_recorded(
    extract, tmp_path, counties, monkeypatch
):
    import_extract([extract.write(tmp_path / "first")])
    before = snapshot()

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(sync, "_update_rows", interrupted)
    with pytest.raises(KeyboardInterrupt):
        import_extract([newer(extract).write(tmp_path / "second")])
    run = ImportRun.objects.order_by("-pk").first()
    assert run.status == ImportStatus.FAILED
    assert run.message == "Importen ble avbrutt. Ingenting er lagret."
    assert snapshot() == before


def test_a_dry_run_reports_everything_and_saves_nothing(imported, extract, tmp_path):
    before = snapshot()
    extract.contracts[0]["status"] = "PAUSE"
    run = import_extract([newer(extract).write(tmp_path / "x")], dry_run=True)
    assert run.status == ImportStatus.DRY_RUN
    assert run.dry_run
    assert run.counts["kontrakter.csv"]["new"] == 1
    assert run.counts["kontrakter.csv"]["gone"] == 1  # K-3; K-1 is skipped, not gone
    assert run.counts["kontrakter.csv"]["skipped"] == 1
    assert run.counts["opplaeringskontor.csv"]["changed"] == 1
    assert error(run, "kontrakter.csv", 2, "status")
    assert run.message.startswith("Prøvekjøring, ingenting er lagret. Importen ville gitt: ")
    assert snapshot() == before


# --- Re-imports and newer extracts ----------------------------------------------------------


def test_re_importing_the_same_extract_changes_nothing_and_says_so(imported, extract, tmp_path):
    before = snapshot()
    run = import_extract([extract.write(tmp_path / "again")])
    assert run.status == ImportStatus.UNCHANGED
    assert run.extract_sha256 == imported.extract_sha256
    assert run.message.startswith(
        "Ingen endringer: registeret var allerede i samsvar med uttrekket. "
        "Det er det samme uttrekket som i importen "
    )
    for counts in run.counts.values():
        assert counts["new"] == counts["changed"] == counts["gone"] == 0
    assert run.counts["kontrakter.csv"]["unchanged"] == 3
    assert snapshot() == before


def test_the_same_data_in_another_form_is_unchanged_too(imported, extract, tmp_path):
    before = snapshot()
    run = import_extract([extract.write(tmp_path / "xlsx", xlsx=True)])
    assert run.status == ImportStatus.UNCHANGED
    assert run.extract_sha256 != imported.extract_sha256
    assert snapshot() == before


def test_a_newer_extract_reports_new_changed_unchanged_and_gone(imported, extract, tmp_path):
    run = import_extract([newer(extract).write(tmp_path / "newer")])
    assert run.status == ImportStatus.SUCCEEDED
    assert run.counts["kontrakter.csv"] | {"invalid_email": 0, "invalid_mobile": 0} == {
        "new": 1,
        "changed": 1,
        "unchanged": 1,
        "gone": 1,
        "skipped": 0,
        "invalid_email": 0,
        "invalid_mobile": 0,
        "mapped": 0,
    }
    assert run.counts["opplaeringskontor.csv"]["changed"] == 1
    assert run.counts["opplaeringskontor.csv"]["unchanged"] == 1
    gone = Contract.objects.get(register_id="K-3")
    assert gone.in_register is False
    assert gone.status == ContractStatus.COMPLETED  # kept as it was
    assert Contract.objects.get(register_id="K-2").status == ContractStatus.TERMINATED
    assert Contract.objects.get(register_id="K-4").in_register
    report = format_report(run)
    assert "kontrakter.csv: 3 rader; 1 nye, 1 endret, 1 uendret, 1 ikke lenger i registeret" in (
        report
    )


def test_companies_offices_and_leaders_missing_from_a_national_extract_are_gone(
    imported, extract, tmp_path
):
    del extract.contracts[2]  # the only contract of the Oslo company
    del extract.leaders[1]
    del extract.companies[2]
    del extract.offices[1]
    extract.contracts[1]["fylkesnr"] = "03"  # still two counties: the whole country
    run = import_extract([extract.write(tmp_path / "x")])
    assert run.counts["laerebedrifter.csv"]["gone"] == 1
    assert run.counts["opplaeringskontor.csv"]["gone"] == 1
    assert run.counts["faglige_ledere.csv"]["gone"] == 1
    assert not Company.objects.get(orgnr=COMPANY_OSLO).in_register
    assert not TrainingOffice.objects.get(orgnr=OFFICE_OSLO).in_register
    assert not ProfessionalLeader.objects.get(register_id="FL-2").in_register
    assert Company.objects.filter(in_register=True).count() == 2


def test_a_row_that_is_skipped_leaves_its_record_as_it_was(imported, extract, tmp_path):
    extract.contracts[0]["startdato"] = "snart"
    run = import_extract([extract.write(tmp_path / "x")])
    assert run.counts["kontrakter.csv"]["skipped"] == 1
    assert run.counts["kontrakter.csv"]["gone"] == 0
    contract = Contract.objects.get(register_id="K-1")
    assert contract.in_register
    assert contract.start_date == date(2024, 8, 15)


def test_what_comes_back_is_in_the_register_again(imported, tmp_path):
    import_extract([newer(ExtractBuilder.default()).write(tmp_path / "without")])
    assert not Contract.objects.get(register_id="K-3").in_register
    run = import_extract([ExtractBuilder.default().write(tmp_path / "with")])
    assert Contract.objects.get(register_id="K-3").in_register
    assert run.counts["kontrakter.csv"]["changed"] >= 1


def test_a_county_extract_marks_only_that_countys_contracts_as_gone(imported, extract, tmp_path):
    vestland = ExtractBuilder.default()
    vestland.contracts = [c for c in vestland.contracts if c["fylkesnr"] == "46"][:1]
    vestland.offices = vestland.offices[:1]
    vestland.companies = vestland.companies[:1]
    vestland.leaders = vestland.leaders[:1]
    run = import_extract([vestland.write(tmp_path / "vestland")])
    assert run.status == ImportStatus.SUCCEEDED
    assert "Uttrekket gjelder ett fylke: 46 Vestland." in run.message
    assert not Contract.objects.get(register_id="K-2").in_register  # Vestland, missing
    assert Contract.objects.get(register_id="K-3").in_register  # Oslo, not this extract's
    assert Company.objects.get(orgnr=COMPANY_VEST_2).in_register
    assert TrainingOffice.objects.get(orgnr=OFFICE_OSLO).in_register
    assert run.counts["laerebedrifter.csv"]["gone"] == 0


# --- Identity numbers are never kept --------------------------------------------------------


def test_no_identity_number_is_kept_in_the_run_the_register_or_the_log(
    extract, tmp_path, counties, caplog
):
    numbers = [c["fodselsnummer"] for c in extract.contracts]
    extract.contracts[0]["fodselsnummer"] = "15108695077"  # wrong check digit
    extract.contracts[1]["mobil"] = REAL_FNR  # in the wrong column
    extract.contracts[2]["startdato"] = "i fjor"
    extract.leaders[0]["epost"] = numbers[2]
    extract.contracts.append(dict(extract.contracts[2], kontrakt_id="K-3"))  # a duplicate
    numbers += ["15108695077", REAL_FNR]
    caplog.set_level(logging.DEBUG)
    run = import_extract([extract.write(tmp_path / "x")])
    assert run.errors

    stored = json.dumps(
        {
            "run": list(ImportRun.objects.values()),
            "register": snapshot(),
        },
        cls=DjangoJSONEncoder,
        ensure_ascii=False,
    )
    with connection.cursor() as cursor:
        for model in REGISTER:
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")  # noqa: S608
            stored += repr(cursor.fetchall())
    stored += format_report(run) + caplog.text
    for number in numbers:
        assert number not in stored
        assert f"{number[:6]} {number[6:]}" not in stored
    assert Apprentice.objects.filter(pseudonym=pseudonym(numbers[1])).exists()


# --- The admin ------------------------------------------------------------------------------


def test_the_admin_shows_a_runs_report_and_the_register_without_editing(
    extract, tmp_path, counties, client
):
    from portal.models import Membership, Role, User
    from tests.conftest import give_two_factor

    extract.contracts[0]["startdato"] = "snart"
    run = import_extract([extract.write(tmp_path / "x")])
    admin = User.objects.create_superuser("drift@udir.test", "korrekt-hest-batteri-stift")
    give_two_factor(admin)  # staff log in with two factors
    # Register data in the admin is for staff with the national role.
    Membership.objects.create(user=admin, role=Role.NATIONAL)
    client.force_login(admin)
    page = client.get(f"/admin/registry_import/importrun/{run.pk}/change/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "kontrakter.csv:2 startdato «snart»: Ugyldig dato" in body
    contract = Contract.objects.get(register_id="K-2")
    assert client.get(f"/admin/registry_import/contract/{contract.pk}/change/").status_code == 200
    assert client.get("/admin/registry_import/contract/add/").status_code == 403
    apprentice_page = client.get(
        f"/admin/registry_import/apprentice/{contract.apprentice_id}/change/"
    ).content.decode()
    assert contract.apprentice.pseudonym not in apprentice_page
    assert client.get("/admin/registry_import/importrun/").status_code == 200
