"""An LU or LBU answer, once submitted, cannot be joined back to the person who gave it: not by
a reference, not by a time, not by an order (R-L7)."""

import json
import uuid

import pytest
from django.db import connection, models

from surveys.models import AnonymousResponse, Draft, Respondent
from surveys.services.anonymous import MIX_SIZE, anonymous_answers_mix
from surveys.services.links import link_issue
from tests.surveys.factories import (
    lu_questionnaire,
    post_page,
    post_send,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db

# The dimensions reports need, and nothing else.
EXPECTED_COLUMNS = {
    "id",
    "round_id",
    "county_id",
    "training_office_id",
    "company_id",
    "trade_id",
    "apprentice_kind",
    "answers",
}
ALLOWED_TARGETS = {"surveys_round", "portal_county", "portal_trainingoffice", "portal_company"}


@pytest.fixture
def lu_round(counties):
    return round_make(lu_questionnaire())


def submit(client, respondent, answers):
    token = link_issue(respondent)
    post_page(client, token, 1, answers)
    post_send(client, token)


def test_the_anonymous_answer_table_has_only_report_dimensions_and_a_random_uuid_key():
    table = AnonymousResponse._meta.db_table
    with connection.cursor() as cursor:
        columns = connection.introspection.get_table_description(cursor, table)
        constraints = connection.introspection.get_constraints(cursor, table)
    assert {c.name for c in columns} == EXPECTED_COLUMNS

    fields = {f.name: f for f in AnonymousResponse._meta.concrete_fields}
    assert isinstance(fields["id"], models.UUIDField)
    assert fields["id"].primary_key and fields["id"].default is uuid.uuid4
    assert not any(
        isinstance(f, models.DateField | models.TimeField | models.AutoField)
        for f in fields.values()
    )
    targets = {c["foreign_key"][0] for c in constraints.values() if c["foreign_key"] is not None}
    assert targets <= ALLOWED_TARGETS | {"registry_import_trade"}
    assert "surveys_respondent" not in targets
    assert "registry_import_apprentice" not in targets


def test_nothing_refers_to_an_anonymous_answer_and_the_respondent_has_no_reference_to_it():
    assert list(AnonymousResponse._meta.related_objects) == []
    respondent_targets = {f.related_model for f in Respondent._meta.get_fields() if f.is_relation}
    assert AnonymousResponse not in respondent_targets
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Respondent._meta.db_table)
    assert AnonymousResponse._meta.db_table not in {
        c["foreign_key"][0] for c in constraints.values() if c["foreign_key"] is not None
    }


def test_two_answers_submitted_in_order_carry_nothing_that_orders_them_or_names_anyone(
    client, lu_round, county_a, company_a, office_a
):
    first = respondent_make(
        lu_round, county_a, company=company_a, training_office=office_a, name="Første Person"
    )
    second = respondent_make(
        lu_round, county_a, company=company_a, training_office=office_a, name="Andre Person"
    )
    submit(client, first, {"lu_a": "1"})
    submit(client, second, {"lu_a": "5"})

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {AnonymousResponse._meta.db_table}")  # noqa: S608
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    assert len(rows) == 2
    for row in rows:
        assert uuid.UUID(str(row["id"])).version == 4
        dumped = repr(row)
        for person in (first, second):
            assert person.name not in dumped
            assert person.email not in dumped
    # Apart from the random key and the answers themselves, the two rows are identical: no
    # time, counter or reference says which came first or whose it is.
    without = [{k: v for k, v in row.items() if k not in ("id", "answers")} for row in rows]
    assert without[0] == without[1]
    answers = [r["answers"] for r in rows]
    answers = [json.loads(a) if isinstance(a, str) else a for a in answers]
    assert sorted(a["lu_a"] for a in answers) == [1, 5]

    # The respondents keep only that they answered; their drafts are gone.
    for person in (first, second):
        person.refresh_from_db()
        assert person.answered_at is not None
    assert not Draft.objects.exists()


def test_each_answer_is_written_with_earlier_answers_of_the_round_in_random_order(
    client, lu_round, county_a
):
    for value in "12345":
        submit(client, respondent_make(lu_round, county_a), {"lu_a": value})
    before = {r.pk: r.answers for r in AnonymousResponse.objects.all()}
    submit(client, respondent_make(lu_round, county_a), {"lu_a": "3"})
    after = {r.pk: r.answers for r in AnonymousResponse.objects.all()}
    # Earlier answers are re-written with their ids and contents unchanged.
    assert len(after) == 6
    assert all(after[pk] == answers for pk, answers in before.items())
    assert MIX_SIZE >= 20


def test_mixing_a_round_rewrites_every_answer_unchanged(client, lu_round, county_a):
    for value in "1234":
        submit(client, respondent_make(lu_round, county_a), {"lu_a": value})
    before = {r.pk: r.answers for r in AnonymousResponse.objects.all()}
    assert anonymous_answers_mix(lu_round, batch_size=3) == 4
    assert {r.pk: r.answers for r in AnonymousResponse.objects.all()} == before


@pytest.mark.django_db(transaction=True)
def test_the_transaction_that_stored_an_answer_points_to_a_group_of_answers_not_to_one(
    client, counties, county_a
):
    """PostgreSQL stamps each row with the id of the transaction that wrote it (xmin); the
    respondent's row and the answer are written in one transaction, so that id must not single
    out the answer."""
    if connection.vendor != "postgresql":
        pytest.skip("xmin is PostgreSQL's")
    lu_round = round_make(lu_questionnaire())
    for value in "12345":
        submit(client, respondent_make(lu_round, county_a), {"lu_a": value})
    last = respondent_make(lu_round, county_a)
    submit(client, last, {"lu_a": "4"})
    table = AnonymousResponse._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute("SELECT xmin::text FROM surveys_respondent WHERE id = %s", [last.pk])
        (xmin,) = cursor.fetchone()
        cursor.execute(f"SELECT count(*) FROM {table} WHERE xmin::text = %s", [xmin])  # noqa: S608
        (written_together,) = cursor.fetchone()
    assert written_together == 6
