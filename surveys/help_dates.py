"""The dates the help's guides give, from the round's calendar: the latest round of this year or
before, and the national calendar of this year when there is none yet (R-C1..R-C5)."""

from __future__ import annotations

from typing import Any

from portal.lib.oslo import last_day_before, oslo_now, oslo_today
from surveys.models import Round, SurveyKind
from surveys.services.rounds import default_calendar


def help_calendar() -> dict[str, Any]:
    """{qa_starts_on, correction_deadline, reference_date, opens_on, last_answer_day,
    separate_lbu_from, year} of the LU round (LBU's separate sending from the LBU round)."""
    year = oslo_today().year
    lu = Round.objects.filter(kind=SurveyKind.LU, year__lte=year).order_by("-year").first()
    if lu is None:
        calendar = default_calendar(year, SurveyKind.LU)
        separate = default_calendar(year, SurveyKind.LBU).separate_lbu_from
        dates: Any = calendar
    else:
        dates, year = lu, lu.year
        lbu = Round.objects.filter(kind=SurveyKind.LBU, year=year).first()
        separate = lbu.separate_lbu_from if lbu is not None else None
    return {
        "year": year,
        "qa_starts_on": dates.qa_starts_on,
        "correction_deadline": oslo_now(dates.correction_deadline),
        "reference_date": dates.reference_date,
        "opens_on": oslo_today(dates.opens_at),
        "last_answer_day": last_day_before(dates.closes_at),
        "separate_lbu_from": separate,
    }
