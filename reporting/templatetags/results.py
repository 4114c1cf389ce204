"""Showing published figures: a hidden one as "*", numbers in the active language's format."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.defaultfilters import floatformat
from django.utils.html import format_html

from reporting.figures import HIDDEN, Figure
from reporting.selectors import DistributionRow

register = template.Library()


def _star() -> str:
    return format_html('<span class="hidden-figure">{}</span>', HIDDEN)


@register.filter
def mean(figure: Figure | None) -> str:
    """The mean on 1–5 with one decimal, or the share yes, or * when hidden."""
    if figure is None or figure.missing:
        return "–"
    if figure.hidden:
        return _star()
    if figure.mean is not None:
        return floatformat(figure.mean, 1)
    if figure.yes_share is not None:
        return f"{floatformat(figure.yes_share * 100, 0)} %"
    if figure.n is not None and figure.mean_n:
        return _star()  # too few answers besides "don't know" for a mean
    return "–"


@register.filter
def count(figure: Figure | None) -> str:
    if figure is None or figure.missing:
        return "–"
    if figure.hidden:
        return _star()
    return str(figure.n)


@register.filter
def percent(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{floatformat(value * 100, 0)} %"


@register.filter
def top_share(figure: Figure | None) -> str:
    if figure is None or figure.missing:
        return "–"
    if figure.hidden:
        return _star()
    return percent(figure.top_share)


@register.filter
def share_at(figure: Figure, index: int) -> str:
    if figure.hidden:
        return _star()
    return percent(figure.share(index))


@register.filter
def decimal1(value) -> str:
    return "–" if value is None else floatformat(value, 1)


@register.filter
def item_link(links, slug: str) -> str:
    """The page of one item of the round the links are for."""
    return links.item(slug)


@register.filter
def option_cell(row: DistributionRow, index: int) -> str:
    """One option of a distribution row: its share with the number in brackets, * when hidden,
    – when the unit has no figure."""
    if row.figure.missing:
        return "–"
    cells = row.cells()
    if row.figure.hidden or index >= len(cells) or cells[index][0] is None:
        return _star()
    number, share = cells[index]
    return format_html("{} ({})", percent(share), number)


@register.filter
def rate_of(field: Any, figure: Figure | None) -> str:
    """A response rate's figure on the targets page as a percentage, – when not shown."""
    if figure is not None and figure.hidden:
        return _star()
    value = field.rate(figure)
    return "–" if value is None else f"{floatformat(value, 0)} %"
