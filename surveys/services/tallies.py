"""What a closed round keeps of when its answers came: per county, in periods of at least
REPORTING_THRESHOLD answers (R-L7).

A count per report class and day could be set against the identified ÅR answers of the same
day: a company that submitted its ÅR on a day its LBU class got its only answer had very likely
answered LBU too, in the same link (R-D9). A period of a county holds at least K answers among
all of the county's respondents, so a day inside it says nothing about one company. A training
office's curve is its county's, scaled to the office's total (surveys/response_counts.py)."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date

from django.conf import settings

from surveys.models import AnonymousResponse, ResponseTallyDay, Round


def periods(per_day: Counter[date] | dict[date, int], k: int) -> list[tuple[date, int]]:
    """(last day, answers) of consecutive periods of at least k answers; the tail smaller than
    k joins the period before it, or is the one period when the total is smaller than k."""
    out: list[tuple[date, int]] = []
    running = 0
    days = sorted(d for d, n in per_day.items() if n)
    for day in days:
        running += per_day[day]
        if running >= k:
            out.append((day, running))
            running = 0
    if running:
        last = out.pop()[1] if out else 0
        out.append((days[-1], last + running))
    return out


def tally_days_write(round_: Round, per_county: dict[int, Counter[date]]) -> int:
    """Writes the round's periods per county; returns the rows written."""
    k = settings.REPORTING_THRESHOLD
    rows = [
        ResponseTallyDay(round=round_, county_id=county_id, day=day, answered=n)
        for county_id, per_day in sorted(per_county.items())
        for day, n in periods(per_day, k)
    ]
    ResponseTallyDay.objects.bulk_create(rows, batch_size=2000)
    return len(rows)


def _extreme(counts: list[int]) -> bool:
    sampled, answered = counts
    return answered == 0 or answered == sampled


def classes_to_merge(
    counts: dict[tuple, list[int]], rest_of: dict[int, tuple], rng: random.Random
) -> dict[tuple, tuple]:
    """The classes whose tallies and answers lose their dimensions to the county's rest at
    close: {class key: the county's key}. `counts` is {class key: [sampled, answered]},
    `rest_of` {county id: the key of its rest class}.

    A class where everyone or nobody answered would say so of each of its members to anyone who
    knows the class (the rule and the register give it). It joins its county's rest, and so
    does at least one class picked at random among those where some but not all answered, so
    that a class gone from the tallies may have been either; more are added while the rest is
    itself everyone or nobody (a county where everyone or nobody answered is the one case left,
    and it is the county's own published figure)."""
    by_county: dict[int, list[tuple]] = {}
    for key in counts:
        by_county.setdefault(dict(key)["county_id"], []).append(key)
    moved: dict[tuple, tuple] = {}
    for county_id, keys in sorted(by_county.items()):
        rest = rest_of[county_id]
        chosen = sorted((k for k in keys if k != rest and _extreme(counts[k])), key=repr)
        others = sorted((k for k in keys if k != rest and k not in chosen), key=repr)
        rng.shuffle(others)
        group = [sum(counts[k][i] for k in chosen) + counts.get(rest, [0, 0])[i] for i in (0, 1)]
        decoy_needed = bool(chosen)
        while others and (decoy_needed or _extreme(group)):
            take = others.pop()
            chosen.append(take)
            group = [group[i] + counts[take][i] for i in (0, 1)]
            decoy_needed = False
        moved.update(dict.fromkeys(chosen, rest))
    return moved


def answers_move(round_: Round, moved: dict[tuple, tuple]) -> None:
    """Gives the answers of merged classes their county's rest as class."""
    for old, new in moved.items():
        AnonymousResponse.objects.filter(round=round_, **dict(old)).update(**dict(new))
