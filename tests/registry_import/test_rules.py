"""The rules, each tried on a small hand-written extract as a county could really send it: imported
through the real importer, then sampled, reported and frozen as the portal does. One test per
rule, named by its rule id (docs/domain.md)."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from demo.portal_users import valid_orgnr
from portal.lib.oslo import oslo_today
from portal.models import County
from registry_import.models import Contract, ImportRun, ImportStatus
from registry_import.services import import_extract
from surveys.models import Exclusion, ExclusionReason, Respondent, Round
from surveys.services.samples import samples_build
from tests import register_rows as reg
from tests.registry_import.conftest import ExtractBuilder
from tests.registry_import.handwritten import (
    FIRM,
    FIRM_2,
    YEAR,
    company,
    contract,
    csv_rows,
    imported,
    leader,
    office,
)

pytestmark = pytest.mark.django_db

# --- 2. Time in training (R-S1) --------------------------------------------------------------


def test_R_S1_time_counts_up_to_1_october_from_the_dates_not_todays_status(tmp_path, counties):
    rounds = reg.rounds(YEAR)
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "46", "4601")],
        leaders=[],
        contracts=[
            # Running past its planned end: prolonged, counts up to 1 October (14 months).
            contract(1, 1, FIRM, "46", startdato="2024-08-01", sluttdato="2025-06-30"),
            # Completed since, after 1 October: it was running then.
            contract(2, 2, FIRM, "46", status="FULLFØRT", sluttdato="2025-10-20"),
            # Terminated after 1 October, but only ten months in by then.
            contract(3, 3, FIRM, "46", status="HEVET", startdato="2024-12-01"),
            # Completed before 1 October: not running on it.
            contract(4, 4, FIRM, "46", status="FULLFØRT", sluttdato="2025-09-30"),
        ],
    )
    imported(tmp_path, extract)

    summary = samples_build(rounds["LU"])

    sampled = set(Respondent.objects.values_list("contract__register_id", flat=True))
    assert sampled == {"K-1", "K-2"}
    assert summary.exclusions == {ExclusionReason.TOO_SHORT: 1}
    assert Exclusion.objects.get().contract.register_id == "K-3"


# --- 3. The LBU and ÅR leader, and the company's trade (R-S2, R-S3) --------------------------


def test_R_S2_the_leader_with_most_apprentices_answers_and_the_company_carries_its_trade(
    tmp_path, counties
):
    # FL-A leads one apprentice on two contracts, FL-B two apprentices: FL-B answers. The
    # trade is the one with most apprentices (two cooks against one electrician on two).
    rounds = reg.rounds(YEAR)
    cook = {"laerefag_kode": "RMKOK3----", "laerefag_navn": "Kokkfaget"}
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "46", "4601")],
        leaders=[leader("FL-A", FIRM), leader("FL-B", FIRM)],
        contracts=[
            contract(1, 1, FIRM, "46", faglig_leder_id="FL-A"),
            contract(2, 1, FIRM, "46", faglig_leder_id="FL-A", startdato="2025-01-01"),
            contract(3, 2, FIRM, "46", faglig_leder_id="FL-B", **cook),
            contract(4, 3, FIRM, "46", faglig_leder_id="FL-B", **cook),
        ],
    )
    imported(tmp_path, extract)

    for kind in ("LBU", "AR"):
        samples_build(rounds[kind])
        respondent = Respondent.objects.get(round=rounds[kind])
        assert respondent.professional_leader.register_id == "FL-B"
        assert respondent.trade.code == "RMKOK3----"


def test_R_S2_the_tie_rule_most_contracts_then_lowest_register_id(tmp_path, counties):
    rounds = reg.rounds(YEAR)
    electrician = {"laerefag_kode": "ELELE3----", "laerefag_navn": "Elektrikerfaget"}
    cook = {"laerefag_kode": "RMKOK3----", "laerefag_navn": "Kokkfaget"}
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "46", "4601"), company(FIRM_2, "46", "4601")],
        leaders=[
            leader("FL-9", FIRM),
            leader("FL-8", FIRM),
            leader("FL-2", FIRM_2),
            leader("FL-1", FIRM_2),
        ],
        contracts=[
            # One apprentice each; FL-9 on two contracts, so FL-9 over FL-8.
            contract(1, 1, FIRM, "46", faglig_leder_id="FL-9", **cook),
            contract(2, 1, FIRM, "46", faglig_leder_id="FL-9", startdato="2025-02-01", **cook),
            contract(3, 2, FIRM, "46", faglig_leder_id="FL-8", **electrician),
            # One apprentice and one contract each: the lowest register id, FL-1.
            contract(4, 3, FIRM_2, "46", faglig_leder_id="FL-2"),
            contract(5, 4, FIRM_2, "46", faglig_leder_id="FL-1"),
        ],
    )
    imported(tmp_path, extract)

    samples_build(rounds["LBU"])

    chosen = dict(
        Respondent.objects.values_list("company__orgnr", "professional_leader__register_id")
    )
    assert chosen == {FIRM: "FL-9", FIRM_2: "FL-1"}
    # A trade tie (one apprentice each) goes to the lowest trade code.
    assert Respondent.objects.get(company__orgnr=FIRM).trade.code == "ELELE3----"


# --- 4. A broken optional reference keeps the apprentice (R-S1, R-S2, R-S3, R-C1) -----------


def test_R_S1_R_S2_a_contract_naming_a_leader_or_office_not_in_the_extract_is_kept(
    tmp_path, counties, client, county_a_admin
):
    rounds = reg.rounds(YEAR)
    ghost_office = valid_orgnr(97300901)
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "46", "4601")],
        leaders=[leader("FL-1", FIRM)],
        contracts=[
            contract(1, 1, FIRM, "46", faglig_leder_id="FL-404"),
            contract(2, 2, FIRM, "46", opplaeringskontor_orgnr=ghost_office),
        ],
    )
    run = imported(tmp_path, extract)

    assert run.errors == []
    warned = {(w["line"], w["column"], w["value"]) for w in run.warnings}
    assert {(2, "faglig_leder_id", "FL-404"), (3, "opplaeringskontor_orgnr", ghost_office)} <= (
        warned
    )
    for kind in ("LU", "LBU", "AR"):
        samples_build(rounds[kind])
    assert Respondent.objects.filter(round=rounds["LU"]).count() == 2
    # The company is still asked, by its registered leader.
    assert Respondent.objects.get(round=rounds["LBU"]).professional_leader.register_id == "FL-1"
    Round.objects.filter(year=YEAR).update(year=oslo_today().year)
    Contract.objects.update(start_date=date(oslo_today().year - 1, 8, 1))
    client.force_login(county_a_admin)
    response = client.get(reverse("county_quality_csv", args=["46", "ukjente-henvisninger"]))
    listed = {(row[1], row[4], row[5]) for row in csv_rows(response)[1:]}
    assert listed == {("K-1", "", "FL-404"), ("K-2", ghost_office, "")}


# --- 5. One definition of membership (R-S3) -------------------------------------------------


def test_R_S3_an_office_answers_AR_whether_membership_is_on_the_contract_or_the_company(
    tmp_path, counties, client, county_a_admin
):
    rounds = reg.rounds(YEAR)
    named_on_company = valid_orgnr(97300101)
    named_on_contract = valid_orgnr(97300201)
    extract = ExtractBuilder(
        offices=[office(named_on_company, "46"), office(named_on_contract, "46")],
        companies=[
            company(FIRM, "46", "4601", named_on_company),  # contracts name no office
            company(FIRM_2, "46", "4601"),  # independent per laerebedrifter.csv
        ],
        leaders=[leader("FL-1", FIRM), leader("FL-2", FIRM_2)],
        contracts=[
            contract(1, 1, FIRM, "46"),
            contract(2, 2, FIRM_2, "46", opplaeringskontor_orgnr=named_on_contract),
        ],
    )
    imported(tmp_path, extract)

    samples_build(rounds["AR"])

    offices_asked = set(
        Respondent.objects.filter(round=rounds["AR"], role="office").values_list(
            "training_office__orgnr", flat=True
        )
    )
    assert offices_asked == {named_on_company, named_on_contract}
    members = dict(
        Respondent.objects.filter(round=rounds["AR"], role="leader").values_list(
            "company__orgnr", "training_office__orgnr"
        )
    )
    assert members == {FIRM: named_on_company, FIRM_2: named_on_contract}
    # The disagreement between the contract and laerebedrifter.csv is shown to the county.
    Contract.objects.update(start_date=date(oslo_today().year - 1, 8, 1))
    client.force_login(county_a_admin)
    response = client.get(reverse("county_quality_csv", args=["46", "ulikt-kontor"]))
    assert [row[1] for row in csv_rows(response)[1:]] == ["K-2"]


# --- 6. The 1 October extract (R-C3) --------------------------------------------------------


def test_R_C3_the_freeze_waits_for_an_extract_imported_on_or_after_the_reference_date(
    tmp_path, counties, client, national_admin, django_capture_on_commit_callbacks
):
    rounds = reg.rounds(YEAR)
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "46", "4601")],
        leaders=[leader("FL-1", FIRM)],
        contracts=[contract(1, 1, FIRM, "46", faglig_leder_id="FL-1")],
    )
    # The September extract of quality assurance: imported before the reference date.
    september = imported(tmp_path, extract)
    ImportRun.objects.filter(pk=september.pk).update(
        finished_at=timezone.make_aware(datetime(YEAR, 9, 20, 12))
    )

    out = io.StringIO()
    with pytest.raises(Exception, match="waiting for the 1 October extract"):
        call_command("freeze_samples", "--year", str(YEAR), stdout=out)
    assert "is waiting for the 1 October extract" in out.getvalue()
    assert not Round.objects.filter(sample_frozen_at__isnull=False).exists()
    client.force_login(national_admin)
    assert "Venter på uttrekket per 1. oktober" in client.get(reverse("national_rounds")).text

    # The 1 October extract arrives (imported now, after the reference date): the import
    # announces itself and the freeze runs.
    extract.contracts[0]["mobil"] = "91234567"
    with django_capture_on_commit_callbacks(execute=True):
        october = import_extract([extract.write(tmp_path / "october")], survey_year=YEAR)
    assert october.status == ImportStatus.SUCCEEDED
    assert all(r.is_frozen for r in Round.objects.filter(year=YEAR))
    assert Respondent.objects.get(round=rounds["LU"]).mobile == "+4791234567"
    assert "Venter på uttrekket" not in client.get(reverse("national_rounds")).text


# --- 7. The quality report's reference date (R-C1, R-C3) ------------------------------------


def test_R_C1_the_quality_report_uses_the_rounds_reference_date(
    tmp_path, counties, client, county_a_admin
):
    year = oslo_today().year
    rounds = reg.rounds(year)
    # Ten and a half months in training on 1 October, more than eleven on 20 October.
    started = date(year - 1, 11, 15)
    firm = reg.company(County.objects.get(code="46"))
    reg.contract(
        reg.apprentice(email="", email_valid=False), firm, start=started, end=date(year + 1, 6, 1)
    )
    client.force_login(county_a_admin)
    url = reverse("county_quality_csv", args=["46", "laerlinger"])
    assert csv_rows(client.get(url))[1:] == []

    Round.objects.filter(pk=rounds["LU"].pk).update(reference_date=date(year, 10, 20))

    assert len(csv_rows(client.get(url))[1:]) == 1
    assert "20. oktober" in client.get(reverse("county_quality", args=["46"])).text


# --- 8. Imports interrupted by a dying worker -----------------------------------------------


def test_an_import_interrupted_by_a_dying_worker_is_marked_failed_with_the_reason(
    client, national_admin
):
    long_ago = timezone.now() - timedelta(hours=7)
    dead = ImportRun.objects.create(status=ImportStatus.RUNNING, started_at=long_ago)

    client.force_login(national_admin)
    page = client.get(reverse("import_list")).text

    dead.refresh_from_db()
    assert dead.status == ImportStatus.FAILED
    assert dead.finished_at is not None
    assert dead.message.startswith("Importen ble avbrutt: prosessen som kjørte den, stoppet")
    assert "Feilet" in page or dead.get_status_display() in page


def test_a_running_import_whose_process_lives_is_left_running(db, settings):
    from django.db import connection

    if connection.vendor != "postgresql":
        pytest.skip("the liveness of an import is its PostgreSQL session lock")
    import psycopg

    from registry_import.importing.liveness import _RUN_LOCKS
    from registry_import.services import import_runs_fail_interrupted

    alive = ImportRun.objects.create(status=ImportStatus.RUNNING, started_at=timezone.now())
    params = connection.get_connection_params()
    with psycopg.connect(**params, autocommit=True) as worker:
        worker.execute("SELECT pg_advisory_lock(%s, %s)", [_RUN_LOCKS, alive.pk])
        assert import_runs_fail_interrupted() == []
        alive.refresh_from_db()
        assert alive.status == ImportStatus.RUNNING
    # The worker's connection is closed; its server process lets go of the lock when it has
    # ended, which on a busy machine is a moment later.
    _wait_until_unlocked(_RUN_LOCKS, alive.pk)
    assert import_runs_fail_interrupted() == [alive.pk]


def _wait_until_unlocked(classid: int, objid: int, seconds: float = 30.0) -> None:
    import time

    from django.db import connection

    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while True:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND classid = %s"
                " AND objid = %s AND objsubid = 2",
                [classid, objid],
            )
            if cursor.fetchone()[0] == 0 or time.monotonic() > deadline:
                return
            time.sleep(0.05)


def test_a_redelivered_upload_of_a_dead_worker_is_recorded_as_failed_not_imported_twice(
    db, settings, tmp_path
):
    from registry_import.tasks import run_import
    from registry_import.uploads import upload_directory

    settings.VAR_DIR = tmp_path
    run = ImportRun.objects.create(
        status=ImportStatus.RUNNING,
        source="upload",
        started_at=timezone.now() - timedelta(hours=7),
    )
    upload_directory(run.pk).mkdir(parents=True)
    (upload_directory(run.pk) / "kontrakter.csv").write_text("fodselsnummer\n")

    run_import(run.pk)

    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert "avbrutt" in run.message
    assert not upload_directory(run.pk).exists()  # identity numbers are not left behind
