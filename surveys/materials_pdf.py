"""The information letter and the handout as PDFs to print (reportlab)."""

from __future__ import annotations

import io

from django.utils.html import escape
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, SimpleDocTemplate, Spacer

from portal.lib.qr import qr_drawing
from surveys.materials import Handout, Letter


def _document(buffer: io.BytesIO, title: str, language: str) -> SimpleDocTemplate:
    return SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=25 * mm,
        rightMargin=25 * mm,
        topMargin=25 * mm,
        bottomMargin=25 * mm,
        title=title,
        lang=language,
    )


def letter_pdf(letter: Letter) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    story: list[Flowable] = [Paragraph(escape(letter.title), styles["Title"])]
    for paragraph in letter.text.split("\n\n"):
        if paragraph.strip():
            story.append(Paragraph(escape(paragraph.strip()), styles["BodyText"]))
    _document(buffer, letter.title, letter.language).build(story)
    return buffer.getvalue()


def handout_pdf(handout: Handout) -> bytes:
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    first, *rest = handout.lines
    story: list[Flowable] = [
        Paragraph(escape(handout.title), styles["Title"]),
        Paragraph(escape(first), styles["Heading2"]),
        Spacer(1, 6 * mm),
        qr_drawing(handout.address, 60 * mm),
        Spacer(1, 6 * mm),
        Paragraph(f"<b>{escape(handout.address)}</b>", styles["Heading2"]),
    ]
    story += [Paragraph(escape(line), styles["BodyText"]) for line in rest]
    _document(buffer, handout.title, handout.language).build(story)
    return buffer.getvalue()
