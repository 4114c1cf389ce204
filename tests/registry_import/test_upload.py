"""Uploading an extract in the portal: who may, what it runs, and the progress page."""

import csv
import io
import time
from pathlib import Path

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from portal.celery import app
from registry_import.models import Contract, ImportRun, ImportStatus
from registry_import.uploads import (
    ProgressRecorder,
    import_progress_read,
    upload_directory,
    upload_filename,
)

FILES = ["opplaeringskontor", "laerebedrifter", "faglige_ledere", "kontrakter"]


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    return tmp_path


@pytest.fixture
def eager():
    """Tasks run in the request, as they do without Redis."""
    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


def upload_files(extract, tmp_path, *, skip=()) -> list[SimpleUploadedFile]:
    folder = extract.write(tmp_path / "extract", skip=skip)
    return [SimpleUploadedFile(p.name, p.read_bytes()) for p in sorted(folder.iterdir())]


def upload(client, files, *, dry_run=False, capture=None):
    data = {"files": files}
    if dry_run:
        data["dry_run"] = "on"
    with capture(execute=True):
        return client.post(reverse("import_list"), data)


@pytest.fixture
def national(client, national_admin, counties):
    client.force_login(national_admin)
    return client


# --- Who may ------------------------------------------------------------------------------

OTHERS = ["county_a_admin", "county_b_admin", "office_a_admin", "outsider"]


@pytest.mark.django_db
@pytest.mark.parametrize("persona", OTHERS)
def test_only_the_national_administrator_reaches_the_upload_and_the_runs(
    client, request, persona, national_admin
):
    run = ImportRun.objects.create(status=ImportStatus.SUCCEEDED, started_by=national_admin)
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("import_list")).status_code == 404
    assert client.post(reverse("import_list"), {}).status_code == 404
    assert client.get(reverse("import_run", args=[run.pk])).status_code == 404
    assert client.get(reverse("import_run_issues_csv", args=[run.pk])).status_code == 404
    assert ImportRun.objects.count() == 1


@pytest.mark.django_db
def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(reverse("import_list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.django_db
def test_the_national_dashboard_links_to_the_upload(national):
    assert reverse("import_list") in national.get(reverse("national_dashboard")).content.decode()


# --- The upload runs the import -----------------------------------------------------------


@pytest.mark.django_db
def test_an_upload_imports_the_extract_and_the_progress_page_shows_the_report(
    national, national_admin, extract, tmp_path, eager, django_capture_on_commit_callbacks
):
    response = upload(
        national, upload_files(extract, tmp_path), capture=django_capture_on_commit_callbacks
    )
    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("import_run", args=[run.pk])
    assert (run.status, run.source, run.started_by) == (
        ImportStatus.SUCCEEDED,
        "upload",
        national_admin,
    )
    assert set(Contract.objects.values_list("register_id", flat=True)) == {"K-1", "K-2", "K-3"}
    # The uploaded files hold identity numbers: they are gone once imported.
    assert not upload_directory(run.pk).exists()

    body = national.get(response["Location"]).content.decode()
    assert "Importert" in body
    assert "Lærekontrakter" in body  # the file named by what it holds, not by its file name
    assert "kontrakter.csv" not in body
    assert 'http-equiv="refresh"' not in body
    assert "hx-trigger" not in body
    listing = national.get(reverse("import_list")).content.decode()
    assert national_admin.email in listing
    assert reverse("import_run", args=[run.pk]) in listing


@pytest.mark.django_db
def test_a_zip_file_is_imported_too(
    national, extract, tmp_path, eager, django_capture_on_commit_callbacks
):
    archive = extract.write_zip(tmp_path / "uttrekk.zip")
    files = [SimpleUploadedFile("Uttrekk.ZIP", archive.read_bytes())]
    upload(national, files, capture=django_capture_on_commit_callbacks)
    assert ImportRun.objects.get().status == ImportStatus.SUCCEEDED
    assert Contract.objects.count() == 3


@pytest.mark.django_db
def test_a_dry_run_saves_nothing_and_says_so(
    national, extract, tmp_path, eager, django_capture_on_commit_callbacks
):
    response = upload(
        national,
        upload_files(extract, tmp_path),
        dry_run=True,
        capture=django_capture_on_commit_callbacks,
    )
    run = ImportRun.objects.get()
    assert run.dry_run
    assert run.status == ImportStatus.DRY_RUN
    assert Contract.objects.count() == 0
    body = national.get(response["Location"]).content.decode()
    assert "Kontrollert (prøvekjøring), ingenting lagret" in body
    assert run.counts["kontrakter.csv"]["new"] == 3


@pytest.mark.django_db
def test_a_refused_extract_shows_why(
    national, extract, tmp_path, eager, django_capture_on_commit_callbacks
):
    response = upload(
        national,
        upload_files(extract, tmp_path, skip=("kontrakter",)),
        capture=django_capture_on_commit_callbacks,
    )
    run = ImportRun.objects.get()
    assert run.status == ImportStatus.REFUSED
    assert Contract.objects.count() == 0
    body = national.get(response["Location"]).content.decode()
    assert "Avvist" in body
    [refusal] = run.errors
    assert "kontrakter" in refusal["message"]
    assert refusal["message"] in body


@pytest.mark.django_db
def test_rows_with_errors_are_listed_with_file_line_column_value_and_message(
    national, extract, tmp_path, eager, django_capture_on_commit_callbacks
):
    extract.contracts[1]["startdato"] = "31.02.2025"
    response = upload(
        national, upload_files(extract, tmp_path), capture=django_capture_on_commit_callbacks
    )
    run = ImportRun.objects.get()
    [error] = [e for e in run.errors if e["column"] == "startdato"]
    body = national.get(response["Location"]).content.decode()
    assert (
        f'<tr><td>kontrakter.csv</td><td class="num">{error["line"]}</td>'
        f"<td>startdato</td><td>31.02.2025</td><td>{error['message']}</td></tr>"
    ) in body


@pytest.mark.django_db
def test_the_task_records_an_unexpected_failure_and_removes_the_files(national_admin, monkeypatch):
    from registry_import import tasks

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "import_extract", explode)
    run = ImportRun.objects.create(source="upload", started_by=national_admin)
    upload_directory(run.pk).mkdir(parents=True)
    (upload_directory(run.pk) / "kontrakter.csv").write_text("x")
    tasks.run_import(run.pk)
    run.refresh_from_db()
    assert run.status == ImportStatus.FAILED
    assert "uventet feil" in run.message
    assert not upload_directory(run.pk).exists()


@pytest.mark.django_db
def test_a_run_already_taken_is_not_imported_twice(national_admin, monkeypatch):
    from registry_import import tasks

    calls = []
    monkeypatch.setattr(tasks, "import_extract", lambda *a, **k: calls.append(a))
    run = ImportRun.objects.create(status=ImportStatus.RUNNING, started_by=national_admin)
    tasks.run_import(run.pk)
    assert calls == []


# --- What the form accepts ----------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("names", "message"),
    [
        (["kontrakter.txt"], "er ikke en CSV-, XLSX- eller ZIP-fil"),
        (["uttrekk.zip", "kontrakter.csv"], "enten én ZIP-fil eller de enkelte filene"),
        (["a.csv", "b.csv", "c.csv", "d.csv", "e.csv"], "høyst 4 filer"),
        (["kontrakter.csv", "KONTRAKTER.csv"], "er valgt to ganger"),
    ],
)
def test_the_form_refuses_what_cannot_be_an_extract(national, names, message):
    files = [SimpleUploadedFile(n, b"x;y\r\n") for n in names]
    response = national.post(reverse("import_list"), {"files": files})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.django_db
def test_no_file_is_an_error_too(national):
    response = national.post(reverse("import_list"), {})
    assert "Feltet er påkrevet." in response.content.decode()
    assert ImportRun.objects.count() == 0


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("kontrakter.csv", "kontrakter.csv"),
        ("../../etc/Faglige Ledere.CSV", "faglige_ledere.csv"),
        ("C:\\Users\\ola\\laerebedrifter.xlsx", "laerebedrifter.xlsx"),
        ("uttrekk (2).zip", "uttrekk_2.zip"),
    ],
)
def test_file_names_are_made_safe(given, stored):
    assert upload_filename(given) == stored


@pytest.mark.django_db
def test_the_files_are_saved_under_the_runs_folder_and_the_task_gets_the_id(
    national, national_admin, monkeypatch, django_capture_on_commit_callbacks
):
    from registry_import import tasks

    sent = []
    monkeypatch.setattr(tasks.run_import, "delay", lambda *args: sent.append(args))
    files = [SimpleUploadedFile("../Kontrakter.csv", b"kontrakt_id\r\n")]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        national.post(reverse("import_list"), {"files": files, "dry_run": "on"})
    run = ImportRun.objects.get()
    assert (run.status, run.source, run.dry_run, run.started_by) == (
        ImportStatus.QUEUED,
        "upload",
        True,
        national_admin,
    )
    assert [p.name for p in upload_directory(run.pk).iterdir()] == ["kontrakter.csv"]
    # Sent only once the run is committed, and with the id, not the instance.
    assert sent == []
    for callback in callbacks:
        callback()
    assert sent == [(run.pk,)]


# --- The progress page --------------------------------------------------------------------


@pytest.mark.django_db
def test_while_running_the_page_shows_the_progress_and_refreshes_itself(national, national_admin):
    run = ImportRun.objects.create(status=ImportStatus.RUNNING, started_by=national_admin)
    recorder = ProgressRecorder(run.pk)
    recorder(450, 1000)
    assert import_progress_read(run.pk).percent == 45
    url = reverse("import_run", args=[run.pk])
    body = national.get(url).content.decode()
    assert '<progress id="import-progress" max="100" value="45">' in body
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in body
    assert 'hx-trigger="every 2s"' in body
    assert "js/htmx.min.js" in body
    assert 'name="htmx-config"' in body

    fragment = national.get(url, HTTP_HX_REQUEST="true")
    assert fragment.status_code == 200
    assert "<h1>" not in fragment.content.decode()
    assert 'value="45"' in fragment.content.decode()

    ImportRun.objects.filter(pk=run.pk).update(
        status=ImportStatus.SUCCEEDED, message="Uttrekket ble importert."
    )
    done = national.get(url, HTTP_HX_REQUEST="true")
    # 286 tells htmx to stop polling.
    assert done.status_code == 286
    assert "Uttrekket ble importert." in done.content.decode()
    assert "<progress" not in done.content.decode()
    cache.clear()


@pytest.mark.django_db
def test_a_queued_run_says_it_waits(national, national_admin):
    run = ImportRun.objects.create(status=ImportStatus.QUEUED, started_by=national_admin)
    body = national.get(reverse("import_run", args=[run.pk])).content.decode()
    assert "Venter på å starte" in body
    assert 'http-equiv="refresh"' in body


def test_progress_is_written_only_when_the_percentage_changes(monkeypatch):
    writes = []
    monkeypatch.setattr(cache, "set", lambda *args, **kwargs: writes.append(args[1]))
    recorder = ProgressRecorder(1)
    for done in range(0, 10_001):
        recorder(done, 10_000)
    assert len(writes) == 101
    assert writes[-1] == (10_000, 10_000)


@pytest.mark.django_db
def test_long_error_lists_are_capped_on_the_page_and_whole_in_the_csv(national, national_admin):
    errors = [
        {
            "file": "kontrakter.csv",
            "line": n,
            "column": "epost",
            "value": f"v{n}",
            "message": "Feil",
        }
        for n in range(2, 152)
    ]
    warnings = [{"file": "x.csv", "line": None, "column": "", "value": "", "message": "Ukjent"}]
    run = ImportRun.objects.create(
        status=ImportStatus.REFUSED, started_by=national_admin, errors=errors, warnings=warnings
    )
    body = national.get(reverse("import_run", args=[run.pk])).content.decode()
    assert "Feil: de første 100 av 150" in body
    assert "<td>v101</td>" in body
    assert "<td>v102</td>" not in body
    response = national.get(reverse("import_run_issues_csv", args=[run.pk]))
    assert response["Content-Disposition"].startswith("attachment")
    table = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert table[0] == ["Type", "Fil", "Linje", "Kolonne", "Verdi", "Melding"]
    assert len(table) == 1 + 150 + 1
    assert table[1] == ["Feil", "kontrakter.csv", "2", "epost", "v2", "Feil"]
    assert table[-1] == ["Advarsel", "x.csv", "", "", "", "Ukjent"]


# --- With a real worker -------------------------------------------------------------------


@pytest.mark.celery
def test_a_real_worker_imports_the_upload(
    client, national_admin, counties, extract, tmp_path, celery_worker_thread
):
    client.force_login(national_admin)
    response = client.post(reverse("import_list"), {"files": upload_files(extract, tmp_path)})
    run = ImportRun.objects.get()
    deadline = time.monotonic() + 30
    while run.status in (ImportStatus.QUEUED, ImportStatus.RUNNING):
        assert time.monotonic() < deadline, "the worker did not finish the import"
        time.sleep(0.2)
        run.refresh_from_db()
    assert run.status == ImportStatus.SUCCEEDED
    assert Contract.objects.count() == 3
    body = client.get(response["Location"]).content.decode()
    assert "Importert" in body
    # The worker deletes the uploaded files after it has recorded the result.
    folder = Path(upload_directory(run.pk))
    while folder.exists() and time.monotonic() < deadline + 30:
        time.sleep(0.1)
    assert not folder.exists()
