"""PDF reports for the county's vocational training board and council (R-P6), rendered by a task
with reportlab from the published tables (the same selectors and the same suppression as the
pages), kept until the round is published again.

Cover, response rates, results against the national figures, targets and last year, trends,
the breakdown by trade and by office or company, and the follow-up list. Text is set in Bitstream
Vera (shipped with reportlab) so æøå are embedded; the document has a title, an author, a
subject and its language. reportlab cannot write a tagged (structured) PDF."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import reportlab
from django.conf import settings
from django.utils import translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from reportlab.graphics.shapes import Circle, Drawing, Line, PolyLine, String
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from portal.lib.oslo import oslo_now
from reporting.figures import HIDDEN, HIDDEN_EXPLANATION, Figure
from reporting.followup import follow_up_list
from reporting.models import PdfReport, PdfStatus, Publication
from reporting.scopes import ResultScope
from reporting.selectors import (
    breakdown_units,
    results_breakdowns,
    results_overview,
    results_trend,
)
from reporting.services.decisions import decisions_by_item

FONT, FONT_BOLD = "PortalSans", "PortalSans-Bold"
_FONTS = Path(reportlab.__file__).parent / "fonts"


def _fonts() -> None:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(FONT, str(_FONTS / "Vera.ttf")))
        pdfmetrics.registerFont(TTFont(FONT_BOLD, str(_FONTS / "VeraBd.ttf")))


def _progress(report: PdfReport, percent: int, status: str = PdfStatus.RUNNING) -> None:
    report.progress, report.status = percent, status
    PdfReport.objects.filter(pk=report.pk).update(progress=percent, status=status)


def pdf_report_render(*, report_id: int) -> None:
    report = PdfReport.objects.select_related(
        "publication__round__questionnaire", "county", "office"
    ).get(pk=report_id)
    if report.status == PdfStatus.DONE:
        return
    scope = (
        ResultScope.of_county(report.county)
        if report.county
        else ResultScope.of_office(report.office)
        if report.office
        else ResultScope.national()
    )
    _progress(report, 5)
    try:
        with translation.override(report.language):
            content = pdf_build(scope, report.publication, lambda p: _progress(report, p))
    except Exception as error:
        PdfReport.objects.filter(pk=report.pk).update(status=PdfStatus.FAILED, error=str(error))
        raise
    PdfReport.objects.filter(pk=report.pk).update(
        content=content, status=PdfStatus.DONE, progress=100
    )


# --- The document ---------------------------------------------------------------------------------


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13)
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=10),
        "title": ParagraphStyle("title", parent=base, fontName=FONT_BOLD, fontSize=22, leading=28),
        "h1": ParagraphStyle(
            "h1",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=15,
            leading=20,
            spaceBefore=6,
            spaceAfter=6,
        ),
        "h2": ParagraphStyle(
            "h2",
            parent=base,
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=8,
            spaceAfter=4,
        ),
    }


def _mean(figure: Figure | None) -> str:
    if figure is None or figure.missing:
        return ""
    if figure.hidden:
        return HIDDEN
    if figure.mean is not None:
        return f"{figure.mean:.1f}".replace(".", ",")
    if figure.yes_share is not None:
        return f"{figure.yes_share * 100:.0f} %"
    return ""


def _count(figure: Figure | None) -> str:
    if figure is None or figure.missing:
        return ""
    return HIDDEN if figure.hidden else str(figure.n)


_HEADING = ParagraphStyle("heading", fontName=FONT_BOLD, fontSize=8.5, leading=10)
_HEADING_RIGHT = ParagraphStyle("heading-right", parent=_HEADING, alignment=TA_RIGHT)


def _table(rows: list[list[str]], widths: list[float]) -> Table:
    # Headings wrap within their column rather than run into the next one.
    heading = [
        Paragraph(escape(str(text)), _HEADING if column == 0 else _HEADING_RIGHT)
        for column, text in enumerate(rows[0])
    ]
    table = Table([heading, *rows[1:]], colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), FONT, 8.5),
                ("FONT", (0, 0), (-1, 0), FONT_BOLD, 8.5),
                ("LINEBELOW", (0, 0), (-1, 0), 0.8, colors.black),
                ("LINEBELOW", (0, 1), (-1, -1), 0.25, colors.grey),
                ("ALIGN", (1, 0), (-1, -1), "RIGHT"),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _trend_drawing(series, as_share: bool) -> Drawing:
    width, height, left, bottom = 160 * mm, 45 * mm, 12 * mm, 8 * mm
    drawing = Drawing(width, height)
    years = sorted({p.year for s in series for p in s.points})
    if not years:
        return drawing
    span = max(1, years[-1] - years[0])
    low, high = (0.0, 1.0) if as_share else (1.0, 5.0)

    def x(year: float) -> float:
        return left + (year - years[0]) / span * (width - left - 6 * mm)

    def y(value: float) -> float:
        return bottom + (value - low) / (high - low) * (height - bottom - 4 * mm)

    for tick in [0, 0.5, 1] if as_share else [1, 2, 3, 4, 5]:
        drawing.add(Line(left, y(tick), width, y(tick), strokeColor=colors.lightgrey))
        label = f"{round(tick * 100)} %" if as_share else str(tick)
        drawing.add(
            String(left - 2, y(tick) - 3, label, fontName=FONT, fontSize=7, textAnchor="end")
        )
    for year in years:
        drawing.add(String(x(year), 0, str(year), fontName=FONT, fontSize=7, textAnchor="middle"))
    for s in series:
        points = [(p.year, p.figure.headline) for p in s.points if p.figure.headline is not None]
        if len(points) > 1:
            flat = [v for yr, value in points for v in (x(yr), y(value))]
            drawing.add(PolyLine(flat, strokeColor=colors.HexColor("#00509e"), strokeWidth=1.5))
        for yr, value in points:
            drawing.add(
                Circle(x(yr), y(value), 2, fillColor=colors.HexColor("#00509e"), strokeColor=None)
            )
        if s.break_reason and s.points:
            edge = x(s.points[0].year - 0.5)
            drawing.add(
                Line(
                    edge,
                    bottom,
                    edge,
                    height,
                    strokeColor=colors.HexColor("#b34700"),
                    strokeDashArray=[3, 2],
                )
            )
    return drawing


def pdf_build(scope: ResultScope, publication: Publication, progress=lambda p: None) -> bytes:
    _fonts()
    styles = _styles()
    round_ = publication.round
    title = _("Results of %(survey)s %(year)s: %(unit)s") % {
        "survey": round_.get_kind_display(),
        "year": round_.year,
        "unit": scope.label,
    }
    overview = results_overview(scope, publication)
    story = _cover(title, publication, styles) + _response_rates(scope, overview, styles)
    progress(20)
    story += _index_tables(overview, styles)
    progress(40)
    story += _trends(scope, round_.kind, overview, styles)
    progress(60)
    story += _breakdowns(scope, publication, overview, styles)
    progress(80)
    if scope.level != "national":
        story += _follow_up(scope, publication, styles)
    content = _document(story, title, round_.get_kind_display())
    progress(95)
    return content


def _cover(title: str, publication: Publication, styles: dict[str, ParagraphStyle]) -> list:
    return [
        Spacer(1, 40 * mm),
        Paragraph(title, styles["title"]),
        Spacer(1, 8 * mm),
        Paragraph(
            _("Report for the vocational training board and the county council."), styles["body"]
        ),
        Paragraph(
            _("Published %(date)s, version %(version)s.")
            % {
                "date": oslo_now(publication.published_at).strftime("%d.%m.%Y"),
                "version": publication.version,
            },
            styles["body"],
        ),
        Spacer(1, 4 * mm),
        Paragraph(str(HIDDEN_EXPLANATION) % {"threshold": publication.threshold}, styles["small"]),
        PageBreak(),
    ]


def _rate(figure: Figure) -> str:
    if figure.response_rate is not None:
        return f"{figure.response_rate * 100:.0f} %"
    return HIDDEN if figure.hidden else ""


def _response_rates(scope: ResultScope, overview, styles: dict[str, ParagraphStyle]) -> list:
    answers, national = overview.answers, overview.national_answers
    rows = [
        [_("Unit"), _("Invited"), _("Answers"), _("Response rate")],
        [
            scope.label,
            str(answers.sampled or "") if answers.shown else HIDDEN,
            _count(answers),
            _rate(answers),
        ],
        [
            _("The whole country"),
            str(national.sampled or "") if national.shown else HIDDEN,
            _count(national),
            _rate(national),
        ],
    ]
    return [
        Paragraph(_("Response rate"), styles["h1"]),
        _table(rows, [70 * mm, 30 * mm, 30 * mm, 30 * mm]),
    ]


def _index_tables(overview, styles: dict[str, ParagraphStyle]) -> list:
    story: list = [
        Paragraph(_("Indexes against the national figure, targets and last year"), styles["h1"])
    ]
    rows: list[list[Any]] = [
        [_("Index"), _("Answers"), _("Mean"), _("National"), _("Target"), _("Last year")]
    ]
    for row in overview.indexes:
        rows.append(
            [
                Paragraph(row.item.label, styles["small"]),
                _count(row.figure),
                _mean(row.figure),
                _mean(row.national),
                str(row.target).replace(".", ",") if row.target is not None else "",
                _mean(row.last_year),
            ]
        )
    story.append(_table(rows, [54 * mm, 16 * mm, 28 * mm, 22 * mm, 18 * mm, 22 * mm]))
    story.append(Paragraph(_("Questions"), styles["h1"]))
    rows = [[_("Question"), _("Answers"), _("Mean or share yes"), _("National")]]
    for row in overview.questions:
        rows.append(
            [
                Paragraph(row.item.label, styles["small"]),
                _count(row.figure),
                _mean(row.figure),
                _mean(row.national),
            ]
        )
    story.append(_table(rows, [100 * mm, 20 * mm, 30 * mm, 22 * mm]))
    return story


def _trends(scope: ResultScope, kind: str, overview, styles: dict[str, ParagraphStyle]) -> list:
    story: list = [PageBreak(), Paragraph(_("Trends"), styles["h1"])]
    for row in overview.indexes:
        series = results_trend(scope, kind, row.item)
        story.append(Paragraph(row.item.label, styles["h2"]))
        story.append(_trend_drawing(series, as_share=False))
        text = "; ".join(
            ", ".join(f"{p.year}: {_mean(p.figure)}" for p in s.points) for s in series
        )
        story.append(Paragraph(text, styles["small"]))
        for s in series:
            if s.break_reason:
                story.append(Paragraph(s.break_reason, styles["small"]))
    return story


def _breakdowns(
    scope: ResultScope, publication: Publication, overview, styles: dict[str, ParagraphStyle]
) -> list:
    story: list = [PageBreak(), Paragraph(_("Indexes by group"), styles["h1"])]
    loaded = breakdown_units(scope, publication)
    for row in overview.indexes:
        story.append(Paragraph(row.item.label, styles["h2"]))
        for breakdown in results_breakdowns(scope, publication, row.item, loaded=loaded):
            if not breakdown.rows:
                continue
            lines: list[list[Any]] = [[breakdown.title, _("Answers"), _("Mean"), _("National")]]
            for unit in breakdown.rows:
                lines.append(
                    [
                        Paragraph(unit.label, styles["small"]),
                        _count(unit.figure),
                        _mean(unit.figure),
                        _mean(unit.national),
                    ]
                )
            story.append(_table(lines, [86 * mm, 20 * mm, 28 * mm, 22 * mm]))
    return story


def _follow_up(
    scope: ResultScope, publication: Publication, styles: dict[str, ParagraphStyle]
) -> list:
    followup = follow_up_list(
        scope, publication, share_limit=settings.REPORTING_FOLLOW_UP_PERCENT / 100
    )
    story: list = [PageBreak(), Paragraph(_("For follow-up"), styles["h1"])]
    items = (
        [
            _("%(index)s: %(mean)s against %(against)s %(reference)s")
            % {
                "index": s.row.item.label,
                "mean": _mean(s.row.figure),
                "against": _("target") if s.against == "target" else _("last year"),
                "reference": f"{s.reference:.1f}".replace(".", ","),
            }
            for s in followup.shortfalls
        ]
        + [
            _("%(group)s %(unit)s, %(index)s: %(mean)s (%(unit_of)s %(reference)s)")
            % {
                "group": d.group,
                "unit": d.label,
                "index": d.item.label,
                "mean": _mean(d.figure),
                "unit_of": scope.label,
                "reference": _mean(d.reference),
            }
            for d in followup.deviations
        ]
        + [
            _("%(unit)s, %(question)s: %(share)s")
            % {"unit": s.label, "question": s.item.label, "share": _mean(s.figure)}
            for s in followup.signals
        ]
    )
    for line in items or [_("Nothing stands out.")]:
        story.append(Paragraph(line, styles["body"]))
    return story + _decisions(scope, publication, styles)


def _decisions(
    scope: ResultScope, publication: Publication, styles: dict[str, ParagraphStyle]
) -> list:
    """The measures decided on this year's findings, as a table for the meeting."""
    round_ = publication.round
    decisions = [
        d for found in decisions_by_item(scope, round_.year, round_.kind).values() for d in found
    ]
    if not decisions:
        return []
    rows: list[list[Any]] = [
        [_("Finding"), _("Measure"), _("Responsible"), _("Due date"), _("Status")]
    ]
    rows += [
        [
            Paragraph(escape(d.finding), styles["body"]),
            Paragraph(escape(d.measure), styles["body"]),
            Paragraph(escape(d.owner), styles["body"]),
            d.due.strftime("%d.%m.%Y") if d.due else "",
            str(d.get_status_display()),
        ]
        for d in sorted(decisions, key=lambda d: (d.created_at, d.pk))
    ]
    return [
        Paragraph(_("Measures decided"), styles["h2"]),
        _table(rows, [42 * mm, 50 * mm, 36 * mm, 21 * mm, 21 * mm]),
    ]


def _document(story: list, title: str, subject: str) -> bytes:
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        title=title,
        author=_("Vocational training surveys"),
        subject=subject,
        lang=translation.get_language() or "nb",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
    )
    document.build(story)
    return buffer.getvalue()
