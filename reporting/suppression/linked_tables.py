"""The linked tables of one published round as one linear structure.

Inner cells are the report classes of the round's anonymous answers (county, training office,
company, trade, apprentice kind; any of the last four may be empty where the class generalised
it away). Every figure a page, PDF or download shows belongs to a *unit*: a set of fixed
dimensions (nation; county; county × trade; office × trade; ...) and is the sum of the inner
cells that match it. Units with exactly the same inner cells are one cell (an office that lies
in one county is the same cell as county × office), so they can never disagree.

Each breakdown of a unit (a county by trade, by office, by company, by kind; an office by
trade, ...) is a *relation*: the parent is the sum of its children plus a residual, the answers
whose class left that dimension empty. A residual is never shown, but whoever sees the parent
and every child can work it out, so it is a cell of the structure too (a *phantom*) and is
protected like any other when it is small."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

# The dimensions of a report class, in the order of ClassKey.
DIMENSIONS = ("county", "office", "company", "trade", "kind")

# Unit types: the dimensions each fixes. The codes are stored with the published figures.
UNIT_TYPES: dict[str, tuple[str, ...]] = {
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

# Parent → child unit types whose children partition the parent (plus a residual).
RELATIONS: tuple[tuple[str, str], ...] = (
    ("N", "C"),
    ("N", "NT"),
    ("N", "NK"),
    ("C", "CT"),
    ("C", "CK"),
    ("C", "CO"),
    ("C", "CM"),
    ("CO", "CM"),
    ("O", "CO"),
    ("O", "OT"),
    ("O", "OK"),
    ("O", "OM"),
    ("NT", "CT"),
    ("NT", "OT"),
    ("NK", "CK"),
    ("NK", "OK"),
)

# ClassKey: (county_id, office_id | None, company_id | None, trade_id | None, kind or "").
ClassKey = tuple
# UnitKey: (type, (values of its dimensions in UNIT_TYPES order)).
UnitKey = tuple


def unit_of(unit_type: str, key: ClassKey) -> UnitKey | None:
    """The unit of `unit_type` an inner cell belongs to, or None when the cell left one of the
    unit's dimensions empty."""
    values = []
    for dim in UNIT_TYPES[unit_type]:
        value = key[DIMENSIONS.index(dim)]
        if value in (None, ""):
            return None
        values.append(value)
    return (unit_type, tuple(values))


@dataclass
class Cell:
    """One distinct set of inner cells, with every unit that shows it (none for a phantom)."""

    members: tuple[int, ...]
    units: list[UnitKey] = field(default_factory=list)

    @property
    def is_phantom(self) -> bool:
        return not self.units


@dataclass
class Relation:
    parent: int
    children: list[int]
    residual: int | None  # a cell id (usually a phantom), None when the children cover all


@dataclass
class Structure:
    classes: list[ClassKey]
    cells: list[Cell]
    relations: list[Relation]
    cell_of_unit: dict[UnitKey, int]

    def values(self, class_values: Sequence[int]) -> list[int]:
        return [sum(class_values[i] for i in cell.members) for cell in self.cells]


def structure_build(
    classes: Iterable[ClassKey], unit_types: Iterable[str] | None = None
) -> Structure:
    """The cells and relations of the given inner cells, for the unit types a survey shows."""
    classes = sorted(set(classes), key=lambda k: tuple("" if v is None else str(v) for v in k))
    types = list(unit_types or UNIT_TYPES)
    unit_members: dict[UnitKey, list[int]] = defaultdict(list)
    for index, key in enumerate(classes):
        for unit_type in types:
            unit = unit_of(unit_type, key)
            if unit is not None:
                unit_members[unit].append(index)

    cells: list[Cell] = []
    cell_of_members: dict[tuple[int, ...], int] = {}

    def cell_for(members: tuple[int, ...]) -> int:
        found = cell_of_members.get(members)
        if found is None:
            found = cell_of_members[members] = len(cells)
            cells.append(Cell(members))
        return found

    cell_of_unit: dict[UnitKey, int] = {}
    for unit, members in unit_members.items():
        cell_id = cell_for(tuple(members))
        cells[cell_id].units.append(unit)
        cell_of_unit[unit] = cell_id

    by_type: dict[str, list[UnitKey]] = defaultdict(list)
    for unit in unit_members:
        by_type[unit[0]].append(unit)
    relations: list[Relation] = []
    seen: set[tuple[int, tuple[int, ...]]] = set()
    for parent_type, child_type in RELATIONS:
        if parent_type not in types or child_type not in types:
            continue
        children_of: dict[int, set[int]] = defaultdict(set)
        for child in by_type[child_type]:
            child_cell = cell_of_unit[child]
            first = classes[cells[child_cell].members[0]]
            parent = unit_of(parent_type, first)
            if parent is not None and parent in cell_of_unit:
                children_of[cell_of_unit[parent]].add(child_cell)
        for parent_cell, child_cells in children_of.items():
            child_cells.discard(parent_cell)
            if not child_cells:
                continue
            ordered = tuple(sorted(child_cells))
            if (parent_cell, ordered) in seen:
                continue
            seen.add((parent_cell, ordered))
            covered: set[int] = set()
            for child_cell in ordered:
                covered.update(cells[child_cell].members)
            rest = tuple(i for i in cells[parent_cell].members if i not in covered)
            residual = cell_for(rest) if rest else None
            relations.append(Relation(parent_cell, list(ordered), residual))
    return Structure(classes, cells, relations, cell_of_unit)


def joint_structure(structure: Structure) -> Structure:
    """An item's table and the answers table as one structure, for the attacker who reads them
    together: each inner cell twice, as the item's count and as the answers that skipped the
    item, so every item cell is a sum over the first half and every answers cell over both.
    Cell j of `structure` is item cell j here, its answers cell is j + len(structure.cells) and
    its skips cell (the answers minus the item's count, which whoever sees both can work out)
    is j + 2 * len(structure.cells); both unknown halves are counts, so an item's count is at
    most the answers in every inner cell, and the skips of the groups under a parent add up to
    the parent's. The skips cells add no knowledge, but a shown zero among them settles every
    skip under it at once, which keeps the attacker's programs small."""
    size, count = len(structure.classes), len(structure.cells)
    cells = [Cell(c.members, list(c.units)) for c in structure.cells]
    cells += [
        Cell(c.members + tuple(size + m for m in c.members), list(c.units))
        for c in structure.cells
    ]
    cells += [
        Cell(tuple(size + m for m in c.members), [("skipped", u) for u in c.units])
        for c in structure.cells
    ]
    # Never shown: each inner cell's answers (its item count and its skips), cell
    # 3 * len(structure.cells) + i, for a ceiling on them.
    cells += [Cell((i, size + i)) for i in range(size)]
    relations = [
        Relation(
            r.parent + shift,
            [c + shift for c in r.children],
            None if r.residual is None else r.residual + shift,
        )
        for shift in (0, count, 2 * count)
        for r in structure.relations
    ]
    classes = list(structure.classes) + [("skipped", *key) for key in structure.classes]
    return Structure(classes, cells, relations, dict(structure.cell_of_unit))
