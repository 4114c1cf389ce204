"""The ten statsforvalter offices (statsforvalterembeter) and the counties each serves, in the
structure in force from 1 January 2024 (the fifteen counties of
portal/organisations/data/counties.py that still exist).

Source: the statsforvalters' common site, https://www.statsforvalteren.no/, which lists the ten
offices and the counties each serves.
Statsforvalteren i Oslo og Viken took the name Statsforvalteren i Østfold, Buskerud, Oslo og
Akershus when Viken was divided on 1 January 2024.

A statsforvalter's administrators manage the county administrators of its counties (R-A2);
the Directorate manages the statsforvalters' administrators.
"""

from __future__ import annotations

from typing import Any

# (code, name, county codes). The code is the portal's own key of the office, used in addresses.
STATSFORVALTERS: list[tuple[str, str, tuple[str, ...]]] = [
    ("agder", "Statsforvalteren i Agder", ("42",)),
    ("innlandet", "Statsforvalteren i Innlandet", ("34",)),
    ("more-og-romsdal", "Statsforvalteren i Møre og Romsdal", ("15",)),
    ("nordland", "Statsforvalteren i Nordland", ("18",)),
    (
        "ostfold-buskerud-oslo-akershus",
        "Statsforvalteren i Østfold, Buskerud, Oslo og Akershus",
        ("31", "32", "33", "03"),
    ),
    ("rogaland", "Statsforvalteren i Rogaland", ("11",)),
    ("troms-og-finnmark", "Statsforvalteren i Troms og Finnmark", ("55", "56")),
    ("trondelag", "Statsforvalteren i Trøndelag", ("50",)),
    ("vestfold-og-telemark", "Statsforvalteren i Vestfold og Telemark", ("39", "40")),
    ("vestland", "Statsforvalteren i Vestland", ("46",)),
]


def load_statsforvalters(statsforvalter_model: Any, county_model: Any) -> None:
    """Creates or updates every statsforvalter and points its counties at it. Takes the models
    as arguments so the data migration can pass its historical models; idempotent."""
    for code, name, county_codes in STATSFORVALTERS:
        office, _created = statsforvalter_model.objects.update_or_create(
            code=code, defaults={"name": name}
        )
        county_model.objects.filter(code__in=county_codes).update(statsforvalter=office)
