"""Background work of the register import: the task, and the queueing of an uploaded extract
for it (whatever enqueues a task lives beside it, so what the task runs never reaches back)."""

from __future__ import annotations

import logging
from collections.abc import Iterable

from celery import shared_task
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from registry_import.models import ImportRun, ImportStatus
from registry_import.services import import_extract, import_runs_fail_interrupted
from registry_import.uploads import (
    ProgressRecorder,
    import_progress_clear,
    upload_discard,
    upload_paths,
    upload_store,
)

logger = logging.getLogger(__name__)


@shared_task
def run_import(run_id: int) -> None:
    """Imports an extract uploaded in the portal through `import_extract`, the same code the
    `import` command runs. Takes the run's id, not the run: the worker reads the run as
    committed."""
    # A message delivered again after its worker died finds its run recorded as running: that
    # run is taken for failed here, and not imported twice.
    import_runs_fail_interrupted()
    run = ImportRun.objects.select_related("started_by").filter(pk=run_id).first()
    if run is None or run.status != ImportStatus.QUEUED:
        # Deleted, or already taken by a worker (a message delivered twice).
        return
    try:
        import_extract(
            upload_paths(run_id),
            dry_run=run.dry_run,
            user=run.started_by,
            source="upload",
            run=run,
            progress=ProgressRecorder(run_id),
        )
    except Exception:
        # The importer records what it finds wrong in the extract itself; this is for what it
        # did not expect. The details go to the log, which may hold personal data the page must
        # not show.
        logger.exception("Import %s stopped on an unexpected error", run_id)
        ImportRun.objects.filter(
            pk=run_id, status__in=[ImportStatus.QUEUED, ImportStatus.RUNNING]
        ).update(
            status=ImportStatus.FAILED,
            finished_at=timezone.now(),
            message=_("The import stopped on an unexpected error. Nothing was saved."),
        )
    finally:
        upload_discard(run_id)
        import_progress_clear(run_id)


def import_run_upload(files: Iterable[UploadedFile], *, dry_run: bool, user: User) -> ImportRun:
    """Saves an uploaded extract and queues its import, which runs the same code as the
    `import` command. The task is sent only once the run is committed, so the worker always
    finds it."""
    with transaction.atomic():
        run = ImportRun.objects.create(
            status=ImportStatus.QUEUED, source="upload", started_by=user, dry_run=dry_run
        )
        try:
            upload_store(run.pk, files)
        except BaseException:
            upload_discard(run.pk)
            raise
        run_id = run.pk
        transaction.on_commit(lambda: run_import.delay(run_id))
    return run
