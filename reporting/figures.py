"""A published figure as pages and downloads show it: counts, shares and means derived only
from counts that are shown; a hidden figure has none of them."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext_lazy as _

from reporting.items import DONT_KNOW, Item

HIDDEN = "*"
HIDDEN_EXPLANATION = _(
    "* Not shown: fewer than %(threshold)s answers, or a figure that could be used to work out "
    "such a small group."
)
# 95 % of means drawn from the same population lie within this many standard errors.
Z95 = 1.96


@dataclass
class Figure:
    hidden: bool = False
    missing: bool = False  # the unit did not exist in that round
    n: int | None = None
    counts: list[int] = field(default_factory=list)
    mean: float | None = None
    sd: float | None = None
    mean_n: int = 0  # answers behind the mean ("don't know" left out)
    top_share: float | None = None  # share in the top two steps
    yes_share: float | None = None
    sampled: int | None = None

    @property
    def shown(self) -> bool:
        return not self.hidden and not self.missing

    @property
    def uncertainty(self) -> float | None:
        """Half the width of the mean's 95 % confidence interval."""
        if self.mean is None or self.sd is None or self.mean_n < 2:
            return None
        return Z95 * self.sd / math.sqrt(self.mean_n)

    @property
    def uncertainty_or_zero(self) -> float:
        return self.uncertainty or 0.0

    @property
    def response_rate(self) -> float | None:
        if self.n is None or not self.sampled:
            return None
        return self.n / self.sampled

    def share(self, index: int) -> float | None:
        if self.n is None or not self.n or index >= len(self.counts):
            return None
        return self.counts[index] / self.n

    @property
    def headline(self) -> float | None:
        """The figure a table or chart shows for the item: the mean (1–5) or the share yes."""
        return self.mean if self.mean is not None else self.yes_share


def figure_of(item: Item, raw: dict[str, Any] | None, threshold: int) -> Figure:
    if raw is None:
        return Figure(missing=True)
    if raw.get("h"):
        return Figure(hidden=True)
    figure = Figure(n=raw.get("n"), counts=list(raw.get("c", [])), sampled=raw.get("s"))
    if item.kind == "answers" or not figure.n:
        return figure
    values = item.values
    if item.has_mean:
        steps = [(int(v), c) for v, c in zip(values, figure.counts, strict=False) if v != DONT_KNOW]
        n = sum(c for _v, c in steps)
        figure.mean_n = n
        if n >= threshold:
            if item.kind == "index":
                total, total_sq = raw.get("t", 0.0), raw.get("q", 0.0)
            else:
                total = sum(v * c for v, c in steps)
                total_sq = sum(v * v * c for v, c in steps)
            figure.mean = total / n
            figure.sd = math.sqrt(max(0.0, total_sq / n - figure.mean**2)) if n > 1 else None
            figure.top_share = sum(c for v, c in steps if v >= 4) / n
    elif "yes" in values:
        figure.yes_share = figure.counts[values.index("yes")] / figure.n
    return figure
