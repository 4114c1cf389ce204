"""R-P4 on small hand-written extracts: every unit placed on the county structure of the
extract's survey year, and the samples, exclusions, quality report and LBU choice on it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from portal.lib.oslo import oslo_today
from portal.models import Company, County, TrainingOffice
from registry_import.models import Contract
from registry_import.services import format_report
from surveys.models import Exclusion, ExclusionReason, Respondent, Round, RoundCounty
from surveys.services.samples import samples_build
from tests import register_rows as reg
from tests.registry_import.conftest import ExtractBuilder
from tests.registry_import.handwritten import (
    FIRM,
    FIRM_2,
    FIRM_3,
    OFFICE,
    YEAR,
    company,
    contract,
    csv_rows,
    errors_of,
    imported,
    leader,
    office,
)

pytestmark = pytest.mark.django_db

# --- 1. County codes of another year's structure (R-P4) -------------------------------------


def test_R_P4_a_code_with_one_counterpart_is_placed_on_the_years_county(tmp_path, counties):
    # 12 Hordaland in a 2026 extract is 46 Vestland; the report counts the rows placed.
    extract = ExtractBuilder(
        offices=[office(OFFICE, "12")],
        companies=[company(FIRM, "12", "1201", OFFICE)],
        leaders=[leader("FL-1", FIRM)],
        contracts=[contract(1, 1, FIRM, "12", faglig_leder_id="FL-1")],
    )
    run = imported(tmp_path, extract, year=2026)

    assert TrainingOffice.objects.get(orgnr=OFFICE).county.code == "46"
    assert Company.objects.get(orgnr=FIRM).county.code == "46"
    assert Contract.objects.get(register_id="K-1").county.code == "46"
    assert run.survey_year == 2026
    assert [run.counts[f]["mapped"] for f in ("laerebedrifter.csv", "kontrakter.csv")] == [1, 1]
    assert "fylkene fra 2026" in format_report(run)
    placed = [w for w in run.warnings if w["column"] == "fylkesnr" and w["value"] == "12"]
    assert placed[0]["message"] == (
        "Fylkesnummer 12 Hordaland finnes ikke i 2026; 1 rad ble plassert i 46 Vestland."
    )


def test_R_P4_a_split_county_is_resolved_by_the_companys_municipality(tmp_path, counties):
    # 30 Viken in a 2026 extract became 31, 32 and 33; Halden (3001, 0101 before 2020) lies in
    # 31 Østfold, Bærum (3024) in 32 Akershus. A contract takes its company's municipality,
    # and an office its member companies'.
    extract = ExtractBuilder(
        offices=[office(OFFICE, "30")],
        companies=[
            company(FIRM, "30", "3001", OFFICE),
            company(FIRM_2, "30", "0101", OFFICE),
            company(FIRM_3, "30", "3024"),
        ],
        leaders=[],
        contracts=[
            contract(1, 1, FIRM, "30", opplaeringskontor_orgnr=OFFICE),
            contract(2, 2, FIRM_2, "30"),
            contract(3, 3, FIRM_3, "30"),
        ],
    )
    run = imported(tmp_path, extract, year=2026)

    assert run.errors == []
    assert TrainingOffice.objects.get(orgnr=OFFICE).county.code == "31"
    counties_of = dict(Contract.objects.values_list("register_id", "county__code"))
    assert counties_of == {"K-1": "31", "K-2": "31", "K-3": "32"}
    assert Company.objects.get(orgnr=FIRM_3).county.code == "32"


def test_R_P4_an_unresolvable_code_is_refused_with_its_message(tmp_path, counties):
    # 30 Viken in 2026, the company without a municipality: the rows are skipped, saying what
    # the code became. The office's members say nothing either.
    extract = ExtractBuilder(
        offices=[office(OFFICE, "30")],
        companies=[company(FIRM, "30", "", OFFICE), company(FIRM_2, "46", "4601")],
        leaders=[],
        contracts=[contract(1, 1, FIRM, "30"), contract(2, 2, FIRM_2, "30")],
    )
    run = imported(tmp_path, extract, year=2026)

    became = (
        "Fylkesnummer 30 Viken finnes ikke i 2026; i 2026 ligger området i 31 Østfold, "
        "32 Akershus og 33 Buskerud."
    )
    (company_error,) = errors_of(run, "laerebedrifter.csv")
    assert company_error == {
        "file": "laerebedrifter.csv",
        "line": 2,
        "column": "fylkesnr",
        "value": "30",
        "message": became
        + " Det finnes ikke noe kommunenummer (kommunenr for bedriften) som viser hvilket.",
    }
    (office_error,) = errors_of(run, "opplaeringskontor.csv")
    assert office_error["message"].startswith(became)
    contract_errors = {e["line"]: e["message"] for e in errors_of(run, "kontrakter.csv")}
    # K-1's company was not imported; K-2's company lies in 4601 Bergen, not in 31-33.
    assert contract_errors[2].startswith("Lærebedriften er ikke importert")
    assert contract_errors[3] == became + " Kommune 4601 ligger ikke i noen av dem."
    assert not Contract.objects.exists()


def test_R_P4_a_county_merged_away_is_resolved_in_an_earlier_year(tmp_path, counties):
    # 46 Vestland in a 2019 extract is 12 Hordaland or 14 Sogn og Fjordane; 31 Østfold in a
    # 2023 extract is 30 Viken.
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "46", "4601"), company(FIRM_2, "46", "4647")],
        leaders=[],
        contracts=[contract(1, 1, FIRM, "46"), contract(2, 2, FIRM_2, "46")],
    )
    imported(tmp_path, extract, year=2019)
    assert dict(Contract.objects.values_list("register_id", "county__code")) == {
        "K-1": "12",
        "K-2": "14",
    }

    later = ExtractBuilder(
        offices=[],
        companies=[company(FIRM_3, "31", "3101")],
        leaders=[],
        contracts=[contract(3, 3, FIRM_3, "31")],
    )
    imported(tmp_path, later, year=2023)
    assert Contract.objects.get(register_id="K-3").county.code == "30"


def test_R_P4_samples_exclusions_quality_report_and_lbu_choice_use_the_years_structure(
    tmp_path, counties, client, county_a_admin
):
    # A 2025 extract still written with 12 Hordaland: its units belong to 46 Vestland, whose
    # choice not to run LBU leaves them out of LBU, and whose quality report lists them.
    rounds = reg.rounds(YEAR)
    extract = ExtractBuilder(
        offices=[],
        companies=[company(FIRM, "12", "1201"), company(FIRM_2, "12", "1201", nlr_registrert="N")],
        leaders=[leader("FL-1", FIRM)],
        contracts=[
            contract(1, 1, FIRM, "12", faglig_leder_id="FL-1", epost=""),
            contract(2, 2, FIRM_2, "12"),
        ],
    )
    imported(tmp_path, extract)
    vestland = County.objects.get(code="46")
    RoundCounty.objects.filter(round=rounds["LBU"], county=vestland).update(participates=False)
    for kind in ("LU", "LBU", "AR"):
        samples_build(rounds[kind])

    assert set(Respondent.objects.values_list("county__code", flat=True)) == {"46"}
    assert set(Exclusion.objects.values_list("county__code", "reason")) == {
        ("46", ExclusionReason.NOT_IN_NLR),
        ("46", ExclusionReason.COUNTY_NOT_PARTICIPATING),
    }
    assert not Respondent.objects.filter(round=rounds["LBU"]).exists()
    Round.objects.filter(year=YEAR).update(year=oslo_today().year)
    client.force_login(county_a_admin)
    response = client.get(reverse("county_quality_csv", args=["46", "laerlinger"]))
    assert [row[1] for row in csv_rows(response)[1:]] == ["K-1"]
