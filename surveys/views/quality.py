"""The county's quality report: what to correct in VIGO before the deadline so that the samples
reach everyone they should (R-C1, R-C2, R-S4, R-S5), on the page and as downloads."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.access import HtmxRequest, Need, county_view
from portal.audit.record import audit_record
from portal.front.views import page_or_fragment
from portal.lib.downloads import CSV_TYPE, XLSX_TYPE, attachment, excel_csv
from portal.lib.oslo import oslo_today
from portal.lib.paging import paged_list
from portal.models import AuditAction, County
from surveys.quality import (
    Category,
    deadline_countdown,
    quality_categories,
    quality_reference_dates,
    quality_workbook,
)
from surveys.selectors import kind_slug, rounds_of_year

QUALITY_PAGE_SIZE = 100


def _survey_year() -> int:
    return oslo_today().year


def _section(request: HttpRequest, category: Category) -> dict[str, Any]:
    paged = paged_list(request, category.rows, category.key, QUALITY_PAGE_SIZE)
    return {
        "category": category,
        "paged": paged,
        "page": paged.page,
        "rows": [category.cells(row) for row in paged.page.object_list],
    }


@county_view(needs=Need.PERSONAL_DATA)
@require_GET
def quality_report(request: HtmxRequest, county: County) -> HttpResponse:
    countdown = deadline_countdown(timezone.now())
    context: dict[str, Any] = {"county": county, "countdown": countdown}
    if not request.htmx:  # htmx only refreshes the countdown
        year = _survey_year()
        rounds = rounds_of_year(year)
        dates = quality_reference_dates(year, rounds)
        sections = [_section(request, c) for c in quality_categories(county, dates)]
        context.update(
            year=year,
            reference_date=dates.lu,
            units_reference_date=dates.units,
            sections=sections,
            xlsx_url=reverse("county_quality_xlsx", args=[county.code]),
            list_checks=[
                (reverse("county_list_check", args=[county.code, year, kind_slug(r.kind)]), r)
                for r in rounds
            ],
        )
        audit_record(
            AuditAction.VIEW_IDENTIFIED, request=request, target=f"{_('Quality report')} {year}"
        )
    return page_or_fragment(
        request, "surveys/quality/report.html", "surveys/quality/_deadline.html", context
    )


@county_view(needs=Need.PERSONAL_DATA)
@require_GET
def quality_report_csv(request: HttpRequest, county: County, category: str) -> HttpResponse:
    year = _survey_year()
    for candidate in quality_categories(county, quality_reference_dates(year)):
        if candidate.key == category:
            audit_record(
                AuditAction.DOWNLOAD,
                request=request,
                target=f"{_('Quality report')} {year}: {category}",
                detail={"format": "csv"},
            )
            return attachment(
                excel_csv(candidate.headers, candidate.all_cells()),
                CSV_TYPE,
                f"kvalitet-{county.code}-{year}-{category}.csv",
            )
    raise Http404


@county_view(needs=Need.PERSONAL_DATA)
@require_GET
def quality_report_xlsx(request: HttpRequest, county: County) -> HttpResponse:
    year = _survey_year()
    dates = quality_reference_dates(year)
    content = quality_workbook(
        county,
        dates,
        quality_categories(county, dates),
        deadline_countdown(timezone.now()),
    )
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=f"{_('Quality report')} {year}",
        detail={"format": "xlsx"},
    )
    return attachment(content, XLSX_TYPE, f"kvalitet-{county.code}-{year}.xlsx")
