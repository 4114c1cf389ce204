"""Results tables as CSV (semicolons, UTF-8, opens in Excel), XLSX and JSON, built from the same
selectors as the pages, so every output shows the same figures and hides the same ones."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from portal.lib.downloads import excel_csv, excel_xlsx
from reporting.figures import HIDDEN, Figure
from reporting.items import Item
from reporting.models import Publication, ResultUnit
from reporting.scopes import ResultScope
from reporting.selectors import (
    DistributionRow,
    publication_items,
    results_breakdowns,
    results_distribution,
    results_overview,
    results_trend,
    trend_targets,
)


@dataclass
class Table:
    slug: str
    title: str
    columns: list[str]
    rows: list[list[Any]] = field(default_factory=list)
    # JSON: one object per figure, with the unit it belongs to.
    records: list[dict[str, Any]] = field(default_factory=list)


def _mean(figure: Figure | None) -> Any:
    if figure is None or figure.missing:
        return ""
    if figure.hidden:
        return HIDDEN
    return round(figure.mean, 2) if figure.mean is not None else ""


def _share(value: float | None, figure: Figure | None) -> Any:
    if figure is None or figure.missing:
        return ""
    if figure.hidden:
        return HIDDEN
    return round(value * 100, 1) if value is not None else ""


def _n(figure: Figure | None) -> Any:
    if figure is None or figure.missing:
        return ""
    return HIDDEN if figure.hidden else figure.n


def figure_record(item: Item, figure: Figure) -> dict[str, Any]:
    if figure.hidden:
        return {"item": item.code, "n": HIDDEN}
    record: dict[str, Any] = {"item": item.code, "n": figure.n}
    if item.values and figure.counts:
        record["counts"] = dict(zip(item.values, figure.counts, strict=False))
    if figure.mean is not None:
        record["mean"] = round(figure.mean, 3)
        record["share_top_two"] = round(figure.top_share or 0.0, 4)
    if figure.yes_share is not None:
        record["share_yes"] = round(figure.yes_share, 4)
    if figure.sampled is not None:
        record["sampled"] = figure.sampled
    return record


def unit_record(unit: ResultUnit | None, scope: ResultScope | None = None) -> dict[str, Any]:
    """The unit a figure belongs to, by public identifiers."""
    if unit is None:
        level = scope.unit_type if scope else "N"
        record: dict[str, Any] = {"type": level}
        if scope is not None and scope.county is not None:
            record["county"] = scope.county.code
        if scope is not None and scope.office is not None:
            record["office"] = scope.office.orgnr
        return record
    record = {"type": unit.unit_type}
    if unit.county is not None:
        record["county"] = unit.county.code
    if unit.office is not None:
        record["office"] = unit.office.orgnr
    if unit.company is not None:
        record["company"] = unit.company.orgnr
    if unit.trade is not None:
        record["trade"] = unit.trade.code
    if unit.kind:
        record["kind"] = unit.kind
    return record


def overview_table(scope: ResultScope, publication: Publication) -> Table:
    overview = results_overview(scope, publication)
    table = Table(
        "oversikt",
        _("Results of %(unit)s, %(round)s") % {"unit": scope.label, "round": publication.round},
        [
            _("Item"),
            _("Answers"),
            _("Mean (1–5)"),
            _("Share in the top two steps (%)"),
            _("Share yes (%)"),
            _("National mean"),
            _("National share yes (%)"),
            _("County mean"),
            _("Last year's mean"),
            _("Target"),
        ],
    )
    home = overview.home_county
    answers_item = publication_items(publication)[-1]
    table.records.append(
        {"unit": unit_record(None, scope), **figure_record(answers_item, overview.answers)}
    )
    if scope.level != "national":
        table.records.append(
            {"unit": {"type": "N"}, **figure_record(answers_item, overview.national_answers)}
        )
    for row in overview.rows:
        table.rows.append(
            [
                row.item.label,
                _n(row.figure),
                _mean(row.figure),
                _share(row.figure.top_share, row.figure),
                _share(row.figure.yes_share, row.figure),
                _mean(row.national),
                _share(row.national.yes_share, row.national),
                _mean(row.county),
                _mean(row.last_year),
                str(row.target) if row.target is not None else "",
            ]
        )
        table.records.append(
            {"unit": unit_record(None, scope), **figure_record(row.item, row.figure)}
        )
        if scope.level != "national":
            table.records.append({"unit": {"type": "N"}, **figure_record(row.item, row.national)})
        if row.county is not None and home is not None:
            table.records.append(
                {"unit": {"type": "C", "county": home.code}, **figure_record(row.item, row.county)}
            )
    return table


def answers_table(scope: ResultScope, publication: Publication, item: Item, loaded=None) -> Table:
    """The number of answers by group, with the number invited and the response rate."""
    table = Table(
        item.slug,
        _("Answers by group, %(round)s") % {"round": publication.round},
        [_("Grouped by"), _("Group"), _("Invited"), _("Answers"), _("Response rate (%)")],
    )
    for breakdown in results_breakdowns(scope, publication, item, loaded=loaded):
        for row in breakdown.rows:
            f = row.figure
            rate = f.response_rate if f.shown else None
            table.rows.append(
                [
                    breakdown.title,
                    row.label,
                    HIDDEN if f.hidden else ("" if f.sampled is None else f.sampled),
                    _n(f),
                    _share(rate, f),
                ]
            )
            table.records.append({"unit": unit_record(row.unit), **figure_record(item, f)})
    return table


def item_table(scope: ResultScope, publication: Publication, item: Item, loaded=None) -> Table:
    if item.kind == "answers":
        return answers_table(scope, publication, item, loaded)
    table = Table(
        item.slug,
        _("%(item)s by group, %(round)s") % {"item": item.label, "round": publication.round},
        [
            _("Grouped by"),
            _("Group"),
            _("Answers"),
            _("Mean (1–5)"),
            _("Share in the top two steps (%)"),
            _("Share yes (%)"),
            _("National mean"),
        ]
        + [_("Share “%(answer)s” (%%)") % {"answer": item.value_label(v)} for v in item.values],
    )
    for breakdown in results_breakdowns(scope, publication, item, loaded=loaded):
        for row in breakdown.rows:
            f = row.figure
            shares = [_share(f.share(i), f) for i in range(len(item.values))] if item.values else []
            table.rows.append(
                [
                    breakdown.title,
                    row.label,
                    _n(f),
                    _mean(f),
                    _share(f.top_share, f),
                    _share(f.yes_share, f),
                    _mean(row.national),
                    *shares,
                ]
            )
            table.records.append({"unit": unit_record(row.unit), **figure_record(item, f)})
    return table


DISTRIBUTION_PREFIX = "fordeling-"


def distribution_table(slug: str) -> str:
    """The download name of an item's answers by option for each unit."""
    return f"{DISTRIBUTION_PREFIX}{slug}"


def _distribution_unit(row: DistributionRow, scope: ResultScope) -> dict[str, Any]:
    if row.level == "own":
        return unit_record(None, scope)
    if row.level == "national":
        return {"type": "N"}
    if row.level == "county":
        return {"type": "C", "county": row.county.code if row.county is not None else ""}
    return unit_record(row.unit)


def item_distribution_table(
    scope: ResultScope, publication: Publication, item: Item, loaded=None
) -> Table:
    """The item's answers by option for every unit the scope may see: the number and share of
    each option, the mean and the share in the top two steps; a hidden figure only as *."""
    labels = [item.value_label(v) for v in item.values]
    columns = [_("Grouped by"), _("Group"), _("%(item)s: answers") % {"item": item.label}]
    for label in labels:
        columns.append(_("%(item)s: number “%(answer)s”") % {"item": item.label, "answer": label})
        columns.append(
            _("%(item)s: share “%(answer)s” (%%)") % {"item": item.label, "answer": label}
        )
    if item.has_mean:
        columns.append(_("%(item)s: mean (1–5)") % {"item": item.label})
        columns.append(_("%(item)s: share in the top two steps (%%)") % {"item": item.label})
    table = Table(
        distribution_table(item.slug),
        _("%(item)s: answers by option, %(round)s")
        % {"item": item.label, "round": publication.round},
        columns,
    )
    for group in results_distribution(scope, publication, item, loaded):
        for row in group.rows:
            f = row.figure
            cells: list[Any] = [group.title, row.label, _n(f)]
            shares: dict[str, Any] = {}
            numbers = row.cells()
            for index, value in enumerate(item.values):
                number, share = numbers[index] if index < len(numbers) else (None, None)
                if f.missing:
                    cells += ["", ""]
                elif number is None:
                    cells += [HIDDEN, HIDDEN]
                else:
                    cells += [number, round(share * 100, 1) if share is not None else ""]
                    if share is not None:
                        shares[value] = round(share, 4)
            if item.has_mean:
                cells += [_mean(f), _share(f.top_share, f)]
            table.rows.append(cells)
            record = {"unit": _distribution_unit(row, scope), **figure_record(item, f)}
            if shares:
                record["shares"] = shares
            table.records.append(record)
    return table


def trends_table(scope: ResultScope, kind: str, items: list[Item]) -> Table:
    """The indexes over the years as the trends page shows them: the unit's figure, an office's
    county of each year, the nation's figure and the unit's target beside it."""
    office = scope.level == "office"
    national = scope.level != "national"
    table = Table(
        "utvikling",
        _("Indexes over the years, %(unit)s") % {"unit": scope.label},
        [
            _("Item"),
            _("Series"),
            _("Year"),
            *([_("County that year")] if office else []),
            _("Answers"),
            _("Mean (1–5)"),
            _("Share yes (%)"),
            *([_("National mean"), _("Target")] if national else []),
        ],
    )
    for item in items:
        nation = {
            p.year: p.figure
            for s in (results_trend(ResultScope.national(), kind, item) if national else [])
            for p in s.points
        }
        targets = trend_targets(scope, kind, item)
        for number, series in enumerate(results_trend(scope, kind, item), start=1):
            for point in series.points:
                f = point.figure
                row: list[Any] = [item.label, number, point.year]
                if office:
                    row.append(point.county)
                row += [_n(f), _mean(f), _share(f.yes_share, f)]
                if national:
                    target = targets.get(point.year)
                    row += [_mean(nation.get(point.year)), float(target) if target else ""]
                table.rows.append(row)
                table.records.append(
                    {
                        "unit": unit_record(None, scope),
                        "year": point.year,
                        "series": number,
                        **figure_record(item, f),
                    }
                )
    return table


# --- Formats ------------------------------------------------------------------------------------


def as_csv(table: Table) -> bytes:
    return excel_csv(table.columns, table.rows)


def as_xlsx(table: Table) -> bytes:
    return excel_xlsx(table.columns, table.rows, table.title)


def as_json(tables: list[Table], publication: Publication) -> bytes:
    document = {
        "survey": publication.round.kind,
        "year": publication.round.year,
        "version": publication.version,
        "threshold": publication.threshold,
        "hidden": HIDDEN,
        "tables": [{"table": t.slug, "title": t.title, "figures": t.records} for t in tables],
    }
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
