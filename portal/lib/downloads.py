"""Downloads the way Excel in Norway opens them: CSV with semicolons, decimal commas and UTF-8
with a byte-order mark, or an .xlsx sheet; no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

# A value starting with one of these is run as a formula by a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> Any:
    """Text that a spreadsheet will show, never run: a register value such as "=HYPERLINK(...)"
    gets a leading apostrophe. Phone numbers like +4791234567 are left as they are."""
    if not isinstance(value, str) or not value.startswith(_FORMULA_START):
        return value
    if value[0] in "+-" and value[1:].replace(" ", "").isdigit():
        return value
    return "'" + value


def excel_csv(headers: Iterable[Any], rows: Iterable[Iterable[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow([str(h) for h in headers])
    for cells in rows:
        writer.writerow([csv_cell(c) for c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_cell(value: Any) -> Any:
    """A cell as Norwegian Excel reads it: a decimal number with a decimal comma ("16,7"; with a
    point Excel in Norway takes it for a date), text made safe (csv_safe)."""
    if isinstance(value, float | Decimal):
        text = f"{value:.10f}".rstrip("0").rstrip(".") if value == value else ""  # NaN: empty
        return text.replace(".", ",")
    return csv_safe(value)


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"


# Characters Excel refuses in a sheet's name; the name has at most 31 characters.
_SHEET_TITLE_REFUSED = str.maketrans({c: "-" for c in "/\\?*[]:"})


def _sheet_title(title: str) -> str:
    return title.translate(_SHEET_TITLE_REFUSED)[:31].strip("'") or "Sheet"


def sheet_append(sheet: Any, values: Iterable[Any], bold: bool = False) -> None:
    """One row of a write-only sheet. Text is stored as text, so no cell is ever taken for a
    formula; numbers stay numbers."""
    cells = []
    for value in values:
        cell = WriteOnlyCell(sheet, value=value)
        if isinstance(value, str):
            cell.data_type = "s"
        if bold:
            cell.font = Font(bold=True)
        cells.append(cell)
    sheet.append(cells)


def excel_xlsx(headers: Iterable[Any], rows: Iterable[Iterable[Any]], title: str) -> bytes:
    """One sheet with a bold header row (sheet_append)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_sheet_title(title))
    sheet.freeze_panes = "A2"
    sheet_append(sheet, [str(h) for h in headers], bold=True)
    for cells in rows:
        sheet_append(sheet, cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def table_download(
    fmt: str, headers: list[Any], rows: list[list[Any]], *, filename: str, title: str
) -> HttpResponse:
    """The table as `fmt` ("csv" or "xlsx") for download as `filename` (without extension)."""
    if fmt == "xlsx":
        return attachment(excel_xlsx(headers, rows, title), XLSX_TYPE, f"{filename}.xlsx")
    return attachment(excel_csv(headers, rows), CSV_TYPE, f"{filename}.csv")
