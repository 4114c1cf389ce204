"""The audit's linear systems: hiding a cell in a system already built must leave exactly the
system an attacker has, the one built anew with that cell hidden. Otherwise the audit measures
intervals wider than the attacker's and lets a narrow one through."""

import random

import numpy as np
import pytest

from reporting.suppression.audit import _ColumnSystem
from reporting.suppression.linked_tables import structure_build


def random_table(seed: int):
    rng = random.Random(seed)
    classes = set()
    for county in (1, 2):
        for office in (county * 10 + 1, county * 10 + 2, None):
            for company in range(3):
                for trade in ("A", "B", "C"):
                    if rng.random() < 0.45:
                        company_id = office * 10 + company if office else None
                        kind = rng.choice(["apprentice", "candidate"])
                        classes.add((county, office, company_id, trade, kind))
    structure = structure_build(classes)
    column = np.array([rng.choice([0, 1, 1, 2, 3, 6]) for _ in structure.classes], dtype=float)
    totals = structure.values(column.tolist())
    cells = [i for i, c in enumerate(structure.cells) if not c.is_phantom]
    hidden = {i for i in cells if 0 < totals[i] < 5}
    # A published bound on some cells' counts (as the units' numbers of answers bound the
    # answers to one question).
    bounds = {i: int(totals[i]) + rng.randint(0, 2) for i in cells if rng.random() < 0.6}
    return rng, structure, column, np.asarray(totals, dtype=float), hidden, bounds


def intervals(system: _ColumnSystem, structure) -> list[tuple[float, float]]:
    found = []
    for cell in structure.cells:
        low, high, _binding, _tables = system.interval(list(cell.members))
        found.append((round(low, 6), round(high, 6)))
    return found


@pytest.mark.parametrize("seed", range(12))
def test_hiding_a_cell_in_a_built_system_leaves_the_attackers_system(seed):
    rng, structure, column, totals, hidden, bounds = random_table(seed)
    shown = [
        i for i, c in enumerate(structure.cells) if not c.is_phantom and i not in hidden
    ]
    compared = 0
    for cell in rng.sample(shown, min(len(shown), 25)):
        system = _ColumnSystem(structure, column, totals, set(hidden), bounds)
        intervals(system, structure)  # the parts exist, as in the audit, before one is hidden
        if not system.relax(cell):
            continue  # built anew by the audit
        fresh = _ColumnSystem(structure, column, totals, hidden | {cell}, bounds)
        assert intervals(system, structure) == intervals(fresh, structure), cell
        compared += 1
    assert compared > 0
