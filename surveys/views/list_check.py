"""The list check (surveys/list_check.py): a round's whole sample list with each respondent's
contact data, for the county and, for its own respondents, the training office; on the page,
paged and filtered by office, and as CSV or Excel. Every view and download is in the audit log."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.access import Need, county_view, office_view
from portal.audit.record import audit_record
from portal.lib.downloads import table_download
from portal.lib.oslo import oslo_today
from portal.lib.paging import paged_list
from portal.models import AuditAction, County, TrainingOffice
from surveys.list_check import NO_OFFICE, CheckList, check_list, offices_in_list
from surveys.models import Round
from surveys.selectors import kind_from_slug, kind_slug, round_years, rounds_of_year

PAGE_SIZE = 100
FORMATS = ("csv", "xlsx")


def _round(year: int, kind: str) -> Round:
    survey = kind_from_slug(kind)
    if survey is None:
        raise Http404
    return get_object_or_404(Round, year=year, kind=survey)


def _latest_year() -> int:
    years = round_years()
    return years[0] if years else oslo_today().year


def _list(
    request: HttpRequest, round_: Round, county: County | None, office: TrainingOffice | None
) -> CheckList:
    return check_list(
        round_,
        county=county,
        office=office,
        office_filter=request.GET.get("kontor", "") if county is not None else "",
        only_unreachable=request.GET.get("nas", "") == "nei",
    )


def _target(round_: Round) -> str:
    return _("List check of %(round)s") % {"round": round_}


def _page(
    request: HttpRequest,
    round_: Round,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
    route: str,
    args: list[str],
) -> HttpResponse:
    checked = _list(request, round_, county, office)
    paged = paged_list(request, checked.rows, "side", PAGE_SIZE)
    page_rows = list(paged.page.object_list)
    audit_record(
        AuditAction.VIEW_IDENTIFIED,
        request=request,
        target=_target(round_),
        detail={"round_id": round_.pk, "rows": len(page_rows)},
    )
    query = request.GET.copy()
    query.pop("side", None)
    suffix = f"?{query.urlencode()}" if query else ""
    slug = kind_slug(round_.kind)
    rounds = [(r, kind_slug(r.kind)) for r in rounds_of_year(round_.year)]
    return render(
        request,
        "surveys/list_check/list.html",
        {
            "county": county,
            "office": office,
            "round": round_,
            "slug": slug,
            "rounds": rounds,
            "route": route,
            "org_arg": args[0],
            "headers": checked.headers,
            "paged": paged,
            "rows": checked.cells_of(page_rows),
            "total": paged.page.paginator.count,
            "unreachable": checked.unreachable,
            "offices": offices_in_list(round_, county) if county is not None else [],
            "no_office": NO_OFFICE,
            "filters": request.GET,
            "downloads": [
                (fmt, reverse(f"{route}_download", args=[*args, round_.year, slug, fmt]) + suffix)
                for fmt in FORMATS
            ],
        },
    )


def _download(
    request: HttpRequest,
    round_: Round,
    fmt: str,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
    org: str,
) -> HttpResponse:
    if fmt not in FORMATS:
        raise Http404
    checked = _list(request, round_, county, office)
    cells = checked.all_cells()
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=_target(round_),
        detail={"round_id": round_.pk, "format": fmt, "rows": len(cells)},
    )
    slug = kind_slug(round_.kind)
    return table_download(
        fmt,
        [str(h) for h in checked.headers],
        cells,
        filename=f"utvalgsliste-{slug}-{org}-{round_.year}",
        title=str(round_),
    )


@county_view(needs=Need.PERSONAL_DATA)
@require_GET
def county_list_check(request: HttpRequest, county: County, year: int, kind: str) -> HttpResponse:
    return _page(
        request,
        _round(year, kind),
        county=county,
        route="county_list_check",
        args=[county.code],
    )


@county_view(needs=Need.PERSONAL_DATA)
@require_GET
def county_list_check_download(
    request: HttpRequest, county: County, year: int, kind: str, fmt: str
) -> HttpResponse:
    return _download(request, _round(year, kind), fmt, county=county, org=county.code)


@office_view(needs=Need.PERSONAL_DATA)
@require_GET
def office_list_check_latest(request: HttpRequest, office: TrainingOffice) -> HttpResponse:
    return redirect("office_list_check", orgnr=office.orgnr, year=_latest_year(), kind="lu")


@office_view(needs=Need.PERSONAL_DATA)
@require_GET
def office_list_check(
    request: HttpRequest, office: TrainingOffice, year: int, kind: str
) -> HttpResponse:
    return _page(
        request,
        _round(year, kind),
        office=office,
        route="office_list_check",
        args=[office.orgnr],
    )


@office_view(needs=Need.PERSONAL_DATA)
@require_GET
def office_list_check_download(
    request: HttpRequest, office: TrainingOffice, year: int, kind: str, fmt: str
) -> HttpResponse:
    return _download(request, _round(year, kind), fmt, office=office, org=office.orgnr)
