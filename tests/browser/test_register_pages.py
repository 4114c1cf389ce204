"""The register import and the quality report in a browser: WCAG 2.1 AA, a phone's width,
and the upload working with and without JavaScript."""

import re

import pytest

from portal.celery import app
from portal.lib.oslo import oslo_today
from registry_import.models import ContractStatus, ImportRun, ImportStatus
from registry_import.selectors import reference_date_of
from tests import register_rows as rows
from tests.browser.conftest import axe_violations, follow, log_in
from tests.conftest import PASSWORD
from tests.registry_import.conftest import ExtractBuilder

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REF = reference_date_of(oslo_today().year)
LONG_AGO = REF.replace(year=REF.year - 2)
LATER = REF.replace(year=REF.year + 1)


@pytest.fixture
def eager():
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def something_of_each_kind(county):
    office = rows.office(county, name="Uregistrert opplæringskontor", nor=False)
    company = rows.company(county, name="Uregistrert AS", nlr=False, office=office)
    rows.contract(rows.apprentice(), company, start=LONG_AGO, end=LATER)
    reachable = rows.company(county, name="Registrert AS")
    rows.leader(reachable, email="", email_valid=False, mobile="123", mobile_valid=False)
    rows.leader(reachable, mobile="", mobile_valid=False)
    rows.contract(
        rows.apprentice(last_name="Utenepost", email="", email_valid=False),
        reachable,
        start=LONG_AGO,
        end=LATER,
    )
    rows.contract(
        rows.apprentice(),
        reachable,
        start=LONG_AGO,
        end=REF,
        status=ContractStatus.COMPLETED,
    )


def test_the_quality_report_meets_wcag_aa_and_fits_a_phone(page_factory, county_a, county_a_admin):
    something_of_each_kind(county_a)
    page = page_factory(width=320)
    log_in(page, county_a_admin.email, PASSWORD)
    follow(page.get_by_role("link", name=re.compile("Kvalitetsrapport")))
    assert page.url.endswith("/fylke/46/kvalitet/")
    assert page.get_by_role("heading", level=1).inner_text() == "Kvalitetsrapport – Vestland"
    assert page.get_by_role("table", name="Sammendrag").is_visible()
    assert "Utenepost" in page.content()
    assert "igjen" in page.locator("#deadline").inner_text()
    assert axe_violations(page) == []
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    assert page.console_errors == []


def test_the_upload_page_meets_wcag_aa(page, national_admin):
    ImportRun.objects.create(
        status=ImportStatus.SUCCEEDED,
        started_by=national_admin,
        source="upload",
        counts={
            "kontrakter.csv": {"new": 3, "changed": 0, "unchanged": 0, "gone": 0, "skipped": 0}
        },
    )
    log_in(page, national_admin.email, PASSWORD)
    page.get_by_role("link", name=re.compile("Registerimport")).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Registerimport"
    assert axe_violations(page) == []
    assert page.console_errors == []


def test_an_extract_is_uploaded_and_its_report_read_without_javascript(
    page_factory, national_admin, counties, tmp_path, eager, uploads_in_tmp
):
    folder = ExtractBuilder.default().write(tmp_path / "uttrekk")
    page = page_factory(javascript=False)
    log_in(page, national_admin.email, PASSWORD)
    page.goto("/nasjonalt/registerimport/")
    page.get_by_label("Filene i uttrekket").set_input_files(sorted(folder.iterdir()))
    page.get_by_role("button", name="Last opp og importer").click()
    page.wait_for_load_state()
    run = ImportRun.objects.get()
    assert page.url.endswith(f"/nasjonalt/registerimport/{run.pk}/")
    assert run.status == ImportStatus.SUCCEEDED
    assert "Status: Importert" in page.get_by_role("status").inner_text()
    assert page.get_by_role("table", name="Rader per fil").is_visible()


def test_the_finished_report_meets_wcag_aa(
    page, national_admin, counties, tmp_path, eager, uploads_in_tmp
):
    builder = ExtractBuilder.default()
    builder.contracts[1]["startdato"] = "31.02.2025"
    folder = builder.write(tmp_path / "uttrekk")
    log_in(page, national_admin.email, PASSWORD)
    page.goto("/nasjonalt/registerimport/")
    page.get_by_label("Filene i uttrekket").set_input_files(sorted(folder.iterdir()))
    page.get_by_label(re.compile("Prøvekjøring")).check()
    page.get_by_role("button", name="Last opp og importer").click()
    page.wait_for_load_state()
    assert "prøvekjøring" in page.get_by_role("status").inner_text()
    assert page.get_by_role("table", name="Feil").is_visible()
    assert axe_violations(page) == []
    assert page.console_errors == []


@pytest.mark.parametrize("javascript", [True, False])
def test_the_progress_page_follows_a_running_import_until_it_ends(
    page_factory, national_admin, javascript
):
    run = ImportRun.objects.create(status=ImportStatus.RUNNING, started_by=national_admin)
    page = page_factory(javascript=javascript)
    log_in(page, national_admin.email, PASSWORD)
    page.goto(f"/nasjonalt/registerimport/{run.pk}/")
    assert page.locator("progress").count() == 1
    if javascript:
        # The page is polled by htmx; axe cannot see the refresh inside <noscript>.
        assert axe_violations(page) == []
    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.SUCCEEDED, message="Uttrekket ble importert."
    )
    page.get_by_text("Uttrekket ble importert.").wait_for(timeout=10_000)
    assert page.locator("progress").count() == 0
    assert page.console_errors == []
