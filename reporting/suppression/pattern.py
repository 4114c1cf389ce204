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
) -> Pattern:
    """The suppression pattern of one table. `forced`: cells hidden whatever their count (the
    unit's number of answers is hidden). `upper_bounds`: cell id → a published bound on its
    count (the unit's number of answers), which the attacker may use too."""
    values = structure.values(class_values)
    cells = structure.cells
    primary = {i for i, v in enumerate(values) if 0 < v < threshold}
    hidden = {i for i in primary if not cells[i].is_phantom}
    hidden.update(i for i in forced if not cells[i].is_phantom)
    sensitive = set(primary)
    _relation_pass(structure, values, threshold, hidden, sensitive)
    _audit(structure, class_values, values, threshold, hidden, primary, upper_bounds or {})
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
    """One connected part of the unknowns, as a linear program kept between questions so each
    new objective starts from the last basis."""

    def __init__(self, variables: list[int], rows: list[tuple[int, list[int], int, bool]]):
        self.column = {m: j for j, m in enumerate(variables)}
        self.row_cells = [cell for cell, _f, _r, _eq in rows]
        by_column: list[list[int]] = [[] for _ in variables]
        for r, (_cell, free, _rhs, _eq) in enumerate(rows):
            for m in free:
                by_column[self.column[m]].append(r)
        starts = np.zeros(len(variables) + 1, dtype=np.int32)
        np.cumsum([len(c) for c in by_column], out=starts[1:])
        lp = highspy.HighsLp()
        lp.num_col_ = len(variables)
        lp.num_row_ = len(rows)
        lp.col_cost_ = np.zeros(len(variables))
        lp.col_lower_ = np.zeros(len(variables))
        lp.col_upper_ = np.full(len(variables), highspy.kHighsInf)
        lp.row_lower_ = np.array(
            [rhs if eq else -highspy.kHighsInf for _c, _f, rhs, eq in rows], dtype=float
        )
        lp.row_upper_ = np.array([rhs for _c, _f, rhs, _eq in rows], dtype=float)
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = starts
        lp.a_matrix_.index_ = np.array([r for c in by_column for r in c], dtype=np.int32)
        lp.a_matrix_.value_ = np.ones(int(starts[-1]))
        self.variables = np.array(variables, dtype=np.int64)
        self.points: list[np.ndarray] = []
        self.solver = _highs()
        self.solver.passModel(lp)
        self.costed: np.ndarray = np.zeros(0, dtype=np.int32)

    def bounds(self, members: list[int]) -> tuple[float, float, list[int]] | None:
        """Lowest and highest sum of `members`, the cells binding them, and (in self.points)
        the two solutions, each a table the attacker cannot tell from the true one."""
        solver = self.solver
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
        self.points = points
        return found[0], found[1], binding


class _System:
    """The shown figures as equations over the inner cells an attacker does not know yet."""

    def __init__(
        self,
        structure: Structure,
        class_values: Sequence[int],
        values: Sequence[int],
        hidden: set[int],
        upper_bounds: dict[int, int],
    ) -> None:
        cells = structure.cells
        shown = [i for i, c in enumerate(cells) if not c.is_phantom and i not in hidden]
        known: dict[int, int] = {}
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
                if values[i] == 0:
                    for m in free:
                        known[m] = 0
                    changed = True
                elif len(free) == 1:
                    known[free[0]] = class_values[free[0]]
                    changed = True
        self.known = known
        # A parent whose shown children cover it exactly adds nothing to its children.
        redundant = {
            r.parent
            for r in structure.relations
            if r.parent in members_of
            and r.residual is None
            and all(c in members_of for c in r.children)
        }
        rows: list[tuple[int, list[int], int, bool]] = []
        for i, members in members_of.items():
            free = [m for m in members if m not in known]
            if free and i not in redundant:
                rows.append((i, free, values[i] - sum(known.get(m, 0) for m in members), True))
        for i, bound in upper_bounds.items():
            if i in hidden or cells[i].is_phantom:
                free = [m for m in cells[i].members if m not in known]
                if free:
                    rhs = bound - sum(known.get(m, 0) for m in cells[i].members)
                    rows.append((i, free, rhs, False))
        parent: dict[int, int] = {}

        def find(a: int) -> int:
            while parent.setdefault(a, a) != a:
                parent[a] = parent[parent[a]]
                a = parent[a]
            return a

        for _i, free, _rhs, _eq in rows:
            root = find(free[0])
            for m in free[1:]:
                other = find(m)
                if other != root:
                    parent[other] = root
        self.find = find
        self.rows_by_root: dict[int, list[tuple[int, list[int], int, bool]]] = defaultdict(list)
        for row in rows:
            self.rows_by_root[find(row[1][0])].append(row)
        self.parts: dict[int, _Part] = {}
        self.truth = np.asarray(class_values, dtype=float)

    def interval(
        self, members: Sequence[int], alternatives: list[np.ndarray] | None = None
    ) -> tuple[float, float, list[int]]:
        """(lowest, highest) the attacker can pin the sum of `members` to, and the shown cells
        whose equations bind either bound. The solutions found are added to `alternatives`
        (whole tables consistent with everything shown)."""
        low = high = float(sum(self.known[m] for m in members if m in self.known))
        by_root: dict[int, list[int]] = defaultdict(list)
        for m in members:
            if m not in self.known:
                by_root[self.find(m)].append(m)
        binding: list[int] = []
        for root, free in by_root.items():
            rows = self.rows_by_root.get(root)
            if not rows:
                # In no equation at all: nothing bounds it from above.
                return low, float("inf"), []
            part = self.parts.get(root)
            if part is None:
                variables = sorted({m for _c, f, _r, _e in rows for m in f})
                part = self.parts[root] = _Part(variables, rows)
            found = part.bounds(free)
            if found is None:
                return low, low, [row[0] for row in rows]
            low += found[0]
            high += found[1]
            binding += found[2]
            if alternatives is not None:
                for point in part.points:
                    table = self.truth.copy()
                    table[part.variables] = point
                    alternatives.append(table)
        return low, high, binding


def _audit(
    structure: Structure,
    class_values: Sequence[int],
    values: Sequence[int],
    threshold: int,
    hidden: set[int],
    primary: set[int],
    upper_bounds: dict[int, int],
) -> None:
    cells = structure.cells
    system = _System(structure, class_values, values, hidden, upper_bounds)
    # Tables an attacker cannot tell from the true one (the true one first). Hiding more never
    # makes one of them inconsistent, so a cell whose sum differs by the threshold between two
    # of them is protected without solving anything.
    alternatives: list[np.ndarray] = [np.asarray(class_values, dtype=float)]
    pool = np.vstack(alternatives)
    # The smallest first: they need the most help, and what is hidden for them often protects
    # the others.
    for cell in sorted(primary, key=lambda i: (values[i], i)):
        members = list(cells[cell].members)
        sums = pool[:, members].sum(axis=1)
        if sums.max() - sums.min() >= threshold - 1e-6:
            continue
        tried: set[int] = set()
        while True:
            found: list[np.ndarray] = []
            low, high, binding = system.interval(members, found)
            if found:
                alternatives.extend(found)
                del alternatives[1:-_POOL_SIZE]
                pool = np.vstack(alternatives)
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
            system = _System(structure, class_values, values, hidden, upper_bounds)


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
