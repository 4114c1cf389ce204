"""Which extract of the register the portal shows: the pages that list what the register holds
say "the register as it was in the extract imported dd.mm. at hh:mm", so a county knows whether
a correction made in VIGO can be there yet.

The portal does not read the imports itself (registry_import sits above it): the import
registers where the time comes from (registry_import/hooks.py), and the pages ask here."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext as _

from portal.lib.oslo import oslo_now

_sources: list[Callable[[], datetime | None]] = []


def extract_time_register(source: Callable[[], datetime | None]) -> None:
    """`source()` returns when the last extract was imported, or None; call from hooks.py."""
    if source not in _sources:
        _sources.append(source)


def extract_imported_at() -> datetime | None:
    """When the extract the register now holds was imported, or None (none yet, or no source)."""
    times = [moment for source in _sources if (moment := source()) is not None]
    return max(times) if times else None


def register_as_of(moment: datetime | None) -> str:
    """The words for the pages, in Norway's time: "... imported 07.10. at 14:30"."""
    if moment is None:
        return _("No extract of the register has been imported yet.")
    local = oslo_now(moment)
    return _("The register as it was in the extract imported %(day)s at %(time)s.") % {
        "day": f"{local:%d.%m.}",
        "time": f"{local:%H:%M}",
    }
