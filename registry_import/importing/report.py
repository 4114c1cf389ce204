"""The report of an import run, as text for people."""

from __future__ import annotations

from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _

from registry_import.models import ImportRun, ImportStatus

REPORT_ERRORS = 50


def format_report(run: ImportRun, *, max_errors: int = REPORT_ERRORS) -> str:
    """The run as text for people (bokmål): status and message, counts per file, warnings,
    then the first errors as "fil:linje kolonne «verdi»: grunn"."""
    with translation.override("nb"):
        return _format_report(run, max_errors)


def _problem_line(entry: dict[str, Any]) -> str:
    where = str(entry.get("file") or "")
    if entry.get("line"):
        where += f":{entry['line']}"
    parts = [where]
    if entry.get("column"):
        parts.append(str(entry["column"]))
        parts.append(f"«{entry.get('value') or ''}»")
    return " ".join(parts) + f": {entry.get('message', '')}"


def _format_report(run: ImportRun, max_errors: int) -> str:
    lines = [
        _("Register import: %(status)s") % {"status": ImportStatus(run.status).label},
        run.message,
    ]
    if run.survey_year:
        lines.append(
            _("Survey year %(year)s: the units are placed on the counties of %(year)s.")
            % {"year": run.survey_year}
        )
    if run.counts:
        lines.append("")
        lines.append(_("Files:"))
        rows = {f["name"]: f.get("rows") for f in run.files}
        for name, counts in run.counts.items():
            line = _(
                "%(name)s: %(rows)s rows; %(new)s new, %(changed)s changed, "
                "%(unchanged)s unchanged, %(gone)s no longer in the register, "
                "%(skipped)s skipped"
            ) % {"name": name, "rows": rows.get(name, "?"), **counts}
            if counts.get("invalid_email") or counts.get("invalid_mobile"):
                line += " " + _("(invalid e-mail: %(email)s, invalid mobile: %(mobile)s)") % {
                    "email": counts.get("invalid_email", 0),
                    "mobile": counts.get("invalid_mobile", 0),
                }
            if counts.get("mapped"):
                line += " " + _(
                    "(county number of another year placed on the counties of %(year)s: %(count)s)"
                ) % {"year": run.survey_year, "count": counts["mapped"]}
            lines.append("  " + line)
    if run.warnings:
        lines.append("")
        lines.append(_("Warnings (%(count)s):") % {"count": len(run.warnings)})
        lines.extend("  " + _problem_line(w) for w in run.warnings[:max_errors])
        if len(run.warnings) > max_errors:
            lines.append(
                "  " + _("… and %(count)s more") % {"count": len(run.warnings) - max_errors}
            )
    if run.errors and run.status != ImportStatus.REFUSED:
        lines.append("")
        lines.append(_("Errors (%(count)s):") % {"count": len(run.errors)})
        lines.extend("  " + _problem_line(e) for e in run.errors[:max_errors])
        if len(run.errors) > max_errors:
            lines.append("  " + _("… and %(count)s more") % {"count": len(run.errors) - max_errors})
    return "\n".join(lines)
