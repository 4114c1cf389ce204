"""After the close step the database files hold nothing of the people it removed (R-L7): not
in the tables' free space, their TOAST tables or their indexes, and no answer as it was
written before the close. Read from the files themselves, as a copy of the data directory,
a file-level backup or a replica would be."""

from __future__ import annotations

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone

from dispatch.models import RecordedMessage
from surveys.models import AnonymousResponse, Respondent
from surveys.services.answering import answers_submit, draft_save, survey_load
from surveys.services.closing import round_close
from surveys.services.links import link_issue, token_hash
from surveys.services.rewrite import personal_tables
from tests import register_rows as rows
from tests.surveys.factories import lu_questionnaire, respondent_make, round_make

pytestmark = pytest.mark.django_db(transaction=True)

PEOPLE = 30


def _database_files() -> list[Path]:
    """Every file of the test database: its tables, TOAST tables and indexes."""
    with connection.cursor() as cursor:
        cursor.execute("CHECKPOINT")
        cursor.execute("SHOW data_directory")
        data = Path(cursor.fetchone()[0])
        cursor.execute("SELECT oid FROM pg_database WHERE datname = current_database()")
        oid = cursor.fetchone()[0]
    return [p for p in (data / "base" / str(oid)).iterdir() if p.is_file()]


def _occurrences(needles: list[bytes]) -> dict[bytes, int]:
    found = dict.fromkeys(needles, 0)
    for path in _database_files():
        try:
            content = path.read_bytes()
        except FileNotFoundError:  # dropped between listing and reading
            continue
        for needle in needles:
            found[needle] += content.count(needle)
    return found


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's relation files")
def test_no_byte_of_a_closed_rounds_people_or_first_written_answers_stays_in_the_files(
    counties, county_a
):
    round_ = round_make(lu_questionnaire())
    office = rows.office(county_a)
    personal: list[bytes] = []
    texts: list[bytes] = []
    for i in range(PEOPLE):
        name, email, mobile = f"Zyxwen Qorvald{i:03d}", f"zq{i:03d}@fjernet.test", f"+479{i:07d}"
        respondent = respondent_make(
            round_, county_a, training_office=office, name=name, email=email, mobile=mobile
        )
        token = link_issue(respondent)
        personal += [name.encode(), email.encode(), mobile.encode(), token_hash(token).encode()]
        RecordedMessage.objects.create(
            message_id=uuid.uuid4(),
            round=round_,
            channel="email",
            to=email,
            text=f"Hei {name}",
        )
        if i % 3 == 0:
            draft = f"utkast-{i:03d}-vrimle"
            draft_save(respondent, {"lu_g": draft}, codes=["lu_g"], page=3)
            personal.append(draft.encode())
            continue
        text = f"svar-{i:03d}-glimt"
        draft_save(respondent, {"lu_a": 1 + i % 5}, codes=["lu_a"], page=1)
        draft_save(respondent, {"lu_g": text}, codes=["lu_g"], page=3)
        respondent.refresh_from_db()
        answers_submit(survey_load(respondent), now=timezone.now())
        texts.append(text.encode())

    tables = set(personal_tables())
    assert {Respondent._meta.db_table, RecordedMessage._meta.db_table} <= tables

    round_.closes_at = timezone.now() - timedelta(minutes=1)
    round_.save(update_fields=["closes_at"])
    round_close(round_)

    assert AnonymousResponse.objects.filter(round=round_).count() == len(texts)
    found = _occurrences(personal + texts)
    assert {n: c for n, c in found.items() if n in personal and c} == {}
    # Each answer now exists once, as the close step's mix wrote it: the row written when it
    # was submitted and those the mixes of later answers wrote are gone.
    assert {n: c for n, c in found.items() if n in texts and c != 1} == {}
