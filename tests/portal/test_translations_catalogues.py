"""Every app's nb and nn catalogue is complete: `msgfmt --statistics` reports neither
untranslated nor fuzzy entries."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def catalogues() -> list[Path]:
    found = [
        path
        for path in ROOT.rglob("locale/*/LC_MESSAGES/django.po")
        if ".venv" not in path.parts and path.parts[-3] in ("nb", "nn")
    ]
    return sorted(found)


def test_every_app_has_nb_and_nn_catalogues():
    languages = {path.parts[-3] for path in catalogues()}
    assert languages == {"nb", "nn"}
    for path in catalogues():
        other = "nn" if path.parts[-3] == "nb" else "nb"
        assert (path.parents[2] / other / "LC_MESSAGES" / "django.po").exists(), path


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
@pytest.mark.parametrize("path", catalogues(), ids=lambda p: str(p.relative_to(ROOT)))
def test_msgfmt_reports_no_untranslated_or_fuzzy_entries(path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", "/dev/null", str(path)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C", "PATH": "/usr/bin:/bin:/usr/local/bin"},
    )
    assert result.returncode == 0, result.stderr
    statistics = result.stderr.strip()
    assert "translated message" in statistics, statistics
    assert "untranslated" not in statistics and "fuzzy" not in statistics, statistics
