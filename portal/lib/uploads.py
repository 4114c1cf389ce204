"""Uploads are streamed to disk and capped as a whole.

Django keeps small uploaded files in memory and checks sizes only once the whole request has
arrived; a form that takes several files could so hold several times any per-file limit. The
portal's upload handlers (settings.FILE_UPLOAD_HANDLERS) write every file to a temporary file
under VAR_DIR and stop a request as soon as its files together pass UPLOAD_MAX_BYTES, before
the rest is stored anywhere. The view then sees `upload_too_large(request)`."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest

_FLAG = "_portal_upload_too_large"


def upload_too_large(request: HttpRequest) -> bool:
    """Whether the request's uploads were stopped for passing UPLOAD_MAX_BYTES."""
    return bool(getattr(request, _FLAG, False))


class UploadCapHandler(FileUploadHandler):
    """Counts the bytes of every file of the request and stops the upload past the cap. It
    passes every chunk on to the next handler (which writes it to disk)."""

    def __init__(self, request: HttpRequest | None = None) -> None:
        super().__init__(request)
        self.total = 0

    def _stop(self, *, reset: bool) -> None:
        if self.request is not None:
            setattr(self.request, _FLAG, True)
        raise StopUpload(connection_reset=reset)

    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,
        content_length: int,
        *args: Any,
        **kwargs: Any,
    ) -> None:
        # A request announcing far more than the cap is cut off at its first file, without
        # reading the rest.
        self.announced_too_much = bool(
            content_length and content_length > 2 * settings.UPLOAD_MAX_BYTES
        )

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if getattr(self, "announced_too_much", False):
            self._stop(reset=True)
        self.total += len(raw_data)
        if self.total > settings.UPLOAD_MAX_BYTES:
            self._stop(reset=False)
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
