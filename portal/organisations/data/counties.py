"""Norway's counties (Statistics Norway codes) with the periods they existed and what they
became. Each change took effect on 1 January; `None` as start means "before the portal's
history" (results reach back to 2012) and `None` as end means "still exists".

Some municipalities moved between counties in these changes; the portal keeps county-level
history only, so a split county's successors are all the counties it was split into.
"""

from __future__ import annotations

from datetime import date

# (code, name, first year, last year, predecessor codes)
COUNTIES: list[tuple[str, str, int | None, int | None, tuple[str, ...]]] = [
    ("01", "Østfold", None, 2019, ()),
    ("02", "Akershus", None, 2019, ()),
    ("03", "Oslo", None, None, ()),
    ("04", "Hedmark", None, 2019, ()),
    ("05", "Oppland", None, 2019, ()),
    ("06", "Buskerud", None, 2019, ()),
    ("07", "Vestfold", None, 2019, ()),
    ("08", "Telemark", None, 2019, ()),
    ("09", "Aust-Agder", None, 2019, ()),
    ("10", "Vest-Agder", None, 2019, ()),
    ("11", "Rogaland", None, None, ()),
    ("12", "Hordaland", None, 2019, ()),
    ("14", "Sogn og Fjordane", None, 2019, ()),
    ("15", "Møre og Romsdal", None, None, ()),
    ("16", "Sør-Trøndelag", None, 2017, ()),
    ("17", "Nord-Trøndelag", None, 2017, ()),
    ("18", "Nordland", None, None, ()),
    ("19", "Troms", None, 2019, ()),
    ("20", "Finnmark", None, 2019, ()),
    ("50", "Trøndelag", 2018, None, ("16", "17")),
    ("30", "Viken", 2020, 2023, ("01", "02", "06")),
    ("34", "Innlandet", 2020, None, ("04", "05")),
    ("38", "Vestfold og Telemark", 2020, 2023, ("07", "08")),
    ("42", "Agder", 2020, None, ("09", "10")),
    ("46", "Vestland", 2020, None, ("12", "14")),
    ("54", "Troms og Finnmark", 2020, 2023, ("19", "20")),
    ("31", "Østfold", 2024, None, ("30",)),
    ("32", "Akershus", 2024, None, ("30",)),
    ("33", "Buskerud", 2024, None, ("30",)),
    ("39", "Vestfold", 2024, None, ("38",)),
    ("40", "Telemark", 2024, None, ("38",)),
    ("55", "Troms", 2024, None, ("54",)),
    ("56", "Finnmark", 2024, None, ("54",)),
]


def period(first: int | None, last: int | None) -> tuple[date | None, date | None]:
    return (
        date(first, 1, 1) if first is not None else None,
        date(last, 12, 31) if last is not None else None,
    )


def load_counties(county_model) -> None:
    """Creates or updates every county and its predecessors. Takes the model as an argument so
    the data migration can pass its historical model."""
    by_code = {}
    for code, name, first, last, _predecessors in COUNTIES:
        valid_from, valid_to = period(first, last)
        by_code[code], _created = county_model.objects.update_or_create(
            code=code, defaults={"name": name, "valid_from": valid_from, "valid_to": valid_to}
        )
    for code, _name, _first, _last, predecessors in COUNTIES:
        by_code[code].predecessors.set([by_code[p] for p in predecessors])
