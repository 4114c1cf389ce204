"""Charts drawn on the server as SVG, readable without JavaScript: each has a title and a
description for screen readers, and every page puts the table with the same figures beside it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from reporting.selectors import TrendSeries

INK = "#1b1b1b"
BAR = "#00509e"
NATIONAL = "#b34700"
GRID = "#8a8a8a"


@dataclass
class Bar:
    label: str
    value: float | None  # on 1–5; None: hidden or missing
    national: float | None = None


def _number(value: float, decimals: int = 1) -> str:
    return f"{value:.{decimals}f}".replace(".", ",")


def bar_chart(bars: Sequence[Bar], *, chart_id: str, title: str, description: str) -> SafeString:
    """Horizontal bars on the 1–5 scale with the national figure as a mark."""
    label_width, plot_width, row = 210, 300, 30
    height = 30 + row * len(bars)
    width = label_width + plot_width + 50

    def x(value: float) -> float:
        return label_width + (value - 1) / 4 * plot_width

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    for step in range(1, 6):
        parts.append(
            f'<line x1="{x(step):.1f}" y1="20" x2="{x(step):.1f}" y2="{height - 5}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{x(step):.1f}" y="14" font-size="11" text-anchor="middle" '
            f'fill="{INK}">{step}</text>'
        )
    for i, bar in enumerate(bars):
        y = 25 + i * row
        label = bar.label if len(bar.label) <= 32 else bar.label[:31] + "…"
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 15}" font-size="12" text-anchor="end" '
            f'fill="{INK}">{escape(label)}</text>'
        )
        if bar.value is None:
            parts.append(
                f'<text x="{label_width + 4}" y="{y + 15}" font-size="12" fill="{INK}">*</text>'
            )
        else:
            parts.append(
                f'<rect x="{label_width}" y="{y + 3}" width="{x(bar.value) - label_width:.1f}" '
                f'height="18" fill="{BAR}"/>'
                f'<text x="{x(bar.value) + 4:.1f}" y="{y + 16}" font-size="12" '
                f'fill="{INK}">{_number(bar.value)}</text>'
            )
        if bar.national is not None:
            parts.append(
                f'<line x1="{x(bar.national):.1f}" y1="{y}" x2="{x(bar.national):.1f}" '
                f'y2="{y + 24}" stroke="{NATIONAL}" stroke-width="3"/>'
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above


def _mark_label(x: float, width: float, text: str, y: float) -> str:
    """A label beside a vertical mark, kept inside the drawing: to the mark's left when the
    mark is in the right half."""
    if x > width / 2:
        return (
            f'<text x="{x - 3:.1f}" y="{y:.1f}" font-size="10" text-anchor="end" '
            f'fill="{INK}">{escape(text)}</text>'
        )
    return f'<text x="{x + 3:.1f}" y="{y:.1f}" font-size="10" fill="{INK}">{escape(text)}</text>'


def _series_svg(s: TrendSeries, x, y, *, national: bool) -> list[str]:
    """One series as a line with its points: the nation's dashed with squares, the unit's
    solid with circles."""
    points = [(p.year, p.figure.headline) for p in s.points if p.figure.headline is not None]
    parts = []
    if len(points) > 1:
        path = " ".join(f"{x(yr):.1f},{y(v):.1f}" for yr, v in points)
        line = (
            f'stroke="{NATIONAL}" stroke-width="2" stroke-dasharray="6 3"'
            if national
            else f'stroke="{BAR}" stroke-width="2.5"'
        )
        parts.append(f'<polyline points="{path}" fill="none" {line}/>')
    for yr, v in points:
        parts.append(
            f'<rect x="{x(yr) - 3:.1f}" y="{y(v) - 3:.1f}" width="6" height="6" '
            f'fill="{NATIONAL}"/>'
            if national
            else f'<circle cx="{x(yr):.1f}" cy="{y(v):.1f}" r="4" fill="{BAR}"/>'
        )
    return parts


def trend_chart(
    series: Sequence[TrendSeries],
    *,
    chart_id: str,
    title: str,
    description: str,
    as_share: bool = False,
    national: Sequence[TrendSeries] = (),
    targets: dict[int, Any] | None = None,
    structure_year: int | None = None,
) -> SafeString:
    """Years along, the figure up; each comparable series its own line, never joined to
    another, marked and labelled in words where the questions changed; the nation's series
    dashed beside it, the unit's targets as short black marks, and a dotted mark where the
    county structure changed (`structure_year`)."""
    targets = targets or {}
    years = sorted({p.year for s in [*series, *national] for p in s.points})
    if not years:
        return mark_safe("")
    width, height, left, bottom, top = 560, 240, 40, 30, 34
    span = max(1, years[-1] - years[0])
    low, high = (0.0, 1.0) if as_share else (1.0, 5.0)
    plot_right = width - 30

    def x(year: float) -> float:
        return left + 10 + (year - years[0]) / span * (plot_right - left - 10)

    def y(value: float) -> float:
        return top + (high - value) / (high - low) * (height - top - bottom)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-t {chart_id}-d" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-t">{escape(title)}</title>',
        f'<desc id="{chart_id}-d">{escape(description)}</desc>',
    ]
    ticks = [0, 0.25, 0.5, 0.75, 1.0] if as_share else [1, 2, 3, 4, 5]
    for tick in ticks:
        label = f"{round(tick * 100)} %" if as_share else str(tick)
        parts.append(
            f'<line x1="{left}" y1="{y(tick):.1f}" x2="{plot_right}" y2="{y(tick):.1f}" '
            f'stroke="{GRID}" stroke-width="0.5"/>'
            f'<text x="{left - 4}" y="{y(tick) + 4:.1f}" font-size="10" text-anchor="end" '
            f'fill="{INK}">{label}</text>'
        )
    for year in years:
        parts.append(
            f'<text x="{x(year):.1f}" y="{height - 10}" font-size="10" text-anchor="middle" '
            f'fill="{INK}">{year}</text>'
        )
    for s in national:
        parts += _series_svg(s, x, y, national=True)
    for s in series:
        parts += _series_svg(s, x, y, national=False)
        changed = s.break_year or (s.points[0].year if s.points else None)
        if s.break_reason and changed is not None and years[0] < changed <= years[-1]:
            first = changed - 0.5
            parts.append(
                f'<line x1="{x(first):.1f}" y1="{top}" x2="{x(first):.1f}" '
                f'y2="{height - bottom}" stroke="{NATIONAL}" stroke-width="2" '
                f'stroke-dasharray="5 4"/>'
                + _mark_label(x(first), width, _("new questions %(year)s") % {"year": changed}, 30)
            )
    parts += [
        f'<line x1="{x(year) - 8:.1f}" y1="{y(float(value)):.1f}" x2="{x(year) + 8:.1f}" '
        f'y2="{y(float(value)):.1f}" stroke="{INK}" stroke-width="3"/>'
        for year, value in sorted(targets.items())
        if years[0] <= year <= years[-1] and low <= float(value) <= high
    ]
    if structure_year is not None and years[0] < structure_year <= years[-1]:
        at = x(structure_year - 0.5)
        label = _("new counties %(year)s") % {"year": structure_year}
        parts.append(
            f'<line x1="{at:.1f}" y1="{top}" x2="{at:.1f}" y2="{height - bottom}" '
            f'stroke="{INK}" stroke-width="1.5" stroke-dasharray="2 3"/>'
            + _mark_label(at, width, label, top - 16)
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text is escaped above
