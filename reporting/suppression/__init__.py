"""Statistical disclosure control of published results (R-L7): the one place that decides which
figures are shown. See structure.py (the linked tables) and pattern.py (the suppression)."""

from reporting.suppression.pattern import Pattern, pattern_compute
from reporting.suppression.structure import (
    RELATIONS,
    UNIT_TYPES,
    Structure,
    structure_build,
    unit_of,
)

__all__ = [
    "RELATIONS",
    "UNIT_TYPES",
    "Pattern",
    "Structure",
    "pattern_compute",
    "structure_build",
    "unit_of",
]
