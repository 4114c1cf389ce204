"""A database of the release before the portal's base was split into rooms (accounts, audit,
organisations) migrates to today's layout with every row found through today's models: the
models kept their app label and tables, so nothing is moved."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from portal.models import AuditEntry, Company, County, Membership, TrainingOffice, User

pytestmark = pytest.mark.django_db(transaction=True)

# The last migration of each app in the release before the split.
LAST_RELEASE = [
    ("portal", "0005_user_admin_and_contacts"),
    ("registry_import", "0003_unknown_references_and_survey_year"),
    ("surveys", "0004_respondent_language"),
    ("dispatch", "0002_message_indexes"),
    ("reporting", "0001_initial"),
]


def _migrate(targets: list[tuple[str, str]]) -> MigrationExecutor:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    executor.loader.build_graph()
    return executor


def test_rows_of_the_last_release_are_found_through_the_models_of_the_rooms():
    try:
        ids = _rows_of_the_last_release()
    finally:
        # Whatever happened, the database goes back to today's schema for the tests after.
        _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
    county, office, user = ids

    assert County.objects.get(code="46").pk == county
    assert TrainingOffice.objects.get(orgnr="974760673").county_id == county
    assert Company.objects.get(orgnr="982463718").training_office_id == office
    moved = User.objects.get(email="rom@flytting.test")
    assert moved.full_name == "Rom Flytting"
    assert list(moved.memberships.values_list("role", "training_office_id")) == [
        ("office", office)
    ]
    entry = AuditEntry.objects.get(target="før flyttingen")
    assert (entry.user_id, entry.county_id) == (user, county)
    # Each model of the rooms still reads the table the release wrote.
    for model in (County, TrainingOffice, Company, User, Membership, AuditEntry):
        assert model._meta.app_label == "portal"
        assert model._meta.db_table.startswith("portal_")


def _rows_of_the_last_release() -> tuple[int, int, int]:
    """Rows written through the release's own models (its migration state): a county, an
    office, a company, a user with a membership and an audit entry."""
    old = _migrate(LAST_RELEASE).loader.project_state(LAST_RELEASE).apps
    # A test before this one may have flushed the counties the data migration loaded.
    county, _new = old.get_model("portal", "County").objects.get_or_create(
        code="46", defaults={"name": "Vestland"}
    )
    office = old.get_model("portal", "TrainingOffice").objects.create(
        orgnr="974760673", name="Rommenes opplæringskontor", county=county
    )
    old.get_model("portal", "Company").objects.create(
        orgnr="982463718", name="Rommenes bedrift AS", county=county, training_office=office
    )
    user = old.get_model("portal", "User").objects.create(
        email="rom@flytting.test", full_name="Rom Flytting", password="!"
    )
    old.get_model("portal", "Membership").objects.create(
        user=user, role="office", training_office=office
    )
    old.get_model("portal", "AuditEntry").objects.create(
        action="login", user=user, email=user.email, county=county, target="før flyttingen"
    )
    return county.pk, office.pk, user.pk
