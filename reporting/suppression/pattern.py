"""Which figures of one table are hidden: primary suppression by the threshold and secondary
suppression so that no hidden count can be worked out, or narrowed to an interval smaller than
the threshold, from everything the structure publishes.

1. Primary: every cell (shown or phantom) with 1 to threshold − 1 answers.
2. A fast pass over the relations: wherever a relation holds a primary, its hidden members
   (the residual included) must hold at least the threshold together, one more when a single
   answer is among them (its owner knows it and could subtract it). Small, little-used cells are
   hidden first; a whole parent only when its children cannot make up the mass.
3. An audit that settles it: for every primary, two linear programs (minimise and maximise its
   count subject to every shown figure and non-negativity; the attacker's method) give the
   interval an attacker can pin it to. While it is narrower than the threshold, the cheapest
   shown cell among those that bind the interval (non-zero dual value) is hidden too.

Nothing here knows about questions or pages: cells, values and relations only."""

from __future__ import annotations

import os
import sys
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from reporting.suppression.structure import Structure

# How reluctantly a shown cell of each unit type is hidden as a secondary: the nation's figures
# almost never, county and office totals seldom, the breakdowns by their size.
TYPE_WEIGHT = {"N": 1e9, "C": 1e4, "O": 1e4, "NT": 50.0, "NK": 50.0}
# Alternative tables kept for the quick check (besides the true one).
_POOL_SIZE = 200


@dataclass
class Pattern:
    hidden: set[int]  # cell ids shown as "*" (phantoms are hidden by nature and not listed)
    primary: set[int]  # cell ids (phantoms included) hidden by the threshold itself


def pattern_compute(
    structure: Structure,
    class_values: Sequence[int],
    *,
    threshold: int,
    forced: Iterable[int] = (),
    upper_bounds: dict[int, int] | None = None,
    value_counts: np.ndarray | None = None,
) -> Pattern:
    """The suppression pattern of one table. `class_values`: the count per inner cell (answers
    to the question). `forced`: cells hidden whatever their count (the unit's number of answers
    is hidden). `upper_bounds`: cell id → a published bound on its count (the unit's number of
    answers), which the attacker may use too. `value_counts`: inner cells × answer values, when
    every shown cell also shows how many gave each answer; the audit then bounds each hidden
    count value by value, as an attacker with the distributions would."""
    values = structure.values(class_values)
    cells = structure.cells
    primary = {i for i, v in enumerate(values) if 0 < v < threshold}
    hidden = {i for i in primary if not cells[i].is_phantom}
    hidden.update(i for i in forced if not cells[i].is_phantom)
    sensitive = set(primary)
    _relation_pass(structure, values, threshold, hidden, sensitive)
    counts = np.asarray(class_values, dtype=float).reshape(-1, 1)
    _audit(structure, counts, values, threshold, hidden, primary, upper_bounds or {})
    if value_counts is not None and value_counts.shape[1] > 1:
        _audit(
            structure, np.asarray(value_counts, dtype=float), values, threshold, hidden, primary, {}
        )
        # What the distributions made hidden may leave a count bound open again.
        _audit(structure, counts, values, threshold, hidden, primary, upper_bounds or {})
    return Pattern(hidden=hidden, primary=primary)


def _cost(structure: Structure, values: Sequence[int], cell: int) -> float:
    units = structure.cells[cell].units
    weight = max(TYPE_WEIGHT.get(u[0], 1.0) for u in units) if units else 1.0
    return weight * (values[cell] + 1) + len(units) * 0.01


def _is_hidden(structure: Structure, hidden: set[int], cell: int) -> bool:
    return cell in hidden or structure.cells[cell].is_phantom


def _relation_pass(
    structure: Structure,
    values: Sequence[int],
    threshold: int,
    hidden: set[int],
    sensitive: set[int],
) -> None:
    changed = True
    while changed:
        changed = False
        for relation in structure.relations:
            if _is_hidden(structure, hidden, relation.parent):
                continue
            members = list(relation.children)
            if relation.residual is not None:
                members.append(relation.residual)
            hidden_members = [m for m in members if _is_hidden(structure, hidden, m)]
            if not any(m in sensitive for m in hidden_members):
                continue
            while True:
                mass = sum(values[m] for m in hidden_members)
                singles = any(values[m] == 1 for m in hidden_members)
                if len(hidden_members) >= 2 and mass - (1 if singles else 0) >= threshold:
                    break
                candidates = [m for m in relation.children if m not in hidden and values[m] > 0]
                if not candidates:
                    hidden.add(relation.parent)
                    sensitive.add(relation.parent)
                    changed = True
                    break
                pick = min(candidates, key=lambda m: _cost(structure, values, m))
                hidden.add(pick)
                hidden_members.append(pick)
                changed = True


# --- The audit ----------------------------------------------------------------------------------


_quiet = False


def _highs() -> highspy.Highs:
    global _quiet
    if not _quiet:
        # HiGHS writes a banner to the process's standard output when its first instance is
        # made, below Python's sys.stdout; keep it out of commands' output.
        sys.stdout.flush()
        saved = os.dup(1)
        try:
            with open(os.devnull, "w") as devnull:
                os.dup2(devnull.fileno(), 1)
                solver = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
        _quiet = True
    else:
        solver = highspy.Highs()
    solver.setOptionValue("output_flag", False)
    return solver


class _Part:
    """One connected part of the unknowns as a linear program, kept while the pattern does not
    change so each new objective and each answer value starts from the last basis."""

    def __init__(self, variables: list[int], rows: list[_Row]):
        self.column = {m: j for j, m in enumerate(variables)}
        self.row_cells = [row.cell for row in rows]
        self.equal = np.array([row.equal for row in rows])
        self.rhs = np.vstack([row.rhs for row in rows])  # rows × values
        by_column: list[list[int]] = [[] for _ in variables]
        for r, row in enumerate(rows):
            for m in row.free:
                by_column[self.column[m]].append(r)
        starts = np.zeros(len(variables) + 1, dtype=np.int32)
        np.cumsum([len(c) for c in by_column], out=starts[1:])
        lp = highspy.HighsLp()
        lp.num_col_ = len(variables)
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.zeros(len(variables))
        lp.col_lower_ = np.zeros(len(variables))
        lp.col_upper_ = np.full(len(variables), highspy.kHighsInf)
        lp.row_lower_, lp.row_upper_ = self._row_bounds(0)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = np.array([r for c in by_column for r in c], dtype=np.int32)
        lp.a_matrix_.value_ = np.ones(int(starts[-1]))
        self.variables = np.array(variables, dtype=np.int64)
        self.solver = _highs()
        self.solver.passModel(lp)
        self.value = 0
        self.costed: np.ndarray = np.zeros(0, dtype=np.int32)
        self.all_rows = np.arange(len(rows), dtype=np.int32)

    def _row_bounds(self, value: int) -> tuple[np.ndarray, np.ndarray]:
        upper = self.rhs[:, value].astype(float)
        lower = np.where(self.equal, upper, -highspy.kHighsInf)
        return lower, upper

    def bounds(
        self, members: list[int], value: int
    ) -> tuple[float, float, list[int], list[np.ndarray]] | None:
        """Lowest and highest sum of `members` for one answer value, the cells binding them,
        and the two solutions (tables the attacker cannot tell from the true one)."""
        solver = self.solver
        if value != self.value:
            lower, upper = self._row_bounds(value)
            solver.changeRowsBounds(len(self.all_rows), self.all_rows, lower, upper)
            self.value = value
        columns = np.array([self.column[m] for m in members], dtype=np.int32)
        if len(self.costed):
            solver.changeColsCost(len(self.costed), self.costed, np.zeros(len(self.costed)))
        solver.changeColsCost(len(columns), columns, np.ones(len(columns)))
        self.costed = columns
        found: list[float] = []
        binding: list[int] = []
        points: list[np.ndarray] = []
        for sense in (highspy.ObjSense.kMinimize, highspy.ObjSense.kMaximize):
            solver.changeObjectiveSense(sense)
            solver.run()
            if solver.getModelStatus() != highspy.HighsModelStatus.kOptimal:
                return None
            found.append(solver.getInfo().objective_function_value)
            solution = solver.getSolution()
            binding += [self.row_cells[r] for r, d in enumerate(solution.row_dual) if abs(d) > 1e-9]
            points.append(np.asarray(solution.col_value))
        return found[0], found[1], binding, points


@dataclass
class _Row:
    cell: int
    free: list[int]
    rhs: np.ndarray  # per answer value
    equal: bool  # an equation (a shown figure) or an upper bound


class _System:
    """The shown figures as equations over the inner cells an attacker does not know yet, one
    right-hand side per answer value (the columns of `table`)."""

    def __init__(
        self,
        structure: Structure,
        table: np.ndarray,  # classes × values
        values: Sequence[int],
        hidden: set[int],
        upper_bounds: dict[int, int],
    ) -> None:
        cells = structure.cells
        shown = [i for i, c in enumerate(cells) if not c.is_phantom and i not in hidden]
        known: set[int] = set()
        # Inner cells pinned by what is shown: a shown cell of one inner cell, a shown zero, and
        # (repeatedly) a shown cell whose other inner cells are all pinned.
        members_of = {i: cells[i].members for i in shown}
        changed = True
        while changed:
            changed = False
            for i, members in members_of.items():
                free = [m for m in members if m not in known]
                if not free:
                    continue
                if values[i] == 0 or len(free) == 1:
                    known.update(free)
                    changed = True
        self.known = known
        self.table = table
        # A parent whose shown children cover it exactly adds nothing to its children.
        redundant = {
            r.parent
            for r in structure.relations
            if r.parent in members_of
            and r.residual is None
            and all(c in members_of for c in r.children)
        }
        rows: list[_Row] = []
        for i, members in members_of.items():
            free = [m for m in members if m not in known]
            if free and i not in redundant:
                rows.append(_Row(i, free, table[free].sum(axis=0), True))
        if table.shape[1] == 1:
            for i, bound in upper_bounds.items():
                if i in hidden or cells[i].is_phantom:
                    all_members = list(cells[i].members)
                    free = [m for m in all_members if m not in known]
                    if free:
                        pinned = table[[m for m in all_members if m in known]].sum(axis=0)
                        rows.append(_Row(i, free, np.array([bound]) - pinned, False))
        parent: dict[int, int] = {}

        def find(a: int) -> int:
            while parent.setdefault(a, a) != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for row in rows:
            root = find(row.free[0])
            for m in row.free[1:]:
                other = find(m)
                if other != root:
                    parent[other] = root
        self.find = find
        self.rows_by_root: dict[int, list[_Row]] = defaultdict(list)
        for row in rows:
            self.rows_by_root[find(row.free[0])].append(row)
        self.parts: dict[int, _Part] = {}

    def interval(
        self, members: Sequence[int], alternatives: list[list[np.ndarray]]
    ) -> tuple[float, float, list[int]]:
        """(lowest, highest) the attacker can pin the count of `members` to (the sum over the
        answer values of each value's interval), and the shown cells binding the bounds. The
        solutions found are added to `alternatives` (per value: whole columns consistent with
        everything shown)."""
        pinned = [m for m in members if m in self.known]
        low = high = float(self.table[pinned].sum()) if pinned else 0.0
        by_root: dict[int, list[int]] = defaultdict(list)
        for m in members:
            if m not in self.known:
                by_root[self.find(m)].append(m)
        binding: list[int] = []
        for root, free in by_root.items():
            rows = self.rows_by_root.get(root)
            if not rows:
                return low, float("inf"), []  # in no equation: nothing bounds it
            part = self.parts.get(root)
            if part is None:
                variables = sorted({m for row in rows for m in row.free})
                part = self.parts[root] = _Part(variables, rows)
            for value in range(self.table.shape[1]):
                found = part.bounds(free, value)
                if found is None:
                    return low, low, [row.cell for row in rows]
                low += found[0]
                high += found[1]
                binding += found[2]
                for point in found[3]:
                    column = self.table[:, value].astype(float)
                    column[part.variables] = point
                    alternatives[value].append(column)
        return low, high, binding


def _audit(
    structure: Structure,
    table: np.ndarray,
    values: Sequence[int],
    threshold: int,
    hidden: set[int],
    primary: set[int],
    upper_bounds: dict[int, int],
) -> None:
    """Hides more until no primary's interval is narrower than the threshold."""
    cells = structure.cells
    system = _System(structure, table, values, hidden, upper_bounds)
    # Per answer value: columns an attacker cannot tell from the true one (the true one
    # first). Hiding more never makes one of them inconsistent, so a cell whose counts spread
    # by the threshold over them (summed over the values) is protected without solving.
    alternatives: list[list[np.ndarray]] = [
        [table[:, v].astype(float)] for v in range(table.shape[1])
    ]
    pools = [np.vstack(a) for a in alternatives]
    # The smallest first: they need the most help, and what is hidden for them often protects
    # the others.
    for cell in sorted(primary, key=lambda i: (values[i], i)):
        members = list(cells[cell].members)
        spread = 0.0
        for pool in pools:
            sums = pool[:, members].sum(axis=1)
            spread += sums.max() - sums.min()
        if spread >= threshold - 1e-6:
            continue
        tried: set[int] = set()
        while True:
            low, high, binding = system.interval(members, alternatives)
            for value, found in enumerate(alternatives):
                del found[1:-_POOL_SIZE]
                pools[value] = np.vstack(found)
            if high - low >= threshold - 1e-6:
                break
            candidates = [c for c in set(binding) if c not in hidden and c not in tried]
            if not candidates:
                candidates = _neighbours(structure, cell, hidden, tried)
            if not candidates:
                break  # everything around it is hidden already; nothing more to hide
            pick = min(candidates, key=lambda c: _cost(structure, values, c))
            tried.add(pick)
            hidden.add(pick)
            system = _System(structure, table, values, hidden, upper_bounds)


def _neighbours(structure: Structure, cell: int, hidden: set[int], tried: set[int]) -> list[int]:
    """Shown cells that share an inner cell with `cell` (when no equation binds, e.g. because
    every inner cell of it is pinned by shown single-cell figures)."""
    members = set(structure.cells[cell].members)
    by_class: dict[int, list[int]] = defaultdict(list)
    for i, c in enumerate(structure.cells):
        if c.is_phantom or i in hidden or i in tried:
            continue
        if members.intersection(c.members):
            by_class[0].append(i)
    return by_class[0]
