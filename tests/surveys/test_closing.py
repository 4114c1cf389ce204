"""The close step: counts kept per report class, everything that says who answered removed."""

from datetime import datetime, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from portal.lib.oslo import OSLO
from surveys.models import (
    AnonymousResponse,
    CodeDraft,
    Draft,
    ReportClass,
    Respondent,
    RespondentLink,
    RespondentRole,
    ResponseTally,
    ResponseTallyDay,
    Round,
)
from surveys.response_counts import answers_per_day, response_totals
from surveys.services.answering import answers_submit, draft_save, survey_load
from surveys.services.closing import NotClosable, round_close, rounds_close_due
from surveys.services.code_answering import code_draft_save
from surveys.services.links import gathering_codes_issue, link_issue
from surveys.services.report_classes import report_classes_assign
from surveys.signals import round_closed, round_closing
from surveys.tasks import close_rounds
from tests import register_rows as rows
from tests.surveys.factories import (
    ar_questionnaire,
    lbu_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db

DAY_ONE = datetime(2026, 10, 20, 23, 30, tzinfo=OSLO)  # late evening in Norway, 21:30 UTC
DAY_TWO = datetime(2026, 10, 22, 9, 0, tzinfo=OSLO)


def answer(respondent, when, value=3):
    draft_save(respondent, {"lu_a": value}, codes=["lu_a"], page=1)
    respondent.refresh_from_db()
    answers_submit(survey_load(respondent), now=when)


def close_time(round_):
    return round_.closes_at + timedelta(minutes=5)


@pytest.fixture
def lu_round(counties, county_a, settings):
    """Six apprentices in one company (a class that keeps the company) and three alone in their
    offices and companies (together the county's rest)."""
    settings.REPORTING_THRESHOLD = 3
    round_ = round_make(lu_questionnaire())
    office = rows.office(county_a)
    company = rows.company(county_a, office=office)
    trade = rows.trade()
    for _ in range(6):
        respondent_make(round_, county_a, training_office=office, company=company, trade=trade)
    for _ in range(3):
        respondent_make(
            round_, county_a, training_office=rows.office(county_a), company=rows.company(county_a)
        )
    report_classes_assign(round_)
    return round_


def test_closing_keeps_counts_per_class_and_per_day_and_removes_the_respondents(lu_round):
    people = list(Respondent.objects.filter(round=lu_round).order_by("pk"))
    answer(people[0], DAY_ONE, 1)
    answer(people[1], DAY_TWO, 2)
    answer(people[7], DAY_TWO, 5)
    for person in people:
        link_issue(person)
    draft_save(people[2], {"lu_a": 4}, codes=["lu_a"], page=1)
    gathering_codes_issue([people[3]], close_time(lu_round))
    code = RespondentLink.objects.get(respondent=people[3], gathering=True)
    code_draft_save(code, "a browser", {"lu_a": 2}, codes=["lu_a"], page=1)
    before = (response_totals(lu_round), answers_per_day(lu_round))

    summary = round_close(lu_round, now=close_time(lu_round))

    lu_round.refresh_from_db()
    assert lu_round.anonymised_at == close_time(lu_round)
    assert (summary.respondents, summary.answered, summary.tallies) == (9, 3, 2)
    assert not Respondent.objects.filter(round=lu_round).exists()
    assert not RespondentLink.objects.exists()
    assert not Draft.objects.exists()
    assert not CodeDraft.objects.exists()
    assert not ReportClass.objects.exists()
    assert AnonymousResponse.objects.filter(round=lu_round).count() == 3
    # The same counts, now from the tallies; the day is the day in Norway.
    # The same totals, now from the tallies; the answers per day of the county in periods of
    # at least K (3 here), the period ending on the last day of its answers in Norway.
    assert response_totals(lu_round) == before[0]
    assert before[1] == {DAY_ONE.date(): 1, DAY_TWO.date(): 2}
    assert answers_per_day(lu_round) == {DAY_TWO.date(): 3}
    tallies = {
        (t.company_id is not None): (t.sampled, t.answered) for t in ResponseTally.objects.all()
    }
    assert tallies == {True: (6, 2), False: (3, 1)}
    assert ResponseTallyDay.objects.count() == 1
    # Each tally has exactly the dimensions of the answers of its class.
    answer_dims = set(
        AnonymousResponse.objects.values_list(
            "county_id", "training_office_id", "company_id", "trade_id", "apprentice_kind"
        )
    )
    tally_dims = set(
        ResponseTally.objects.values_list(
            "county_id", "training_office_id", "company_id", "trade_id", "apprentice_kind"
        )
    )
    assert answer_dims == tally_dims


def test_an_lbu_close_clears_the_ar_links_to_it(counties, county_a):
    lbu = round_make(lbu_questionnaire())
    ar = round_make(ar_questionnaire())
    company = rows.company(county_a)
    lbu_person = respondent_make(lbu, county_a, role=RespondentRole.LEADER, company=company)
    ar_person = respondent_make(
        ar, county_a, role=RespondentRole.LEADER, company=company, continues_to=lbu_person
    )
    round_close(lbu, now=close_time(lbu))
    ar_person.refresh_from_db()
    assert ar_person.continues_to is None
    assert Respondent.objects.filter(round=ar).count() == 1


def test_ar_open_and_closed_rounds_are_refused(counties, lu_round):
    ar = round_make(ar_questionnaire())
    with pytest.raises(NotClosable):
        round_close(ar, now=close_time(ar))
    with pytest.raises(NotClosable):
        round_close(lu_round, now=lu_round.closes_at - timedelta(seconds=1))
    round_close(lu_round, now=close_time(lu_round))
    with pytest.raises(NotClosable):
        round_close(lu_round, now=close_time(lu_round))


def test_the_signals_come_inside_the_transaction_and_after_the_commit(
    lu_round, django_capture_on_commit_callbacks
):
    seen = []

    def closing(sender, round, **kwargs):
        seen.append(
            (
                "closing",
                Respondent.objects.filter(round=round).count(),
                transaction.get_connection().in_atomic_block,
            )
        )

    def closed(sender, round_id, **kwargs):
        seen.append(("closed", Respondent.objects.filter(round_id=round_id).count(), None))

    round_closing.connect(closing)
    round_closed.connect(closed)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            round_close(lu_round, now=close_time(lu_round))
    finally:
        round_closing.disconnect(closing)
        round_closed.disconnect(closed)
    assert seen == [("closing", 9, True), ("closed", 0, None)]


def test_a_failing_receiver_keeps_nothing_of_the_step(lu_round):
    def refuse(sender, **kwargs):
        raise RuntimeError("receiver failed")

    round_closing.connect(refuse)
    try:
        with pytest.raises(RuntimeError):
            round_close(lu_round, now=close_time(lu_round))
    finally:
        round_closing.disconnect(refuse)
    lu_round.refresh_from_db()
    assert lu_round.anonymised_at is None
    assert Respondent.objects.filter(round=lu_round).count() == 9
    assert not ResponseTally.objects.exists()


def test_after_the_commit_the_answers_are_rewritten_unchanged(
    lu_round, django_capture_on_commit_callbacks
):
    for person in Respondent.objects.filter(round=lu_round)[:4]:
        answer(person, DAY_ONE)
    before = dict(AnonymousResponse.objects.values_list("pk", "answers"))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        round_close(lu_round, now=close_time(lu_round))
    # The close step's own rewrite (reporting's publication, on round_closed, may follow).
    names = [getattr(getattr(c, "func", c), "__qualname__", "") for c in callbacks]
    assert [n for n in names if n.startswith("round_close.")] != []
    assert dict(AnonymousResponse.objects.values_list("pk", "answers")) == before


def test_the_task_and_the_command_close_only_due_lu_and_lbu_rounds(lu_round, capsys):
    later = round_make(lbu_questionnaire())  # closes in 30 days
    Round.objects.filter(pk=lu_round.pk).update(closes_at=timezone.now() - timedelta(hours=1))
    call_command("close_rounds", "--dry-run")
    assert "Would close LU" in capsys.readouterr().out
    assert Round.objects.get(pk=lu_round.pk).anonymised_at is None
    # Nobody answered: no class may say so, both are kept as the county's one tally.
    assert close_rounds() == [
        f"LU {lu_round.year}: 9 respondents removed, 0 had answered, 1 tallies kept"
    ]
    assert Round.objects.get(pk=later.pk).anonymised_at is None
    assert rounds_close_due() == []
    call_command("close_rounds")
    assert "No round to close." in capsys.readouterr().out
