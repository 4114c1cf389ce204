"""The county's office board (dispatch/office_board.py): the page, sortable by each column
through the query string, and its download as CSV or Excel. The board shows the ÅR status of
each office (identified, R-L3), so every view and download is in the audit log."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from dispatch.office_board import SORT_SLUGS, board_table, office_board, rows_sorted
from portal.accounts.access import PortalRequest, county_view
from portal.audit.record import audit_record
from portal.lib.downloads import table_download
from portal.models import AuditAction, County
from surveys.selectors import kind_slug


@dataclass(frozen=True)
class Sorting:
    sort: str
    descending: bool


def _sorting(request: HttpRequest) -> Sorting:
    sort = SORT_SLUGS.get(request.GET.get("sorter", ""), "name")
    return Sorting(sort, request.GET.get("rekkefolge") == "synkende")


def _query(sorting: Sorting, sort: str | None = None, descending: bool | None = None) -> str:
    sort = sort or sorting.sort
    descending = sorting.descending if descending is None else descending
    slug = next(s for s, key in SORT_SLUGS.items() if key == sort)
    return f"?sorter={slug}&rekkefolge={'synkende' if descending else 'stigende'}"


def _sort_links(sorting: Sorting) -> dict[str, str]:
    """Each column's link: the same column again flips the order; a figure starts highest."""
    links = {}
    for key in SORT_SLUGS.values():
        descending = not sorting.descending if key == sorting.sort else key != "name"
        links[key] = _query(sorting, key, descending)
    return links


@county_view
@require_GET
def county_office_board(request: PortalRequest, county: County) -> HttpResponse:
    sorting = _sorting(request)
    board = office_board(county)
    rows = rows_sorted(board.rows, sorting.sort, sorting.descending)
    audit_record(
        AuditAction.VIEW_IDENTIFIED,
        request=request,
        target=_("Training offices' board %(year)s") % {"year": board.year or ""},
        detail={"rows": len(rows)},
    )
    year = board.year
    return render(
        request,
        "dispatch/office_board.html",
        {
            "county": county,
            "board": board,
            "rows": rows,
            "choice": sorting,
            "sort_links": _sort_links(sorting),
            "query": _query(sorting),
            "threshold": settings.REPORTING_THRESHOLD,
            "final": board.final,
            "download_url": reverse("county_office_board", args=[county.code]),
            "users_url": reverse("county_users", args=[county.code]),
            "ar_dispatch_url": (
                reverse("county_dispatch_new", args=[county.code, year, kind_slug("AR")])
                if board.ar_round is not None and year is not None
                else None
            ),
        },
    )


@county_view
@require_GET
def county_office_board_download(request: PortalRequest, county: County, fmt: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    sorting = _sorting(request)
    board = office_board(county)
    headers, table = board_table(board, rows_sorted(board.rows, sorting.sort, sorting.descending))
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=_("Training offices' board %(year)s") % {"year": board.year or ""},
        detail={"format": fmt, "rows": len(table)},
    )
    return table_download(
        fmt,
        headers,
        table,
        filename=f"opplaeringskontorer-{county.code}-{board.year or ''}",
        title=_("Training offices"),
    )
