"""The addresses a results page links to, worked out once for its templates."""

from __future__ import annotations

from dataclasses import dataclass

from reporting.items import ANSWERS
from reporting.scopes import ResultScope

ANSWERS_SLUG = ANSWERS


@dataclass
class RoundLinks:
    scope: ResultScope
    year: int
    kind: str

    def _url(self, name: str, *args) -> str:
        return self.scope.url(name, *args)

    @property
    def home(self) -> str:
        return self._url("results")

    @property
    def round(self) -> str:
        return self._url("results_round", self.year, self.kind)

    @property
    def trends(self) -> str:
        return self._url("results_trends", self.kind)

    @property
    def followup(self) -> str:
        return (
            ""
            if self.scope.level == "national"
            else self._url("results_followup", self.year, self.kind)
        )

    @property
    def comparison(self) -> str:
        """The counties side by side; the national pages break down by county already."""
        if self.scope.level == "national":
            return ""
        return self._url("results_comparison", self.year, self.kind)

    @property
    def pdf(self) -> str:
        return (
            "" if self.scope.level == "national" else self._url("results_pdf", self.year, self.kind)
        )

    def item(self, slug: str) -> str:
        return self._url("results_item", self.year, self.kind, slug)

    def distribution(self, slug: str) -> str:
        """The item's answers by option for each unit; none for the number of answers."""
        if slug == ANSWERS_SLUG:
            return ""
        return self._url("results_distribution", self.year, self.kind, slug)

    def table(self, table: str, fmt: str) -> str:
        return self._url("results_table", self.year, self.kind, table, fmt)

    def downloads(self, table: str) -> list[tuple[str, str]]:
        return [(fmt.upper(), self.table(table, fmt)) for fmt in ("csv", "xlsx", "json")]
