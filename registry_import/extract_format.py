"""The register extract format (docs/formats.md), described once.

Each of the four files is a `FileFormat`: its columns in the documented order, which are
required, what kind of value each holds, the record field it fills and, for a reference, the
file it points into. Everything else is derived from it: the columns the reader asks for, the
row checker's parsers, the importer's writes, the demo extract's headers, the import command's
help, the tests' helpers and the tables of docs/formats.md (`format_markdown`, compared with the
file by a test).

A record field is named after the model field it is stored in; a foreign key's field holds the
natural key of the row it points at (an organisation number, a register id, a county number)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from registry_import.extract_files import COMPANIES, CONTRACTS, KINDS, LEADERS, OFFICES


class Kind(Enum):
    """What a column holds, and so how the row checker reads it."""

    TEXT = "text"  # trimmed text, at most `max_length` characters
    ORGNR = "orgnr"  # organisation number
    REGISTER_ID = "register_id"  # a register's own id, as text
    COUNTY = "county"  # county number (placed on the survey year's structure, R-P4)
    MUNICIPALITY = "municipality"  # municipality number
    BOOLEAN = "boolean"  # J/N
    DATE = "date"
    EMAIL = "email"  # kept even when invalid, with `<field>_valid`
    MOBILE = "mobile"  # kept even when invalid, with `<field>_valid`
    IDENTITY = "identity"  # fødselsnummer, kept only as a pseudonym
    CONTRACT_KIND = "contract_kind"
    CONTRACT_STATUS = "contract_status"


@dataclass(frozen=True)
class Column:
    name: str
    required: bool
    kind: Kind
    field: str
    meaning: str
    max_length: int = 0  # TEXT and REGISTER_ID
    refers_to: str = ""  # the file whose key a reference names

    @property
    def fields(self) -> tuple[str, ...]:
        """The record fields the column fills."""
        if self.kind in (Kind.EMAIL, Kind.MOBILE):
            return (self.field, f"{self.field}_valid")
        if self.refers_to and not self.required:
            # A reference to a row the extract lacks is kept as written, the field left empty.
            return (self.field, f"unknown_{self.field}")
        return (self.field,)


@dataclass(frozen=True)
class FileFormat:
    kind: str  # one of extract_files.KINDS; the file name without extension
    title: str
    key: str  # the column that names each row
    columns: tuple[Column, ...]

    @property
    def file_name(self) -> str:
        return f"{self.kind}.csv"

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if c.required)

    @property
    def optional(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns if not c.required)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    @property
    def fields(self) -> tuple[str, ...]:
        """The record's fields after its line number, in column order."""
        return tuple(f for c in self.columns for f in c.fields)

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


ORGNR_MEANING = (
    "organisation number: 9 digits, valid modulus-11 check digit (spaces allowed in input, "
    "`974 760 673`)"
)
# The model's column sizes: a longer value would fail the database write.
NAME = 200
PERSON_NAME = 100
REGISTER_ID = 64
TRADE_CODE = 10

OFFICE_FORMAT = FileFormat(
    kind=OFFICES,
    title="training offices",
    key="orgnr",
    columns=(
        Column("orgnr", True, Kind.ORGNR, "orgnr", ORGNR_MEANING),
        Column("navn", True, Kind.TEXT, "name", "name", NAME),
        Column(
            "fylkesnr",
            True,
            Kind.COUNTY,
            "county",
            "the county the office is located in (2 digits, see the county table)",
        ),
        Column(
            "nor_registrert",
            True,
            Kind.BOOLEAN,
            "nor_registered",
            "J when correctly registered in NOR; N offices are left out of samples (R-S4)",
        ),
        Column(
            "daglig_leder_navn", False, Kind.TEXT, "manager_name", "managing director's name", NAME
        ),
        Column("daglig_leder_epost", False, Kind.EMAIL, "email", "e-mail"),
        Column("daglig_leder_mobil", False, Kind.MOBILE, "mobile", "mobile number"),
    ),
)

COMPANY_FORMAT = FileFormat(
    kind=COMPANIES,
    title="training companies",
    key="orgnr",
    columns=(
        Column("orgnr", True, Kind.ORGNR, "orgnr", "as above"),
        Column("navn", True, Kind.TEXT, "name", "name", NAME),
        Column("fylkesnr", True, Kind.COUNTY, "county", "county the company is located in"),
        Column(
            "kommunenr",
            False,
            Kind.MUNICIPALITY,
            "municipality",
            "municipality, 4 digits; places the company, and its contracts, when the county "
            "number is one of another year's structure that was split or merged away",
        ),
        Column(
            "opplaeringskontor_orgnr",
            False,
            Kind.ORGNR,
            "training_office",
            "the training office it is a member of; empty = independent company",
            refers_to=OFFICES,
        ),
        Column(
            "nlr_registrert",
            True,
            Kind.BOOLEAN,
            "nlr_registered",
            "J when correctly registered in NLR; N companies are left out of samples (R-S4)",
        ),
    ),
)

LEADER_FORMAT = FileFormat(
    kind=LEADERS,
    title="professional leaders",
    key="faglig_leder_id",
    columns=(
        Column(
            "faglig_leder_id",
            True,
            Kind.REGISTER_ID,
            "register_id",
            "the register's stable id for the person in that company",
            REGISTER_ID,
        ),
        Column("bedrift_orgnr", True, Kind.ORGNR, "company", "the company", refers_to=COMPANIES),
        Column("fornavn", True, Kind.TEXT, "first_name", "first name", PERSON_NAME),
        Column("etternavn", True, Kind.TEXT, "last_name", "last name", PERSON_NAME),
        Column("epost", False, Kind.EMAIL, "email", "e-mail"),
        Column("mobil", False, Kind.MOBILE, "mobile", "mobile number"),
    ),
)

CONTRACT_FORMAT = FileFormat(
    kind=CONTRACTS,
    title="one row per contract, with its apprentice",
    key="kontrakt_id",
    columns=(
        Column(
            "kontrakt_id",
            True,
            Kind.REGISTER_ID,
            "register_id",
            "the register's stable contract id",
            REGISTER_ID,
        ),
        Column(
            "fodselsnummer",
            True,
            Kind.IDENTITY,
            "apprentice",
            "the apprentice's national identity number (11 digits, both check digits valid; "
            "D-numbers allowed)",
        ),
        Column("fornavn", True, Kind.TEXT, "first_name", "first name", PERSON_NAME),
        Column("etternavn", True, Kind.TEXT, "last_name", "last name", PERSON_NAME),
        Column("epost", False, Kind.EMAIL, "email", "e-mail"),
        Column("mobil", False, Kind.MOBILE, "mobile", "mobile number"),
        Column(
            "kontrakttype",
            True,
            Kind.CONTRACT_KIND,
            "kind",
            "`LÆREKONTRAKT` (lærling) or `OPPLÆRINGSKONTRAKT` (lærekandidat)",
        ),
        Column(
            "status",
            True,
            Kind.CONTRACT_STATUS,
            "status",
            "`LØPENDE` (running), `FULLFØRT` (completed), `HEVET` (terminated)",
        ),
        Column("startdato", True, Kind.DATE, "start_date", "contract start"),
        Column("sluttdato", True, Kind.DATE, "end_date", "planned (or actual) end"),
        Column(
            "laerefag_kode", True, Kind.TEXT, "trade", "trade code, e.g. `ELELE3----`", TRADE_CODE
        ),
        Column(
            "laerefag_navn",
            True,
            Kind.TEXT,
            "trade_name",
            "trade name, e.g. `Elektrikerfaget`",
            NAME,
        ),
        Column(
            "bedrift_orgnr", True, Kind.ORGNR, "company", "training company", refers_to=COMPANIES
        ),
        Column(
            "opplaeringskontor_orgnr",
            False,
            Kind.ORGNR,
            "training_office",
            "the training office that follows up the contract, if any",
            refers_to=OFFICES,
        ),
        Column(
            "faglig_leder_id",
            False,
            Kind.REGISTER_ID,
            "professional_leader",
            "the apprentice's professional leader",
            REGISTER_ID,
            refers_to=LEADERS,
        ),
        Column("fylkesnr", True, Kind.COUNTY, "county", "the county responsible for the contract"),
    ),
)

FORMATS: dict[str, FileFormat] = {
    f.kind: f for f in (OFFICE_FORMAT, COMPANY_FORMAT, LEADER_FORMAT, CONTRACT_FORMAT)
}
assert tuple(FORMATS) == KINDS, "the files are described in the order they are read"


def format_help() -> str:
    """The four files' columns for the import command's help: required ones, then [optional]."""
    lines = []
    for spec in FORMATS.values():
        text = ", ".join(spec.required)
        if spec.optional:
            text += " [" + ", ".join(spec.optional) + "]"
        lines.append(_wrapped(f"  {spec.kind:<20}", text))
    return "\n".join(lines)


def _wrapped(head: str, text: str, width: int = 92) -> str:
    out, line = [], head
    for word in text.split(" "):
        if len(line) + len(word) + 1 > width and line.strip():
            out.append(line.rstrip())
            line = " " * len(head)
        line += word + " "
    out.append(line.rstrip())
    return "\n".join(out)


def format_markdown(spec: FileFormat) -> str:
    """The file's section of docs/formats.md: heading and column table."""
    rows = [
        f"## `{spec.file_name}` — {spec.title}",
        "",
        "| column | required | meaning |",
        "|---|---|---|",
    ]
    for column in spec.columns:
        rows.append(
            f"| `{column.name}` | {'yes' if column.required else 'no'} | {column.meaning} |"
        )
    return "\n".join(rows)
