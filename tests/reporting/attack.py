"""The attacker of the suppression tests: takes everything one organisation can download and
bounds every hidden count by linear programming, independently of the publishing code (its own
reading of the JSON, its own matching of units to report classes, scipy's solver)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

import numpy as np
from scipy.optimize import linprog
from scipy.sparse import lil_matrix

# What each unit type fixes, as the JSON names it.
FIXES = {
    "N": (),
    "NT": ("trade",),
    "NK": ("kind",),
    "C": ("county",),
    "CT": ("county", "trade"),
    "CK": ("county", "kind"),
    "CO": ("county", "office"),
    "CM": ("county", "company"),
    "O": ("office",),
    "OT": ("office", "trade"),
    "OK": ("office", "kind"),
    "OM": ("office", "company"),
}


@dataclass(frozen=True)
class Narrow:
    item: str
    unit: tuple
    low: float
    high: float


def unit_key(unit: dict) -> tuple:
    return (unit["type"], *((d, unit[d]) for d in FIXES[unit["type"]]))


def members(unit: dict, classes: list[dict]) -> list[int]:
    dims = FIXES[unit["type"]]
    return [i for i, c in enumerate(classes) if all(c.get(d) and c[d] == unit[d] for d in dims)]


def published_figures(documents: list[dict]) -> dict[str, dict[tuple, tuple[dict, Any]]]:
    """item → unit → (unit, n or "*") from every JSON document the organisation can get."""
    found: dict[str, dict[tuple, tuple[dict, Any]]] = defaultdict(dict)
    for document in documents:
        for table in document["tables"]:
            for figure in table["figures"]:
                key = unit_key(figure["unit"])
                previous = found[figure["item"]].get(key)
                if previous is not None:
                    assert previous[1] == figure["n"], f"two outputs disagree on {key}"
                found[figure["item"]][key] = (figure["unit"], figure["n"])
    return found


def narrow_intervals(
    documents: list[dict], classes: list[dict], threshold: int
) -> tuple[list[Narrow], int]:
    """Every hidden count the attacker can pin to an interval narrower than the threshold, and
    how many hidden counts were attacked."""
    figures = published_figures(documents)
    answers = figures.get("answers", {})
    narrow: list[Narrow] = []
    attacked = 0
    for item, units in figures.items():
        shown = [(members(u, classes), n) for u, n in units.values() if n != "*"]
        hidden = [(key, members(u, classes)) for key, (u, n) in units.items() if n == "*"]
        if not hidden:
            continue
        bounds = []
        if item != "answers":
            for key, (u, n) in answers.items():
                if n != "*" and units.get(key, (None, None))[1] == "*":
                    bounds.append((members(u, classes), n))
        size = len(classes)
        a_eq: Any = lil_matrix((max(1, len(shown)), size))
        b_eq = np.zeros(max(1, len(shown)))
        for r, (m, n) in enumerate(shown):
            for i in m:
                a_eq[r, i] = 1
            b_eq[r] = n
        a_ub: Any = None
        b_ub: Any = None
        if bounds:
            a_ub = lil_matrix((len(bounds), size))
            b_ub = np.zeros(len(bounds))
            for r, (m, n) in enumerate(bounds):
                for i in m:
                    a_ub[r, i] = 1
                b_ub[r] = n
            a_ub = a_ub.tocsr()
        for key, m in hidden:
            attacked += 1
            objective = np.zeros(size)
            objective[m] = 1
            ends = []
            for sign in (1, -1):
                result = linprog(
                    sign * objective,
                    A_eq=a_eq.tocsr() if shown else None,
                    b_eq=b_eq if shown else None,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    bounds=(0, None),
                    method="highs",
                )
                assert result.status in (0, 3), result.message
                ends.append(float("inf") if result.status == 3 else sign * result.fun)
            if ends[1] - ends[0] < threshold - 1e-6:
                narrow.append(Narrow(item, key, ends[0], ends[1]))
    return narrow, attacked


def narrow_by_answers(documents: list[dict], classes: list[dict], threshold: int) -> list[Narrow]:
    """The same attack with every answer's count: one unknown per class and answer value, an
    equation per shown count of each value, the hidden count the sum over the values."""
    by_item: dict[str, dict[tuple, dict]] = defaultdict(dict)
    for document in documents:
        for table in document["tables"]:
            for figure in table["figures"]:
                if figure["item"] != "answers":
                    by_item[figure["item"]][unit_key(figure["unit"])] = figure
    narrow: list[Narrow] = []
    for item, units in by_item.items():
        values = sorted({v for f in units.values() for v in f.get("counts", {})})
        hidden = [(k, members(f["unit"], classes)) for k, f in units.items() if f["n"] == "*"]
        if not values or not hidden:
            continue
        size = len(classes) * len(values)
        rows, rhs = [], []
        for f in units.values():
            if f["n"] == "*":
                continue
            m = members(f["unit"], classes)
            for j, value in enumerate(values):
                rows.append([i * len(values) + j for i in m])
                rhs.append(f["counts"].get(value, 0))
        a_eq: Any = lil_matrix((len(rows), size))
        for r, cols in enumerate(rows):
            for c in cols:
                a_eq[r, c] = 1
        a_eq = a_eq.tocsr()
        for key, m in hidden:
            objective = np.zeros(size)
            for i in m:
                objective[i * len(values) : (i + 1) * len(values)] = 1
            ends = []
            for sign in (1, -1):
                result = linprog(
                    sign * objective,
                    A_eq=a_eq,
                    b_eq=np.array(rhs, float),
                    bounds=(0, None),
                    method="highs",
                )
                ends.append(float("inf") if result.status == 3 else sign * result.fun)
            if ends[1] - ends[0] < threshold - 1e-6:
                narrow.append(Narrow(item, key, ends[0], ends[1]))
    return narrow


def _rows_of(
    units: dict[tuple, tuple[dict, Any]], classes: list[dict]
) -> list[tuple[list[int], Any]]:
    return [(members(u, classes), n) for u, n in units.values()]


def narrow_joint(
    documents: list[dict],
    classes: list[dict],
    threshold: int,
    sampled: list[int] | None = None,
) -> tuple[list[Narrow], int]:
    """The attack on each item together with the answers table: per class, the answers a and
    the item's count x, every shown figure an equation, x ≤ a in every class (the people who
    skipped the question add up across groups), and with `sampled` (level 2: the attacker knows
    the sample per class) a ≤ the people sampled. A hidden count is narrowed when its interval
    is smaller than the threshold (or than what the sample alone allows, when that is less);
    the caller tells which of those were truly small groups."""
    figures = published_figures(documents)
    answers = figures.get("answers", {})
    size = len(classes)
    ceiling = None if sampled is None else np.asarray(sampled, dtype=float)
    narrow: list[Narrow] = []
    attacked = 0
    for item, units in figures.items():
        joint = item != "answers"
        width = 2 * size if joint else size
        equations = [(m, n, 0) for m, n in _rows_of(answers, classes) if n != "*"]
        if joint:
            equations += [(m, n, size) for m, n in _rows_of(units, classes) if n != "*"]
        hidden = [(key, members(u, classes)) for key, (u, n) in units.items() if n == "*"]
        if not hidden:
            continue
        a_eq: Any = lil_matrix((max(1, len(equations)), width))
        b_eq = np.zeros(max(1, len(equations)))
        for r, (m, n, offset) in enumerate(equations):
            for i in m:
                a_eq[r, offset + i] = 1
            b_eq[r] = n
        a_ub: Any = None
        b_ub: Any = None
        if joint:  # x_i - a_i <= 0
            a_ub = lil_matrix((size, width))
            for i in range(size):
                a_ub[i, size + i] = 1
                a_ub[i, i] = -1
            a_ub = a_ub.tocsr()
            b_ub = np.zeros(size)
        upper = None if ceiling is None else np.concatenate([ceiling] * (2 if joint else 1))
        bounds = [(0, None if upper is None else float(upper[j])) for j in range(width)]
        offset = size if joint else 0
        for key, m in hidden:
            attacked += 1
            objective = np.zeros(width)
            objective[[offset + i for i in m]] = 1
            ends = []
            for sign in (1, -1):
                result = linprog(
                    sign * objective,
                    A_eq=a_eq.tocsr() if equations else None,
                    b_eq=b_eq if equations else None,
                    A_ub=a_ub,
                    b_ub=b_ub,
                    bounds=bounds,
                    method="highs",
                )
                assert result.status in (0, 3), result.message
                ends.append(float("inf") if result.status == 3 else sign * result.fun)
            need = float(threshold)
            if ceiling is not None:
                need = min(need, float(ceiling[m].sum()))
            if ends[1] - ends[0] < need - 1e-6:
                narrow.append(Narrow(item, key, ends[0], ends[1]))
    return narrow, attacked
