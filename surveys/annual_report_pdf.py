"""One unit's ÅR answers as a PDF (reportlab), for the county's or office's archive."""

from __future__ import annotations

import io

from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

from portal.oslo import oslo_now
from surveys.annual_reports import AnswerSheet


def answer_sheet_pdf(sheet: AnswerSheet) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    title = f"{sheet.round} – {sheet.row.name}"
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=20 * mm,
        bottomMargin=20 * mm,
        title=title,
        author=_("Vocational training surveys"),
        subject=str(sheet.round),
        lang=(get_language() or "nb")[:2],
    )
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(
            escape(
                _("%(type)s, organisation number %(orgnr)s")
                % {"type": sheet.row.type_label, "orgnr": sheet.row.orgnr}
            ),
            styles["Normal"],
        ),
    ]
    if sheet.row.office_name and sheet.row.type != "office":
        story.append(
            Paragraph(escape(_("Training office: %s") % sheet.row.office_name), styles["Normal"])
        )
    answer = sheet.row.answer
    if answer is None:
        story.append(Paragraph(escape(_("Not answered yet.")), styles["Normal"]))
    else:
        submitted = date_format(oslo_now(answer.submitted_at), "DATETIME_FORMAT")
        story.append(Paragraph(escape(_("Submitted %s") % submitted), styles["Normal"]))
    story.append(Spacer(1, 6 * mm))
    for question, label in sheet.lines:
        story.append(Paragraph(escape(question.localized_text), styles["Heading4"]))
        story.append(Paragraph(escape(label or "–"), styles["Normal"]))
    document.build(story)
    return buffer.getvalue()
