"""Every county's response rates in a bounded number of queries (the Directorate's table): the
same figures, hidden the same way, as each county's own pages read one by one."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from portal.lib.oslo import oslo_today
from surveys.models import ReportClass, ResponseTally, ResponseTallyDay
from surveys.rate_tables import counties_rates, kind_rates
from surveys.response_counts import (
    answers_per_day,
    answers_per_day_by_county,
    response_totals,
    response_totals_by_county,
)
from tests.surveys.factories import (
    ar_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db


def people(round_, county, n, answered, when):
    report_class = ReportClass.objects.create(round=round_, county=county)
    for i in range(n):
        respondent_make(
            round_,
            county,
            report_class=report_class,
            answered_at=when - timedelta(days=i % 3) if i < answered else None,
        )


@pytest.fixture
def lu_this_and_last(county_a, county_b):
    now = timezone.now()
    questionnaire = lu_questionnaire()
    lu = round_make(questionnaire)
    last = round_make(questionnaire, year=lu.year - 1)
    last.opens_at, last.closes_at = (
        lu.opens_at - timedelta(days=365),
        lu.closes_at - timedelta(days=365),
    )
    last.save()
    people(lu, county_a, 12, 7, now)
    people(lu, county_b, 8, 3, now)  # fewer than the threshold answered: hidden
    people(last, county_a, 10, 6, now - timedelta(days=366))
    return lu, last


def test_the_bulk_figures_are_each_countys(lu_this_and_last, county_a, county_b):
    _lu, last = lu_this_and_last
    totals = response_totals_by_county(last)
    per_day = answers_per_day_by_county(last)
    for county in (county_a, county_b):
        assert totals.get(county.pk, (0, 0)) == response_totals(last, county=county)
        assert per_day.get(county.pk, {}) == answers_per_day(last, county=county)


def test_closed_rounds_are_read_from_the_tallies(lu_this_and_last, county_a):
    _lu, last = lu_this_and_last
    last.anonymised_at = timezone.now()
    last.save()
    ResponseTally.objects.create(round=last, county=county_a, sampled=10, answered=6)
    ResponseTallyDay.objects.create(
        round=last, county=county_a, day=date(last.year, 11, 1), answered=6
    )
    assert response_totals_by_county(last) == {county_a.pk: (10, 6)}
    assert answers_per_day_by_county(last) == {county_a.pk: answers_per_day(last, county=county_a)}


def test_every_county_as_its_own_page_shows_it(
    lu_this_and_last, county_a, county_b, django_assert_max_num_queries
):
    lu, last = lu_this_and_last
    today = oslo_today()
    every = {c.code: c for c in (county_a, county_b)}
    with django_assert_max_num_queries(3):
        rates = counties_rates(
            lu, [county_a, county_b], today=today, last_round=last, every_county=every
        )
    for county in (county_a, county_b):
        own = kind_rates(lu, county=county, today=today)
        bulk = rates[county.pk]
        assert (bulk.totals.sampled, bulk.totals.answered) == (
            own.totals.sampled,
            own.totals.answered,
        )
        own_last = own.last_totals and (own.last_totals.sampled, own.last_totals.answered)
        bulk_last = bulk.last_totals and (bulk.last_totals.sampled, bulk.last_totals.answered)
        assert bulk_last == own_last
    assert rates[county_b.pk].totals.hidden
    assert rates[county_a.pk].last_totals.sampled == 10


def test_ar_is_shown_in_full(county_a):
    ar = round_make(ar_questionnaire())
    respondent_make(ar, county_a, role="office", answered_at=timezone.now())
    rates = counties_rates(
        ar, [county_a], today=oslo_today(), last_round=None, every_county={"46": county_a}
    )
    assert (rates[county_a.pk].totals.sampled, rates[county_a.pk].totals.answered) == (1, 1)
