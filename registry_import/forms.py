from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from registry_import.uploads import upload_filename
from registry_import.zipcheck import zip_problem

TABLE_SUFFIXES = {".csv", ".xlsx"}
MAX_TABLE_FILES = 4  # the four files of the extract format (docs/formats.md)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[UploadedFile]:
        if not data:
            data = []
        elif not isinstance(data, list | tuple):
            data = [data]
        if not data and self.required:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        return [super(MultipleFileField, self).clean(item, initial) for item in data]


class ExtractUploadForm(forms.Form):
    def __init__(self, *args: Any, upload_stopped: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.upload_stopped = upload_stopped

    files = MultipleFileField(  # type: ignore[assignment]  # a form field, not BaseForm.files
        label=_("Files of the extract"),
        help_text=_(
            "The four files (CSV or XLSX): opplaeringskontor, laerebedrifter, faglige_ledere "
            "and kontrakter; or one ZIP file that holds them. Select several files at once."
        ),
        widget=MultipleFileInput(attrs={"accept": ".csv,.xlsx,.zip"}),
    )
    dry_run = forms.BooleanField(
        label=_("Dry run: check the extract and show what would change, without saving"),
        required=False,
    )

    def clean_files(self) -> list[UploadedFile]:
        files: list[UploadedFile] = self.cleaned_data["files"]
        names: set[str] = set()
        suffixes = []
        for uploaded in files:
            try:
                name = upload_filename(uploaded.name or "")
            except SuspiciousFileOperation:
                raise forms.ValidationError(
                    _("%(name)s is not a usable file name."),
                    code="bad_name",
                    params={"name": uploaded.name},
                ) from None
            suffix = Path(name).suffix
            if suffix not in TABLE_SUFFIXES | {".zip"}:
                raise forms.ValidationError(
                    _("%(name)s is not a CSV, XLSX or ZIP file."),
                    code="bad_type",
                    params={"name": uploaded.name},
                )
            if name in names:
                raise forms.ValidationError(
                    _("%(name)s is chosen twice."), code="duplicate", params={"name": name}
                )
            names.add(name)
            suffixes.append(suffix)
        if ".zip" in suffixes and len(files) > 1:
            raise forms.ValidationError(
                _("Upload either one ZIP file or the separate files, not both."), code="mixed"
            )
        if len(files) > MAX_TABLE_FILES:
            raise forms.ValidationError(
                _("An extract has at most %(count)s files."),
                code="too_many",
                params={"count": MAX_TABLE_FILES},
            )
        if sum(f.size or 0 for f in files) > settings.UPLOAD_MAX_BYTES:
            raise _too_large()
        for uploaded in files:
            if Path(upload_filename(uploaded.name or "")).suffix == ".zip":
                stream = uploaded.file
                assert stream is not None  # an uploaded file always has its data
                problem = zip_problem(stream)
                stream.seek(0)
                if problem:
                    raise forms.ValidationError(problem, code="bad_zip")
        return files

    def clean(self) -> dict[str, Any]:
        super().clean()
        cleaned = self.cleaned_data
        if self.upload_stopped:
            # The upload was stopped while it arrived (portal/lib/uploads.py): the files are gone.
            self.errors.pop("files", None)
            raise forms.ValidationError({"files": _too_large()})
        return cleaned


def _too_large() -> forms.ValidationError:
    return forms.ValidationError(
        _("The files are larger than %(size)s together."),
        code="too_large",
        params={"size": filesizeformat(settings.UPLOAD_MAX_BYTES)},
    )
