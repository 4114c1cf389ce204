"""The spreadsheet downloads every app offers (portal.lib.downloads)."""

import io

from openpyxl import load_workbook

from portal.lib.downloads import excel_csv, excel_xlsx


def test_a_sheet_is_named_from_any_title_excel_accepts_it():
    # A question's own text becomes the sheet's name; Excel refuses ? * [ ] : / \ in one.
    content = excel_xlsx(["Svar", "Antall"], [["Ja", 3]], "Hva slags kontrakt har du? [LU/2024]")
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["Hva slags kontrakt har du- -LU-"]
    assert [[c.value for c in row] for row in workbook.active.iter_rows()] == [
        ["Svar", "Antall"],
        ["Ja", 3],
    ]


def test_text_that_a_spreadsheet_would_run_is_kept_as_text():
    assert excel_csv(["Navn"], [["=HYPERLINK(\"x\")"], ["+4791234567"]]).decode("utf-8") == (
        '\ufeffNavn\r\n"\'=HYPERLINK(""x"")"\r\n+4791234567\r\n'
    )
    workbook = load_workbook(io.BytesIO(excel_xlsx(["Navn"], [["=SUM(A1)"]], "Ark")))
    assert workbook.active["A2"].value == "=SUM(A1)"
    assert workbook.active["A2"].data_type == "s"


def test_decimal_numbers_have_a_decimal_comma_in_csv():
    from decimal import Decimal

    text = excel_csv(["Andel", "Antall"], [[16.7, 3], [0.1 + 0.2, 12], [Decimal("2.50"), -4]])
    lines = text.decode("utf-8").lstrip("\ufeff").split("\r\n")
    assert lines[1:4] == ["16,7;3", "0,3;12", "2,5;-4"]
