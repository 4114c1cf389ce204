"""How many were asked and how many have answered: the one place response rates are read from.

While a round is open (and for ÅR always) the counts come from the respondents themselves.
Once an LU or LBU round has been through its close step the respondents are gone and the
counts come from the tallies kept in that step (surveys.models.tallies), at the level of the
report classes: a dimension that was generalised away is empty there, so such a round's counts
by company or trade cover only the groups large enough to have been kept.

`county` is the county responsible (the contract's county for LU, the company's or office's
county for LBU and ÅR); `office` the training office the respondent belongs to, whatever the
county. Which groups may be shown to whom is the caller's business (REPORTING_THRESHOLD)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncDate

from portal.lib.oslo import OSLO
from portal.models import County, TrainingOffice
from surveys.models import Respondent, ResponseTally, ResponseTallyDay, Round

DIMENSIONS = ("county_id", "training_office_id", "company_id", "trade_id", "apprentice_kind")


@dataclass(frozen=True)
class ResponseCount:
    """Sampled and answered in one group of respondents."""

    county_id: int
    training_office_id: int | None
    company_id: int | None
    trade_id: int | None
    apprentice_kind: str
    sampled: int
    answered: int


def _scoped(queryset: QuerySet, county: County | None, office: TrainingOffice | None) -> QuerySet:
    if county is not None:
        queryset = queryset.filter(county=county)
    if office is not None:
        queryset = queryset.filter(training_office=office)
    return queryset


def _from_tallies(round_: Round) -> bool:
    return round_.anonymised_at is not None


def response_counts(
    round_: Round, *, county: County | None = None, office: TrainingOffice | None = None
) -> list[ResponseCount]:
    """The round's counts grouped by county, office, company, trade and apprentice kind."""
    if _from_tallies(round_):
        rows = _scoped(ResponseTally.objects.filter(round=round_), county, office).values_list(
            *DIMENSIONS, "sampled", "answered"
        )
        merged: dict[tuple, list[int]] = {}
        for *key, sampled, answered in rows.order_by():
            totals = merged.setdefault(tuple(key), [0, 0])
            totals[0] += sampled
            totals[1] += answered
        return [ResponseCount(*key, *totals) for key, totals in merged.items()]
    rows = (
        _scoped(Respondent.objects.filter(round=round_), county, office)
        .values_list(*DIMENSIONS)
        .annotate(sampled=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    return [ResponseCount(*row) for row in rows]


_CLASS_DIMENSIONS = tuple(f"report_class__{d}" for d in DIMENSIONS)


def class_counts(
    round_: Round, *, county: County | None = None, office: TrainingOffice | None = None
) -> list[ResponseCount]:
    """The round's counts per report class: the cells its anonymous answers keep (a respondent
    of a sample never frozen counts in its county alone, as its answer does). For a closed
    round these are the tallies, which are kept per class."""
    if _from_tallies(round_):
        return response_counts(round_, county=county, office=office)
    respondents = _scoped(Respondent.objects.filter(round=round_), county, office)
    if office is not None:
        # An office's figures are the classes that kept it (their respondents are all its own).
        respondents = respondents.filter(report_class__training_office=office)
    rows = (
        respondents.values_list("report_class_id", "county_id", *_CLASS_DIMENSIONS)
        .annotate(sampled=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False)))
        .order_by()
    )
    merged: dict[tuple, list[int]] = {}
    for class_id, own_county, *dims, sampled, answered in rows.iterator():
        key = tuple(dims) if class_id is not None else (own_county, None, None, None, "")
        totals = merged.setdefault(key, [0, 0])
        totals[0] += sampled
        totals[1] += answered
    return [ResponseCount(*key, *totals) for key, totals in merged.items()]


def response_totals(
    round_: Round, *, county: County | None = None, office: TrainingOffice | None = None
) -> tuple[int, int]:
    """(sampled, answered) of the whole round, the county's or the office's share of it."""
    if _from_tallies(round_):
        totals = _scoped(ResponseTally.objects.filter(round=round_), county, office).aggregate(
            sampled=Sum("sampled"), answered=Sum("answered")
        )
    else:
        totals = _scoped(Respondent.objects.filter(round=round_), county, office).aggregate(
            sampled=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
        )
    return totals["sampled"] or 0, totals["answered"] or 0


def response_totals_by_county(round_: Round) -> dict[int, tuple[int, int]]:
    """County id → (sampled, answered) of the round: response_totals of every county in one
    query."""
    rows: QuerySet
    if _from_tallies(round_):
        rows = (
            ResponseTally.objects.filter(round=round_)
            .values_list("county_id")
            .annotate(sampled=Sum("sampled"), answered=Sum("answered"))
        )
    else:
        rows = (
            Respondent.objects.filter(round=round_)
            .values_list("county_id")
            .annotate(
                sampled=Count("id"), answered=Count("id", filter=Q(answered_at__isnull=False))
            )
        )
    return {county_id: (s or 0, a or 0) for county_id, s, a in rows.order_by()}


def answers_per_day_by_county(round_: Round) -> dict[int, dict[date, int]]:
    """County id → answers_per_day of the county (its answers per day in Norway, or for a
    closed round its periods), every county in one query."""
    rows: QuerySet
    if _from_tallies(round_):
        rows = (
            ResponseTallyDay.objects.filter(round=round_)
            .values_list("county_id", "day", "answered")
            .order_by("day")
        )
    else:
        rows = (
            Respondent.objects.filter(round=round_, answered_at__isnull=False)
            .annotate(day=TruncDate("answered_at", tzinfo=OSLO))
            .values_list("county_id", "day")
            .annotate(n=Count("id"))
            .order_by("day")
        )
    found: dict[int, dict[date, int]] = {}
    for county_id, day, n in rows:
        per_day = found.setdefault(county_id, {})
        per_day[day] = per_day.get(day, 0) + n
    return {county_id: {d: n for d, n in days.items() if n} for county_id, days in found.items()}


def answers_per_day(
    round_: Round, *, county: County | None = None, office: TrainingOffice | None = None
) -> dict[date, int]:
    """Answers per day in Norway ({day: count}, days without answers left out). For a closed
    round a county's answers are kept in periods of at least K, each counted on its last day,
    and an office's are its county's scaled to the office's total (surveys/services/tallies.py):
    the sums by a date are right at the end of each period and never ahead of the answers."""
    if not _from_tallies(round_):
        rows = (
            _scoped(Respondent.objects.filter(round=round_), county, office)
            .filter(answered_at__isnull=False)
            .annotate(day=TruncDate("answered_at", tzinfo=OSLO))
            .values_list("day")
            .annotate(n=Count("id"))
        )
        return {day: n for day, n in rows.order_by("day")}
    periods = ResponseTallyDay.objects.filter(round=round_)
    if county is not None:
        periods = periods.filter(county=county)
    per_county: dict[int, list[tuple[date, int]]] = {}
    for county_id, day, n in periods.values_list("county_id", "day", "answered").order_by("day"):
        per_county.setdefault(county_id, []).append((day, n))
    if office is None:
        share = {county_id: None for county_id in per_county}
    else:
        share = dict(
            _scoped(ResponseTally.objects.filter(round=round_), county, office)
            .values_list("county_id")
            .annotate(n=Sum("answered"))
            .order_by()
        )
    merged: dict[date, int] = {}
    for county_id, rows_ in per_county.items():
        if county_id not in share:
            continue
        for day, n in _scaled(rows_, share[county_id]):
            merged[day] = merged.get(day, 0) + n
    return {day: n for day, n in sorted(merged.items()) if n}


def class_answers_per_day(
    round_: Round, *, county: County | None = None, office: TrainingOffice | None = None
) -> dict[date, int]:
    """Answers per day of the classes of class_counts (an office's: the classes that kept it),
    so the curve ends at the same count as the classes' sum."""
    if _from_tallies(round_) or office is None:
        return answers_per_day(round_, county=county, office=office)
    rows = (
        _scoped(Respondent.objects.filter(round=round_), county, office)
        .filter(report_class__training_office=office, answered_at__isnull=False)
        .annotate(day=TruncDate("answered_at", tzinfo=OSLO))
        .values_list("day")
        .annotate(n=Count("id"))
    )
    return {day: n for day, n in rows.order_by("day")}


def _scaled(rows: list[tuple[date, int]], total: int | None) -> list[tuple[date, int]]:
    """A county's periods, or the same curve scaled to `total` answers (rounded down so the
    running sum never runs ahead)."""
    if total is None:
        return rows
    whole = sum(n for _day, n in rows)
    out, running, given = [], 0, 0
    for day, n in rows:
        running += n
        upto = total * running // whole if whole else 0
        out.append((day, upto - given))
        given = upto
    return out


def answered_by(per_day: dict[date, int], day: date) -> int:
    """How many had answered by the end of `day`, from answers_per_day."""
    return sum(n for d, n in per_day.items() if d <= day)
