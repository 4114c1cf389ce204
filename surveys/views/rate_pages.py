"""Response rates, live (R-D5): a county's by training office, company and trade, an office's
by member company and trade, for LU, LBU and ÅR in the newest round, beside last year's figure
on the same date; sortable, downloadable, refreshed by htmx while the round is open."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal.accounts.access import HtmxRequest, Need, county_view, office_view
from portal.audit.record import audit_record
from portal.lib.downloads import table_download
from portal.lib.oslo import oslo_today
from portal.lib.paging import paged_list
from portal.models import AuditAction, County, TrainingOffice
from surveys.models import Round, SurveyKind
from surveys.rate_tables import (
    SORT_KEYS,
    chart_context,
    hidden_reason,
    is_final,
    is_protected,
    kind_rates,
    newest_rounds,
    rate_rows,
    rows_sorted,
    scope_counts,
)
from surveys.selectors import kind_from_slug, kind_slug

# URL words (Norwegian, like the paths) for the groupings and the sort keys.
GROUPING_SLUGS = {"kontor": "office", "bedrift": "company", "fag": "trade"}
GROUPING_LABELS = {
    "office": gettext_lazy("Training office"),
    "company": gettext_lazy("Company"),
    "trade": gettext_lazy("Trade"),
}
SORT_SLUGS = {"navn": "name", "invitert": "sampled", "svart": "answered", "prosent": "rate"}
COUNTY_GROUPINGS = ["office", "company", "trade"]
OFFICE_GROUPINGS = ["company", "trade"]


def _slug_of(mapping: dict[str, str], value: str) -> str:
    return next(slug for slug, v in mapping.items() if v == value)


@dataclass
class Choice:
    rounds: list[Round]
    round: Round
    by: str
    sort: str
    descending: bool


def _choice(request: HttpRequest, groupings: list[str]) -> Choice:
    rounds = newest_rounds()
    if not rounds:
        raise Http404
    kind = kind_from_slug(request.GET.get("undersokelse", "lu")) or SurveyKind.LU
    round_ = next((r for r in rounds if r.kind == kind), rounds[0])
    by = GROUPING_SLUGS.get(request.GET.get("etter", ""), groupings[0])
    if by not in groupings:
        by = groupings[0]
    sort = SORT_SLUGS.get(request.GET.get("sorter", ""), "name")
    descending = request.GET.get("rekkefolge") == "synkende"
    return Choice(rounds, round_, by, sort, descending)


def _query(choice: Choice, **changes: str) -> str:
    params = {
        "undersokelse": kind_slug(choice.round.kind),
        "etter": _slug_of(GROUPING_SLUGS, choice.by),
        "sorter": _slug_of(SORT_SLUGS, choice.sort),
        "rekkefolge": "synkende" if choice.descending else "stigende",
    }
    params.update(changes)
    return "?" + "&".join(f"{k}={v}" for k, v in params.items())


def _sort_links(choice: Choice) -> dict[str, str]:
    """Each column's link: the same column again flips the order."""
    links = {}
    for key in SORT_KEYS:
        descending = not choice.descending if key == choice.sort else key != "name"
        links[key] = _query(
            choice,
            sorter=_slug_of(SORT_SLUGS, key),
            rekkefolge="synkende" if descending else "stigende",
        )
    return links


def _page(
    request: HtmxRequest,
    *,
    organisation: str,
    county: County | None,
    office: TrainingOffice | None,
    groupings: list[str],
    download_url: str,
) -> HttpResponse:
    choice = _choice(request, groupings)
    today = oslo_today()
    counts = scope_counts(choice.round, county=county, office=office, today=today)
    rates = kind_rates(choice.round, county=county, office=office, today=today, counts=counts)
    rows = rows_sorted(
        rate_rows(choice.round, by=choice.by, counts=counts), choice.sort, choice.descending
    )
    context = {
        "organisation": organisation,
        "choice": choice,
        "rates": rates,
        "paged": paged_list(request, rows, "side"),
        "chart": chart_context(rates),
        "protected": is_protected(choice.round.kind),
        "final": is_final(choice.round, today),
        "threshold": settings.REPORTING_THRESHOLD,
        "tabs": [(r, _query(choice, undersokelse=kind_slug(r.kind))) for r in choice.rounds],
        "groupings": [
            (g, GROUPING_LABELS[g], _query(choice, etter=_slug_of(GROUPING_SLUGS, g)))
            for g in groupings
        ],
        "group_label": GROUPING_LABELS[choice.by],
        "sort_links": _sort_links(choice),
        "query": _query(choice),
        "download_url": download_url,
    }
    template = "surveys/rates/_live.html" if request.htmx else "surveys/rates/page.html"
    return render(request, template, context)


def _download(
    request: HttpRequest,
    fmt: str,
    *,
    county: County | None,
    office: TrainingOffice | None,
    groupings: list[str],
    name: str,
) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    choice = _choice(request, groupings)
    counts = scope_counts(choice.round, county=county, office=office, today=oslo_today())
    rows = rows_sorted(
        rate_rows(choice.round, by=choice.by, counts=counts), choice.sort, choice.descending
    )
    table = [
        [
            row.label,
            row.sampled,
            "*" if row.answered is None else row.answered,
            "*" if row.rate is None else round(row.rate, 1),
            hidden_reason(row.reason),
        ]
        for row in rows
    ]
    headers = [
        GROUPING_LABELS[choice.by],
        _("Invited"),
        _("Answered"),
        _("Response rate (%)"),
        _("Why hidden"),
    ]
    slug = f"{kind_slug(choice.round.kind)}-{_slug_of(GROUPING_SLUGS, choice.by)}"
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=_("Response rates %(survey)s by %(grouping)s")
        % {"survey": choice.round, "grouping": GROUPING_LABELS[choice.by]},
        detail={"round_id": choice.round.pk, "format": fmt, "rows": len(table)},
    )
    return table_download(
        fmt,
        headers,
        table,
        filename=f"svarprosent-{name}-{choice.round.year}-{slug}",
        title=str(choice.round),
    )


@county_view(needs=Need.SEND)
@require_GET
def county_response_rates(request: HtmxRequest, county: County) -> HttpResponse:
    return _page(
        request,
        organisation=county.name,
        county=county,
        office=None,
        groupings=COUNTY_GROUPINGS,
        download_url=reverse("county_response_rates", args=[county.code]),
    )


@county_view(needs=Need.SEND)
@require_GET
def county_response_rates_download(request: HttpRequest, county: County, fmt: str) -> HttpResponse:
    return _download(
        request, fmt, county=county, office=None, groupings=COUNTY_GROUPINGS, name=county.code
    )


@office_view(needs=Need.SEND)
@require_GET
def office_response_rates(request: HtmxRequest, office: TrainingOffice) -> HttpResponse:
    return _page(
        request,
        organisation=office.name,
        county=None,
        office=office,
        groupings=OFFICE_GROUPINGS,
        download_url=reverse("office_response_rates", args=[office.orgnr]),
    )


@office_view(needs=Need.SEND)
@require_GET
def office_response_rates_download(
    request: HttpRequest, office: TrainingOffice, fmt: str
) -> HttpResponse:
    return _download(
        request, fmt, county=None, office=office, groupings=OFFICE_GROUPINGS, name=office.orgnr
    )
