"""The front page's steps of the survey year done or open from the data, "Nå" on the step that is
really next, and the warnings: response rate behind last year's, SMS dispatches and failed
deliveries; the office's count of the county's invitation to its apprentices."""

from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.models import Dispatch, DispatchState, Message, MessageState, Purpose
from dispatch.panels import reached
from portal.accounts.access import Scope
from portal.lib.oslo import OSLO, oslo_today
from portal.models import Role
from reporting.models import Publication, Target
from surveys.calendar import calendar_panel_context
from surveys.models import RespondentRole, Round
from tests import register_rows as register
from tests.portal.test_front_page import YEAR, national_round
from tests.surveys.factories import (
    ar_questionnaire,
    lbu_questionnaire,
    lu_questionnaire,
    respondent_make,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rounds(counties):
    return [
        national_round(lu_questionnaire()),
        national_round(lbu_questionnaire()),
        national_round(ar_questionnaire()),
    ]


def states(scope, today):
    context = calendar_panel_context(scope, today=today)
    return {row.step.key: row.state for row in context["rows"]}


def invitation(round_, respondent, *, county=None, office=None, state=MessageState.SENT):
    dispatch = Dispatch.objects.create(
        round=round_,
        county=county,
        training_office=office,
        purpose=Purpose.INVITATION,
        by_email=True,
        send_at=timezone.now(),
        state=DispatchState.DONE,
    )
    Message.objects.create(dispatch=dispatch, respondent=respondent, channel="email", state=state)
    return dispatch


def test_the_quality_step_is_open_while_a_finding_is_left_and_done_without(rounds, county_a):
    county = Scope(role=Role.COUNTY, county=county_a)
    assert states(county, date(YEAR, 9, 20))["quality"] == "done"
    company = register.company(county_a, name="Fjord Elektro AS")
    person = register.apprentice(email="", email_valid=False, mobile="", mobile_valid=False)
    register.contract(person, company, start=date(YEAR - 2, 8, 1), end=date(YEAR + 1, 8, 1))
    # The register changes with an extract; the front page keeps its answer for the extract.
    register.extract_imported(date(YEAR, 9, 19))
    after = states(county, date(YEAR, 9, 20))
    assert after["quality"] == "now"
    assert after["targets"] == "open"  # open too, but not the one to do first


def test_targets_are_asked_for_before_the_round_opens_and_done_once_saved(rounds, county_a):
    county = Scope(role=Role.COUNTY, county=county_a)
    assert states(county, date(YEAR, 8, 1))["targets"] == "later"
    assert states(county, date(YEAR, 10, 1))["targets"] == "now"
    row = next(
        r
        for r in calendar_panel_context(county, today=date(YEAR, 10, 1))["rows"]
        if r.step.key == "targets"
    )
    assert row.step.url == reverse("county_targets", args=[county_a.code, date.today().year])
    Target.objects.create(county=county_a, year=YEAR, kind="LU", index="trivsel", value=4)
    assert states(county, date(YEAR, 10, 1))["targets"] == "done"
    # Not done past its time either: an unsaved target is still open after the round opens.
    Target.objects.all().delete()
    assert states(county, date(YEAR, 11, 1))["targets"] == "open"


def test_the_invitation_step_is_done_when_an_invitation_reached_every_survey(rounds, county_a):
    lu, _lbu, ar = rounds
    county = Scope(role=Role.COUNTY, county=county_a)
    day = date(YEAR, 10, 20)
    assert states(county, day)["invite"] == "now"
    invitation(lu, respondent_make(lu, county_a), county=county_a)
    assert states(county, day)["invite"] == "now"  # ÅR (with LBU) not yet
    office_respondent = respondent_make(ar, county_a, role=RespondentRole.OFFICE)
    invitation(ar, office_respondent, county=county_a, state=MessageState.FAILED)
    assert states(county, day)["invite"] == "now"  # a failed message reached nobody
    invitation(ar, office_respondent, county=county_a)
    after = states(county, day)
    assert after["invite"] == "done"
    assert after["remind"] == "later" and after["follow"] == "now"


def test_the_office_counts_the_county_invitation_to_its_apprentices(rounds, county_a, office_a):
    lu, _lbu, ar = rounds
    office = Scope(role=Role.OFFICE, office=office_a)
    for n in range(3):
        invitation(
            lu,
            respondent_make(lu, county_a, training_office=office_a, name=f"L{n}"),
            county=county_a,
        )
    invitation(
        ar,
        respondent_make(ar, county_a, role=RespondentRole.OFFICE, training_office=office_a),
        county=county_a,
    )
    assert states(office, date(YEAR, 10, 20))["invite"] == "done"
    counts = reached([lu], office)
    assert counts == {(lu.pk, Purpose.INVITATION, "email"): 3}


def test_the_office_report_step_is_done_once_the_office_answered(rounds, county_a, office_a):
    ar = rounds[2]
    office = Scope(role=Role.OFFICE, office=office_a)
    own = respondent_make(ar, county_a, role=RespondentRole.OFFICE, training_office=office_a)
    assert states(office, date(YEAR, 10, 20))["office_report"] in {"now", "open"}
    own.answered_at = timezone.now()
    own.save()
    assert states(office, date(YEAR, 10, 20))["office_report"] == "done"


def test_results_are_done_when_published_not_when_the_calendar_says(rounds, county_a):
    county = Scope(role=Role.COUNTY, county=county_a)
    Round.objects.update(closes_at=timezone.now() - timedelta(days=1))
    after_close = oslo_today()
    assert states(county, after_close)["results"] in {"now", "open"}
    Publication.objects.create(
        round=rounds[0], published_at=timezone.now(), threshold=5, answers=10
    )
    assert states(county, after_close)["results"] == "done"


def test_only_one_step_is_now(rounds, county_a):
    marked = states(Scope(role=Role.COUNTY, county=county_a), date(YEAR, 11, 20))
    assert list(marked.values()).count("now") == 1


# --- Warnings --------------------------------------------------------------------------------


def open_round_now(kind_questionnaire, year, *, days_open):
    now = timezone.now()
    return Round.objects.create(
        year=year,
        kind=kind_questionnaire.kind,
        questionnaire=kind_questionnaire,
        qa_starts_on=(now - timedelta(days=60)).date(),
        correction_deadline=now - timedelta(days=40),
        reference_date=(now - timedelta(days=30)).date(),
        opens_at=now - timedelta(days=days_open),
        closes_at=now + timedelta(days=20),
    )


def rate_round_pair(county, answered_now, answered_last, sampled=20):
    """This year's open LU round and last year's, with `answered_last` answers a day after
    opening last year and `answered_now` this year."""
    questionnaire = lu_questionnaire()
    this = open_round_now(questionnaire, YEAR, days_open=10)
    last = Round.objects.create(
        year=YEAR - 1,
        kind=questionnaire.kind,
        questionnaire=questionnaire,
        qa_starts_on=date(YEAR - 1, 9, 1),
        correction_deadline=datetime(YEAR - 1, 9, 30, 12, tzinfo=OSLO),
        reference_date=date(YEAR - 1, 10, 1),
        opens_at=this.opens_at.replace(year=YEAR - 1),
        closes_at=this.closes_at.replace(year=YEAR - 1),
    )
    for round_, answered in ((this, answered_now), (last, answered_last)):
        for n in range(sampled):
            respondent_make(
                round_,
                county,
                name=f"R{n}",
                answered_at=round_.opens_at + timedelta(days=1) if n < answered else None,
            )
    return this


# 10 answered of 20 (50 %) is behind by more than the margin and shown (a total under the
# threshold would be hidden, and so would its warning).
@pytest.mark.parametrize(("answered_now", "warned"), [(10, True), (11, False), (12, False)])
def test_a_rate_behind_last_years_by_more_than_the_margin_warns(
    client, county_a_admin, county_a, answered_now, warned, settings
):
    settings.RATE_BEHIND_MARGIN = 10
    # 65 % last year; 55 % is exactly the margin behind, which does not warn.
    rate_round_pair(county_a, answered_now, 13)
    client.force_login(county_a_admin)
    body = client.get(reverse("county_dashboard", args=[county_a.code])).content.decode()
    assert ("Bak i fjor" in body) is warned
    if warned:
        assert "50 % svart mot 65 %" in body
