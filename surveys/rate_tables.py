"""Response rates as a county or training office sees them (R-D5): invited, answered and rate
per survey, broken down by training office, company or trade, beside the same figure on the
same date last year, and the answers per day for the chart.

Counts come from surveys.response_counts, per report class: the cells of the round's published
results, so a group is the sum of the classes that kept it and the classes that left its
dimension out make one row of their own. For LU and LBU the answered counts are shown as
surveys.rate_disclosure says (the suppression of published results): a group with fewer than
REPORTING_THRESHOLD answers is hidden, never its count, and as many more as it takes that none
can be worked out (R-L7), each with why. From the last day to answer on, the figures are the ones
the round's results publish, hidden the same way. Invited counts are shown: the organisation
saw its sample. ÅR is identified by law (R-L3) and shown in full."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Literal

from django.conf import settings
from django.db.models import Model, Subquery
from django.utils.translation import gettext as _

from portal.lib.oslo import oslo_today
from portal.models import Company, County, TrainingOffice
from portal.organisations.structure import counterparts
from registry_import.models import Trade
from surveys.models import Round, SurveyKind
from surveys.rate_disclosure import (
    Answered,
    ClassCount,
    RateQuestion,
    UnitKey,
    answered_disclosed,
    unit_of,
)
from surveys.response_counts import (
    ResponseCount,
    answered_by,
    answers_per_day,
    answers_per_day_by_county,
    class_answers_per_day,
    class_counts,
    response_counts,
    response_totals,
    response_totals_by_county,
)
from surveys.selectors import kind_order
from surveys.services.tallies import periods

GROUPINGS: dict[str, tuple[type[Model], str, str]] = {
    # grouping: (model, unit type in a county, unit type in an office)
    "office": (TrainingOffice, "CO", "O"),
    "company": (Company, "CM", "OM"),
    "trade": (Trade, "CT", "OT"),
}

# Why an answered count is not shown.
PROTECT, MERGED, RESULTS = "protect", "merged", "results"


def is_protected(kind: str) -> bool:
    """LU and LBU counts are shown only for groups large enough; ÅR in full."""
    return kind != SurveyKind.AR


@dataclass
class RateRow:
    key: int | None
    label: str
    sampled: int
    answered: int | None  # None when hidden
    reason: str = ""  # PROTECT, MERGED or RESULTS when hidden

    @property
    def hidden(self) -> bool:
        return self.answered is None

    @property
    def why(self) -> str:
        return hidden_reason(self.reason)

    @property
    def rate(self) -> float | None:
        if self.answered is None or not self.sampled:
            return None
        return 100 * self.answered / self.sampled


def hidden_reason(reason: str) -> str:
    """Why an answered count is not shown, in a sentence."""
    if reason == PROTECT:
        return _(
            "Fewer than %(threshold)s have answered, or hidden so that a group with fewer "
            "cannot be worked out from the other figures."
        ) % {"threshold": _threshold()}
    if reason == RESULTS:
        return _(
            "Hidden as in the published results: too few answers, or hidden so that small "
            "groups cannot be worked out."
        )
    if reason == MERGED:
        return _("Groups too small to be kept apart; their answers count only in the totals.")
    return ""


def _threshold() -> int:
    return settings.REPORTING_THRESHOLD


def is_final(round_: Round, today: date | None = None) -> bool:
    """From the last day to answer on the figures are the ones the results publish."""
    return round_.anonymised_at is not None or (today or oslo_today()) >= round_.last_answer_day


@dataclass
class ScopeCounts:
    """A county's or an office's classes in a round, with their answered counts as they may be
    shown."""

    round: Round
    office: TrainingOffice | None
    classes: list[ResponseCount]
    shown: dict[UnitKey, Answered] | None  # None: ÅR, shown in full
    final: bool = False

    def answered(self, unit: UnitKey | None, true_value: int) -> tuple[int | None, str]:
        if self.shown is None:
            return true_value, ""
        found = self.shown.get(unit) if unit is not None else None
        if found is None:
            return None, MERGED if unit is None else PROTECT
        if found.n is None:
            return None, RESULTS if self.final else PROTECT
        return found.n, ""


def _key(count: ResponseCount) -> tuple:
    return (
        count.county_id,
        count.training_office_id,
        count.company_id,
        count.trade_id,
        count.apprentice_kind,
    )


def scope_counts(
    round_: Round,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
    today: date | None = None,
) -> ScopeCounts:
    """The scope's class counts and what of them may be shown (one or two queries; the
    suppression itself is cached per round, scope and counts by the hook)."""
    final = is_final(round_, today)
    if not is_protected(round_.kind):
        counted = response_counts(round_, county=county, office=office)
        return ScopeCounts(round_, office, counted, None)
    if final:
        every = class_counts(round_)
        mine = [
            c
            for c in every
            if (county is None or c.county_id == county.pk)
            and (office is None or c.training_office_id == office.pk)
        ]
    else:
        every = mine = class_counts(round_, county=county, office=office)
    scope: tuple[Literal["county", "office"], int] = (
        ("office", office.pk) if office is not None else ("county", county.pk if county else 0)
    )
    return _disclosed(round_, scope, final, every, mine, office)


def _disclosed(
    round_: Round,
    scope: tuple[Literal["county", "office"], int],
    final: bool,
    every: list[ResponseCount],
    mine: list[ResponseCount],
    office: TrainingOffice | None,
) -> ScopeCounts:
    """The scope's classes (`mine`) with what of them may be shown, asked of the hook with
    `every` class the question needs (the whole round's once final, else the scope's)."""
    question = RateQuestion(
        round=round_,
        scope=scope,
        final=final,
        classes=tuple(ClassCount(_key(c), c.sampled, c.answered) for c in every),
    )
    return ScopeCounts(round_, office, mine, answered_disclosed(question), final)


def counties_counts(
    round_: Round, counties: Iterable[County], *, today: date | None = None
) -> dict[int, ScopeCounts]:
    """scope_counts of each county, from one read of the round's classes (the national table):
    the same question of the hook for each county as its own pages ask."""
    final = is_final(round_, today)
    counties = list(counties)
    if not is_protected(round_.kind):
        every = response_counts(round_)
        return {
            county.pk: ScopeCounts(
                round_, None, [c for c in every if c.county_id == county.pk], None
            )
            for county in counties
        }
    every = class_counts(round_)
    result = {}
    for county in counties:
        mine = [c for c in every if c.county_id == county.pk]
        asked = every if final else mine
        result[county.pk] = _disclosed(round_, ("county", county.pk), final, asked, mine, None)
    return result


def _labels(model: type[Model], ids: Iterable[int | None]) -> dict[int, str]:
    ids = [i for i in ids if i is not None]
    if not ids:
        return {}
    return dict(model._default_manager.filter(pk__in=ids).values_list("pk", "name"))


def _none_label(by: str, classes: bool) -> str:
    if by == "office":
        if classes:
            return _("Independent companies, and groups too small to be kept apart")
        return _("Independent companies (no training office)")
    if classes:
        return _("Other (groups too small to be kept apart)")
    if by == "company":
        return _("Training offices' own reports")
    return _("No trade")


def rate_rows(
    round_: Round,
    *,
    by: str,
    county: County | None = None,
    office: TrainingOffice | None = None,
    today: date | None = None,
    counts: ScopeCounts | None = None,
) -> list[RateRow]:
    """The round's invited and answered per group, hidden where they must be."""
    counts = counts or scope_counts(round_, county=county, office=office, today=today)
    model, county_type, office_type = GROUPINGS[by]
    unit_type = office_type if counts.office is not None else county_type
    grouped: dict[UnitKey | None, list[int]] = defaultdict(lambda: [0, 0])
    for count in counts.classes:
        totals = grouped[unit_of(unit_type, _key(count))]
        totals[0] += count.sampled
        totals[1] += count.answered
    labels = _labels(model, (unit[1][-1] for unit in grouped if unit is not None))
    rows = []
    for unit, (sampled, answered) in grouped.items():
        shown, reason = counts.answered(unit, answered)
        if unit is None:
            label = _none_label(by, classes=counts.shown is not None)
            rows.append(RateRow(None, label, sampled, shown, reason))
        else:
            key = unit[1][-1]
            rows.append(RateRow(key, labels.get(key, ""), sampled, shown, reason))
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
    answered: int | None  # None when hidden
    reason: str = ""

    @property
    def hidden(self) -> bool:
        return self.answered is None

    @property
    def why(self) -> str:
        return hidden_reason(self.reason)

    @property
    def rate(self) -> float | None:
        if self.answered is None or not self.sampled:
            return None
        return 100 * self.answered / self.sampled


def scope_totals(counts: ScopeCounts) -> Totals:
    """The scope's own total (the county's or the office's unit), hidden as the results hide
    it."""
    sampled = sum(c.sampled for c in counts.classes)
    answered = sum(c.answered for c in counts.classes)
    if counts.shown is None:
        return Totals(sampled, answered)
    unit_type = "O" if counts.office is not None else "C"
    units = {unit_of(unit_type, _key(c)) for c in counts.classes} - {None}
    if len(units) != 1:  # none of its classes kept it (or nobody is invited): nothing shown
        return Totals(sampled, None, PROTECT)
    shown, reason = counts.answered(units.pop(), answered)
    return Totals(sampled, shown, reason)


def _totals(round_: Round, counties: list[County] | None, office: TrainingOffice | None) -> Totals:
    sampled = answered = 0
    each: list[County] | list[None] = counties or [None]
    for county in each:
        s, a = response_totals(round_, county=county, office=office)
        sampled += s
        answered += a
    return _totals_of(round_, sampled, answered)


def _totals_of(round_: Round, sampled: int, answered: int) -> Totals:
    """Last year's total: hidden when fewer than the threshold were invited."""
    hidden = is_protected(round_.kind) and sampled < _threshold()
    return Totals(sampled, None if hidden else answered, PROTECT if hidden else "")


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
    counts: ScopeCounts | None = None,
) -> KindRates:
    """The round's totals for the organisation and, with `compare`, last year's on the same
    date and both curves. A county merged or split since last year is compared with what it
    was then (R-A5). The curve is drawn only under a shown total, from the same classes, and
    while the round is open in periods of at least the threshold of answers, as a closed
    round keeps them."""
    counts = counts or scope_counts(round_, county=county, office=office, today=today)
    totals = scope_totals(counts)
    result = KindRates(round=round_, totals=totals, today=today)
    if totals.hidden or not compare:
        return result
    opens = oslo_today(round_.opens_at)
    end = min(today, round_.last_answer_day)
    days = [opens + timedelta(days=n) for n in range(max(0, (end - opens).days + 1))]
    per_day = class_answers_per_day(round_, county=county, office=office)
    if is_protected(round_.kind) and round_.anonymised_at is None:
        per_day = dict(periods(per_day, _threshold()))
    result.this_curve = _curve(per_day, totals.sampled, days, 0)
    _last_year(result, county, office, opens, end)
    return result


def _last_year(
    result: KindRates, county: County | None, office: TrainingOffice | None, opens: date, end: date
) -> None:
    round_ = result.round
    last_round = Round.objects.filter(year=round_.year - 1, kind=round_.kind).first()
    if last_round is None:
        return
    last_counties = county.in_year(last_round.year) if county is not None else None
    last_totals = _totals(last_round, last_counties, office)
    _compare(
        result,
        last_round,
        last_totals,
        lambda: _per_day(last_round, last_counties, office),
        opens,
        end,
    )


def _compare(
    result: KindRates,
    last_round: Round,
    last_totals: Totals,
    per_day_of: Callable[[], dict[date, int]],
    opens: date,
    end: date,
) -> None:
    """Last year's figure by the same date, and its curve, beside this year's."""
    round_ = result.round
    result.last_round = last_round
    if last_totals.hidden or not last_totals.sampled:
        return
    per_day = per_day_of()
    last_totals.answered = answered_by(per_day, same_day_last_year(end))
    result.last_totals = last_totals
    whole = [opens + timedelta(days=n) for n in range((round_.last_answer_day - opens).days + 1)]
    result.last_curve = _curve(per_day, last_totals.sampled, whole, 1)


def counties_rates(
    round_: Round,
    counties: list[County],
    *,
    today: date,
    last_round: Round | None,
    every_county: dict[str, County],
) -> dict[int, KindRates]:
    """kind_rates of each county without the curve of this year, in a bounded number of
    queries (the round's classes, and last year's totals and answers per day by county): the
    Directorate's table. A county merged or split since last year is compared with what it was
    then (R-A5), from `every_county` by code."""
    counts = counties_counts(round_, counties, today=today)
    opens = oslo_today(round_.opens_at)
    end = min(today, round_.last_answer_day)
    last_sums: dict[int, tuple[int, int]] = {}
    last_days: dict[int, dict[date, int]] = {}
    if last_round is not None:
        last_sums = response_totals_by_county(last_round)
        last_days = answers_per_day_by_county(last_round)
    rates = {}
    for county in counties:
        result = KindRates(round=round_, totals=scope_totals(counts[county.pk]), today=today)
        rates[county.pk] = result
        if last_round is None or result.totals.hidden:
            continue
        then = [
            every_county[code].pk
            for code in counterparts(county.code, last_round.year)
            if code in every_county
        ]
        sampled = sum(last_sums.get(pk, (0, 0))[0] for pk in then)
        answered = sum(last_sums.get(pk, (0, 0))[1] for pk in then)

        def per_day(then: list[int] = then) -> dict[date, int]:
            merged: dict[date, int] = defaultdict(int)
            for pk in then:
                for day, n in last_days.get(pk, {}).items():
                    merged[day] += n
            return dict(merged)

        _compare(
            result, last_round, _totals_of(last_round, sampled, answered), per_day, opens, end
        )
    return rates


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
        "gridlines": [(pct, CHART_PAD + inner_h * (1 - pct / 100)) for pct in (0, 25, 50, 75, 100)],
        "this_year": chart_polyline(rates.this_curve, first, last),
        "last_year": chart_polyline(rates.last_curve, first, last),
        "first": first,
        "last": last,
    }
