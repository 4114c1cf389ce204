"""The response-rate pages as the attacker reads them, and the attacker that also knows the
sample. Independent of the portal's code: the pages and downloads are read as a user gets them
(the county's or office's total from the page, each breakdown from its CSV), rows are matched to
units through the register's names, and the linear programs are scipy's.

A hidden count is "*" on every page, whatever the reason, so "*" tells the attacker nothing
but that the count is hidden. Documents are in the form of tests/reporting/attack.py (item
"answers", a unit with its public identifiers, n or "*"), so they can be attacked together with
the published results' JSON."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog

from tests.reporting.attack import FIXES, members, published_figures

HIDDEN = "*"


def _figure(unit: dict, n: object) -> dict:
    return {"item": "answers", "unit": unit, "n": n}


def unit_key(unit: dict) -> tuple:
    return (unit["type"], *((d, unit[d]) for d in FIXES[unit["type"]]))


def answered_cell(text: str) -> object:
    """n or "*" from an answered cell of a page or download."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    assert text == HIDDEN, text
    return HIDDEN


def read_total(body: str) -> object:
    """The organisation's own answered total from the page: the second figure of its summary
    (invited, answered, rate)."""
    match = re.search(
        r'<dl class="inline-figures">\s*<dt>[^<]*</dt><dd>[^<]*</dd>'
        r"\s*<dt>[^<]*</dt><dd>(.*?)</dd>",
        body,
        re.S,
    )
    assert match, "no answered total on the page"
    text = re.sub(r"<[^>]+>", "", match.group(1))
    return answered_cell(text)


def read_rows(content: bytes) -> list[tuple[str, int, object]]:
    """(label, invited, answered or "*") of each row of a CSV download."""
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")
    next(reader)
    found = []
    for row in reader:
        found.append((row[0], int(row[1]), answered_cell(row[2])))
    return found


def rates_reading(
    client: Any,
    url: str,
    scope: dict,
    groupings: dict[str, tuple[str, str, dict[str, str]]],
) -> list[dict]:
    """Everything the rate page at `url` shows of a survey: its total (unit type of `scope`)
    and each breakdown's CSV. `groupings`: URL word → (unit type, dimension, {row label: the
    register's identifier}); rows whose label the register does not know (the rest of the
    classes) are left out: they are not a unit."""
    figures: list[dict] = []
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    body = response.content.decode()
    figures.append(_figure(scope, read_total(body)))
    for word, (unit_type, dim, ids) in groupings.items():
        response = client.get(f"{url}csv/", {"etter": word})
        assert response.status_code == 200
        for label, _invited, answered in read_rows(response.content):
            if label not in ids:
                continue
            unit = {**{k: v for k, v in scope.items() if k != "type"}, "type": unit_type}
            unit[dim] = ids[label]
            figures.append(_figure(unit, answered))
    return [{"tables": [{"figures": figures}]}]


@dataclass(frozen=True)
class Narrowed:
    unit: tuple
    low: float
    high: float


def narrow_knowing_the_sample(
    documents: list[dict],
    classes: list[dict],
    threshold: int,
    *,
    sampled: list[int],
) -> tuple[list[Narrowed], int]:
    """Bounds every hidden answers count by linear programming over one unknown per class,
    knowing the sample: shown counts are equations, and each class's answers are at most its
    invited. A hidden count is narrowed when its interval is under K wide and reaches below K:
    an interval wholly at K or above says nothing of a small group (a unit shown at its full
    invited count tells as much of each class in it). Returns them and how many hidden counts
    were attacked."""
    units = published_figures(documents).get("answers", {})
    size = len(classes)
    eq_rows, eq_rhs = [], []
    for unit, n in units.values():
        row = np.zeros(size)
        row[members(unit, classes)] = 1
        if n != HIDDEN:
            eq_rows.append(row)
            eq_rhs.append(n)
    bounds = [(0, u) for u in sampled]
    narrowed: list[Narrowed] = []
    attacked = 0
    for key, (unit, n) in units.items():
        if n != HIDDEN:
            continue
        attacked += 1
        objective = np.zeros(size)
        objective[members(unit, classes)] = 1
        ends = []
        for sign in (1, -1):
            result = linprog(
                sign * objective,
                A_eq=np.array(eq_rows) if eq_rows else None,
                b_eq=np.array(eq_rhs, float) if eq_rhs else None,
                bounds=bounds,
                method="highs",
            )
            assert result.status in (0, 3), result.message
            ends.append(float("inf") if result.status == 3 else sign * result.fun)
        low, high = ends
        if high - low < threshold - 1e-6 and low < threshold - 1e-6:
            narrowed.append(Narrowed(key, low, high))
    return narrowed, attacked
