"""The attacker's check, run while the pattern is made: for each primary cell, the interval an
attacker can pin its count to by linear programming (minimise and maximise it subject to every
shown figure and non-negativity), and more cells hidden while it is narrower than the threshold.

When the shown cells also show how many gave each answer, the attacker has one such system per
answer value, and a hidden count's interval is the sum of its intervals value by value; each
value is a column here, with its own pinned cells (a shown zero pins every inner cell of it).

Linear programs are solved with HiGHS, one model per connected part of the unknowns, kept while
the pattern does not change so each new objective starts from the last basis. Most cells need
no program of their own: tables the attacker cannot tell from the true one (from random
directions and from earlier programs) already spread their count by the threshold."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Sequence
from typing import Any

import highspy
import numpy as np
from scipy.sparse import coo_matrix, csc_matrix
from scipy.sparse.csgraph import connected_components

from reporting.suppression.linked_tables import Structure

# How reluctantly a shown cell of each unit type is hidden as a secondary: the nation's figures
# almost never, county and office totals seldom, the breakdowns by their size.
TYPE_WEIGHT = {"N": 1e9, "C": 1e4, "O": 1e4, "NT": 50.0, "NK": 50.0}
_EXPLORE_ROUNDS = 2  # random directions per part and column before the cell-by-cell check
_TARGETED_ROUNDS = 3  # then directions pushing the cells still in doubt
_EPSILON = 1e-6

_quiet = False
_first_lock = threading.Lock()
_UNBOUNDED = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)


def cost(structure: Structure, values: Sequence[float] | np.ndarray, cell: int) -> float:
    units = structure.cells[cell].units
    weight = max(TYPE_WEIGHT.get(u[0], 1.0) for u in units) if units else 1.0
    return weight * (values[cell] + 1) + len(units) * 0.01


def _highs() -> highspy.Highs:
    global _quiet
    with _first_lock:
        if not _quiet:
            # HiGHS writes a banner to the process's standard output when its first instance
            # is made, below Python's sys.stdout; keep it out of commands' output.
            sys.stdout.flush()
            saved = os.dup(1)
            try:
                with open(os.devnull, "w") as devnull:
                    os.dup2(devnull.fileno(), 1)
                    highspy.Highs()
            finally:
                os.dup2(saved, 1)
                os.close(saved)
            _quiet = True
    solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    # Every program after the first differs from the last only in its objective, so the last
    # basis is still feasible: primal simplex goes on from it, where presolve and the dual
    # simplex would start over.
    solver.setOptionValue("presolve", "off")
    solver.setOptionValue("simplex_strategy", 4)  # primal
    return solver


class _Layout:
    """Every cell's inner cells as flat arrays, made once per structure."""

    def __init__(self, structure: Structure) -> None:
        cells = structure.cells
        self.size = len(structure.classes)
        self.flat = np.fromiter((m for c in cells for m in c.members), dtype=np.int64)
        self.owner = np.repeat(np.arange(len(cells)), [len(c.members) for c in cells])
        self.phantom = np.array([c.is_phantom for c in cells])
        # Which cells each inner cell belongs to, a column per inner cell.
        self.by_class = csc_matrix(
            (np.ones(len(self.flat), dtype=np.int8), (self.owner, self.flat)),
            shape=(len(cells), self.size),
        )
        # Parents that are exactly the sum of their children (no residual), one relation a
        # row: its parent, and its children flat with their relation's row.
        complete = [r for r in structure.relations if r.residual is None]
        self.complete_parent = np.array([r.parent for r in complete], dtype=np.int64)
        self.complete_children = np.fromiter(
            (c for r in complete for c in r.children), dtype=np.int64
        )
        self.complete_of = np.repeat(np.arange(len(complete)), [len(r.children) for r in complete])


def _layout(structure: Structure) -> _Layout:
    found = structure.__dict__.get("_layout")
    if found is None:
        found = structure.__dict__["_layout"] = _Layout(structure)
    return found


class _Part:
    """One connected part of the unknowns of one column as a linear program."""

    def __init__(
        self,
        variables: np.ndarray,
        row_cells: np.ndarray,
        entries: tuple,
        rhs: np.ndarray,
        equal: np.ndarray,
        upper: np.ndarray | None = None,
        lower: np.ndarray | None = None,
    ):
        rows, classes = entries
        self.variables = variables
        self.row_cells = row_cells
        col = np.searchsorted(variables, classes)
        order = np.lexsort((rows, col))
        counts = np.bincount(col, minlength=len(variables))
        starts = np.zeros(len(variables) + 1, dtype=np.int32)
        np.cumsum(counts, out=starts[1:])
        lp = highspy.HighsLp()
        lp.num_col_ = len(variables)
        lp.num_row_ = len(row_cells)
        lp.col_cost_ = np.zeros(len(variables))
        lp.col_lower_ = (
            np.zeros(len(variables)) if lower is None else lower[variables].astype(float)
        )
        lp.col_upper_ = (
            np.full(len(variables), highspy.kHighsInf)
            if upper is None
            else upper[variables].astype(float)
        )
        lp.row_lower_ = np.where(equal, rhs, -highspy.kHighsInf)
        lp.row_upper_ = rhs.astype(float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = rows[order].astype(np.int32)
        lp.a_matrix_.value_ = np.ones(len(rows))
        self.solver = _highs()
        self.solver.passModel(lp)
        self.costed = np.zeros(0, dtype=np.int32)

    def _solve(self, columns: np.ndarray, weights: np.ndarray) -> list[tuple[float, Any]]:
        solver = self.solver
        if len(self.costed):
            solver.changeColsCost(len(self.costed), self.costed, np.zeros(len(self.costed)))
        solver.changeColsCost(len(columns), columns, weights)
        self.costed = columns
        found: list[tuple[float, Any]] = []  # the objective, and the solution unless unbounded
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solver.changeObjectiveSense(sense)
            solver.run()
            status = solver.getModelStatus()
            if status == highspy.HighsModelStatus.kOptimal:
                found.append((solver.getInfo().objective_function_value, solver.getSolution()))
            elif sense == highspy.ObjSense.kMaximize and status in _UNBOUNDED:
                found.append((float("inf"), None))
            else:
                return []
        return found

    def delete_row(self, cell: int) -> None:
        rows = np.flatnonzero(self.row_cells == cell).astype(np.int32)
        if len(rows):
            self.solver.deleteRows(len(rows), rows)
            self.row_cells = np.delete(self.row_cells, rows)

    def bounds(self, members: list[int]) -> tuple[float, float, list[int], list] | None:
        columns = np.searchsorted(self.variables, members).astype(np.int32)
        found = self._solve(columns, np.ones(len(columns)))
        if not found:
            return None
        binding = []
        points = []
        for _value, solution in found:
            if solution is not None:
                duals = np.abs(np.asarray(solution.row_dual)) > 1e-9
                binding += self.row_cells[duals].tolist()
                points.append(np.asarray(solution.col_value))
        return found[0][0], found[1][0], binding, points

    def directions(self, weights: np.ndarray) -> list[np.ndarray]:
        every = np.arange(len(weights), dtype=np.int32)
        return [np.asarray(s.col_value) for _v, s in self._solve(every, weights) if s is not None]


def _pinned(
    layout: _Layout, shown: np.ndarray, totals: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Inner cells pinned by what is shown: a shown cell of one inner cell, a shown zero, and
    (repeatedly) a shown cell whose other inner cells are all pinned. Returns the pinned inner
    cells, the cells that pin them, and the entries still free with their count per cell."""
    cells = len(shown)
    entry_shown = shown[layout.owner]
    known = np.zeros(layout.size, dtype=bool)
    pinners = np.zeros(cells, dtype=bool)
    while True:
        free = entry_shown & ~known[layout.flat]
        free_count = np.bincount(layout.owner[free], minlength=cells)
        pin = shown & (free_count > 0) & ((totals == 0) | (free_count == 1))
        pinned = free & pin[layout.owner]
        if not pinned.any():
            break
        pinners |= pin
        known[layout.flat[pinned]] = True
    return known, pinners, free, free_count


def _covered_parents_drop(
    layout: _Layout, shown: np.ndarray, row_mask: np.ndarray
) -> np.ndarray:
    """A parent whose shown children cover it exactly adds nothing to its children (the first
    such relation of each parent): its row leaves `row_mask`. Returns the children whose
    relation that was."""
    parents = layout.complete_parent
    covered = (
        np.bincount(
            layout.complete_of,
            weights=~shown[layout.complete_children],
            minlength=len(parents),
        )
        == 0
    )
    candidates = np.flatnonzero(row_mask[parents] & covered)
    _unique, first = np.unique(parents[candidates], return_index=True)
    chosen = candidates[first]
    row_mask[parents[chosen]] = False
    dropped = np.zeros(len(shown), dtype=bool)
    dropped[layout.complete_children[np.isin(layout.complete_of, chosen)]] = True
    return dropped


class _ColumnSystem:
    """The shown figures of one column as equations over the inner cells an attacker does not
    know yet."""

    def __init__(
        self,
        structure: Structure,
        column: np.ndarray,
        totals: np.ndarray,
        hidden: set[int],
        upper_bounds: dict[int, int],
        class_upper: np.ndarray | None = None,
        class_lower: np.ndarray | None = None,
    ) -> None:
        layout = _layout(structure)
        # What the attacker knows of each inner cell on its own: at most the people sampled in
        # the report class (the sample and the class rule are known to the county).
        self.class_upper = class_upper
        self.class_lower = class_lower
        cells = len(structure.cells)
        hidden_mask = np.zeros(cells, dtype=bool)
        hidden_mask[list(hidden)] = True
        shown = ~layout.phantom & ~hidden_mask
        known, pinners, free, free_count = _pinned(layout, shown, totals)
        # Hiding one of these changes what is pinned or which rows count: rebuild then.
        self.pinners = pinners
        bound = np.full(cells, np.nan)
        bound[list(upper_bounds)] = list(upper_bounds.values())
        self.bounded = ~np.isnan(bound)
        self.known = known
        self.column = column
        row_mask = shown & (free_count > 0)
        self.dropped_children = _covered_parents_drop(layout, shown, row_mask)
        entries = free & row_mask[layout.owner]
        row_cells = np.flatnonzero(row_mask)
        row_of = np.full(cells, -1, dtype=np.int64)
        row_of[row_cells] = np.arange(len(row_cells))
        rows = row_of[layout.owner[entries]]
        classes = layout.flat[entries]
        rhs = np.bincount(rows, weights=column[classes], minlength=len(row_cells))
        equal = np.ones(len(row_cells), dtype=bool)
        # A hidden cell with a published bound on its count: an inequality over its inner
        # cells not pinned.
        bounded_entry = (self.bounded & (hidden_mask | layout.phantom))[layout.owner]
        inner_known = known[layout.flat]
        unknown = bounded_entry & ~inner_known
        extra_cells = np.unique(layout.owner[unknown])
        if len(extra_cells):
            extra_row = np.full(cells, -1, dtype=np.int64)
            extra_row[extra_cells] = len(row_cells) + np.arange(len(extra_cells))
            pinned_part = np.bincount(
                layout.owner[bounded_entry & inner_known],
                weights=column[layout.flat[bounded_entry & inner_known]],
                minlength=cells,
            )
            rows = np.concatenate([rows, extra_row[layout.owner[unknown]]])
            classes = np.concatenate([classes, layout.flat[unknown]])
            rhs = np.concatenate([rhs, bound[extra_cells] - pinned_part[extra_cells]])
            equal = np.concatenate([equal, np.zeros(len(extra_cells), dtype=bool)])
            row_cells = np.concatenate([row_cells, extra_cells])
        # Connected parts: inner cells and rows as one graph.
        total_rows = len(row_cells)
        graph = coo_matrix(
            (np.ones(len(rows)), (rows, total_rows + classes)),
            shape=(total_rows + layout.size, total_rows + layout.size),
        )
        _count, labels = connected_components(graph, directed=False)
        self.labels = labels[total_rows:]
        self.row_labels = labels[:total_rows]
        self.rows, self.classes = rows, classes
        self.rhs, self.equal, self.row_cells = rhs, equal, row_cells
        self.in_rows = np.zeros(layout.size, dtype=bool)
        self.in_rows[classes] = True
        self.keep = np.ones(len(row_cells), dtype=bool)  # rows not deleted since
        self.parts: dict[int, _Part] = {}

    def relax(self, cell: int) -> bool:
        """Hides `cell` by deleting its equation; False when the system must be built again
        (the cell pinned inner cells, stood for a parent's equation, held the last equation of
        an inner cell, or has a published bound that replaces its equation)."""
        if self.pinners[cell] or self.dropped_children[cell] or self.bounded[cell]:
            return False
        rows = np.flatnonzero((self.row_cells == cell) & self.keep)
        if not len(rows):
            return True
        self.keep[rows] = False
        affected = self.classes[np.isin(self.rows, rows)]
        still = np.zeros_like(self.in_rows)
        still[self.classes[self.keep[self.rows]]] = True
        if not still[affected].all():
            return False
        for r in rows:
            part = self.parts.get(int(self.row_labels[r]))
            if part is not None:
                part.delete_row(cell)
        return True

    def _part(self, label: int) -> _Part:
        part = self.parts.get(label)
        if part is None:
            row_ids = np.flatnonzero((self.row_labels == label) & self.keep)
            local = np.full(len(self.row_labels), -1, dtype=np.int64)
            local[row_ids] = np.arange(len(row_ids))
            chosen = np.isin(self.rows, row_ids)
            variables = np.unique(self.classes[chosen])
            part = self.parts[label] = _Part(
                variables,
                self.row_cells[row_ids],
                (local[self.rows[chosen]], self.classes[chosen]),
                self.rhs[row_ids],
                self.equal[row_ids],
                self.class_upper,
                self.class_lower,
            )
        return part

    def _table(self, part: _Part, point: np.ndarray) -> np.ndarray:
        table = self.column.copy()
        table[part.variables] = point
        return table

    def interval(self, members: Sequence[int]) -> tuple[float, float, list[int], list]:
        cells = np.asarray(members)
        pinned = cells[self.known[cells]]
        low = high = float(self.column[pinned].sum())
        unknown = cells[~self.known[cells]]
        free_alone = unknown[~self.in_rows[unknown]]
        if len(free_alone):
            if self.class_lower is not None:
                low += float(self.class_lower[free_alone].sum())
            if self.class_upper is None:
                return low, float("inf"), [], []  # in no equation: nothing bounds it
            high += float(self.class_upper[free_alone].sum())  # only its own ceiling bounds it
            unknown = unknown[self.in_rows[unknown]]
        binding: list[int] = []
        tables: list[np.ndarray] = []
        for label in np.unique(self.labels[unknown]):
            part = self._part(int(label))
            free = [int(m) for m in unknown[self.labels[unknown] == label]]
            found = part.bounds(free)
            if found is None:
                return low, low, part.row_cells.tolist(), []
            low += found[0]
            high += found[1]
            binding += found[2]
            tables += [self._table(part, p) for p in found[3]]
        return low, high, binding, tables

    def explore(self, rng: np.random.Generator, rounds: int, cells: list | None = None) -> list:
        tables = []
        if cells is not None:
            flat = np.fromiter((m for members in cells for m in members), dtype=np.int64)
            group = np.repeat(np.arange(len(cells)), [len(members) for members in cells])
        for label in np.unique(self.row_labels):
            part = self._part(int(label))
            if len(part.variables) < 2:
                continue
            if cells is not None:
                position = np.searchsorted(part.variables, flat).clip(max=len(part.variables) - 1)
                inside = part.variables[position] == flat
            for _ in range(rounds):
                if cells is None:
                    weights = rng.choice((-1.0, 1.0), size=len(part.variables))
                else:
                    signs = rng.choice((-1.0, 1.0), size=len(cells))
                    weights = np.bincount(
                        position[inside],
                        weights=signs[group[inside]],
                        minlength=len(part.variables),
                    )
                    if not weights.any():
                        break
                tables += [self._table(part, p) for p in part.directions(weights)]
        return tables


class _Spreads:
    """For every primary and column, the lowest and highest count over the tables found so far
    that an attacker cannot tell from the true one."""

    def __init__(self, structure: Structure, primaries: list[int], columns: list[np.ndarray]):
        self.index = {cell: j for j, cell in enumerate(primaries)}
        lists = [list(structure.cells[cell].members) for cell in primaries]
        self.flat = np.array([m for members in lists for m in members], dtype=np.int64)
        self.offsets = np.cumsum([0] + [len(m) for m in lists[:-1]]).astype(np.int64)
        self.low = np.vstack([self._sums(c[None, :])[0] for c in columns])
        self.high = self.low.copy()

    def _sums(self, tables: np.ndarray) -> np.ndarray:
        return np.add.reduceat(tables[:, self.flat], self.offsets, axis=1)

    def add(self, column: int, tables: list[np.ndarray]) -> None:
        if tables:
            sums = self._sums(np.vstack(tables))
            np.minimum(self.low[column], sums.min(axis=0), out=self.low[column])
            np.maximum(self.high[column], sums.max(axis=0), out=self.high[column])

    def spread(self) -> np.ndarray:
        return (self.high - self.low).sum(axis=0)


def audit_run(
    structure: Structure,
    columns: list[np.ndarray],
    threshold: int,
    hidden: set[int],
    primary: set[int],
    upper_bounds: dict[int, int],
    class_upper: np.ndarray | None = None,
    hideable: set[int] | None = None,
    companions: dict[int, int] | None = None,
    sample_upper: np.ndarray | None = None,
    cost_values: Sequence[float] | np.ndarray | None = None,
) -> set[int]:
    """Hides more until no primary's interval (summed over the columns) is narrower than the
    threshold. With `class_upper` (the people sampled per inner cell, which an attacker who
    knows the sample knows) every inner cell is at most that, and a primary whose sample is
    itself smaller than the threshold must keep the whole range the sample allows. With
    `hideable`, only those cells may be hidden (the others' pattern is settled). With
    `companions`, hiding a cell also hides its companion (a figure worked out from it). With
    `sample_upper`, a primary's own sample is read from it rather than from `class_upper`
    (when the programs' bounds are narrower than the sample); with `cost_values` what hiding a
    cell costs is read from those counts. Returns the primaries still too narrow when nothing
    more could be hidden."""
    short: set[int] = set()
    if not primary:
        return short
    cells = structure.cells
    layout = _layout(structure)
    totals = [
        np.bincount(layout.owner, weights=c[layout.flat], minlength=len(cells)) for c in columns
    ]
    values = np.sum(totals, axis=0) if len(columns) > 1 else totals[0]
    costs = values if cost_values is None else cost_values
    # The columns with the most answers first: they usually settle a cell on their own.
    order = sorted(range(len(columns)), key=lambda v: -columns[v].sum())
    bounds = upper_bounds if len(columns) == 1 else {}
    systems: list[_ColumnSystem | None] = [None] * len(columns)

    def system(v: int) -> _ColumnSystem:
        found = systems[v]
        if found is None:
            found = systems[v] = _ColumnSystem(
                structure, columns[v], totals[v], hidden, bounds, class_upper
            )
        return found

    needed = _needed_of(structure, threshold, class_upper if sample_upper is None else sample_upper)
    primaries = sorted(primary, key=lambda i: (values[i], i))
    spreads = _Spreads(structure, primaries, columns)
    _explore(spreads, primaries, order, columns, system, needed, cells)

    # The smallest first: they need the most help, and what is hidden for them often protects
    # the others.
    for cell in primaries:
        if spreads.spread()[spreads.index[cell]] >= needed(cell):
            continue
        members = list(cells[cell].members)
        tried: set[int] = set()
        while True:
            width = 0.0
            binding: list[int] = []
            for v in (v for v in order if columns[v].any()):
                low, high, found, tables = system(v).interval(members)
                spreads.add(v, tables)
                width += high - low
                binding += found
                if width >= needed(cell):
                    break
            if width >= needed(cell):
                break
            candidates = _candidates(structure, cell, binding, hidden | tried, hideable)
            if not candidates:
                short.add(cell)
                break  # everything around it is hidden already; nothing more to hide
            pick = min(candidates, key=lambda c: cost(structure, costs, c))
            tried.add(pick)
            _hide(pick, companions, hidden, systems)
    return short


def _needed_of(structure: Structure, threshold: int, sample: np.ndarray | None):
    """How wide a primary's interval must be: the threshold, or the whole range its sample
    allows when that is less."""

    def needed(cell: int) -> float:
        if sample is None:
            return threshold - _EPSILON
        ceiling = float(sample[list(structure.cells[cell].members)].sum())
        return min(threshold, ceiling) - _EPSILON

    return needed


def _hide(
    pick: int,
    companions: dict[int, int] | None,
    hidden: set[int],
    systems: list[_ColumnSystem | None],
) -> None:
    """Hides `pick` (and its companion) in the pattern and in every system built so far."""
    for cell in (pick, (companions or {}).get(pick)):
        if cell is None or cell in hidden:
            continue
        hidden.add(cell)
        for v, built in enumerate(systems):
            if built is not None and not built.relax(cell):
                systems[v] = None


def _explore(spreads, primaries, order, columns, system, needed, cells) -> None:
    """Tables an attacker cannot tell from the true one, from random directions and then from
    directions that push the primaries still in doubt: most primaries need no program of
    their own once these spread them enough."""
    explorer = np.random.default_rng(len(primaries))  # directions to try, not a secret
    need = np.array([needed(c) for c in primaries])

    def doubtful() -> list:
        short = np.flatnonzero(spreads.spread() < need)
        return [cells[primaries[j]].members for j in short]

    for v in order:
        if columns[v].any():
            spreads.add(v, system(v).explore(explorer, _EXPLORE_ROUNDS))
            if not doubtful():
                return  # the other answer values are not needed
    for _ in range(_TARGETED_ROUNDS):
        in_doubt = doubtful()
        if not in_doubt:
            break
        for v in order:
            if columns[v].any():
                spreads.add(v, system(v).explore(explorer, 1, in_doubt))


def _candidates(
    structure: Structure,
    cell: int,
    binding: list[int],
    excluded: set[int],
    hideable: set[int] | None,
) -> list[int]:
    """What may be hidden next for `cell`: the shown cells whose equations bind its interval,
    else its neighbours; only `hideable` ones when given."""
    found = [c for c in set(binding) if c not in excluded]
    if hideable is not None:
        found = [c for c in found if c in hideable]
    if not found:
        found = _neighbours(structure, cell, excluded)
        if hideable is not None:
            found = [c for c in found if c in hideable]
    return found


def _neighbours(structure: Structure, cell: int, excluded: set[int]) -> list[int]:
    """Shown cells that share an inner cell with `cell` (when no equation binds, e.g. because
    every inner cell of it is pinned by shown figures)."""
    layout = _layout(structure)
    members = np.asarray(structure.cells[cell].members, dtype=np.int64)
    found = np.unique(layout.by_class[:, members].indices)
    return [int(i) for i in found if not layout.phantom[i] and int(i) not in excluded]


def spread_enough(
    structure: Structure,
    column: np.ndarray,
    threshold: int,
    hidden: set[int],
    cells: set[int],
    class_upper: np.ndarray | None = None,
    class_lower: np.ndarray | None = None,
) -> set[int]:
    """The hidden `cells` an attacker cannot pin to an interval narrower than the threshold (or
    than their sample allows) from the shown cells of this pattern, even knowing that each
    inner cell is at least `class_lower` (and at most `class_upper`). Nothing is hidden here."""
    cells_of = structure.cells
    layout = _layout(structure)
    totals = np.bincount(layout.owner, weights=column[layout.flat], minlength=len(cells_of))
    system = _ColumnSystem(structure, column, totals, hidden, {}, class_upper, class_lower)

    needed = _needed_of(structure, threshold, class_upper)
    primaries = sorted(cells)
    if not primaries:
        return set()
    spreads = _Spreads(structure, primaries, [column])
    _explore(spreads, primaries, [0], [column], lambda _v: system, needed, cells_of)
    spread = spreads.spread()
    return {cell for cell in primaries if spread[spreads.index[cell]] >= needed(cell)}
