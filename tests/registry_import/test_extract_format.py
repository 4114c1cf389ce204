"""The extract format is described once (registry_import.extract_format); the documentation,
the import command's help, the demo extract and the importer's records all follow it."""

import contextlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command

from demo.register.extract import HEADERS
from registry_import.extract_format import FORMATS, Kind, format_markdown
from registry_import.importing.sync import STEPS
from registry_import.validation import RECORDS


def test_docs_formats_holds_the_described_columns_of_every_file():
    doc = (Path(settings.BASE_DIR) / "docs" / "formats.md").read_text(encoding="utf-8")
    for spec in FORMATS.values():
        section = format_markdown(spec)
        assert section in doc, (
            f"docs/formats.md differs from the format; it should read:\n{section}"
        )


def test_the_import_commands_help_lists_every_column_as_required_or_optional(capsys):
    with contextlib.suppress(SystemExit):
        call_command("import_extract", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    for spec in FORMATS.values():
        assert f"{spec.kind} {', '.join(spec.required)} [{', '.join(spec.optional)}]" in help_text


def test_the_demo_extract_writes_the_described_columns_in_order():
    assert {name: tuple(columns) for name, columns in HEADERS.items()} == {
        spec.file_name: spec.names for spec in FORMATS.values()
    }


def test_every_record_field_is_stored_in_a_model_field_of_the_same_name():
    """What makes the import's writes one short step per table with no positions: each step
    writes the record fields that are its model's fields."""
    written = set()
    for name, step in STEPS.items():
        record = RECORDS["kontrakter" if name in ("trades", "apprentices") else name]
        fields = step.fields(record)
        assert fields, name
        written |= {step.renamed.get(f, f) for f in fields} | {step.source or step.key}
    every = {f for spec in FORMATS.values() for f in spec.fields}
    assert every - written == set()


def test_required_columns_are_those_a_row_cannot_be_used_without():
    contracts = FORMATS["kontrakter"]
    assert contracts.column("fodselsnummer").kind is Kind.IDENTITY
    assert contracts.column("faglig_leder_id").refers_to == "faglige_ledere"
    assert not contracts.column("faglig_leder_id").required
    assert contracts.column("bedrift_orgnr").required
