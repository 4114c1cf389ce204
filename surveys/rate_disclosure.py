"""Which answered counts of the response-rate pages may be shown (R-L7): the hook the report
portal fills with its suppression (reporting/live_rates.py, connected in reporting/hooks.py), so
that response rates are hidden by the same rules and from the same cells as published results.

The inner cells are the round's report classes: (county, office, company, trade, apprentice
kind), any of the last four empty where the class left it out, with how many of the class were
invited and how many have answered. A figure on the pages is a *unit*: the sum over the classes
that match a set of fixed dimensions, keyed as ("CO", (county id, office id)) and so on (the unit
types of published results). Invited counts are always shown: whoever sees the pages saw the
sample. Answered counts are shown as the hook says.

A hidden count is one mark whether it is under the threshold or hidden to protect one: a mark
that told the two apart would tell which hidden counts are small, and with the total and the
other rows narrow them further.

Without a hook (the report portal not installed) a conservative rule applies: no answered count
of a group is shown, only the scope's total when it holds at least the threshold."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from django.conf import settings

from surveys.models import Round

ClassKey = tuple  # (county id, office id | None, company id | None, trade id | None, kind)
UnitKey = tuple  # (unit type, (values of its dimensions))

# The dimensions of a class, in ClassKey order, and the ones each unit type of the pages fixes.
CLASS_DIMENSIONS = ("county", "office", "company", "trade", "kind")
PAGE_UNIT_TYPES: dict[str, tuple[str, ...]] = {
    "C": ("county",),
    "CO": ("county", "office"),
    "CM": ("county", "company"),
    "CT": ("county", "trade"),
    "O": ("office",),
    "OM": ("office", "company"),
    "OT": ("office", "trade"),
}


@dataclass(frozen=True)
class ClassCount:
    key: ClassKey
    sampled: int
    answered: int


@dataclass(frozen=True)
class RateQuestion:
    """What the pages ask: the answered counts of `scope` (a county's or an office's units) in
    `round`. `final`: the last day to answer has come, so the figures are the ones the round's
    results will publish, and `classes` holds the whole round's; otherwise the scope's."""

    round: Round
    scope: tuple[Literal["county", "office"], int]
    final: bool
    classes: tuple[ClassCount, ...]


@dataclass(frozen=True)
class Answered:
    """One answered count as the pages may show it: `n`, or None when hidden."""

    n: int | None

    @property
    def hidden(self) -> bool:
        return self.n is None


Disclosure = Callable[[RateQuestion], dict[UnitKey, Answered]]
_disclosures: list[Disclosure] = []


def rates_disclosure_register(disclosure: Disclosure) -> None:
    """Called once from the report portal's hooks.connect(): the one suppression of results."""
    if disclosure not in _disclosures:
        _disclosures.append(disclosure)


def unit_of(unit_type: str, key: ClassKey) -> UnitKey | None:
    """The unit of `unit_type` a class counts in, or None when the class left one of its
    dimensions out."""
    values = []
    for dim in PAGE_UNIT_TYPES[unit_type]:
        value = key[CLASS_DIMENSIONS.index(dim)]
        if value in (None, ""):
            return None
        values.append(value)
    return (unit_type, tuple(values))


def conservative(question: RateQuestion) -> dict[UnitKey, Answered]:
    """No count per group: only the scope's total, when it holds at least the threshold."""
    k = settings.REPORTING_THRESHOLD
    answered: dict[UnitKey, int] = {}
    scope_type, scope_id = question.scope
    for count in question.classes:
        if count.key[CLASS_DIMENSIONS.index(scope_type)] != scope_id:
            continue
        for unit_type in PAGE_UNIT_TYPES:
            unit = unit_of(unit_type, count.key)
            if unit is not None:
                answered[unit] = answered.get(unit, 0) + count.answered
    total_type = "C" if scope_type == "county" else "O"
    return {
        unit: Answered(n if unit[0] == total_type and n >= k else None)
        for unit, n in answered.items()
    }


def answered_disclosed(question: RateQuestion) -> dict[UnitKey, Answered]:
    """The answered counts the pages may show for the question's scope."""
    for disclosure in _disclosures:
        return disclosure(question)
    return conservative(question)
