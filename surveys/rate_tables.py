"""Response rates as a county or training office sees them (R-D5): invited, answered and rate
per survey, broken down by training office, company or trade, beside the same figure on the
same date last year, and the answers per day for the chart.

Counts come from surveys.response_counts. For LU and LBU a group smaller than
REPORTING_THRESHOLD is shown as hidden ("*"), its invited and answered both, and so is enough
of the rest that the hidden groups cannot be worked out from the total (R-L7): the hidden
groups together always hold at least the threshold. ÅR is identified by law (R-L3) and shown in
full."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.db.models import Model, Subquery
from django.utils.translation import gettext as _

from portal.lib.oslo import oslo_today
from portal.models import Company, County, TrainingOffice
from registry_import.models import Trade
from surveys.models import Round, SurveyKind
from surveys.response_counts import (
    answered_by,
    answers_per_day,
    response_counts,
    response_totals,
)
from surveys.selectors import kind_order

GROUPINGS = {
    "office": ("training_office_id", TrainingOffice),
    "company": ("company_id", Company),
    "trade": ("trade_id", Trade),
}


def is_protected(kind: str) -> bool:
    """LU and LBU counts are shown only for groups large enough; ÅR in full."""
    return kind != SurveyKind.AR


@dataclass
class RateRow:
    key: int | None
    label: str
    sampled: int
    answered: int
    hidden: bool = False

    @property
    def rate(self) -> float | None:
        if self.hidden or not self.sampled:
            return None
        return 100 * self.answered / self.sampled


def _threshold() -> int:
    return settings.REPORTING_THRESHOLD


def suppress(rows: list[RateRow], *, total_shown: bool, threshold: int | None = None) -> None:
    """Hides every group under the threshold, then (when the total is shown) the smallest
    shown groups until the hidden ones together hold at least the threshold, so no hidden group
    can be worked out by subtracting the shown ones from the total."""
    k = threshold or _threshold()
    for row in rows:
        row.hidden = row.sampled < k
    if not total_shown:
        for row in rows:
            row.hidden = True
        return
    hidden = [r for r in rows if r.hidden]
    if not hidden:
        return
    shown = sorted((r for r in rows if not r.hidden), key=lambda r: (r.sampled, r.label))
    while shown and (len(hidden) < 2 or sum(r.sampled for r in hidden) < k):
        row = shown.pop(0)
        row.hidden = True
        hidden.append(row)


def _labels(model: type[Model], ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(model._default_manager.filter(pk__in=ids).values_list("pk", "name"))


def _none_label(by: str, closed: bool) -> str:
    if closed:
        return _("Other (groups too small to be kept apart)")
    if by == "office":
        return _("Independent companies (no training office)")
    if by == "company":
        return _("Training offices' own reports")
    return _("No trade")


def rate_rows(
    round_: Round, *, by: str, county: County | None = None, office: TrainingOffice | None = None
) -> list[RateRow]:
    """The round's invited and answered per group, hidden where they must be."""
    attribute, model = GROUPINGS[by]
    grouped: dict[int | None, list[int]] = defaultdict(lambda: [0, 0])
    for count in response_counts(round_, county=county, office=office):
        totals = grouped[getattr(count, attribute)]
        totals[0] += count.sampled
        totals[1] += count.answered
    labels = _labels(model, grouped)
    closed = round_.anonymised_at is not None
    rows = [
        RateRow(
            key,
            labels.get(key, "") if key is not None else _none_label(by, closed),
            sampled,
            answered,
        )
        for key, (sampled, answered) in grouped.items()
    ]
    if is_protected(round_.kind):
        total = sum(r.sampled for r in rows)
        suppress(rows, total_shown=total >= _threshold())
    return rows


SORT_KEYS = ("name", "sampled", "answered", "rate")


def rows_sorted(rows: list[RateRow], sort: str, descending: bool) -> list[RateRow]:
    """Sorted by name or a figure; hidden figures always last."""
    if sort == "name":
        return sorted(rows, key=lambda r: r.label.casefold(), reverse=descending)
    shown = [r for r in rows if not r.hidden]
    hidden = sorted((r for r in rows if r.hidden), key=lambda r: r.label.casefold())
    value = {"sampled": lambda r: r.sampled, "answered": lambda r: r.answered}.get(
        sort, lambda r: r.rate or 0.0
    )
    return sorted(shown, key=lambda r: (value(r), r.label.casefold()), reverse=descending) + hidden


def newest_rounds() -> list[Round]:
    """The newest year's rounds in the order LU, LBU, ÅR, in one query."""
    newest = Round.objects.order_by("-year").values("year")[:1]
    return sorted(Round.objects.filter(year=Subquery(newest)), key=lambda r: kind_order(r.kind))


# --- Totals, last year and the chart ---------------------------------------------------------


@dataclass
class Totals:
    sampled: int
    answered: int
    hidden: bool = False

    @property
    def rate(self) -> float | None:
        if self.hidden or not self.sampled:
            return None
        return 100 * self.answered / self.sampled


def _totals(round_: Round, counties: list[County] | None, office: TrainingOffice | None) -> Totals:
    sampled = answered = 0
    each: list[County] | list[None] = counties or [None]
    for county in each:
        s, a = response_totals(round_, county=county, office=office)
        sampled += s
        answered += a
    totals = Totals(sampled, answered)
    totals.hidden = is_protected(round_.kind) and sampled < _threshold()
    return totals


def _per_day(
    round_: Round, counties: list[County] | None, office: TrainingOffice | None
) -> dict[date, int]:
    merged: dict[date, int] = defaultdict(int)
    each: list[County] | list[None] = counties or [None]
    for county in each:
        for day, n in answers_per_day(round_, county=county, office=office).items():
            merged[day] += n
    return dict(merged)


def same_day_last_year(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


@dataclass
class Curve:
    points: list[tuple[date, float]] = field(default_factory=list)  # (day this year, rate %)


@dataclass
class KindRates:
    round: Round
    totals: Totals
    today: date
    last_round: Round | None = None
    last_totals: Totals | None = None  # last year's invited, answered by the same date
    this_curve: Curve = field(default_factory=Curve)
    last_curve: Curve = field(default_factory=Curve)

    @property
    def is_open(self) -> bool:
        return oslo_today(self.round.opens_at) <= self.today <= self.round.last_answer_day

    @property
    def closed(self) -> bool:
        return self.round.anonymised_at is not None

    @property
    def as_of(self) -> date:
        """The day the figures are for: today, or the last day to answer once it has passed."""
        return min(self.today, self.round.last_answer_day)


def _curve(per_day: dict[date, int], sampled: int, days: list[date], shift_years: int) -> Curve:
    """The share answered by the end of each day in `days` (this year's dates); last year's
    answers are read on the same date one year earlier."""
    if not sampled:
        return Curve()
    ordered = sorted(per_day.items())
    points, running, i = [], 0, 0
    for day in days:
        source = same_day_last_year(day) if shift_years else day
        while i < len(ordered) and ordered[i][0] <= source:
            running += ordered[i][1]
            i += 1
        points.append((day, 100 * running / sampled))
    return Curve(points)


def kind_rates(
    round_: Round,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
    today: date,
    compare: bool = True,
) -> KindRates:
    """The round's totals for the organisation and, with `compare`, last year's on the same
    date and both curves. A county merged or split since last year is compared with what it
    was then (R-A5)."""
    counties = [county] if county is not None else None
    totals = _totals(round_, counties, office)
    result = KindRates(round=round_, totals=totals, today=today)
    if totals.hidden or not compare:
        return result
    opens = oslo_today(round_.opens_at)
    end = min(today, round_.last_answer_day)
    days = [opens + timedelta(days=n) for n in range(max(0, (end - opens).days + 1))]
    result.this_curve = _curve(_per_day(round_, counties, office), totals.sampled, days, 0)
    last_round = Round.objects.filter(year=round_.year - 1, kind=round_.kind).first()
    if last_round is None:
        return result
    last_counties = county.in_year(last_round.year) if county is not None else None
    last_totals = _totals(last_round, last_counties, office)
    result.last_round = last_round
    if last_totals.hidden or not last_totals.sampled:
        return result
    per_day = _per_day(last_round, last_counties, office)
    last_totals.answered = answered_by(per_day, same_day_last_year(end))
    result.last_totals = last_totals
    whole = [opens + timedelta(days=n) for n in range((round_.last_answer_day - opens).days + 1)]
    result.last_curve = _curve(per_day, last_totals.sampled, whole, 1)
    return result


# --- The chart: server-rendered SVG ------------------------------------------------------------

CHART_WIDTH, CHART_HEIGHT, CHART_PAD = 600, 220, 30


def chart_polyline(curve: Curve, first: date, last: date) -> str:
    span = max(1, (last - first).days)
    inner_w, inner_h = CHART_WIDTH - 2 * CHART_PAD, CHART_HEIGHT - 2 * CHART_PAD
    return " ".join(
        f"{CHART_PAD + inner_w * (day - first).days / span:.1f},"
        f"{CHART_PAD + inner_h * (1 - min(rate, 100) / 100):.1f}"
        for day, rate in curve.points
    )


def chart_context(rates: KindRates) -> dict | None:
    if not rates.this_curve.points and not rates.last_curve.points:
        return None
    first = oslo_today(rates.round.opens_at)
    last = rates.round.last_answer_day
    inner_h = CHART_HEIGHT - 2 * CHART_PAD
    return {
        "width": CHART_WIDTH,
        "height": CHART_HEIGHT,
        "pad": CHART_PAD,
        "right": CHART_WIDTH - CHART_PAD,
        "bottom": CHART_HEIGHT - CHART_PAD,
        "gridlines": [
            (pct, CHART_PAD + inner_h * (1 - pct / 100)) for pct in (0, 25, 50, 75, 100)
        ],
        "this_year": chart_polyline(rates.this_curve, first, last),
        "last_year": chart_polyline(rates.last_curve, first, last),
        "first": first,
        "last": last,
    }
