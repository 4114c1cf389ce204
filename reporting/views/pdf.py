from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from portal.accounts.access import HtmxRequest, PortalRequest
from portal.audit.record import audit_record
from portal.lib.downloads import attachment
from portal.models import AuditAction
from reporting.models import PdfReport, PdfStatus
from reporting.scopes import ResultScope
from reporting.tasks import pdf_report_request
from reporting.views.common import publication_or_404


def pdf_start(request: PortalRequest, scope: ResultScope, year: int, kind: str) -> HttpResponse:
    publication = publication_or_404(year, kind)
    if request.method == "POST":
        report = pdf_report_request(
            scope=scope,
            publication=publication,
            language=get_language() or "nb",
            user=request.user,
        )
        return redirect(scope.url("results_pdf_status", year, kind, report.pk))
    return render(
        request,
        "reporting/pdf_start.html",
        {"scope": scope, "publication": publication, "year": year, "kind": kind},
    )


def _report(scope: ResultScope, year: int, kind: str, report_id: int) -> PdfReport:
    publication = publication_or_404(year, kind)
    return get_object_or_404(
        PdfReport.objects.defer("content"),
        pk=report_id,
        publication=publication,
        county=scope.county,
        office=scope.office,
    )


@require_GET
def pdf_status(
    request: HtmxRequest, scope: ResultScope, year: int, kind: str, report_id: int
) -> HttpResponse:
    report = _report(scope, year, kind, report_id)
    template = "reporting/_pdf_progress.html" if request.htmx else "reporting/pdf_status.html"
    return render(
        request,
        template,
        {
            "scope": scope,
            "report": report,
            "year": year,
            "kind": kind,
            "publication": report.publication,
            "done": report.status == PdfStatus.DONE,
        },
    )


@require_GET
def pdf_file(
    request: HttpRequest, scope: ResultScope, year: int, kind: str, report_id: int
) -> HttpResponse:
    report = _report(scope, year, kind, report_id)
    if report.status != PdfStatus.DONE:
        raise Http404
    content = PdfReport.objects.values_list("content", flat=True).get(pk=report.pk)
    assert content is not None  # a finished report has its file
    filename = f"{kind}-{year}-{scope.key}.pdf"
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=filename,
        detail={"round": report.publication.round_id, "version": report.version},
    )
    return attachment(bytes(content), "application/pdf", filename)
