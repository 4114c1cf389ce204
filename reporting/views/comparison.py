"""The counties side by side for a county or an office (reporting/comparison.py)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.lib.downloads import table_download
from reporting.comparison import SORTS, Comparison, county_comparison
from reporting.figures import HIDDEN, Figure
from reporting.scopes import ResultScope
from reporting.selectors import office_home_county
from reporting.views.common import publication_or_404
from reporting.views.links import RoundLinks


def _mean(figure: Figure) -> Any:
    if figure.missing:
        return ""
    if figure.hidden or figure.mean is None:
        return HIDDEN if figure.hidden or figure.n else ""
    return round(figure.mean, 2)


def _table(comparison: Comparison) -> tuple[list[str], list[list[Any]]]:
    headers = [_("County"), _("Answers"), _("Response rate (%)")]
    headers += [item.label for item in comparison.items]
    rows = []
    for row in [comparison.nation, *comparison.rows]:
        rate = row.response_rate
        rows.append(
            [
                row.label or _("The whole country"),
                HIDDEN if row.answers.hidden else row.answers.n,
                "" if rate is None else round(rate * 100, 1),
                *[_mean(f) for f in row.figures],
            ]
        )
    return headers, rows


@require_GET
def results_comparison(
    request: HttpRequest, scope: ResultScope, year: int, kind: str, fmt: str = ""
) -> HttpResponse:
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    publication = publication_or_404(year, kind)
    own = scope.county or office_home_county(scope)
    chosen = request.GET.get("sorter", "name")
    comparison = county_comparison(publication, own, sort=chosen)
    if fmt:
        headers, rows = _table(comparison)
        return table_download(
            fmt,
            headers,
            rows,
            filename=f"fylkene-{kind}-{year}",
            title=str(publication.round),
        )
    sorts = [("name", _("County")), ("rate", _("Response rate"))]
    sorts += [(item.code, item.label) for item in comparison.items]
    links = RoundLinks(scope, year, kind)
    return render(
        request,
        "reporting/comparison.html",
        {
            "scope": scope,
            "publication": publication,
            "comparison": comparison,
            "sort": chosen if chosen in SORTS or chosen in dict(sorts) else "name",
            "sorts": sorts,
            "links": links,
            "downloads": [
                (fmt.upper(), links.comparison + f"{fmt}/") for fmt in ("csv", "xlsx")
            ],
        },
    )
