"""The register's part of the demo: a synthetic extract of Vestland, written and imported through
the real importer, and the training office the demo's office user administers."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Q

from demo.register.extract import write_demo_extract
from portal.models import TrainingOffice
from registry_import.models import ContractStatus, ImportRun
from registry_import.services import import_extract

DEMO_SEED = 1


def demo_extract_dir() -> Path:
    return Path(settings.VAR_DIR) / "demo-extract"


def load_demo_register(*, scale: str = "county", survey_year: int) -> ImportRun:
    """Writes the synthetic extract of Vestland into var/demo-extract/ as the 1 October extract
    of the survey year, and imports it with the real importer. The files are the same on every
    run within a survey year (fixed seed), so a second run finds nothing to change."""
    folder = demo_extract_dir()
    write_demo_extract(folder, scale=scale, seed=DEMO_SEED, reference=date(survey_year, 10, 1))
    return import_extract([folder], source="command", survey_year=survey_year)


def demo_office(county_code: str) -> TrainingOffice | None:
    """The training office of the county with the most running contracts (ties: lowest
    number)."""
    return (
        TrainingOffice.objects.filter(county__code=county_code, in_register=True)
        .annotate(running=Count("contracts", filter=Q(contracts__status=ContractStatus.RUNNING)))
        .order_by("-running", "orgnr")
        .first()
    )
