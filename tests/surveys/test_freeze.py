"""The freeze on the reference date (R-C3): afterwards the sample's membership never changes,
only its contact data follow newer register imports."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management import call_command

from portal.lib.oslo import OSLO
from registry_import.models import ContractStatus
from surveys.models import Respondent, RespondentRole, Round
from surveys.services.samples import (
    SampleFrozen,
    samples_after_import,
    samples_build,
    samples_freeze,
    samples_freeze_due,
    samples_refresh_contacts,
)
from surveys.tasks import freeze_due_samples, samples_after_register_import
from tests import register_rows as reg

pytestmark = pytest.mark.django_db

ON_REFERENCE_DATE = datetime(2025, 10, 1, 23, 30, tzinfo=OSLO)


@pytest.fixture
def rounds(counties):
    return reg.rounds()


@pytest.fixture
def register(county_a):
    """An office, a member company with its leader, and one apprentice in the LU sample."""
    office = reg.office(county_a)
    firm = reg.company(county_a, office=office)
    leader = reg.leader(firm)
    person = reg.apprentice()
    contract = reg.contract(person, firm, leader=leader)
    return {
        "office": office,
        "firm": firm,
        "leader": leader,
        "person": person,
        "contract": contract,
    }


@pytest.fixture
def arrived(db):
    """The 1 October extract has been imported (R-C3)."""
    return reg.extract_imported(ON_REFERENCE_DATE)


def members(round_: Round) -> set:
    return set(
        Respondent.objects.filter(round=round_).values_list(
            "role", "apprentice_id", "professional_leader_id", "training_office_id", "company_id"
        )
    )


def test_freezing_builds_the_final_sample_and_then_refuses_to_build_again(
    rounds, register, arrived
):
    samples_build(rounds["LU"])
    late = reg.apprentice()  # imported after the preliminary build
    reg.contract(late, register["firm"])

    summary = samples_freeze(rounds["LU"], now=ON_REFERENCE_DATE)

    rounds["LU"].refresh_from_db()
    assert summary.frozen and summary.respondents == 2
    assert rounds["LU"].sample_frozen_at == ON_REFERENCE_DATE
    with pytest.raises(SampleFrozen, match="er låst og kan ikke trekkes på nytt"):
        samples_build(rounds["LU"])
    with pytest.raises(SampleFrozen, match="allerede låst"):
        samples_freeze(rounds["LU"])
    assert Respondent.objects.filter(round=rounds["LU"]).count() == 2


def test_a_sample_cannot_be_frozen_before_its_reference_date(rounds, register, arrived):
    day_before = datetime(2025, 9, 30, 23, 59, tzinfo=OSLO)
    with pytest.raises(ValidationError, match="kan først låses på referansedatoen"):
        samples_freeze(rounds["LU"], now=day_before)
    rounds["LU"].refresh_from_db()
    assert rounds["LU"].sample_frozen_at is None
    samples_freeze(rounds["LU"], now=datetime(2025, 10, 1, 0, 0, tzinfo=OSLO))
    rounds["LU"].refresh_from_db()
    assert rounds["LU"].is_frozen


def test_a_newer_import_changes_contact_data_but_never_who_is_in_the_sample(
    rounds, register, arrived
):
    for kind in ("LU", "LBU", "AR"):
        samples_freeze(rounds[kind], now=ON_REFERENCE_DATE)
    before = {kind: members(rounds[kind]) for kind in ("LU", "LBU", "AR")}
    links = dict(Respondent.objects.filter(round=rounds["AR"]).values_list("id", "continues_to_id"))

    # What a newer extract would do: new contact data, a new apprentice and leader who would
    # now be in the samples, and the sampled apprentice's contract terminated.
    person, leader, office = register["person"], register["leader"], register["office"]
    person.first_name, person.email, person.email_valid = "Kari", "ny@example.test", True
    person.mobile, person.mobile_valid = "12", False
    person.save()
    leader.mobile, leader.mobile_valid = "+4799999999", True
    leader.save()
    office.manager_name, office.email = "Ny Daglig Leder", "post@kontor.test"
    office.save()
    register["contract"].status = ContractStatus.TERMINATED
    register["contract"].save()
    newcomer = reg.leader(register["firm"])
    for _ in range(3):
        reg.contract(reg.apprentice(), register["firm"], leader=newcomer)

    changed = sum(samples_refresh_contacts(rounds[kind]) for kind in ("LU", "LBU", "AR"))

    assert changed == 4  # the apprentice, the leader in LBU and in ÅR, the office
    assert {kind: members(rounds[kind]) for kind in ("LU", "LBU", "AR")} == before
    lu = Respondent.objects.get(round=rounds["LU"])
    assert (lu.name, lu.email, lu.mobile, lu.mobile_valid) == (
        f"Kari {person.last_name}",
        "ny@example.test",
        "12",
        False,
    )
    for kind in ("LBU", "AR"):
        company = Respondent.objects.get(round=rounds[kind], role=RespondentRole.LEADER)
        assert company.professional_leader == leader
        assert (company.mobile, company.mobile_valid) == ("+4799999999", True)
    ar_office = Respondent.objects.get(round=rounds["AR"], role=RespondentRole.OFFICE)
    assert (ar_office.name, ar_office.email) == ("Ny Daglig Leder", "post@kontor.test")
    assert (
        dict(Respondent.objects.filter(round=rounds["AR"]).values_list("id", "continues_to_id"))
        == links
    )
    assert samples_refresh_contacts(rounds["LU"]) == 0  # nothing new the second time


def test_deleted_personal_data_stay_deleted_on_refresh(rounds, register, arrived):
    samples_freeze(rounds["LU"], now=ON_REFERENCE_DATE)
    Respondent.objects.filter(round=rounds["LU"]).update(
        name="", email="", mobile="", personal_data_deleted_at=ON_REFERENCE_DATE
    )

    assert samples_refresh_contacts(rounds["LU"]) == 0
    assert Respondent.objects.get(round=rounds["LU"]).email == ""


def test_the_scheduled_freeze_takes_only_rounds_whose_reference_date_has_come(
    counties, register, arrived
):
    this_year = reg.rounds(2025)
    next_year = reg.rounds(2026)

    assert samples_freeze_due(now=datetime(2025, 9, 30, 12, 0, tzinfo=OSLO)) == []
    summaries = samples_freeze_due(now=ON_REFERENCE_DATE)

    assert sorted(s.kind for s in summaries) == ["AR", "LBU", "LU"]
    assert all(Round.objects.get(pk=r.pk).is_frozen for r in this_year.values())
    assert not any(Round.objects.get(pk=r.pk).is_frozen for r in next_year.values())
    assert samples_freeze_due(now=ON_REFERENCE_DATE) == []


def test_the_beat_schedule_runs_the_freeze_task_every_day(rounds, register, arrived):
    entry = settings.CELERY_BEAT_SCHEDULE["freeze-due-samples"]
    assert entry["task"] == freeze_due_samples.name == "surveys.tasks.freeze_due_samples"
    # The rounds of 2025 are long past their reference date.
    assert len(freeze_due_samples()) == 3
    assert Round.objects.filter(sample_frozen_at__isnull=True).count() == 0


def test_the_freeze_command_freezes_the_rounds_of_a_year(rounds, register, arrived, capsys):
    call_command("freeze_samples", "--year", "2025")
    assert Round.objects.filter(year=2025, sample_frozen_at__isnull=False).count() == 3
    call_command("freeze_samples", "--year", "2025")
    assert capsys.readouterr().out.count("already frozen") == 3


def test_after_an_import_open_frozen_rounds_are_refreshed_and_closed_ones_left_alone(
    counties, register, arrived
):
    old = reg.rounds(2024)
    for round_ in old.values():
        samples_freeze(round_, now=datetime(2024, 10, 1, 12, tzinfo=OSLO))
    current = reg.rounds(2025)
    samples_freeze(current["LU"], now=ON_REFERENCE_DATE)
    person = register["person"]
    person.email = "etter-import@example.test"
    person.save()

    result = samples_after_import(now=datetime(2025, 11, 1, tzinfo=OSLO))

    assert Respondent.objects.get(round=current["LU"]).email == "etter-import@example.test"
    assert Respondent.objects.get(round=old["LU"]).email != "etter-import@example.test"
    # LBU and ÅR of 2025 were not frozen, their reference date has passed and their extract
    # has arrived: the import freezes them.
    assert result == {"frozen": 2, "refreshed": 1, "rebuilt": 0}


def test_preliminary_samples_are_rebuilt_after_an_import_only_once_quality_assurance_began(
    counties, register
):
    current = reg.rounds(2025)

    assert samples_after_import(now=datetime(2025, 8, 31, tzinfo=OSLO))["rebuilt"] == 0
    assert samples_after_import(now=datetime(2025, 9, 1, tzinfo=OSLO))["rebuilt"] == 3
    assert Respondent.objects.filter(round=current["LU"]).count() == 1
    assert samples_after_import(now=datetime(2025, 10, 1, 9, tzinfo=OSLO))["rebuilt"] == 3
    assert samples_after_import(now=datetime(2025, 10, 2, tzinfo=OSLO))["rebuilt"] == 0
    # Built in the order LU, LBU, ÅR, so ÅR's link to LBU is made as ÅR is built.
    ar = Respondent.objects.get(round=current["AR"], role=RespondentRole.LEADER)
    assert ar.continues_to == Respondent.objects.get(round=current["LBU"])
    assert date(2025, 9, 1) == current["LU"].qa_starts_on


def test_the_task_run_after_an_import_refreshes_the_frozen_samples(rounds, register, arrived):
    samples_freeze(rounds["LU"], now=ON_REFERENCE_DATE)
    register["person"].email = "ny-adresse@example.test"
    register["person"].save()

    # Run as the worker would; today the 2025 rounds are closed, so nothing is refreshed.
    result = samples_after_register_import()

    assert result["refreshed"] == 0
    Round.objects.filter(pk=rounds["LU"].pk).update(closes_at=datetime(2099, 1, 1, tzinfo=OSLO))
    assert samples_after_register_import()["refreshed"] == 1
    assert Respondent.objects.get(round=rounds["LU"]).email == "ny-adresse@example.test"


def test_R_C3_without_an_extract_since_the_reference_date_the_freeze_waits(
    rounds, register, capsys
):
    # Only the September extract of quality assurance has been imported.
    reg.extract_imported(datetime(2025, 9, 20, 12, tzinfo=OSLO))

    assert samples_freeze_due(now=ON_REFERENCE_DATE) == []
    call_command("freeze_samples")

    out = capsys.readouterr().out
    assert out.count("is waiting for the 1 October extract") == 3
    assert not Round.objects.filter(sample_frozen_at__isnull=False).exists()
    with pytest.raises(ValidationError, match=r"venter på uttrekket per 1\. oktober"):
        samples_freeze(rounds["LU"], now=ON_REFERENCE_DATE)
