"""Background work of the report portal: publishing a closed round and rendering PDFs, and the
request that queues a PDF (whatever enqueues a task lives beside it, so what the task runs never
reaches back)."""

from __future__ import annotations

from celery import shared_task
from django.db import transaction

from portal.models import User
from reporting.models import PdfReport, PdfStatus, Publication
from reporting.scopes import ResultScope
from reporting.services.pdf_reports import pdf_report_render
from reporting.services.publishing import round_publish


@shared_task
def publish_round(round_id: int) -> int:
    return round_publish(round_id=round_id).pk


@shared_task
def render_pdf(report_id: int) -> None:
    pdf_report_render(report_id=report_id)


def pdf_report_request(
    *, scope: ResultScope, publication: Publication, language: str, user: User | None
) -> PdfReport:
    """The report of the round's current version in this language, or a new one being made."""
    existing = (
        PdfReport.objects.filter(
            publication=publication,
            version=publication.version,
            county=scope.county,
            office=scope.office,
            language=language,
        )
        .exclude(status=PdfStatus.FAILED)
        .order_by("-pk")
        .first()
    )
    if existing is not None:
        return existing
    report = PdfReport.objects.create(
        publication=publication,
        version=publication.version,
        county=scope.county,
        office=scope.office,
        language=language,
        requested_by=user,
    )
    transaction.on_commit(lambda: render_pdf.delay(report.pk))
    return report
