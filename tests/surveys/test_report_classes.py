"""Report classes: every LU and LBU respondent in a group of at least K, generalised in the
published order, finest first."""

from collections import Counter

import pytest

from surveys.models import ReportClass, Respondent
from surveys.services.report_classes import (
    LBU_STEPS,
    LU_STEPS,
    Member,
    report_classes_assign,
    report_classes_plan,
)
from tests import register_rows as rows
from tests.surveys.factories import lbu_questionnaire, lu_questionnaire, respondent_make, round_make

K = 3
_ids = iter(range(1, 10_000))


def members(n, county=1, office=None, company=None, trade=None, kind=""):
    return [Member(next(_ids), county, office, company, trade, kind) for _ in range(n)]


def classes_of(planned):
    """{member pk: (step, kept dimensions)}."""
    return {m.pk: (c.step, c.kept) for c in planned for m in c.members}


def test_a_group_large_enough_keeps_every_dimension():
    group = members(3, office=10, company=20, trade=30, kind="laerling")
    planned = report_classes_plan(group, LU_STEPS, K)
    assert len(planned) == 1
    assert planned[0].dimensions() == {
        "county_id": 1,
        "training_office_id": 10,
        "company_id": 20,
        "trade_id": 30,
        "apprentice_kind": "laerling",
    }


def test_small_groups_are_generalised_step_by_step_and_never_below_k():
    everyone = (
        # 3 apprentices (kind laerling) and 1 candidate in company 20: the candidate loses the
        # kind and joins the next step with company 21's pair.
        members(3, office=10, company=20, trade=30, kind="laerling")
        + members(1, office=10, company=20, trade=30, kind="kandidat")
        # a pair in company 21 in the same trade: (office, trade) with the candidate.
        + members(2, office=10, company=21, trade=30, kind="laerling")
        # one in another trade of office 10 and two of office 11: too few anywhere, the rest.
        + members(1, office=10, company=22, trade=31, kind="laerling")
        + members(2, office=11, company=23, trade=32, kind="laerling")
        # enough in trade 33 across offices to keep the trade alone.
        + members(1, office=12, company=24, trade=33)
        + members(1, office=13, company=25, trade=33)
        + members(1, office=14, company=26, trade=33)
    )
    planned = report_classes_plan(everyone, LU_STEPS, K)
    sizes = Counter(len(c.members) for c in planned)
    assert all(len(c.members) >= K for c in planned), sizes
    assert sum(len(c.members) for c in planned) == len(everyone)
    kept = sorted((c.step, tuple(sorted(c.kept.items())), len(c.members)) for c in planned)
    assert kept == [
        (0, (("apprentice_kind", "laerling"), ("company_id", 20), ("trade_id", 30), ("training_office_id", 10)), 3),  # noqa: E501
        (3, (("trade_id", 30), ("training_office_id", 10)), 3),
        (5, (("trade_id", 33),), 3),
        (6, (), 3),
    ]  # fmt: skip


def test_a_rest_smaller_than_k_takes_in_the_coarsest_smallest_class():
    everyone = (
        members(4, office=10, company=20, trade=30, kind="laerling")
        + members(1, office=12, company=22, trade=33)
        + members(1, office=13, company=23, trade=33)
        + members(1, office=14, company=24, trade=33)  # these three share only the trade
        + members(1, office=11, company=21, trade=31, kind="laerling")
    )
    planned = report_classes_plan(everyone, LU_STEPS, K)
    # The lone apprentice of office 11 cannot be a rest of one: the trade-33 class (coarser
    # than the company class) is merged into the rest.
    assert sorted((c.step, len(c.members)) for c in planned) == [(0, 4), (6, 4)]


def test_a_county_smaller_than_k_is_one_class_and_counties_never_mix():
    planned = report_classes_plan(
        members(2, county=1, office=10, company=20, trade=30)
        + members(3, county=2, office=11, company=21, trade=31),
        LU_STEPS,
        K,
    )
    assert sorted((c.county_id, c.step, len(c.members)) for c in planned) == [(1, 6, 2), (2, 0, 3)]


def test_lbu_never_keeps_the_company():
    planned = report_classes_plan(
        [Member(next(_ids), 1, 10, company, None, "") for company in range(100, 110)],
        LBU_STEPS,
        K,
    )
    assert [c.kept for c in planned] == [{"training_office_id": 10, "trade_id": None}]
    assert all(c.dimensions()["company_id"] is None for c in planned)


def test_the_plan_does_not_depend_on_the_order_of_the_respondents():
    everyone = (
        members(4, office=10, company=20, trade=30)
        + members(2, office=10, company=21, trade=31)
        + members(2, office=11, company=22, trade=31)
    )
    forward = classes_of(report_classes_plan(everyone, LU_STEPS, K))
    backward = classes_of(report_classes_plan(list(reversed(everyone)), LU_STEPS, K))
    assert forward == backward


@pytest.mark.django_db
def test_classes_are_stored_on_the_respondents_of_a_round(counties, county_a, settings):
    settings.REPORTING_THRESHOLD = 2
    round_ = round_make(lu_questionnaire())
    office = rows.office(county_a)
    company = rows.company(county_a, office=office)
    trade = rows.trade()
    pair = [
        respondent_make(round_, county_a, training_office=office, company=company, trade=trade)
        for _ in range(2)
    ]
    # Two more of the office, each alone in a company: together they keep the office only.
    others = [
        respondent_make(round_, county_a, training_office=office, company=rows.company(county_a))
        for _ in range(2)
    ]
    assert report_classes_assign(round_) == 2
    classes = {r.pk: r.report_class for r in Respondent.objects.select_related("report_class")}
    assert classes[pair[0].pk] == classes[pair[1].pk]
    assert classes[pair[0].pk].dimensions == {
        "county_id": county_a.pk,
        "training_office_id": office.pk,
        "company_id": company.pk,
        "trade_id": trade.pk,
        "apprentice_kind": "",
    }
    assert classes[others[0].pk] == classes[others[1].pk] != classes[pair[0].pk]
    assert classes[others[0].pk].dimensions == {
        "county_id": county_a.pk,
        "training_office_id": office.pk,
        "company_id": None,
        "trade_id": None,
        "apprentice_kind": "",
    }


@pytest.mark.django_db
def test_assigning_again_replaces_the_classes_and_lbu_gets_them_too(counties, county_a):
    round_ = round_make(lbu_questionnaire())
    office = rows.office(county_a)
    for _ in range(6):
        respondent_make(round_, county_a, training_office=office, company=rows.company(county_a))
    report_classes_assign(round_)
    report_classes_assign(round_)
    assert ReportClass.objects.filter(round=round_).count() == 1
    (only,) = ReportClass.objects.filter(round=round_)
    assert only.training_office_id == office.pk and only.company_id is None
    assert not Respondent.objects.filter(round=round_, report_class=None).exists()
