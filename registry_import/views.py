"""Pages of the register import (national administrators). The county's quality report, which
is about who the samples will reach, is the surveys' page (surveys.views.quality)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.access import HtmxRequest, PortalRequest, national_view
from portal.front.views import page_or_fragment
from portal.lib.downloads import attachment, excel_csv
from portal.lib.uploads import upload_too_large
from registry_import.extract_files import COMPANIES, CONTRACTS, LEADERS, OFFICES
from registry_import.forms import ExtractUploadForm
from registry_import.models import ImportRun, ImportStatus
from registry_import.services import import_runs_fail_interrupted
from registry_import.tasks import import_run_upload
from registry_import.uploads import import_progress_read

RECENT_RUNS = 20
ISSUES_SHOWN = 100  # per list on the page; the CSV download has them all
COUNT_KINDS = ["new", "changed", "unchanged", "gone", "skipped"]
# Per file the importer also counts the contact data it found invalid (kept, flagged).
# and the rows whose county number it placed on the survey year's structure (R-P4).
FILE_COUNT_KINDS = [*COUNT_KINDS, "invalid_email", "invalid_mobile", "mapped"]
FINISHED = {
    ImportStatus.SUCCEEDED,
    ImportStatus.UNCHANGED,
    ImportStatus.DRY_RUN,
    ImportStatus.REFUSED,
    ImportStatus.FAILED,
}
# htmx stops polling when a poll is answered with this status.
HTMX_STOP_POLLING = 286


# --- The register import --------------------------------------------------------------------


def _count_totals(
    counts: dict[str, dict[str, int]], kinds: list[str] = COUNT_KINDS
) -> dict[str, int]:
    return {kind: sum(c.get(kind, 0) for c in counts.values()) for kind in kinds}


@national_view
@require_http_methods(["GET", "POST"])
def import_list(request: PortalRequest) -> HttpResponse:
    # An import whose worker died is shown as failed, not as running for ever.
    import_runs_fail_interrupted()
    if request.method == "POST":
        form = ExtractUploadForm(
            request.POST, request.FILES, upload_stopped=upload_too_large(request)
        )
        if form.is_valid():
            run = import_run_upload(
                form.cleaned_data["files"],
                dry_run=form.cleaned_data["dry_run"],
                user=request.user,
            )
            return redirect("import_run", run.pk)
    else:
        form = ExtractUploadForm()
    runs = list(ImportRun.objects.select_related("started_by")[:RECENT_RUNS])
    for run in runs:
        run.totals = _count_totals(run.counts or {})  # type: ignore[attr-defined]  # for the template
    return render(request, "registry_import/import_list.html", {"form": form, "runs": runs})


# What each file of the extract holds, in words: a page names the register's content, not the
# file it came in.
FILE_LABELS = {
    OFFICES: gettext_lazy("Training offices"),
    COMPANIES: gettext_lazy("Training companies"),
    LEADERS: gettext_lazy("Professional leaders"),
    CONTRACTS: gettext_lazy("Apprenticeship contracts"),
}


def file_label(name: str) -> str:
    """A file of the extract named by what it holds (the training companies' file → "Training
    companies"); a file the extract does not describe keeps its name."""
    label = FILE_LABELS.get(str(name or "").removesuffix(".csv"))
    return str(label) if label is not None else str(name or "")


def _run_context(run: ImportRun) -> dict[str, Any]:
    finished = run.status in FINISHED
    rows_by_file = {f.get("name"): f.get("rows") for f in run.files or []}
    names = list(dict.fromkeys([*rows_by_file, *(run.counts or {})]))
    per_file = [
        {
            "name": name,
            "label": file_label(name),
            "rows": rows_by_file.get(name),
            "counts": [(run.counts or {}).get(name, {}).get(kind, 0) for kind in FILE_COUNT_KINDS],
        }
        for name in names
    ]
    return {
        "run": run,
        "finished": finished,
        "progress": None if finished else import_progress_read(run.pk),
        "per_file": per_file,
        "totals": list(_count_totals(run.counts or {}, FILE_COUNT_KINDS).values()),
        "errors": (run.errors or [])[:ISSUES_SHOWN],
        "warnings": (run.warnings or [])[:ISSUES_SHOWN],
        "issues_shown": ISSUES_SHOWN,
    }


@national_view
@require_GET
def import_run(request: HtmxRequest, run_id: int) -> HttpResponse:
    """Progress while the import runs, the import's report once it has finished."""
    run = get_object_or_404(ImportRun.objects.select_related("started_by"), pk=run_id)
    context = _run_context(run)
    response = page_or_fragment(
        request,
        "registry_import/import_run.html",
        "registry_import/_import_run_status.html",
        context,
    )
    if request.htmx and context["finished"]:
        response.status_code = HTMX_STOP_POLLING
    return response


@national_view
@require_GET
def import_run_issues_csv(request: HttpRequest, run_id: int) -> HttpResponse:
    """Every error and warning of an import, which the page shows only the first of."""
    run = get_object_or_404(ImportRun, pk=run_id)
    headers = [_("Kind"), _("File"), _("Line"), _("Column"), _("Value"), _("Message")]
    rows = [
        [kind, *(issue.get(k, "") for k in ["file", "line", "column", "value", "message"])]
        for kind, issues in [(_("Error"), run.errors or []), (_("Warning"), run.warnings or [])]
        for issue in issues
    ]
    return attachment(
        excel_csv(headers, rows), "text/csv; charset=utf-8", f"import-{run.pk}-avvik.csv"
    )
