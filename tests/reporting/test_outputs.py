"""PDF, CSV, XLSX and JSON show the same figures as the pages and hide the same ones; the
research export is given only for a registered project and is logged."""

import csv
import io
import json
from collections import Counter
from datetime import timedelta
from itertools import pairwise

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from portal.lib.oslo import oslo_today
from portal.models import AuditAction, AuditEntry
from reporting.models import PdfReport, ResearchExport, ResearchProject
from reporting.scopes import ResultScope
from reporting.selectors import publication_get, results_overview

pytestmark = pytest.mark.django_db


def _pdf_text(client, url_prefix: str, capture) -> tuple[str, PdfReader]:
    with capture(execute=True):
        response = client.post(url_prefix + "pdf/")
    assert response.status_code == 302
    status = client.get(response["Location"])
    assert "rapport.pdf" in status.content.decode()
    pdf = client.get(response["Location"] + "rapport.pdf")
    assert pdf["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.content))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def test_the_pdf_report_has_the_pages_figures(
    client, published, county_a_admin, world, django_capture_on_commit_callbacks
):
    client.force_login(county_a_admin)
    text, reader = _pdf_text(
        client, "/fylke/46/resultater/2024/lu/", django_capture_on_commit_callbacks
    )
    overview = results_overview(ResultScope.of_county(world.county_a), publication_get("LU", 2024))
    assert "Lærlingundersøkelsen" in text  # æ and ø survive
    assert str(overview.answers.n) in text
    for row in overview.indexes:
        assert row.item.label in text
        assert f"{row.figure.mean:.1f}".replace(".", ",") in text
    assert "*" in text  # hidden figures stay hidden
    assert world.offices["one"].name in text
    assert reader.metadata.title == "Resultater fra Lærlingundersøkelsen 2024: Vestland"
    assert reader.root_object["/Lang"] == "nb"
    assert AuditEntry.objects.filter(action=AuditAction.DOWNLOAD, target__endswith=".pdf").exists()


def test_the_pdf_is_kept_until_the_round_is_published_again(client, published, county_a_admin):
    client.force_login(county_a_admin)
    client.post("/fylke/46/resultater/2024/lu/pdf/")
    client.post("/fylke/46/resultater/2024/lu/pdf/")
    assert PdfReport.objects.count() == 1
    from reporting.services.publishing import round_publish

    round_publish(round_id=published.round_id)
    assert PdfReport.objects.count() == 0


def test_csv_xlsx_and_json_agree_and_hide_the_same_figures(client, published, county_a_admin):
    client.force_login(county_a_admin)
    base = "/fylke/46/resultater/2024/lu/tabeller/indeks-trivsel"
    raw = client.get(base + ".csv").content
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    sheet = load_workbook(io.BytesIO(client.get(base + ".xlsx").content)).active
    xlsx_rows = [
        [("" if c is None else str(c)) for c in r] for r in sheet.iter_rows(values_only=True)
    ]
    assert [r[:3] for r in rows] == [r[:3] for r in xlsx_rows]
    hidden_csv = {(r[0], r[1]) for r in rows[1:] if r[2] == "*"}
    document = json.loads(client.get(base + ".json").content)
    hidden_json = [f for f in document["tables"][0]["figures"] if f["n"] == "*"]
    assert len(hidden_csv) == len(hidden_json) > 0
    assert all(set(f) == {"unit", "item", "n"} for f in hidden_json)
    page = client.get("/fylke/46/resultater/2024/lu/sporsmal/indeks-trivsel/").content.decode()
    assert page.count('class="hidden-figure"') >= len(hidden_json)
    downloads = AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).count()
    assert downloads == 3


def test_national_json_is_open_and_shows_no_small_group(client, published, settings):
    document = json.loads(client.get("/api/resultater/2024/lu/nasjonalt.json").content)
    figures = [f for t in document["tables"] for f in t["figures"]]
    assert figures
    for figure in figures:
        assert figure["n"] == "*" or figure["n"] == 0 or figure["n"] >= settings.REPORTING_THRESHOLD
        if figure["n"] == "*":
            assert set(figure) == {"unit", "item", "n"}
    assert {f["unit"]["type"] for f in figures} >= {"N", "C", "NT"}
    assert not AuditEntry.objects.filter(action=AuditAction.DOWNLOAD).exists()  # nobody to log


# --- The research export (R-L8) ----------------------------------------------------------------


def test_a_project_needs_a_researcher_and_a_signed_declaration(client, published, national_admin):
    client.force_login(national_admin)
    response = client.post(
        "/nasjonalt/forskning/", {"title": "Læringsmiljø", "institution": "NIFU"}
    )
    assert response.status_code == 200
    assert not ResearchProject.objects.exists()
    tomorrow = (oslo_today() + timedelta(days=1)).isoformat()
    response = client.post(
        "/nasjonalt/forskning/",
        {
            "title": "Læringsmiljø",
            "institution": "NIFU",
            "researcher_name": "Kari Forsker",
            "researcher_email": "kari@nifu.test",
            "declaration_signed_on": tomorrow,
        },
    )
    assert response.status_code == 200
    assert not ResearchProject.objects.exists()


def test_the_export_is_coarsened_and_logged(client, published, national_admin, settings):
    client.force_login(national_admin)
    response = client.post(
        "/nasjonalt/forskning/",
        {
            "title": "Læringsmiljø",
            "institution": "NIFU",
            "researcher_name": "Kari Forsker",
            "researcher_email": "kari@nifu.test",
            "declaration_signed_on": oslo_today().isoformat(),
        },
    )
    project = ResearchProject.objects.get()
    assert response["Location"] == f"/nasjonalt/forskning/{project.pk}/"
    response = client.post(response["Location"], {"round": published.round_id})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert len(rows) == published.answers
    combinations = Counter(
        (r["county"], r["training_office"], r["company"], r["trade"], r["apprentice_kind"])
        for r in rows
    )
    for combination, count in combinations.items():
        assert count >= settings.REPORTING_THRESHOLD or not any(combination), combination
    assert "trivsel_trives" in rows[0]
    export = ResearchExport.objects.get()
    assert export.rows == len(rows) and export.exported_by == national_admin
    entry = AuditEntry.objects.get(action=AuditAction.RESEARCH_EXPORT)
    assert entry.user == national_admin and entry.detail["rows"] == len(rows)


def test_the_research_export_is_national_only(client, published, county_a_admin):
    project = ResearchProject.objects.create(
        title="X",
        institution="Y",
        researcher_name="Z",
        researcher_email="z@y.test",
        declaration_signed_on=oslo_today(),
    )
    client.force_login(county_a_admin)
    assert (
        client.post(
            f"/nasjonalt/forskning/{project.pk}/", {"round": published.round_id}
        ).status_code
        == 404
    )
    assert not ResearchExport.objects.exists()


def test_the_pdf_table_headers_are_laid_out_in_order_without_overlap(
    client, published, county_a_admin, django_capture_on_commit_callbacks
):
    """Each header row of the report's tables reads in order, each heading starting to the
    right of where the one before it ends (by the font's own widths), in the pages' words."""
    from reportlab.pdfbase.pdfmetrics import stringWidth

    from reporting.services.pdf_reports import FONT, FONT_BOLD

    client.force_login(county_a_admin)
    text, reader = _pdf_text(
        client, "/fylke/46/resultater/2024/lu/", django_capture_on_commit_callbacks
    )
    assert "Invitert" in text and "Spurt" not in text
    placed: list[tuple[float, float, str, str, float]] = []

    def visit(chunk, cm, tm, font, size):
        if chunk.strip():
            bold = "Bold" in str((font or {}).get("/BaseFont", ""))
            x, y = tm[4] * cm[0] + cm[4], tm[5] * cm[3] + cm[5]
            name = FONT_BOLD if bold else FONT
            placed.append((x, y, chunk.strip(), name, size * (tm[0] * cm[0] or 1)))

    rows = {
        "Indeks": ["Indeks", "Svar", "Gjennomsnitt", "Nasjonalt", "Mål", "I fjor"],
        "Enhet": ["Enhet", "Invitert", "Svar", "Svarprosent"],
        "Lærefag": ["Lærefag", "Svar", "Gjennomsnitt", "Nasjonalt"],
    }
    checked = set()
    for page in reader.pages:
        placed.clear()
        page.extract_text(visitor_text=visit)
        for first, headings in rows.items():
            starts = [p for p in placed if p[2] == first]
            for start in starts:
                row = sorted((p for p in placed if abs(p[1] - start[1]) < 1), key=lambda p: p[0])
                words = [p[2] for p in row]
                if words[: len(headings)] != headings:
                    continue
                for before, after in pairwise(row[: len(headings)]):
                    end = before[0] + stringWidth(before[2], before[3], before[4])
                    assert after[0] >= end - 0.5, f"{before[2]!r} runs into {after[2]!r}: {row}"
                checked.add(first)
    assert checked == set(rows)
