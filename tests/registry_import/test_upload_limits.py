"""The whole upload is capped and streamed to disk; zip files are checked before unpacking."""

import io
import zipfile

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile, TemporaryUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from portal.lib.uploads import upload_too_large
from registry_import import zipcheck
from registry_import.extract_files import collect_extract
from registry_import.models import ImportRun

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def uploads_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.FILE_UPLOAD_TEMP_DIR = tmp_path
    return tmp_path


@pytest.fixture
def national(client, national_admin, counties):
    client.force_login(national_admin)
    return client


def bomb(name="kontrakter.csv", megabytes=20) -> bytes:
    """A zip whose one member unpacks to `megabytes` of the same byte: about a thousand times."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, b"0" * (megabytes * 1024 * 1024))
    return buffer.getvalue()


def test_every_upload_is_streamed_to_a_file_on_disk_even_a_small_one():
    assert settings.FILE_UPLOAD_HANDLERS == [
        "portal.lib.uploads.UploadCapHandler",
        "django.core.files.uploadhandler.TemporaryFileUploadHandler",
    ]
    request = RequestFactory().post("/", {"f": SimpleUploadedFile("a.csv", b"x;y\n1;2\n")})
    uploaded = request.FILES["f"]
    assert isinstance(uploaded, TemporaryUploadedFile)
    assert uploaded.temporary_file_path().startswith(str(settings.FILE_UPLOAD_TEMP_DIR))


def test_the_files_together_are_capped_while_they_arrive(national, settings):
    settings.UPLOAD_MAX_BYTES = 10_000
    files = [
        SimpleUploadedFile(f"{n}.csv", b"a;b\n" + b"1;2\n" * 1500)
        for n in ("kontrakter", "laerebedrifter")
    ]
    response = national.post(reverse("import_list"), {"files": files})
    assert response.status_code == 200
    assert "Filene er til sammen større enn" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_cap_handler_stops_the_request_past_the_cap(settings):
    settings.UPLOAD_MAX_BYTES = 5_000
    request = RequestFactory().post(
        "/",
        {
            "a": SimpleUploadedFile("a.csv", b"x" * 4_000),
            "b": SimpleUploadedFile("b.csv", b"y" * 4_000),
        },
    )
    assert "b" not in request.FILES
    assert upload_too_large(request)
    small = RequestFactory().post("/", {"a": SimpleUploadedFile("a.csv", b"x" * 4_000)})
    assert "a" in small.FILES and not upload_too_large(small)


def test_a_zip_bomb_is_refused_at_upload_before_unpacking(national):
    response = national.post(
        reverse("import_list"), {"files": [SimpleUploadedFile("uttrekk.zip", bomb())]}
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "kontrakter.csv" in body and "ute av proporsjon" in body
    assert not ImportRun.objects.exists()


def test_the_importer_refuses_a_zip_bomb_before_unpacking(tmp_path, monkeypatch):
    path = tmp_path / "uttrekk.zip"
    path.write_bytes(bomb())

    def unpacked(*args, **kwargs):
        raise AssertionError("a member was read")

    monkeypatch.setattr(zipfile.ZipFile, "open", unpacked)
    extract = collect_extract([path])
    assert any(
        "ute av proporsjon" in r.message or "out of proportion" in r.message
        for r in extract.refusals
    )


def test_a_zip_that_would_unpack_to_too_much_or_holds_too_many_files_is_refused(
    tmp_path, monkeypatch
):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for n in range(3):
            archive.writestr(f"fil{n}.csv", b"a;b\n" * 1000)
    path = tmp_path / "uttrekk.zip"
    path.write_bytes(buffer.getvalue())
    assert zipcheck.zip_problem(path) is None
    monkeypatch.setattr(zipcheck, "MAX_UNCOMPRESSED_BYTES", 10_000)
    assert "MB" in zipcheck.zip_problem(path)
    monkeypatch.setattr(zipcheck, "MAX_MEMBERS", 2)
    assert zipcheck.zip_problem(path) is not None


def test_an_ordinary_compressed_extract_passes(tmp_path):
    buffer = io.BytesIO()
    rows = "".join(
        f"K{n:06d};Navn Navnesen {n};Elektrikerfaget;2024-08-15\n" for n in range(50_000)
    )
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("kontrakter.csv", rows)
    assert zipcheck.zip_problem(io.BytesIO(buffer.getvalue())) is None
