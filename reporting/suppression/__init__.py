"""Statistical disclosure control of published results (R-L7): the one place that decides which
figures are shown. See linked_tables.py (the linked tables as one structure) and pattern.py
(the suppression)."""

from reporting.suppression.linked_tables import (
    RELATIONS,
    UNIT_TYPES,
    Structure,
    joint_structure,
    structure_build,
    unit_of,
)
from reporting.suppression.pattern import (
    Pattern,
    answers_settled,
    item_pattern_compute,
    pattern_compute,
)

__all__ = [
    "RELATIONS",
    "UNIT_TYPES",
    "Pattern",
    "Structure",
    "answers_settled",
    "item_pattern_compute",
    "joint_structure",
    "pattern_compute",
    "structure_build",
    "unit_of",
]
