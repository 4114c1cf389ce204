"""Counties side by side (R-P6: variation "mellom fag, år, opplæringskontor og fylker"): every
county's published county-level index figures and response rate for one round, beside the
nation, on the county structure of that year. Only county and national figures are read, the
ones the public national JSON already gives, so no figure below another county's level is
shown, and a hidden one stays hidden."""

from __future__ import annotations

from dataclasses import dataclass, field

from portal.models import County
from portal.organisations.structure import counterparts
from reporting.figures import Figure, figure_of
from reporting.items import ANSWERS, Item
from reporting.models import Publication, ResultUnit
from reporting.selectors import publication_items

SORTS = ("name", "rate")  # or an index's code


@dataclass
class ComparisonRow:
    label: str
    answers: Figure
    figures: list[Figure]
    county: County | None = None  # None: the whole country
    own: bool = False

    @property
    def response_rate(self) -> float | None:
        return None if self.answers.hidden else self.answers.response_rate


@dataclass
class Comparison:
    publication: Publication
    items: list[Item]
    nation: ComparisonRow
    rows: list[ComparisonRow] = field(default_factory=list)


def own_counties(county: County | None, year: int) -> set[str]:
    """The county's code in that year's structure: itself, or the counties it was made of or
    became (Vestland in 2019: Hordaland and Sogn og Fjordane)."""
    return set(counterparts(county.code, year)) if county is not None else set()


def _row(
    items: list[Item], answers_item: Item, raw: dict, threshold: int, **extra
) -> ComparisonRow:
    return ComparisonRow(
        answers=figure_of(answers_item, raw.get(ANSWERS), threshold),
        figures=[figure_of(item, raw.get(item.code), threshold) for item in items],
        **extra,
    )


def _sort_key(sort: str, items: list[Item]):
    codes = [item.code for item in items]

    def key(row: ComparisonRow) -> tuple:
        if sort == "rate":
            value = row.response_rate
        elif sort in codes:
            value = row.figures[codes.index(sort)].mean
        else:
            return (False, row.label.lower())
        return (value is None, -(value or 0.0), row.label.lower())

    return key


def county_comparison(
    publication: Publication, own: County | None, *, sort: str = "name"
) -> Comparison:
    """Each county of the round's year with its index means and response rate; highest first
    when sorted by a figure, hidden ones last."""
    threshold = publication.threshold
    all_items = publication_items(publication)
    answers_item = next(i for i in all_items if i.code == ANSWERS)
    items = [i for i in all_items if i.kind == "index"]
    units = ResultUnit.objects.filter(publication=publication, unit_type__in=["N", "C"])
    mine = own_counties(own, publication.round.year)
    absent = Figure(missing=True)
    nation = ComparisonRow(label="", answers=absent, figures=[absent for _ in items])
    rows = []
    for unit in units.select_related("county"):
        if unit.unit_type == "N":
            nation = _row(items, answers_item, unit.figures, threshold, label="")
            continue
        assert unit.county is not None
        rows.append(
            _row(
                items,
                answers_item,
                unit.figures,
                threshold,
                label=unit.county.name,
                county=unit.county,
                own=unit.county.code in mine,
            )
        )
    rows.sort(key=_sort_key(sort, items))
    return Comparison(publication=publication, items=items, nation=nation, rows=rows)
