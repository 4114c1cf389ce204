"""Results pages: the published rounds of an organisation, one round's results, one item broken
down, trends and the follow-up list. Each reads the published tables through the selectors."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.access import user_scopes
from portal.lib.oslo import oslo_today
from portal.models import County
from reporting.charts import Bar, bar_chart, trend_chart
from reporting.exports import distribution_table
from reporting.figures import HIDDEN_EXPLANATION
from reporting.items import ANSWERS, item_by_slug
from reporting.scopes import ResultScope
from reporting.selectors import (
    SORTS,
    publication_items,
    publications_of,
    results_breakdowns,
    results_distribution,
    results_overview,
    results_trend,
    trend_targets,
)
from reporting.views.common import publication_or_404, survey_kind
from reporting.views.links import RoundLinks
from surveys.models import SurveyKind
from surveys.selectors import kind_slug


def _context(request: HttpRequest, scope: ResultScope, **extra) -> dict:
    threshold = settings.REPORTING_THRESHOLD
    return {
        "scope": scope,
        "threshold": threshold,
        "hidden_explanation": HIDDEN_EXPLANATION % {"threshold": threshold},
        **extra,
    }


@require_GET
def results_home(request: HttpRequest, scope: ResultScope) -> HttpResponse:
    rounds = []
    trends = []
    for kind in (SurveyKind.LU, SurveyKind.LBU):
        published = publications_of(kind)
        for publication in published:
            url = scope.url("results_round", publication.round.year, kind_slug(kind))
            rounds.append((publication, url))
        if published:
            trends.append((kind.label, scope.url("results_trends", kind_slug(kind))))
    rounds.sort(key=lambda r: (-r[0].round.year, r[0].round.kind))
    next_year = oslo_today().year
    return render(
        request,
        "reporting/home.html",
        _context(
            request,
            scope,
            rounds=rounds,
            trends=trends,
            next_year=next_year,
            targets_url="" if scope.level == "national" else scope.url("targets", next_year),
        ),
    )


def old_units(request: HttpRequest, scope: ResultScope, year: int) -> list[County]:
    """R-P4, R-A5: the counties of year Y's structure that this county was part of or made up
    of, among those the user has access to; the user switches between them, never sums."""
    if scope.county is None or scope.county.exists_in(year):
        return []
    allowed = {s.county.code for s in user_scopes(request) if s.county is not None}
    return [c for c in scope.county.in_year(year) if c.code in allowed]


@require_GET
def results_round(request: HttpRequest, scope: ResultScope, year: int, kind: str) -> HttpResponse:
    publication = publication_or_404(year, kind)
    overview = results_overview(scope, publication)
    bars = [Bar(row.item.label, row.figure.mean, row.national.mean) for row in overview.indexes]
    chart = bar_chart(
        bars,
        chart_id="indexes",
        title=_("Indexes, mean on a scale from 1 to 5"),
        description=_(
            "Bars show %(unit)s, the orange mark the national figure. The same figures are in "
            "the table below."
        )
        % {"unit": scope.label},
    )
    links = RoundLinks(scope, year, kind)
    for row in overview.rows:
        row.url = links.item(row.item.slug)
        row.distribution_url = links.distribution(row.item.slug)
    years = sorted(p.round.year for p in publications_of(survey_kind(kind)))
    return render(
        request,
        "reporting/round.html",
        _context(
            request,
            scope,
            publication=publication,
            overview=overview,
            chart=chart,
            kind=kind,
            year=year,
            links=links,
            old_units=old_units(request, scope, year),
            switch_url=scope.url("results_switch", year, kind) if scope.county else "",
            years=years,
            year_links=[(y, scope.url("results_round", y, kind)) for y in years],
            overview_downloads=links.downloads("oversikt"),
            answers_url=links.item(ANSWERS),
        ),
    )


@require_GET
def results_switch(request: HttpRequest, scope: ResultScope, year: int, kind: str) -> HttpResponse:
    """The drop-down between the old (or new) counties of a merged or split county (R-P4)."""
    code = request.GET.get("fylke", "")
    for county in old_units(request, scope, year):
        if county.code == code:
            return redirect(ResultScope.of_county(county).url("results_round", year, kind))
    raise Http404


@require_GET
def results_item(
    request: HttpRequest, scope: ResultScope, year: int, kind: str, item: str
) -> HttpResponse:
    publication = publication_or_404(year, kind)
    found = item_by_slug(publication_items(publication), item)
    if found is None:
        raise Http404
    sort = request.GET.get("sortering", "name")
    sort = sort if sort in SORTS else "name"
    descending = request.GET.get("retning") == "synkende"
    tables = results_breakdowns(scope, publication, found, sort=sort, descending=descending)
    return render(
        request,
        "reporting/item.html",
        _context(
            request,
            scope,
            publication=publication,
            item=found,
            tables=tables,
            sort=sort,
            descending=descending,
            kind=kind,
            year=year,
            links=RoundLinks(scope, year, kind),
            downloads=RoundLinks(scope, year, kind).downloads(found.slug),
            sort_links=_sort_links(request, sort, descending),
            distribution_url=RoundLinks(scope, year, kind).distribution(found.slug),
        ),
    )


@require_GET
def results_distribution_page(
    request: HttpRequest, scope: ResultScope, year: int, kind: str, item: str
) -> HttpResponse:
    """One index or question: the number and share answering each option for every unit the
    scope may see, with the mean and the share in the top two steps where they apply."""
    publication = publication_or_404(year, kind)
    found = item_by_slug(publication_items(publication), item)
    if found is None or found.kind == "answers" or not found.values:
        raise Http404
    links = RoundLinks(scope, year, kind)
    return render(
        request,
        "reporting/distribution.html",
        _context(
            request,
            scope,
            publication=publication,
            item=found,
            groups=results_distribution(scope, publication, found),
            kind=kind,
            year=year,
            links=links,
            downloads=links.downloads(distribution_table(found.slug)),
        ),
    )


def _sort_links(request: HttpRequest, sort: str, descending: bool) -> dict[str, dict]:
    """For each sortable column: the address that sorts by it (flipping the order when it is
    already sorted by it) and its aria-sort state."""
    links = {}
    for column in SORTS:
        flip = column == sort and not descending
        state = "none"
        if column == sort:
            state = "descending" if descending else "ascending"
        links[column] = {
            "url": f"?sortering={column}&retning={'synkende' if flip else 'stigende'}",
            "state": state,
        }
    return links


@dataclass
class StructureChange:
    """Where a county's results start or end because the county structure changed (R-P4): the
    year of the change, the counties before or after it, and links to their trends among those
    the user may see."""

    year: int
    forward: bool  # the county ended: its successors carry on
    counties: list[County]
    links: list[tuple[County, str]]

    @property
    def names(self) -> str:
        return ", ".join(c.name for c in self.counties)


def structure_changes(request: HttpRequest, scope: ResultScope, kind: str) -> list[StructureChange]:
    county = scope.county
    if county is None:
        return []
    allowed = {s.county.code for s in user_scopes(request) if s.county is not None}
    changes = []
    for forward, year, related in (
        (False, county.valid_from.year if county.valid_from else None, county.predecessors),
        (True, county.valid_to.year + 1 if county.valid_to else None, county.successors),
    ):
        counties = list(related.order_by("code")) if year is not None else []
        if counties and year is not None:
            links = [
                (c, ResultScope.of_county(c).url("results_trends", kind))
                for c in counties
                if c.code in allowed
            ]
            changes.append(StructureChange(year, forward, counties, links))
    return changes


@require_GET
def results_trends(request: HttpRequest, scope: ResultScope, kind: str) -> HttpResponse:
    publications = publications_of(survey_kind(kind))
    if not publications:
        raise Http404
    items = [i for i in publication_items(publications[0]) if i.kind != "answers"]
    if not items:  # a questionnaire without questions has no trends to show
        raise Http404
    chosen = item_by_slug(items, request.GET.get("sporsmal", "")) or items[0]
    series = results_trend(scope, survey_kind(kind), chosen)
    national = (
        results_trend(ResultScope.national(), survey_kind(kind), chosen)
        if scope.level != "national"
        else []
    )
    national_by_year = {p.year: p.figure for s in national for p in s.points}
    targets = trend_targets(scope, survey_kind(kind), chosen)
    for s in series:
        for point in s.points:
            point.national = national_by_year.get(point.year)
            point.target = targets.get(point.year)
    changes = structure_changes(request, scope, kind)
    as_share = chosen.question is not None and not chosen.has_mean
    chart = trend_chart(
        series,
        chart_id="trend",
        title=_("%(item)s over the years") % {"item": chosen.label},
        description=_(
            "The blue line is %(unit)s; the orange dashed line the whole country; black marks "
            "the targets. Each line is a series of comparable years; a dashed mark shows where "
            "the questions changed. The same figures are in the table below."
        )
        % {"unit": scope.label},
        as_share=as_share,
        national=national,
        targets=targets,
        structure_year=changes[0].year if changes else None,
    )
    return render(
        request,
        "reporting/trends.html",
        _context(
            request,
            scope,
            items=items,
            chosen=chosen,
            series=series,
            chart=chart,
            kind=kind,
            as_share=as_share,
            survey=SurveyKind(survey_kind(kind)).label,
            home=scope.url("results"),
            item_links=[(i, f"?sporsmal={i.slug}") for i in items],
            changes=changes,
            has_national=bool(national),
            has_targets=bool(targets),
            downloads=RoundLinks(scope, publications[0].round.year, kind).downloads("utvikling"),
        ),
    )
