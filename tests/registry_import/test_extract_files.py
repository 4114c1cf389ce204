"""Reading the files of an extract: encodings, delimiters, headers, spreadsheets, zip files and
folders, and the exact message for each file that cannot be read."""

import io
import zipfile

import pytest
from django.utils import translation
from openpyxl import Workbook

from registry_import.extract_files import (
    FileRefused,
    SourceFile,
    collect_extract,
    read_table,
    sniff_delimiter,
)
from registry_import.extract_format import OFFICE_FORMAT

OFFICE_ROW = "974760673;Opplæringskontoret Sør-Ålesund;15;J;Åse Ørnes;ase@ok.no;91234567"
HEADER = ";".join(OFFICE_FORMAT.names)


@pytest.fixture(autouse=True)
def bokmal():
    with translation.override("nb"):
        yield


def read(data: bytes, name: str = "opplaeringskontor.csv"):
    spec = OFFICE_FORMAT
    return read_table(SourceFile("opplaeringskontor", name, data), spec.required, spec.optional)


def refusal(data: bytes, name: str = "opplaeringskontor.csv") -> str:
    with pytest.raises(FileRefused) as caught:
        read(data, name)
    assert caught.value.file == name
    return caught.value.message


def values(table) -> list[dict[str, str]]:
    return [
        {c: row[i] if i < len(row) else "" for c, i in table.columns.items()}
        for _, row in table.rows()
    ]


# --- Encodings ------------------------------------------------------------------------------


def test_a_windows_1252_file_reads_ae_oe_aa_right():
    table = read(f"{HEADER}\r\n{OFFICE_ROW}\r\n".encode("cp1252"))
    row = values(table)[0]
    assert row["navn"] == "Opplæringskontoret Sør-Ålesund"
    assert row["daglig_leder_navn"] == "Åse Ørnes"


def test_a_utf8_file_with_a_byte_order_mark_has_a_clean_first_column():
    table = read(f"{HEADER}\n{OFFICE_ROW}\n".encode("utf-8-sig"))
    assert "orgnr" in table.columns
    assert values(table)[0]["orgnr"] == "974760673"
    assert values(table)[0]["navn"] == "Opplæringskontoret Sør-Ålesund"


def test_a_utf8_file_without_byte_order_mark_is_read():
    table = read(f"{HEADER}\n{OFFICE_ROW}\n".encode())
    assert values(table)[0]["daglig_leder_navn"] == "Åse Ørnes"


def test_an_empty_file_is_refused():
    assert refusal(b"") == "Filen er tom."
    assert refusal(b"  \r\n\r\n") == "Filen er tom."


def test_binary_junk_is_refused():
    junk = bytes(range(256)) * 40
    assert refusal(junk) == "Filen er ikke lesbar tekst i UTF-8 eller Windows-1252."


def test_valid_utf8_with_control_characters_is_refused_as_binary():
    assert (
        refusal(f"{HEADER}\n\x00\x01\x02{OFFICE_ROW}\n".encode())
        == "Filen inneholder binære data og er ikke en CSV-fil."
    )


def test_a_file_mixing_utf8_and_windows_1252_is_refused():
    data = f"{HEADER}\n{OFFICE_ROW}\n".encode() + "974760673;Bø;15;J\n".encode("cp1252")
    assert (
        refusal(data) == "Filen blander UTF-8 og Windows-1252; lagre den på nytt med én tegnkoding."
    )


def test_utf16_is_refused_with_advice():
    assert (
        refusal(f"{HEADER}\n{OFFICE_ROW}\n".encode("utf-16"))
        == "Filen er lagret som UTF-16; lagre den som CSV i UTF-8 eller Windows-1252."
    )


def test_a_spreadsheet_named_csv_is_refused():
    workbook = Workbook()
    out = io.BytesIO()
    workbook.save(out)
    assert (
        refusal(out.getvalue())
        == "Filen er et regneark eller en zip-fil, men navnet slutter på .csv."
    )


# --- Delimiters, headers, rows --------------------------------------------------------------


@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_semicolon_comma_and_tab_are_recognised(delimiter):
    header = delimiter.join(OFFICE_FORMAT.names)
    row = delimiter.join(
        ["974760673", '"Bygg, anlegg og sånt"', "46", "J", "Kari", "kari@ok.no", "91234567"]
    )
    table = read(f"{header}\n{row}\n".encode())
    assert values(table)[0]["navn"] == "Bygg, anlegg og sånt"
    assert values(table)[0]["fylkesnr"] == "46"


def test_commas_inside_values_do_not_make_a_semicolon_file_comma_separated():
    text = f"{HEADER}\n974760673;Bygg, anlegg, og sånt AS;46;J;;;\n"
    assert sniff_delimiter(text) == ";"
    assert values(read(text.encode()))[0]["navn"] == "Bygg, anlegg, og sånt AS"


def test_header_names_are_matched_without_regard_to_case_spaces_or_order():
    header = " NAVN ;Orgnr; Nor_Registrert ;FYLKESNR"
    table = read(f"{header}\nOK Vest ; 974760673 ;J; 46 \n".encode())
    assert values(table)[0] == {
        "navn": "OK Vest",
        "orgnr": "974760673",
        "nor_registrert": "J",
        "fylkesnr": "46",
    }


def test_extra_columns_are_listed_once():
    table = read(f"{HEADER};merknad;intern_id\n{OFFICE_ROW};x;1\n{OFFICE_ROW};y;2\n".encode())
    assert table.extra_columns == ["merknad", "intern_id"]


def test_a_missing_required_column_refuses_the_file():
    header = HEADER.replace("nor_registrert;", "")
    assert (
        refusal(f"{header}\n974760673;OK;46;Kari;;\n".encode())
        == "Filen mangler kolonnen «nor_registrert»."
    )


def test_several_missing_columns_are_named_together():
    assert (
        refusal(b"orgnr;navn\n974760673;OK\n")
        == "Filen mangler kolonnene «fylkesnr», «nor_registrert»."
    )


def test_a_file_that_is_not_a_table_of_the_format_is_refused():
    assert (
        refusal(b"Hei!\nDette er et brev, ikke et uttrekk.\n")
        == "Filen er ikke en tabell i uttrekksformatet: ingen av kolonnene "
        "orgnr, navn, fylkesnr, nor_registrert."
    )


def test_a_column_given_twice_refuses_the_file():
    assert (
        refusal(f"{HEADER};navn\n{OFFICE_ROW};x\n".encode())
        == "Kolonnen «navn» står mer enn én gang i overskriftsraden."
    )


def test_a_header_without_rows_is_refused():
    assert refusal(f"{HEADER}\n\n".encode()) == "Filen har ingen rader under overskriftsraden."


def test_lines_are_numbered_as_in_the_file_with_the_header_as_line_one():
    text = f'{HEADER}\n{OFFICE_ROW}\n\n974760673;"To\nlinjer";46;J;;;\n{OFFICE_ROW}\n'
    table = read(text.encode())
    assert [line for line, _ in table.rows()] == [2, 4, 6]
    assert table.header_line == 1
    assert values(table)[1]["navn"] == "To\nlinjer"


def test_values_are_trimmed():
    table = read(f"{HEADER}\n  974760673 ;  OK Vest  ;46;J; ; ;\n".encode())
    row = values(table)[0]
    assert row["orgnr"] == "974760673"
    assert row["navn"] == "OK Vest"
    assert row["daglig_leder_epost"] == ""


# --- Spreadsheets ---------------------------------------------------------------------------


def xlsx(rows) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.create_sheet("Ark2").append(["ikke", "lest"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_the_first_sheet_of_a_workbook_is_read_with_numbers_and_dates_as_text():
    from datetime import datetime

    data = xlsx(
        [
            ["Orgnr", "Navn", "Fylkesnr", "NOR_registrert", "dato"],
            [974760673, "Opplæringskontoret Sør", "46", "J", datetime(2024, 8, 15)],
            [],
            [974760673.0, "Andre", 3, True, None],
        ]
    )
    table = read(data, "opplaeringskontor.xlsx")
    rows = values(table)
    assert [line for line, _ in table.rows()] == [2, 4]
    assert rows[0]["orgnr"] == "974760673"
    assert rows[0]["navn"] == "Opplæringskontoret Sør"
    assert rows[0]["dato"] == "2024-08-15"
    assert rows[1]["orgnr"] == "974760673"
    assert rows[1]["fylkesnr"] == "3"
    assert rows[1]["nor_registrert"] == "J"


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused():
    assert (
        refusal(b"orgnr;navn\n1;2\n", "opplaeringskontor.xlsx")
        == "Filen kan ikke leses som Excel-arbeidsbok (.xlsx)."
    )


def test_a_workbook_missing_a_column_is_refused_like_a_csv_file():
    data = xlsx([["orgnr", "navn", "fylkesnr"], [974760673, "OK", "46"]])
    assert refusal(data, "opplaeringskontor.xlsx") == "Filen mangler kolonnen «nor_registrert»."


# --- Finding the files ----------------------------------------------------------------------

NAMES = ["opplaeringskontor", "laerebedrifter", "faglige_ledere", "kontrakter"]


def write_four(folder, ext=".csv"):
    folder.mkdir(parents=True, exist_ok=True)
    for name in NAMES:
        (folder / f"{name}{ext}").write_bytes(name.encode())
    return folder


def test_a_folder_with_the_four_files_is_an_extract(tmp_path):
    folder = write_four(tmp_path / "uttrekk")
    (folder / "LES-MEG.txt").write_text("hei")
    extract = collect_extract([folder])
    assert extract.refusals == []
    assert sorted(extract.files) == sorted(NAMES)
    assert extract.files["kontrakter"].data == b"kontrakter"
    assert extract.ignored == ["LES-MEG.txt"]


def test_single_files_in_any_case_make_an_extract(tmp_path):
    paths = []
    for name in NAMES:
        path = tmp_path / f"{name.upper()}.CSV"
        path.write_bytes(b"x")
        paths.append(path)
    extract = collect_extract(paths)
    assert extract.refusals == []
    assert extract.files["laerebedrifter"].name == "LAEREBEDRIFTER.CSV"


def test_a_zip_file_with_the_files_in_a_folder_is_an_extract(tmp_path):
    path = tmp_path / "uttrekk.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name in NAMES:
            archive.writestr(f"uttrekk-2026/{name}.csv", name)
        archive.writestr("__MACOSX/uttrekk-2026/._kontrakter.csv", "junk")
    extract = collect_extract([path])
    assert extract.refusals == []
    assert extract.files["faglige_ledere"].data == b"faglige_ledere"
    assert extract.files["faglige_ledere"].name == "faglige_ledere.csv"


def test_a_missing_file_refuses_the_extract(tmp_path):
    folder = write_four(tmp_path / "uttrekk")
    (folder / "faglige_ledere.csv").unlink()
    extract = collect_extract([folder])
    assert [(r.file, r.message) for r in extract.refusals] == [
        (
            "faglige_ledere.csv",
            "Filen mangler i uttrekket (faglige_ledere.csv eller faglige_ledere.xlsx).",
        )
    ]


def test_the_same_file_twice_refuses_the_extract(tmp_path):
    folder = write_four(tmp_path / "uttrekk")
    (folder / "kontrakter.xlsx").write_bytes(b"x")
    extract = collect_extract([folder])
    assert [r.message for r in extract.refusals] == [
        "Uttrekket har mer enn én fil for kontrakter: kontrakter.csv, kontrakter.xlsx."
    ]


def test_a_broken_zip_file_refuses_the_extract(tmp_path):
    path = tmp_path / "uttrekk.zip"
    path.write_bytes(b"PK\x03\x04 not really")
    extract = collect_extract([path])
    assert ("uttrekk.zip", "Filen er ikke en gyldig zip-fil.") in [
        (r.file, r.message) for r in extract.refusals
    ]


def test_a_path_that_does_not_exist_refuses_the_extract(tmp_path):
    extract = collect_extract([tmp_path / "finnes-ikke"])
    assert ("finnes-ikke", "Finner ikke filen eller mappen.") in [
        (r.file, r.message) for r in extract.refusals
    ]
