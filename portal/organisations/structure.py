"""The county structure of one year (R-P4), and how a county number of another year's structure
is placed on it.

Every unit of a survey year belongs to a county that exists that year. A county number of
another structure is placed by what it became (or was made of) that year:

- one counterpart: that county (12 Hordaland is 46 Vestland from 2020, 31 Østfold is 30 Viken
  in 2020–2023);
- several (30 Viken from 2024, 46 Vestland before 2020): the county of the unit's municipality
  in that year (portal/organisations/data/municipalities.py), when it is one of them; otherwise the
  number
  cannot be placed, and `NotPlaced` says what it became.

The county history is portal/organisations/data/counties.py, the same data the County table is
loaded from,
so placing needs no query."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from portal.organisations.data.counties import COUNTIES
from portal.organisations.data.municipalities import municipality_counties


class NotPlaced(Exception):
    """A county number that does not exist in the year and that the municipality (or the
    member companies' municipalities) cannot place. `became` are the year's counties in its
    area; `municipality` the number that was tried ("" when there was none)."""

    def __init__(self, code: str, year: int, became: tuple[str, ...], municipality: str = ""):
        super().__init__(f"county {code} in {year}: one of {', '.join(became)}")
        self.code = code
        self.year = year
        self.became = became
        self.municipality = municipality


@dataclass(frozen=True)
class Placement:
    code: str  # the county in the year's structure
    mapped: bool  # the given number was of another year's structure


_NAMES = {code: name for code, name, *_rest in COUNTIES}
_PERIODS = {code: (first, last) for code, _name, first, last, _pred in COUNTIES}
_PREDECESSORS = {code: predecessors for code, _n, _f, _l, predecessors in COUNTIES}
_SUCCESSORS: dict[str, list[str]] = {}
for _code, _predecessors in _PREDECESSORS.items():
    for _predecessor in _predecessors:
        _SUCCESSORS.setdefault(_predecessor, []).append(_code)


def _never_changed(code: str) -> bool:
    return not _PREDECESSORS.get(code) and not _SUCCESSORS.get(code) and _PERIODS[code][1] is None


def county_name(code: str) -> str:
    return _NAMES.get(code, "")


def county_label(code: str) -> str:
    """`46 Vestland`."""
    return f"{code} {county_name(code)}".strip()


def _exists(code: str, year: int) -> bool:
    first, last = _PERIODS[code]
    return (first is None or first <= year) and (last is None or last >= year)


@cache
def counterparts(code: str, year: int) -> tuple[str, ...]:
    """The counties of the year that the county's area belongs to: itself while it exists, its
    successors after it ended, its predecessors before it began (County.in_year, without the
    database). Empty for a number that is no county."""
    if code not in _PERIODS:
        return ()
    if _exists(code, year):
        return (code,)
    _first, last = _PERIODS[code]
    related = _SUCCESSORS.get(code, []) if last is not None and last < year else _PREDECESSORS[code]
    found = {match for other in related for match in counterparts(other, year)}
    return tuple(sorted(found))


@dataclass(frozen=True)
class CountyStructure:
    year: int

    def exists(self, code: str) -> bool:
        return code in _PERIODS and _exists(code, self.year)

    def municipality_county(self, municipality: str) -> str | None:
        """The year's county of a municipality number, or None when it cannot tell one."""
        if not municipality:
            return None
        counties = municipality_counties(municipality, self.year)
        if counties is None:
            # Not in the table: a municipality of a county that never changed, whose number
            # starts with its county, or no municipality at all.
            prefix = municipality[:2]
            return prefix if self.exists(prefix) and _never_changed(prefix) else None
        return counties[0] if len(counties) == 1 else None

    def place(self, code: str, municipality: str = "") -> Placement:
        """The county of the year for a unit written with county number `code` and located in
        `municipality` (may be empty). Raises NotPlaced."""
        candidates = counterparts(code, self.year)
        if candidates == (code,):
            return Placement(code, mapped=False)
        if len(candidates) == 1:
            return Placement(candidates[0], mapped=True)
        placed = self.municipality_county(municipality)
        if placed is not None and placed in candidates:
            return Placement(placed, mapped=True)
        raise NotPlaced(code, self.year, candidates, municipality)

    def place_by_members(self, code: str, municipalities: Iterable[str]) -> Placement:
        """As `place`, for a unit without a municipality of its own (a training office): placed
        where its members' municipalities place it, when those among the counterparts agree."""
        candidates = counterparts(code, self.year)
        if len(candidates) <= 1:
            return self.place(code)
        found = set(candidates) & {self.municipality_county(m) for m in municipalities}
        if len(found) == 1:
            return Placement(found.pop(), mapped=True)
        raise NotPlaced(code, self.year, candidates)
