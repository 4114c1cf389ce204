"""Reading published results for pages, PDFs and downloads. Everything comes from the published
tables (Publication, ResultUnit); nothing here reads an answer."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache

from django.utils.translation import gettext as _

from portal.models import County
from reporting.figures import Figure, figure_of
from reporting.items import ANSWERS, INDEX_PREFIX, Item, items_of
from reporting.models import Publication, ResultUnit, Target
from reporting.models.targets import RESPONSE_RATE
from reporting.scopes import ResultScope
from surveys.models import Question, Questionnaire


def kind_label(kind: str) -> str:
    return {"apprentice": _("Apprentice"), "candidate": _("Training candidate")}.get(kind, kind)


@lru_cache(maxsize=64)
def _items_cached(questionnaire_id: int, sha: str, language: str) -> list[Item]:
    return items_of(Questionnaire.objects.get(pk=questionnaire_id))


def publication_items(publication: Publication) -> list[Item]:
    from django.utils.translation import get_language

    questionnaire = publication.round.questionnaire
    return _items_cached(questionnaire.pk, questionnaire.source_sha256, get_language() or "nb")


def publications_of(kind: str) -> list[Publication]:
    return list(
        Publication.objects.filter(round__kind=kind)
        .select_related("round__questionnaire")
        .order_by("-round__year")
    )


def publication_get(kind: str, year: int) -> Publication | None:
    return (
        Publication.objects.filter(round__kind=kind, round__year=year)
        .select_related("round__questionnaire")
        .first()
    )


def publication_before(publication: Publication) -> Publication | None:
    return (
        Publication.objects.filter(
            round__kind=publication.round.kind, round__year__lt=publication.round.year
        )
        .select_related("round__questionnaire")
        .order_by("-round__year")
        .first()
    )


# --- Comparability over the years (R-P3) -------------------------------------------------------


def predecessor_code(item: Item, newer: Questionnaire, older: Questionnaire) -> str | None:
    """The code the item had in the older questionnaire, or None where the series breaks: the
    2018 revision broke every series, the 2020 revision those questions it changed, and an
    index whose questions changed."""
    if newer.pk == older.pk:
        return item.code
    links = _continuations(newer.pk, older.pk)
    if item.question is not None:
        return links.get(item.code)
    if item.index is not None:
        code = item.index.code
        older_items = _index_members(older.pk).get(code)
        if older_items is None:
            return None
        mapped = {links.get(c) for c in item.items}
        if None in mapped or mapped != set(older_items):
            return None
        return item.code
    return item.code


@lru_cache(maxsize=64)
def _continuations(newer_id: int, older_id: int) -> dict[str, str]:
    return dict(
        Question.objects.filter(
            questionnaire_id=newer_id, continues__questionnaire_id=older_id
        ).values_list("code", "continues__code")
    )


@lru_cache(maxsize=64)
def _index_members(questionnaire_id: int) -> dict[str, list[str]]:
    members: dict[str, list[str]] = {}
    for code, index in Question.objects.filter(
        questionnaire_id=questionnaire_id, index__isnull=False
    ).values_list("code", "index__code"):
        members.setdefault(index, []).append(code)
    return members


# --- Figures of units -------------------------------------------------------------------------


def unit_figures(publication: Publication, **filters) -> dict | None:
    """The published figures of the one unit the filters name; None when there is none."""
    row = ResultUnit.objects.filter(publication=publication, **filters).values("figures").first()
    return row["figures"] if row else None


def office_home_county(scope: ResultScope, publication: Publication | None = None) -> County | None:
    """The county an office's results belong to: in a published round, the county of that
    year's office-in-county unit (an office of Hordaland in 2019 is not compared with
    Vestland); today's county where the round has none."""
    if scope.office is None:
        return None
    if publication is not None:
        unit = (
            ResultUnit.objects.filter(publication=publication, unit_type="CO", office=scope.office)
            .select_related("county")
            .order_by("county__code")
            .first()
        )
        if unit is not None and unit.county is not None:
            return unit.county
    return scope.office.county


@dataclass
class OverviewRow:
    item: Item
    figure: Figure
    national: Figure
    county: Figure | None
    last_year: Figure | None  # None: no comparable figure last year
    target: Decimal | None = None
    url: str = ""  # the item's page, set by the view that lists the rows
    distribution_url: str = ""  # its answers by option for each unit, set the same way

    @property
    def below_target(self) -> bool:
        return (
            self.target is not None
            and self.figure.mean is not None
            and self.figure.mean < float(self.target)
        )


@dataclass
class Overview:
    scope: ResultScope
    publication: Publication
    previous: Publication | None
    answers: Figure
    national_answers: Figure
    rows: list[OverviewRow] = field(default_factory=list)
    exists: bool = True  # the scope's unit has results in this round
    home_county: County | None = None  # an office's county that year (office_home_county)
    response_target: Decimal | None = None  # per cent
    county_response_target: Decimal | None = None  # an office's county's, per cent

    @property
    def below_response_target(self) -> bool:
        rate = self.answers.response_rate if self.answers.shown else None
        return (
            self.response_target is not None
            and rate is not None
            and rate * 100 < float(self.response_target)
        )

    @property
    def indexes(self) -> list[OverviewRow]:
        return [r for r in self.rows if r.item.kind == "index"]

    @property
    def questions(self) -> list[OverviewRow]:
        return [r for r in self.rows if r.item.kind == "question"]

    @property
    def follow_up(self) -> list[OverviewRow]:
        return [r for r in self.rows if r.item.is_follow_up]


def targets_of(scope: ResultScope, year: int, kind: str) -> dict[str, Decimal]:
    """The scope's targets of the round by item code: each index's mean on 1–5, and under
    ANSWERS the response rate's percentage."""
    if scope.level == "national":
        return {}
    rows = Target.objects.filter(
        county=scope.county, office=scope.office, year=year, kind=kind
    ).values_list("index", "value")
    return {
        ANSWERS if index == RESPONSE_RATE else f"{INDEX_PREFIX}{index}": value
        for index, value in rows
    }


def results_overview(scope: ResultScope, publication: Publication) -> Overview:
    threshold = publication.threshold
    items = publication_items(publication)
    own = unit_figures(publication, **scope.unit_filter)
    national = unit_figures(publication, unit_type="N") or {}
    home = None
    home_county = None
    if scope.level == "office":
        home_county = office_home_county(scope, publication)
        home = unit_figures(publication, unit_type="C", county=home_county) or {}
    previous = publication_before(publication)
    before: dict = {}
    previous_items: dict[str, Item] = {}
    if previous is not None:
        before = unit_figures(previous, **scope.unit_filter) or {}
        previous_items = {i.code: i for i in publication_items(previous)}
    targets = targets_of(scope, publication.round.year, publication.round.kind)
    overview = Overview(
        scope=scope,
        publication=publication,
        previous=previous,
        answers=figure_of(items[-1], (own or {}).get(ANSWERS), threshold),
        national_answers=figure_of(items[-1], national.get(ANSWERS), threshold),
        exists=own is not None,
        response_target=targets.get(ANSWERS),
        home_county=home_county,
    )
    if scope.office is not None and scope.office.county is not None:
        county_targets = targets_of(
            ResultScope.of_county(scope.office.county),
            publication.round.year,
            publication.round.kind,
        )
        overview.county_response_target = county_targets.get(ANSWERS)
    for item in items:
        if item.code == ANSWERS:
            continue
        last_year = None
        if previous is not None:
            code = predecessor_code(
                item, publication.round.questionnaire, previous.round.questionnaire
            )
            if code is not None and code in previous_items:
                last_year = figure_of(previous_items[code], before.get(code), threshold)
        overview.rows.append(
            OverviewRow(
                item=item,
                figure=figure_of(item, (own or {}).get(item.code), threshold),
                national=figure_of(item, national.get(item.code), threshold),
                county=figure_of(item, home.get(item.code), threshold)
                if home is not None
                else None,
                last_year=last_year,
                target=targets.get(item.code),
            )
        )
    return overview


# --- Breakdowns -----------------------------------------------------------------------------


@dataclass
class BreakdownRow:
    label: str
    figure: Figure
    national: Figure | None  # the same trade or kind nationally
    unit: ResultUnit


@dataclass
class Breakdown:
    unit_type: str
    title: str
    rows: list[BreakdownRow]


SORTS = ("name", "n", "value")


def unit_label(unit: ResultUnit) -> str:
    # Each unit type names the organisations it is for (ResultUnit's constraints).
    if unit.unit_type in ("NT", "CT", "OT"):
        assert unit.trade is not None
        return unit.trade.name
    if unit.unit_type in ("CO", "O"):
        assert unit.office is not None
        return unit.office.name
    if unit.unit_type in ("CM", "OM"):
        assert unit.company is not None
        return unit.company.name
    if unit.unit_type in ("NK", "CK", "OK"):
        return kind_label(unit.kind)
    if unit.unit_type == "C":
        assert unit.county is not None
        return unit.county.name
    return _("The whole country")


def _sort_key(sort: str):
    def key(row: BreakdownRow):
        if sort == "n":
            return (row.figure.n is None, row.figure.n or 0)
        if sort == "value":
            value = row.figure.headline
            return (value is None, value or 0)
        return (False, row.label.lower())

    return key


@dataclass
class BreakdownUnits:
    """The units of a scope's breakdowns and the national trade and kind figures beside them,
    read once for all the items of a page or download."""

    units: list[ResultUnit]
    nationally: dict[tuple, dict]


def breakdown_units(scope: ResultScope, publication: Publication) -> BreakdownUnits:
    types = [t for t, _label in scope.breakdowns]
    query = ResultUnit.objects.filter(publication=publication, unit_type__in=types)
    if scope.level == "county":
        query = query.filter(county=scope.county)
    elif scope.level == "office":
        query = query.filter(office=scope.office)
    nationally = {
        (u.unit_type, u.trade_id, u.kind): u.figures
        for u in ResultUnit.objects.filter(publication=publication, unit_type__in=["NT", "NK"])
    }
    return BreakdownUnits(
        list(query.select_related("trade", "office", "company", "county")), nationally
    )


def results_breakdowns(
    scope: ResultScope,
    publication: Publication,
    item: Item,
    *,
    sort: str = "name",
    descending: bool = False,
    loaded: BreakdownUnits | None = None,
) -> list[Breakdown]:
    threshold = publication.threshold
    loaded = loaded or breakdown_units(scope, publication)
    tables = []
    for unit_type, title in scope.breakdowns:
        rows = []
        for unit in (u for u in loaded.units if u.unit_type == unit_type):
            national = None
            if unit_type in ("CT", "OT"):
                national = loaded.nationally.get(("NT", unit.trade_id, ""))
            elif unit_type in ("CK", "OK"):
                national = loaded.nationally.get(("NK", None, unit.kind))
            rows.append(
                BreakdownRow(
                    label=unit_label(unit),
                    figure=figure_of(item, unit.figures.get(item.code), threshold),
                    national=figure_of(item, national.get(item.code), threshold)
                    if national
                    else None,
                    unit=unit,
                )
            )
        rows.sort(key=_sort_key(sort if sort in SORTS else "name"), reverse=descending)
        if sort != "name":
            # Hidden figures last whichever way.
            rows.sort(key=lambda r: r.figure.hidden)
        tables.append(Breakdown(unit_type, str(title), rows))
    return tables


# --- Distributions: each unit's answers by option -------------------------------------------


@dataclass
class DistributionRow:
    label: str
    figure: Figure
    unit: ResultUnit | None = None  # a unit of the scope's breakdowns
    level: str = ""  # or "own" (the scope's unit), "county" (an office's county), "national"
    county: County | None = None  # an office's county that year, on its "county" row

    def cells(self) -> list[tuple[int | None, float | None]]:
        """(number, share) of each answer option; (None, None) for a hidden figure or count."""
        if not self.figure.shown:
            return []
        n = self.figure.n or 0
        cells: list[tuple[int | None, float | None]] = []
        for count in self.figure.counts:
            if count is None:
                cells.append((None, None))
            else:
                cells.append((count, count / n if n else None))
        return cells


@dataclass
class Distribution:
    unit_type: str
    title: str
    rows: list[DistributionRow]


def results_distribution(
    scope: ResultScope,
    publication: Publication,
    item: Item,
    loaded: BreakdownUnits | None = None,
) -> list[Distribution]:
    """The item's answers by option for every unit the scope may see: its own unit with the
    nation (and an office's county) beside it, then each of its breakdowns. Only the published
    counts are read; a hidden figure has no counts."""
    threshold = publication.threshold
    groups: list[Distribution] = []
    own = unit_figures(publication, **scope.unit_filter) or {}
    first = [
        DistributionRow(scope.label, figure_of(item, own.get(item.code), threshold), level="own")
    ]
    if scope.level == "office":
        home = office_home_county(scope, publication)
        if home is not None:
            figures = unit_figures(publication, unit_type="C", county=home) or {}
            first.append(
                DistributionRow(
                    home.name,
                    figure_of(item, figures.get(item.code), threshold),
                    None,
                    "county",
                    county=home,
                )
            )
    if scope.level != "national":
        national = unit_figures(publication, unit_type="N") or {}
        first.append(
            DistributionRow(
                str(_("The whole country")),
                figure_of(item, national.get(item.code), threshold),
                level="national",
            )
        )
    groups.append(Distribution(scope.unit_type, str(_("Overall and for comparison")), first))
    for breakdown in results_breakdowns(scope, publication, item, loaded=loaded):
        groups.append(
            Distribution(
                breakdown.unit_type,
                breakdown.title,
                [DistributionRow(r.label, r.figure, r.unit) for r in breakdown.rows],
            )
        )
    return groups


# --- Trends (R-P2, R-P3) ----------------------------------------------------------------------


@dataclass
class TrendPoint:
    year: int
    figure: Figure
    county: str = ""  # an office's county that year, from that year's published unit
    national: Figure | None = None  # the nation's figure that year, set by the trends page
    target: Decimal | None = None  # the unit's target that year, set by the trends page


@dataclass
class TrendSeries:
    points: list[TrendPoint]
    # Why this series is not joined to the older one before it, and the first year after the
    # break (the year the questions changed).
    break_reason: str = ""
    break_year: int | None = None

    @property
    def first_year(self) -> int:
        return self.points[0].year

    @property
    def last_year(self) -> int:
        return self.points[-1].year


def results_trend(scope: ResultScope, kind: str, item: Item) -> list[TrendSeries]:
    """The item's figure over the years, newest series first, split wherever the questions
    changed so that the years cannot be compared (R-P3)."""
    publications = publications_of(kind)
    if not publications:
        return []
    figures: dict[int, dict] = {}
    counties: dict[int, str] = {}
    for row in ResultUnit.objects.filter(publication__in=publications, **scope.unit_filter).values(
        "publication_id", "figures", "county__name"
    ):
        figures[row["publication_id"]] = row["figures"]
        counties[row["publication_id"]] = row["county__name"] or ""
    if scope.office is not None:
        # An office's unit has no county; its office-in-county units of the year name it.
        names: dict[int, list[str]] = {}
        for publication_id, name in (
            ResultUnit.objects.filter(
                publication__in=publications, unit_type="CO", office=scope.office
            )
            .order_by("county__code")
            .values_list("publication_id", "county__name")
        ):
            names.setdefault(publication_id, []).append(name)
        counties = {pk: ", ".join(n) for pk, n in names.items()}
    series: list[TrendSeries] = [TrendSeries([])]
    code: str | None = item.code
    current: Item | None = item
    newer: Publication | None = None
    for publication in publications:
        items = {i.code: i for i in publication_items(publication)}
        if newer is not None and current is not None:
            old_q, new_q = publication.round.questionnaire, newer.round.questionnaire
            code = predecessor_code(current, new_q, old_q)
            if code is None:
                series[-1].break_reason = _break_reason(new_q, old_q)
                series[-1].break_year = newer.round.year
                if item.index is None or current.code not in items:
                    break
                code = current.code
                series.append(TrendSeries([]))
        current = items.get(code) if code else None
        if current is None:
            break
        raw = figures.get(publication.pk)
        figure = figure_of(current, raw.get(current.code) if raw else None, publication.threshold)
        series[-1].points.append(
            TrendPoint(publication.round.year, figure, counties.get(publication.pk, ""))
        )
        newer = publication
    for s in series:
        # Years the unit did not exist in (a county before a merger) are left out (R-P4).
        s.points = [p for p in reversed(s.points) if not p.figure.missing]
    return [s for s in series if s.points]


def trend_targets(scope: ResultScope, kind: str, item: Item) -> dict[int, Decimal]:
    """The scope's target for the item by year: an index's mean; none for a question."""
    if scope.level == "national" or item.kind != "index":
        return {}
    return dict(
        Target.objects.filter(
            county=scope.county, office=scope.office, kind=kind, index=item.index_code
        ).values_list("year", "value")
    )


def _break_reason(newer: Questionnaire, older: Questionnaire) -> str:
    if newer.version == 2018:
        return _("The questions were revised in 2018: not comparable with earlier years.")
    return _(
        "The questions were changed in %(year)s so that they cannot be compared with earlier years."
    ) % {"year": newer.version}
