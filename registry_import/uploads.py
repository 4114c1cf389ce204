"""Extracts uploaded in the portal: where their files wait for the import, and how far an import
has come.

The import runs in one database transaction, so whatever it writes to the database is invisible
to the progress page until it ends; progress therefore goes through the cache (Redis in
production, shared by the web and worker processes; local memory when tasks run in-process)."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.files.uploadedfile import UploadedFile
from django.utils.text import get_valid_filename

PROGRESS_TIMEOUT = 24 * 3600  # seconds; an import takes minutes, a day is ample


def upload_directory(run_id: int) -> Path:
    return Path(settings.VAR_DIR) / "uploads" / str(int(run_id))


def upload_filename(name: str) -> str:
    """A safe file name for an uploaded file: no directories, no odd characters, lower case
    (the extract's file names are matched without regard to case). Raises
    SuspiciousFileOperation when nothing usable is left."""
    return get_valid_filename(Path(name.replace("\\", "/")).name).lower()


def upload_paths(run_id: int) -> list[Path]:
    directory = upload_directory(run_id)
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.is_file())


def upload_discard(run_id: int) -> None:
    """The uploaded files hold identity numbers in clear: they are deleted once imported."""
    shutil.rmtree(upload_directory(run_id), ignore_errors=True)


def upload_store(run_id: int, files: Iterable[UploadedFile]) -> list[Path]:
    directory = upload_directory(run_id)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for uploaded in files:
        path = directory / upload_filename(uploaded.name or "")
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        paths.append(path)
    return paths


# --- Progress -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Progress:
    done: int
    total: int

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 0
        return min(100, self.done * 100 // self.total)


def _progress_key(run_id: int) -> str:
    return f"registry_import:progress:{int(run_id)}"


def import_progress_read(run_id: int) -> Progress | None:
    value = cache.get(_progress_key(run_id))
    if not value:
        return None
    return Progress(*value)


def import_progress_clear(run_id: int) -> None:
    cache.delete(_progress_key(run_id))


class ProgressRecorder:
    """The importer's progress callback. It writes to the cache only when the whole percentage
    changes, so a national extract costs about a hundred writes, not one per row."""

    def __init__(self, run_id: int) -> None:
        self.run_id = run_id
        self._last: tuple[int, int] | None = None

    def __call__(self, done: int, total: int) -> None:
        step = (Progress(done, total).percent, total)
        if step == self._last and done != total:
            return
        self._last = step
        cache.set(_progress_key(self.run_id), (done, total), PROGRESS_TIMEOUT)
