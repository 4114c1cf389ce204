"""Reading a register extract (docs/formats.md): finding its four files in folders, zip files or
single paths, and reading each one, CSV or .xlsx, as a header and rows of trimmed strings.

Everything here is about the files as files: a file that cannot be read as a table of the
format raises FileRefused with a message naming what is wrong, and the whole extract is then
refused. What the values mean is registry_import.validation's business."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path

import charset_normalizer
from django.utils.translation import gettext as _

from registry_import.zipcheck import zip_problem

# The four files of an extract, in the order they are read: each refers only to those before.
OFFICES = "opplaeringskontor"
COMPANIES = "laerebedrifter"
LEADERS = "faglige_ledere"
CONTRACTS = "kontrakter"
KINDS = (OFFICES, COMPANIES, LEADERS, CONTRACTS)
EXTENSIONS = (".csv", ".xlsx")

# Far above a national extract (about 15 MB); stops a mistaken or hostile upload from filling
# the memory, zip bombs included.
MAX_FILE_BYTES = 200 * 1024 * 1024

_BOM_UTF8 = b"\xef\xbb\xbf"
_DELIMITERS = ";,\t"
# Control characters no register value contains: their presence means the bytes are not text.
_BINARY = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# What UTF-8 Æ, Ø and Å look like read as Windows-1252: a file mixing the two encodings.
_MOJIBAKE = ("Ã¦", "Ã¸", "Ã¥", "Ã†", "Ã˜", "Ã…")


class FileRefused(Exception):
    """The file cannot be read as the format. `message` is for people and names no value."""

    def __init__(self, file: str, message: str, *, line: int | None = None, column: str = ""):
        super().__init__(f"{file}: {message}")
        self.file = file
        self.message = message
        self.line = line
        self.column = column


@dataclass
class SourceFile:
    """One file of the extract, read into memory (a national extract is a few MB per file)."""

    kind: str  # one of KINDS
    name: str  # as shown in reports: the file's own name, e.g. "kontrakter.csv"
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    @property
    def is_xlsx(self) -> bool:
        return self.name.lower().endswith(".xlsx")


@dataclass
class Extract:
    """The files found among the given paths, and what was wrong with the set."""

    files: dict[str, SourceFile] = field(default_factory=dict)
    refusals: list[FileRefused] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # names of files not in the format


def file_kind(name: str) -> str | None:
    """Which of the four files a file name is (case and Æ/Ø/Å spelling aside), or None."""
    path = Path(name)
    if path.suffix.lower() not in EXTENSIONS:
        return None
    stem = path.stem.strip().lower().replace("æ", "ae").replace("ø", "o").replace("å", "a")
    stem = stem.replace("-", "_").replace(" ", "_")
    return stem if stem in KINDS else None


def collect_extract(sources: Sequence[Path | str]) -> Extract:
    """Finds the four files among folders (their own files, not subfolders), .zip files and
    single files. Files that are not part of the format are listed in `ignored`; a missing
    file, a file given twice or an unreadable path is a refusal."""
    extract = Extract()
    found: dict[str, list[SourceFile]] = {kind: [] for kind in KINDS}

    def add(name: str, read) -> None:
        kind = file_kind(name)
        if kind is None:
            extract.ignored.append(name)
            return
        try:
            data = read()
        except FileRefused as refusal:
            extract.refusals.append(refusal)
            return
        found[kind].append(SourceFile(kind, name, data))

    def add_path(path: Path) -> None:
        if path.suffix.lower() == ".zip":
            add_zip(path)
        else:
            add(path.name, lambda: _read_path(path))

    def add_zip(path: Path) -> None:
        if problem := zip_problem(path):  # sizes and ratios checked before unpacking
            extract.refusals.append(FileRefused(path.name, problem))
            return
        try:
            archive = zipfile.ZipFile(path)
        except (OSError, zipfile.BadZipFile):
            extract.refusals.append(FileRefused(path.name, _("The file is not a valid zip file.")))
            return
        with archive:
            for info in archive.infolist():
                member = info.filename.replace("\\", "/")
                name = member.rsplit("/", 1)[-1]
                if info.is_dir() or not name or name.startswith(".") or "__MACOSX/" in member:
                    continue
                add(name, lambda info=info, name=name: _read_member(archive, info, name))

    for source in sources:
        path = Path(source)
        if path.is_dir():
            for child in sorted(path.iterdir()):
                if child.is_file() and not child.name.startswith("."):
                    add_path(child)
        elif path.is_file():
            add_path(path)
        else:
            extract.refusals.append(
                FileRefused(path.name or str(path), _("No such file or folder."))
            )

    for kind in KINDS:
        candidates = found[kind]
        if len(candidates) == 1:
            extract.files[kind] = candidates[0]
        elif not candidates:
            extract.refusals.append(
                FileRefused(
                    f"{kind}.csv",
                    _("The file is missing from the extract (%(csv)s or %(xlsx)s).")
                    % {"csv": f"{kind}.csv", "xlsx": f"{kind}.xlsx"},
                )
            )
        else:
            extract.refusals.append(
                FileRefused(
                    candidates[0].name,
                    _("The extract has more than one file for %(kind)s: %(names)s.")
                    % {"kind": kind, "names": ", ".join(c.name for c in candidates)},
                )
            )
    return extract


def _read_path(path: Path) -> bytes:
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise FileRefused(path.name, _too_large())
        return path.read_bytes()
    except OSError:
        raise FileRefused(path.name, _("The file cannot be opened.")) from None


def _read_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, name: str) -> bytes:
    if info.file_size > MAX_FILE_BYTES:
        raise FileRefused(name, _too_large())
    try:
        with archive.open(info) as member:
            data = member.read(MAX_FILE_BYTES + 1)
    except (OSError, zipfile.BadZipFile, NotImplementedError, RuntimeError):
        raise FileRefused(name, _("The file cannot be unpacked from the zip file.")) from None
    if len(data) > MAX_FILE_BYTES:
        raise FileRefused(name, _too_large())
    return data


def _too_large() -> str:
    return _("The file is larger than %(size)s MB.") % {"size": MAX_FILE_BYTES // (1024 * 1024)}


# --- One file as a table --------------------------------------------------------------------


def normalise_header(name: object) -> str:
    return str(name if name is not None else "").replace("\ufeff", "").strip().lower()


@dataclass
class Table:
    """A file's header and rows. `columns` maps each header name (lower case) to its index;
    rows are (line, values) with line 1-based as a spreadsheet shows it (the header is line 1
    when it is the first line); values are trimmed strings, "" when empty."""

    name: str
    columns: dict[str, int]
    extra_columns: list[str]
    header_line: int
    total_rows: int  # data rows, for progress
    _rows: list[tuple[int, list[str]]]

    def rows(self) -> Iterator[tuple[int, list[str]]]:
        return iter(self._rows)


def read_table(source: SourceFile, required: Sequence[str], optional: Sequence[str]) -> Table:
    """Reads the file as a header and rows, refusing it (FileRefused) when it is empty, not
    text, not a table of the format, or has no rows."""
    if not source.data.strip():
        raise FileRefused(source.name, _("The file is empty."))
    lines = _xlsx_lines(source) if source.is_xlsx else _csv_lines(source, decode_text(source))
    header_line = 0
    header: list[str] = []
    for number, values in lines:
        if any(values):
            header_line, header = number, [normalise_header(v) for v in values]
            break
    if not header_line:
        raise FileRefused(source.name, _("The file is empty."))

    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        if not name:
            continue
        if name in columns:
            raise FileRefused(
                source.name,
                _("The column «%(column)s» appears more than once in the header.")
                % {"column": name},
                line=header_line,
                column=name,
            )
        columns[name] = index
    missing = [c for c in required if c not in columns]
    if len(missing) == len(required):
        raise FileRefused(
            source.name,
            _("The file is not a table of the extract format: none of the columns %(columns)s.")
            % {"columns": ", ".join(required)},
            line=header_line,
        )
    if missing:
        message = (
            _("The file lacks the column %(columns)s.")
            if len(missing) == 1
            else _("The file lacks the columns %(columns)s.")
        )
        raise FileRefused(
            source.name,
            message % {"columns": ", ".join(f"«{c}»" for c in missing)},
            line=header_line,
            column=missing[0],
        )
    known = set(required) | set(optional)
    extra = [name for name in columns if name not in known]

    rows = [(number, values) for number, values in lines if number > header_line and any(values)]
    if not rows:
        raise FileRefused(source.name, _("The file has no rows below the header."))
    return Table(
        name=source.name,
        columns=columns,
        extra_columns=extra,
        header_line=header_line,
        total_rows=len(rows),
        _rows=rows,
    )


def decode_text(source: SourceFile) -> str:
    """The file's text: UTF-8 with or without BOM, or Windows-1252 as Excel in Norway saves
    it, told apart by charset-normalizer. Anything else is refused."""
    data = source.data
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise FileRefused(
            source.name,
            _("The file is saved as UTF-16; save it as CSV in UTF-8 or Windows-1252."),
        )
    if data.startswith(b"PK\x03\x04"):
        raise FileRefused(
            source.name, _("The file is a spreadsheet or zip file, but its name ends in .csv.")
        )
    try:
        # Valid UTF-8 with any letter outside ASCII is practically never meant as anything
        # else, and the check is exact where a detector samples.
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        if data.startswith(_BOM_UTF8):
            raise FileRefused(
                source.name, _("The file has a UTF-8 byte-order mark but is not valid UTF-8.")
            ) from None
        text = _decode_windows_1252(source)
    if _BINARY.search(text):
        raise FileRefused(source.name, _("The file holds binary data and is not a CSV file."))
    return text


def _decode_windows_1252(source: SourceFile) -> str:
    unreadable = _("The file is not readable text in UTF-8 or Windows-1252.")
    try:
        text = source.data.decode("cp1252")
    except UnicodeDecodeError:
        raise FileRefused(source.name, unreadable) from None
    # Mostly UTF-8 with some Windows-1252 (rows pasted in from another file): refused with its
    # own message, as reading it either way would garble some names.
    if any(sequence in text for sequence in _MOJIBAKE):
        raise FileRefused(
            source.name,
            _("The file mixes UTF-8 and Windows-1252; save it again in one encoding."),
        )
    if charset_normalizer.from_bytes(source.data, cp_isolation=["cp1252"]).best() is None:
        raise FileRefused(source.name, unreadable)
    return text


def sniff_delimiter(text: str) -> str:
    """`;` unless the file clearly uses `,` or tab: decided on the header line, whose column
    names hold none of the three, with csv.Sniffer (limited to those) to break a tie."""
    start = text.lstrip("\r\n")
    end = len(start)
    for newline in ("\n", "\r"):
        position = start.find(newline)
        if position != -1:
            end = min(end, position)
    header = start[:end]
    present = [d for d in _DELIMITERS if d in header]
    if len(present) == 1:
        return present[0]
    if not present:
        return ";"
    sample = "\n".join(start[:65536].splitlines()[:50])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters="".join(present)).delimiter
    except csv.Error:
        sniffed = ""
    if sniffed in present:
        return sniffed
    return max(present, key=lambda d: (header.count(d), d == ";"))


def _csv_lines(source: SourceFile, text: str) -> list[tuple[int, list[str]]]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sniff_delimiter(text))
    lines = []
    last = 0
    try:
        for values in reader:
            # A quoted value may span lines: the row is numbered by the line it starts on.
            lines.append((last + 1, [v.strip() for v in values]))
            last = reader.line_num
    except csv.Error:
        raise FileRefused(
            source.name,
            _("The file is not valid CSV from line %(line)s (a quote that is never closed?).")
            % {"line": last + 1},
            line=last + 1,
        ) from None
    return lines


def _xlsx_lines(source: SourceFile) -> list[tuple[int, list[str]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except Exception:
        # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook.
        raise FileRefused(
            source.name, _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from None
    try:
        if not workbook.worksheets:
            raise FileRefused(source.name, _("The file is empty."))
        sheet = workbook.worksheets[0]
        lines = []
        # Read-only sheets yield every row from the first, empty ones included, so the
        # position is the row number a spreadsheet shows.
        for number, values in enumerate(sheet.iter_rows(min_row=1, values_only=True), start=1):
            lines.append((number, [_cell_text(v) for v in values]))
        return lines
    except FileRefused:
        raise
    except Exception:
        raise FileRefused(
            source.name, _("The file cannot be read as an Excel workbook (.xlsx).")
        ) from None
    finally:
        workbook.close()


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "J" if value else "N"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
