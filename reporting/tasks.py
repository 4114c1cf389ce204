"""Background work of the report portal: publishing a closed round and rendering PDFs."""

from __future__ import annotations

from celery import shared_task


@shared_task
def publish_round(round_id: int) -> int:
    from reporting.services.publishing import round_publish

    return round_publish(round_id=round_id).pk


@shared_task
def render_pdf(report_id: int) -> None:
    from reporting.services.pdf_reports import pdf_report_render

    pdf_report_render(report_id=report_id)
