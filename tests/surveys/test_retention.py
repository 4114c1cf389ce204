import logging
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from surveys.models import (
    AnonymousResponse,
    Draft,
    IdentifiedResponse,
    Respondent,
    RespondentLink,
    RespondentRole,
    Round,
)
from surveys.services.links import link_issue
from surveys.services.retention import personal_data_purge
from surveys.tasks import purge_personal_data
from tests.surveys.factories import (
    ar_questionnaire,
    lu_questionnaire,
    respondent_make,
    round_make,
)

pytestmark = pytest.mark.django_db

NAME, EMAIL = "Ola Lærling", "ola@example.test"


def closed_round(questionnaire, *, days_ago: int, year: int):
    round_ = round_make(questionnaire, year=year, state="closed")
    Round.objects.filter(pk=round_.pk).update(closes_at=timezone.now() - timedelta(days=days_ago))
    round_.refresh_from_db()
    return round_


def populated(round_, county, *, role=RespondentRole.APPRENTICE, answered=True):
    """A respondent with a link, plus one who left a draft; an answer of the round's kind."""
    respondent = respondent_make(round_, county, role=role, name=NAME, email=EMAIL)
    link_issue(respondent)
    unsubmitted = respondent_make(round_, county, role=role, name=NAME, email=EMAIL)
    link_issue(unsubmitted)
    Draft.objects.create(respondent=unsubmitted, answers={"x": 1}, page=2)
    if answered:
        respondent.answered_at = round_.closes_at - timedelta(days=3)
        respondent.save()
    return respondent, unsubmitted


@pytest.fixture
def lu_old(counties, county_a):
    """LU closed 61 days ago: past the retention period."""
    round_ = closed_round(lu_questionnaire(2018), days_ago=61, year=2024)
    populated(round_, county_a)
    AnonymousResponse.objects.create(round=round_, county=county_a, answers={"lu_a": 4})
    return round_


@pytest.fixture
def lu_recent(counties, county_a):
    """LU closed 59 days ago: still within the retention period."""
    round_ = closed_round(lu_questionnaire(2020), days_ago=59, year=2025)
    populated(round_, county_a)
    return round_


def identified(round_, respondent):
    return IdentifiedResponse.objects.create(
        respondent=respondent,
        round=round_,
        county=respondent.county,
        part="reporting",
        answers={"rap_plan": True},
        submitted_at=round_.closes_at - timedelta(days=1),
    )


def test_personal_data_of_rounds_closed_more_than_60_days_ago_is_deleted(lu_old, lu_recent):
    counts = personal_data_purge()

    old = Respondent.objects.filter(round=lu_old)
    assert counts.respondents == 2 and counts.links == 2 and counts.drafts == 1
    assert set(old.values_list("name", "email", "mobile", "email_valid", "mobile_valid")) == {
        ("", "", "", False, False)
    }
    assert all(r.personal_data_deleted_at is not None for r in old)
    assert not RespondentLink.objects.filter(respondent__round=lu_old).exists()
    assert not Draft.objects.filter(respondent__round=lu_old).exists()
    # What the response rates and the reports need stays.
    assert old.filter(answered_at__isnull=False).count() == 1
    assert AnonymousResponse.objects.filter(round=lu_old).count() == 1

    recent = Respondent.objects.filter(round=lu_recent)
    assert set(recent.values_list("name", flat=True)) == {NAME}
    assert RespondentLink.objects.filter(respondent__round=lu_recent).count() == 2
    assert Draft.objects.filter(respondent__round=lu_recent).count() == 1

    # A second run finds nothing more to do.
    assert personal_data_purge().respondents == 0


def test_identified_ar_answers_are_deleted_five_years_after_their_round_closed(counties, county_a):
    kept_round = closed_round(ar_questionnaire(2018), days_ago=4 * 365, year=2021)
    gone_round = closed_round(ar_questionnaire(2012), days_ago=5 * 365 + 2, year=2019)
    kept = identified(kept_round, respondent_make(kept_round, county_a, role="office"))
    identified(gone_round, respondent_make(gone_round, county_a, role="office"))

    counts = personal_data_purge()
    assert counts.identified_answers == 1
    assert list(IdentifiedResponse.objects.all()) == [kept]


def test_a_dry_run_counts_and_changes_nothing(lu_old):
    counts = personal_data_purge(dry_run=True)
    assert counts.respondents == 2
    assert set(Respondent.objects.values_list("name", flat=True)) == {NAME}
    assert RespondentLink.objects.count() == 2
    assert Draft.objects.count() == 1


def test_the_retention_period_comes_from_the_settings(lu_recent, settings):
    assert settings.RETENTION_DAYS_AFTER_CLOSE == 60
    assert settings.IDENTIFIED_ANSWER_RETENTION_YEARS == 5
    settings.RETENTION_DAYS_AFTER_CLOSE = 30
    assert personal_data_purge().respondents == 2


def test_the_command_and_the_log_show_counts_and_never_personal_data(lu_old, capsys, caplog):
    caplog.set_level(logging.INFO, logger="surveys.services.retention")
    call_command("purge_personal_data", "--dry-run")
    dry = capsys.readouterr().out
    assert "Would delete" in dry and "2 respondents" in dry
    call_command("purge_personal_data")
    out = capsys.readouterr().out
    assert "Deleted: names and contact data of 2 respondents, 2 links, 1 unsubmitted drafts" in out
    logged = " ".join(r.getMessage() for r in caplog.records)
    assert "respondents=2" in logged and "links=2" in logged
    for text in (out, dry, logged):
        assert NAME not in text and EMAIL not in text and "+47" not in text


def test_the_scheduled_task_purges_and_returns_counts(lu_old):
    assert purge_personal_data() == {
        "respondents": 2,
        "links": 2,
        "drafts": 1,
        "identified_answers": 0,
        "elsewhere": 0,
    }
    entry = settings.CELERY_BEAT_SCHEDULE["purge-personal-data"]
    assert entry["task"] == "surveys.tasks.purge_personal_data"
