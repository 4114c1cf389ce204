"""The import of a register extract (docs/formats.md) into the register: the entry points the
rest of the portal uses. The rules are described and implemented in registry_import.importing
(`run`, `sync`, `report`, `liveness`, `progress`)."""

from __future__ import annotations

from registry_import.importing.liveness import import_runs_fail_interrupted
from registry_import.importing.progress import ProgressCallback
from registry_import.importing.report import REPORT_ERRORS, format_report
from registry_import.importing.run import MAX_STORED_ERRORS, import_extract

__all__ = [
    "MAX_STORED_ERRORS",
    "REPORT_ERRORS",
    "ProgressCallback",
    "format_report",
    "import_extract",
    "import_runs_fail_interrupted",
]
