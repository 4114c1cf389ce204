"""Response counts: from the respondents while a round is open, from the tallies once its
close step has run."""

from datetime import date, datetime

import pytest
from django.utils import timezone

from portal.lib.oslo import OSLO
from surveys.models import ResponseTally, ResponseTallyDay, Round
from surveys.response_counts import (
    ResponseCount,
    answered_by,
    answers_per_day,
    response_counts,
    response_totals,
)
from tests.surveys.factories import lu_questionnaire, respondent_make, round_make

pytestmark = pytest.mark.django_db


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


def test_an_open_round_is_counted_from_its_respondents(lu_round, county_a, county_b, office_a):
    late_evening = datetime(2026, 10, 20, 23, 30, tzinfo=OSLO)  # 21:30 UTC, still the 20th
    respondent_make(lu_round, county_a, training_office=office_a, answered_at=late_evening)
    respondent_make(lu_round, county_a, training_office=office_a)
    respondent_make(lu_round, county_a)
    respondent_make(lu_round, county_b, answered_at=datetime(2026, 10, 22, 0, 30, tzinfo=OSLO))

    assert response_totals(lu_round) == (4, 2)
    assert response_totals(lu_round, county=county_a) == (3, 1)
    assert response_totals(lu_round, office=office_a) == (2, 1)
    assert sorted(response_counts(lu_round, county=county_a), key=lambda c: c.sampled) == [
        ResponseCount(county_a.pk, None, None, None, "", 1, 0),
        ResponseCount(county_a.pk, office_a.pk, None, None, "", 2, 1),
    ]
    per_day = answers_per_day(lu_round)
    assert per_day == {date(2026, 10, 20): 1, date(2026, 10, 22): 1}
    assert answered_by(per_day, date(2026, 10, 21)) == 1
    assert answered_by(per_day, date(2026, 10, 22)) == 2


def test_a_closed_round_is_counted_from_its_tallies(lu_round, county_a, office_a):
    respondent_make(lu_round, county_a)  # would count if the respondents were read
    Round.objects.filter(pk=lu_round.pk).update(anonymised_at=timezone.now())
    lu_round.refresh_from_db()
    ResponseTally.objects.create(
        round=lu_round, county=county_a, training_office=office_a, sampled=6, answered=4
    )
    ResponseTally.objects.create(round=lu_round, county=county_a, sampled=9, answered=2)
    ResponseTallyDay.objects.create(
        round=lu_round, county=county_a, day=date(2026, 10, 16), answered=3
    )
    ResponseTallyDay.objects.create(
        round=lu_round, county=county_a, day=date(2026, 10, 30), answered=3
    )

    assert response_totals(lu_round, county=county_a) == (15, 6)
    assert response_totals(lu_round, office=office_a) == (6, 4)
    assert answers_per_day(lu_round, county=county_a) == {
        date(2026, 10, 16): 3,
        date(2026, 10, 30): 3,
    }
    # The office's 4 answers follow its county's curve, never ahead of it.
    assert answers_per_day(lu_round, office=office_a) == {
        date(2026, 10, 16): 2,
        date(2026, 10, 30): 2,
    }
    assert {(c.training_office_id, c.sampled, c.answered) for c in response_counts(lu_round)} == {
        (office_a.pk, 6, 4),
        (None, 9, 2),
    }
