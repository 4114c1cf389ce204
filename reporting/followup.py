"""The follow-up list (R-P6): a starting point for the meeting with the training offices.

It lists, for a county or an office, the indexes below target or below last year by more than
their uncertainty, the trades and units whose index differs most from the organisation's, and
the follow-up signals (bullying, harassment, discrimination) above a chosen share. Only shown
figures are used, so the list never reveals a small group either."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from reporting.figures import Figure
from reporting.items import Item
from reporting.models import Publication
from reporting.scopes import ResultScope
from reporting.selectors import (
    OverviewRow,
    breakdown_units,
    results_breakdowns,
    results_overview,
)

MOST_DIFFERENT = 10


@dataclass
class Shortfall:
    row: OverviewRow
    against: str  # "target" or "last_year"
    reference: float
    difference: float


@dataclass
class Deviation:
    item: Item
    group: str  # what the unit is (trade, training office, ...)
    label: str
    figure: Figure
    reference: Figure
    difference: float


@dataclass
class Signal:
    item: Item
    label: str  # the organisation itself or a unit of its breakdowns
    figure: Figure


@dataclass
class FollowUp:
    shortfalls: list[Shortfall] = field(default_factory=list)
    deviations: list[Deviation] = field(default_factory=list)
    signals: list[Signal] = field(default_factory=list)


def _combined(*uncertainties: float | None) -> float:
    return math.sqrt(sum(u * u for u in uncertainties if u is not None))


def follow_up_list(scope: ResultScope, publication: Publication, *, share_limit: float) -> FollowUp:
    overview = results_overview(scope, publication)
    loaded = breakdown_units(scope, publication)
    result = FollowUp()
    for row in overview.indexes:
        mean = row.figure.mean
        if mean is None:
            continue
        if row.target is not None and mean + row.figure.uncertainty_or_zero < float(row.target):
            result.shortfalls.append(
                Shortfall(row, "target", float(row.target), mean - float(row.target))
            )
        last = row.last_year
        if last is not None and last.mean is not None:
            margin = _combined(row.figure.uncertainty, last.uncertainty)
            if mean < last.mean - margin:
                result.shortfalls.append(Shortfall(row, "last_year", last.mean, mean - last.mean))
    for row in overview.indexes:
        if row.figure.mean is None:
            continue
        for table in results_breakdowns(scope, publication, row.item, loaded=loaded):
            for unit in table.rows:
                figure = unit.figure
                if figure.mean is None:
                    continue
                difference = figure.mean - row.figure.mean
                if abs(difference) > _combined(figure.uncertainty):
                    result.deviations.append(
                        Deviation(row.item, table.title, unit.label, figure, row.figure, difference)
                    )
    result.deviations.sort(key=lambda d: -abs(d.difference))
    del result.deviations[MOST_DIFFERENT:]
    for row in overview.follow_up:
        if row.figure.yes_share is not None and row.figure.yes_share > share_limit:
            result.signals.append(Signal(row.item, scope.label, row.figure))
        for table in results_breakdowns(scope, publication, row.item, loaded=loaded):
            for unit in table.rows:
                share = unit.figure.yes_share
                if share is not None and share > share_limit:
                    result.signals.append(
                        Signal(row.item, f"{table.title}: {unit.label}", unit.figure)
                    )
    return result
