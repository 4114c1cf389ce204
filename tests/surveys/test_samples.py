"""Who is in each sample (R-S1..R-S4), built from register rows made with the ORM."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command

from registry_import.models import ContractKind, ContractStatus
from surveys.models import Exclusion, ExclusionReason, Respondent, RespondentRole, RoundCounty
from surveys.services.samples import samples_build
from tests import register_rows as reg
from tests.register_rows import (
    EXACTLY_11_MONTHS,
    LONG_AGO,
    MORE_THAN_11_MONTHS,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(counties):
    return reg.rounds()


def lu_people(round_) -> set:
    return set(Respondent.objects.filter(round=round_).values_list("apprentice_id", flat=True))


def reasons(round_) -> set:
    return {
        (e.reason, e.company_id or e.training_office_id or e.contract_id)
        for e in Exclusion.objects.filter(round=round_)
    }


# --- LU (R-S1) -------------------------------------------------------------------------------


def test_exactly_11_months_is_not_enough_and_11_months_and_a_day_is(rounds, county_a):
    firm = reg.company(county_a)
    eleven = reg.apprentice()
    short = reg.contract(eleven, firm, start=EXACTLY_11_MONTHS)
    eleven_and_a_day = reg.apprentice()
    reg.contract(eleven_and_a_day, firm, start=MORE_THAN_11_MONTHS)

    summary = samples_build(rounds["LU"])

    assert lu_people(rounds["LU"]) == {eleven_and_a_day.pk}
    assert summary.respondents == 1
    assert summary.exclusions == {ExclusionReason.TOO_SHORT: 1}
    assert Exclusion.objects.get(round=rounds["LU"]).contract == short


def test_a_change_of_company_within_the_trade_counts_as_one_training(rounds, county_a):
    first, second = reg.company(county_a), reg.company(county_a)
    person = reg.apprentice()
    # Six months with the first company, then five months and a bit with the second.
    reg.contract(
        person,
        first,
        start=date(2024, 10, 20),
        end=date(2025, 4, 20),
        status=ContractStatus.COMPLETED,
    )
    running = reg.contract(person, second, start=date(2025, 4, 20))

    samples_build(rounds["LU"])

    respondent = Respondent.objects.get(round=rounds["LU"])
    assert respondent.apprentice == person
    assert respondent.contract == running
    assert respondent.company == second


def test_an_earlier_terminated_contract_in_the_same_trade_counts(rounds, county_a):
    first, second = reg.company(county_a), reg.company(county_a)
    person = reg.apprentice()
    reg.contract(
        person,
        first,
        start=date(2024, 8, 1),
        end=date(2025, 1, 31),
        status=ContractStatus.TERMINATED,
    )
    reg.contract(person, second, start=date(2025, 3, 1))

    samples_build(rounds["LU"])

    assert lu_people(rounds["LU"]) == {person.pk}


def test_time_in_another_trade_counts(rounds, county_a):
    # R-S1: "i lære i mer enn 11 måneder" is time in training across contracts, so an
    # apprentice who changed trade a few months ago is still in the sample.
    firm = reg.company(county_a)
    person = reg.apprentice()
    reg.contract(
        person,
        firm,
        start=date(2023, 8, 1),
        end=date(2025, 3, 1),
        status=ContractStatus.TERMINATED,
        trade_=reg.trade("KOKKK3----", "Kokkfaget"),
    )
    reg.contract(person, firm, start=date(2025, 3, 1))

    summary = samples_build(rounds["LU"])

    assert lu_people(rounds["LU"]) == {person.pk}
    assert summary.exclusions == {}


def test_terminated_contracts_only_put_nobody_in_the_sample_or_the_exclusions(rounds, county_a):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, status=ContractStatus.TERMINATED, end=date(2025, 9, 1))
    reg.contract(reg.apprentice(), firm, status=ContractStatus.COMPLETED, end=date(2025, 6, 1))

    summary = samples_build(rounds["LU"])

    assert summary.respondents == 0
    assert summary.exclusions == {}


def test_contracts_no_longer_in_the_register_are_ignored(rounds, county_a):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, in_register=False)

    summary = samples_build(rounds["LU"])

    assert (summary.respondents, summary.exclusions) == (0, {})


def test_one_respondent_per_apprentice_from_the_training_that_started_first(rounds, county_a):
    firm = reg.company(county_a)
    person = reg.apprentice()
    later = reg.contract(person, firm, start=date(2024, 6, 1))
    earlier = reg.contract(
        person, firm, start=date(2023, 8, 1), trade_=reg.trade("KOKKK3----", "Kokkfaget")
    )

    for _ in range(2):  # the same choice on every build
        samples_build(rounds["LU"])
        respondent = Respondent.objects.get(round=rounds["LU"])
        assert respondent.contract == earlier
    assert later.pk != earlier.pk


def test_the_lu_respondent_carries_the_contract_dimensions_and_the_apprentice_contact(
    rounds, county_a, county_b, office_a
):
    firm = reg.company(county_a, office=office_a)
    person = reg.apprentice(
        first_name="Kari", last_name="Nordmann", email="kari@example.test", mobile="+4791234567"
    )
    # The county responsible for the contract, not where the company is located.
    contract = reg.contract(
        person, firm, county=county_b, kind=ContractKind.CANDIDATE, start=LONG_AGO
    )

    samples_build(rounds["LU"])

    r = Respondent.objects.get(round=rounds["LU"])
    assert r.role == RespondentRole.APPRENTICE
    assert (r.county, r.training_office, r.company, r.trade) == (
        county_b,
        office_a,
        firm,
        contract.trade,
    )
    assert r.apprentice_kind == ContractKind.CANDIDATE
    assert (r.name, r.email, r.mobile) == ("Kari Nordmann", "kari@example.test", "+4791234567")


def test_an_apprentice_of_a_company_missing_in_nlr_is_left_out_with_the_reason(rounds, county_a):
    unregistered = reg.company(county_a, nlr=False)
    contract = reg.contract(reg.apprentice(), unregistered)

    summary = samples_build(rounds["LU"])

    assert summary.respondents == 0
    exclusion = Exclusion.objects.get(round=rounds["LU"])
    assert (exclusion.reason, exclusion.contract, exclusion.company, exclusion.county) == (
        ExclusionReason.NOT_IN_NLR,
        contract,
        unregistered,
        county_a,
    )


def test_a_contract_starting_after_the_reference_date_is_not_running_on_it(rounds, county_a):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, start=date(2025, 10, 2))

    assert samples_build(rounds["LU"]).respondents == 0


# --- LBU (R-S2) ------------------------------------------------------------------------------


def test_lbu_asks_the_leader_with_most_apprentices_in_the_company(rounds, county_a):
    firm = reg.company(county_a)
    few, many = reg.leader(firm, "FL-A"), reg.leader(firm, "FL-B")
    reg.contract(reg.apprentice(), firm, leader=few)
    reg.contract(reg.apprentice(), firm, leader=many)
    reg.contract(reg.apprentice(), firm, leader=many)
    # Contracts that had ended by the reference date do not count.
    for _ in range(3):
        reg.ended(reg.apprentice(), firm, leader=few)

    samples_build(rounds["LBU"])

    respondent = Respondent.objects.get(round=rounds["LBU"])
    assert respondent.professional_leader == many
    assert (respondent.role, respondent.company, respondent.county) == (
        RespondentRole.LEADER,
        firm,
        county_a,
    )
    assert respondent.email == many.email


def test_two_leaders_with_equal_counts_are_decided_by_the_lowest_register_id(rounds, county_a):
    firm = reg.company(county_a)
    # Created in the "wrong" order, so the tie break cannot be the creation order.
    second = reg.leader(firm, "FL-200")
    first = reg.leader(firm, "FL-100")
    for chosen in (second, first, second, first):
        reg.contract(reg.apprentice(), firm, leader=chosen)

    for _ in range(2):
        samples_build(rounds["LBU"])
        assert Respondent.objects.get(round=rounds["LBU"]).professional_leader == first


def test_a_company_whose_contracts_name_no_leader_asks_its_registered_leader(rounds, county_a):
    firm = reg.company(county_a)
    registered = reg.leader(firm)  # in the register for the company, named on no contract
    reg.contract(reg.apprentice(), firm)

    summary = samples_build(rounds["LBU"])

    assert summary.respondents == 1
    assert Respondent.objects.get(round=rounds["LBU"]).professional_leader == registered


def test_a_company_without_a_leader_in_the_register_is_left_out(rounds, county_a):
    firm = reg.company(county_a)
    elsewhere = reg.leader(reg.company(county_a))  # named on the contract, leads another firm
    reg.contract(reg.apprentice(), firm, leader=elsewhere)

    summary = samples_build(rounds["LBU"])

    assert summary.respondents == 0
    assert reasons(rounds["LBU"]) == {(ExclusionReason.NO_LEADER, firm.pk)}


def test_a_leader_no_longer_in_the_register_or_of_another_company_does_not_count(rounds, county_a):
    firm, other = reg.company(county_a), reg.company(county_a)
    gone = reg.leader(firm, in_register=False)
    elsewhere = reg.leader(other)
    valid = reg.leader(firm)
    reg.contract(reg.apprentice(), firm, leader=gone)
    reg.contract(reg.apprentice(), firm, leader=gone)
    reg.contract(reg.apprentice(), firm, leader=elsewhere)
    reg.contract(reg.apprentice(), firm, leader=valid)

    samples_build(rounds["LBU"])

    assert Respondent.objects.get(round=rounds["LBU"], company=firm).professional_leader == valid


def test_lbu_only_in_counties_that_run_it_the_others_are_recorded(rounds, county_a, county_b):
    in_a, in_b = reg.company(county_a), reg.company(county_b)
    reg.contract(reg.apprentice(), in_a, leader=reg.leader(in_a))
    reg.contract(reg.apprentice(), in_b, leader=reg.leader(in_b))
    RoundCounty.objects.filter(round=rounds["LBU"], county=county_b).update(participates=False)

    summary = samples_build(rounds["LBU"])

    assert list(
        Respondent.objects.filter(round=rounds["LBU"]).values_list("company", flat=True)
    ) == [in_a.pk]
    assert summary.exclusions == {ExclusionReason.COUNTY_NOT_PARTICIPATING: 1}
    exclusion = Exclusion.objects.get(round=rounds["LBU"])
    assert (exclusion.company, exclusion.county) == (in_b, county_b)


def test_a_company_missing_in_nlr_is_left_out_of_lbu_and_ar(rounds, county_a):
    firm = reg.company(county_a, nlr=False)
    reg.contract(reg.apprentice(), firm, leader=reg.leader(firm))

    for kind in ("LBU", "AR"):
        summary = samples_build(rounds[kind])
        assert summary.respondents == 0
        assert reasons(rounds[kind]) == {(ExclusionReason.NOT_IN_NLR, firm.pk)}


def test_a_company_without_a_running_contract_is_not_in_lbu(rounds, county_a):
    firm = reg.company(county_a)
    reg.ended(reg.apprentice(), firm, leader=reg.leader(firm))

    summary = samples_build(rounds["LBU"])

    assert (summary.respondents, summary.exclusions) == (0, {})


# --- ÅR (R-S3) and the link to LBU (R-D9) ----------------------------------------------------


def test_ar_asks_offices_member_and_independent_companies_with_a_running_contract(rounds, county_a):
    office = reg.office(county_a)
    member = reg.company(county_a, office=office)
    independent = reg.company(county_a)
    idle = reg.company(county_a)
    reg.contract(reg.apprentice(), member, leader=reg.leader(member))
    reg.contract(reg.apprentice(), independent, leader=reg.leader(independent))
    reg.ended(reg.apprentice(), idle, leader=reg.leader(idle), status=ContractStatus.TERMINATED)

    summary = samples_build(rounds["AR"])

    rows = Respondent.objects.filter(round=rounds["AR"])
    assert summary.respondents == 3
    by_role = {(r.role, r.company_id, r.training_office_id) for r in rows}
    assert by_role == {
        (RespondentRole.OFFICE, None, office.pk),
        (RespondentRole.LEADER, member.pk, office.pk),
        (RespondentRole.LEADER, independent.pk, None),
    }
    office_respondent = rows.get(role=RespondentRole.OFFICE)
    assert (office_respondent.name, office_respondent.email) == (
        office.manager_name,
        office.email,
    )


def test_a_training_office_missing_in_nor_is_left_out_with_the_reason(rounds, county_a):
    office = reg.office(county_a, nor=False)
    member = reg.company(county_a, office=office)
    reg.contract(reg.apprentice(), member, leader=reg.leader(member))

    samples_build(rounds["AR"])

    assert reasons(rounds["AR"]) == {(ExclusionReason.NOT_IN_NOR, office.pk)}
    # The member company itself is registered and still reports.
    assert Respondent.objects.get(round=rounds["AR"]).company == member


def test_a_company_continues_from_ar_to_lbu_in_the_same_link(rounds, county_a, county_b):
    office = reg.office(county_a)
    in_a = reg.company(county_a, office=office)
    in_b = reg.company(county_b)
    reg.contract(reg.apprentice(), in_a, leader=reg.leader(in_a))
    reg.contract(reg.apprentice(), in_b, leader=reg.leader(in_b))
    RoundCounty.objects.filter(round=rounds["LBU"], county=county_b).update(participates=False)

    # Either order of building links the two.
    assert samples_build(rounds["AR"]).linked_to_lbu == 0
    samples_build(rounds["LBU"])

    lbu_a = Respondent.objects.get(round=rounds["LBU"], company=in_a)
    ar = {r.company_id: r for r in Respondent.objects.filter(round=rounds["AR"])}
    assert ar[in_a.pk].continues_to == lbu_a
    assert ar[in_a.pk].professional_leader == lbu_a.professional_leader
    # County B does not run LBU, and a training office only gets ÅR.
    assert ar[in_b.pk].continues_to is None
    assert ar[None].role == RespondentRole.OFFICE and ar[None].continues_to is None
    assert samples_build(rounds["AR"]).linked_to_lbu == 1


def test_a_county_leaving_lbu_takes_its_companies_ar_links_away(rounds, county_a):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, leader=reg.leader(firm))
    samples_build(rounds["LBU"])
    samples_build(rounds["AR"])
    RoundCounty.objects.filter(round=rounds["LBU"], county=county_a).update(participates=False)

    summary = samples_build(rounds["LBU"])

    assert (summary.respondents, summary.removed) == (0, 1)
    assert Respondent.objects.get(round=rounds["AR"]).continues_to is None


def test_a_new_leader_updates_the_lbu_respondent_in_place_and_keeps_the_link(rounds, county_a):
    firm = reg.company(county_a)
    old = reg.leader(firm, "FL-1")
    reg.contract(reg.apprentice(), firm, leader=old)
    samples_build(rounds["LBU"])
    samples_build(rounds["AR"])
    lbu = Respondent.objects.get(round=rounds["LBU"])
    new = reg.leader(firm, "FL-0")  # same count, lower register id
    reg.contract(reg.apprentice(), firm, leader=new)

    summary = samples_build(rounds["LBU"])

    assert summary.changed == 1
    updated = Respondent.objects.get(round=rounds["LBU"])
    assert (updated.pk, updated.professional_leader, updated.email) == (lbu.pk, new, new.email)
    assert Respondent.objects.get(round=rounds["AR"]).continues_to == updated


def test_the_build_command_builds_the_years_samples(rounds, county_a, capsys):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, leader=reg.leader(firm))

    call_command("build_samples", "--year", "2025")

    out = capsys.readouterr().out
    assert "LU 2025: 1 respondents" in out and "AR 2025: 1 respondents" in out
    assert Respondent.objects.filter(round__year=2025).count() == 3


def test_rebuilding_lbu_keeps_the_ar_link(rounds, county_a):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, leader=reg.leader(firm))
    samples_build(rounds["LBU"])
    samples_build(rounds["AR"])

    samples_build(rounds["LBU"])

    ar = Respondent.objects.get(round=rounds["AR"])
    assert ar.continues_to == Respondent.objects.get(round=rounds["LBU"])


# --- Rebuilding ------------------------------------------------------------------------------


def test_a_rebuild_replaces_the_preliminary_sample_and_its_exclusions(rounds, county_a):
    firm = reg.company(county_a)
    stays = reg.apprentice()
    reg.contract(stays, firm)
    leaves = reg.apprentice()
    leaving = reg.contract(leaves, firm)
    short = reg.contract(reg.apprentice(), firm, start=date(2025, 8, 1))
    first = samples_build(rounds["LU"])
    ids = dict(Respondent.objects.filter(round=rounds["LU"]).values_list("apprentice_id", "id"))
    assert (first.respondents, first.exclusions) == (2, {ExclusionReason.TOO_SHORT: 1})

    leaving.status, leaving.end_date = ContractStatus.TERMINATED, date(2025, 9, 15)
    leaving.save()
    short.start_date = LONG_AGO
    short.save()
    stays.mobile = "+4790000000"
    stays.save()
    second = samples_build(rounds["LU"])

    assert (second.respondents, second.exclusions) == (2, {})
    assert (second.added, second.changed, second.removed) == (1, 1, 1)
    assert lu_people(rounds["LU"]) == {stays.pk, short.apprentice_id}
    assert not Exclusion.objects.filter(round=rounds["LU"]).exists()
    assert not Respondent.objects.filter(pk=ids[leaves.pk]).exists()
    # Who is still in the sample keeps the row, with what the register now says.
    kept = Respondent.objects.get(round=rounds["LU"], apprentice=stays)
    assert (kept.pk, kept.mobile) == (ids[stays.pk], "+4790000000")
    rounds["LU"].refresh_from_db()
    assert rounds["LU"].sample_built_at is not None


def test_a_rebuild_from_an_unchanged_register_writes_no_respondent(rounds, county_a):
    firm = reg.company(county_a)
    reg.contract(reg.apprentice(), firm, leader=reg.leader(firm))
    samples_build(rounds["LBU"])

    again = samples_build(rounds["LBU"])

    assert (again.respondents, again.added, again.changed, again.removed) == (1, 0, 0, 0)
