"""A first import's bulk load on PostgreSQL drops the tables' foreign keys and secondary
indexes and creates them again: they must come back exactly as they were, and still refuse a
row that breaks them."""

import pytest
from django.db import IntegrityError, connection, transaction

from registry_import.importing import bulk
from registry_import.models import Contract, ImportStatus
from registry_import.services import import_extract
from tests.conftest import need

pytestmark = pytest.mark.django_db

TABLES = [
    "portal_trainingoffice",
    "portal_company",
    "registry_import_professionalleader",
    "registry_import_apprentice",
    "registry_import_contract",
]


def catalogue() -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid), condeferrable, "
            "condeferred, convalidated FROM pg_constraint WHERE conrelid::regclass::text = ANY(%s)",
            [TABLES],
        )
        constraints = set(cursor.fetchall())
        cursor.execute(
            "SELECT tablename, indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s)",
            [TABLES],
        )
        return constraints | set(cursor.fetchall())


@pytest.fixture
def postgresql():
    need(connection.vendor == "postgresql", "PostgreSQL (DATABASE_URL)")


def test_the_constraints_and_indexes_come_back_as_they_were(
    postgresql, extract, tmp_path, counties, monkeypatch
):
    monkeypatch.setattr(bulk, "REBUILD_FROM_ROWS", 1)
    before = catalogue()

    run = import_extract([extract.write(tmp_path / "x")])

    assert run.status == ImportStatus.SUCCEEDED
    assert Contract.objects.count() == 3
    assert catalogue() == before


def test_a_row_that_breaks_a_foreign_key_is_still_refused(postgresql, counties, monkeypatch):
    monkeypatch.setattr(bulk, "REBUILD_FROM_ROWS", 1)
    before = catalogue()
    row = [
        "K-X",
        999_999,
        "apprentice",
        "running",
        "2025-08-01",
        "2027-08-01",
        1,
        1,
        None,
        None,
        1,
        True,
        "",
        "",
    ]
    attnames = [
        "register_id",
        "apprentice_id",
        "kind",
        "status",
        "start_date",
        "end_date",
        "trade_id",
        "company_id",
        "training_office_id",
        "professional_leader_id",
        "county_id",
        "in_register",
        "unknown_training_office",
        "unknown_professional_leader",
    ]
    with pytest.raises(IntegrityError), transaction.atomic():
        bulk.bulk_load(Contract, attnames, [tuple(row)], count=1, existing=0)
    assert catalogue() == before
    assert not Contract.objects.exists()
