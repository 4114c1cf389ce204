"""Zip files are looked at before anything is unpacked: a zip whose members would unpack to far
more than an extract ever is, or that compresses out of all proportion (a "zip bomb"), is
refused on what its directory declares. Reading each member stops at the per-file limit
anyway (registry_import/extract_files.py), so a directory that lies gains nothing."""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import IO

from django.utils.translation import gettext as _

# The four files of an extract, each at most extract_files.MAX_FILE_BYTES, with room for a few more.
MAX_MEMBERS = 50
MAX_UNCOMPRESSED_BYTES = 4 * 200 * 1024 * 1024
# CSV of the register compresses about ten times; a hundred is far out of proportion.
MAX_RATIO = 100
_SMALL = 1024 * 1024  # below this, any ratio is harmless


def zip_problem(source: Path | str | IO[bytes]) -> str | None:
    """What is wrong with the zip file, in words for the person who uploaded it, or None."""
    try:
        with zipfile.ZipFile(source) as archive:
            members = archive.infolist()
    except (OSError, zipfile.BadZipFile, ValueError):
        return _("The file is not a valid zip file.")
    if len(members) > MAX_MEMBERS:
        return _("The zip file holds more than %(count)s files; an extract has four.") % {
            "count": MAX_MEMBERS
        }
    total = sum(m.file_size for m in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        return _("The zip file would unpack to more than %(size)s MB.") % {
            "size": MAX_UNCOMPRESSED_BYTES // (1024 * 1024)
        }
    for member in members:
        if member.file_size > _SMALL and member.file_size > MAX_RATIO * max(
            member.compress_size, 1
        ):
            return _(
                "%(name)s in the zip file is compressed out of proportion (more than "
                "%(ratio)s times) and is not unpacked."
            ) % {"name": member.filename, "ratio": MAX_RATIO}
    return None
