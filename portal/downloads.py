"""Downloads the way Excel in Norway opens them: CSV with semicolons, UTF-8 with a byte-order
mark, and no cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from typing import Any

from django.http import HttpResponse

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
        writer.writerow([csv_safe(c) for c in cells])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def attachment(content: bytes, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
