"""One test per rule of docs/domain.md on who a dispatch reaches (R-D1..R-D12)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Message, Purpose, RecordedMessage
from dispatch.services.order_rules import LeftOut
from dispatch.services.outbox import outbox_process_chunk
from dispatch.services.quotas import quota_left
from dispatch.tasks import dispatches_release_due
from portal.lib.oslo import oslo_today
from surveys.models import Respondent
from tests.dispatch.conftest import ids
from tests.dispatch.helpers import plan_of, reached, send, sent_to

pytestmark = pytest.mark.django_db


def test_r_d1_county_reaches_its_apprentices_and_for_ar_its_offices_and_independent_companies(
    year, county_a
):
    p = year.people
    county = Sender(county=county_a)
    assert reached(year.lu, county) == ids(p["lu_a_member"], p["lu_a_independent"])
    # ÅR: the office located in the county and the independent company; member companies
    # get ÅR from their office, other counties' offices never.
    assert reached(year.ar, county) == ids(p["ar_office_a"], p["ar_independent_a"])


def test_r_d2_office_reaches_its_apprentices_and_member_companies_only(year, office_a):
    p = year.people
    office = Sender(office=office_a)
    assert reached(year.lu, office) == ids(
        p["lu_a_member"], p["lu_b_of_office_a"]
    )  # never lu_b of office B, never the independent company's apprentice
    assert reached(year.ar, office) == ids(p["ar_member_a"], p["ar_member_b_of_a"])


def test_r_d3_office_reaches_apprentices_in_other_counties_and_both_see_each_others_dispatches(
    year, county_b, office_a, django_capture_on_commit_callbacks
):
    from dispatch.selectors import round_history

    p = year.people
    assert p["lu_b_of_office_a"].pk in reached(year.lu, Sender(office=office_a))
    # County B's dispatch reaches the office's apprentice in B: the office sees it, and the
    # county sees the office's dispatch that reached its apprentice.
    by_county = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_b))
    by_office = send(
        django_capture_on_commit_callbacks,
        year.lu,
        Sender(office=office_a),
        Purpose.REMINDER,
        override_spacing=True,
    )
    office_view = {
        row.dispatch.pk: row.own for row in round_history(year.lu, Sender(office=office_a))
    }
    county_view = {
        row.dispatch.pk: row.own for row in round_history(year.lu, Sender(county=county_b))
    }
    assert office_view == {by_county.pk: False, by_office.pk: True}
    assert county_view == {by_county.pk: True, by_office.pk: False}
    # Reminders are counted across county and office: both reminders count for the cap.


def test_r_d4_county_sends_lu_to_apprentices_of_independent_companies(year, county_a, office_a):
    p = year.people
    assert p["lu_a_independent"].pk in reached(year.lu, Sender(county=county_a))
    assert p["lu_a_independent"].pk not in reached(year.lu, Sender(office=office_a))


def test_r_d5_reminders_go_by_email_and_sms(year, county_a, django_capture_on_commit_callbacks):
    d = send(
        django_capture_on_commit_callbacks,
        year.lu,
        Sender(county=county_a),
        Purpose.REMINDER,
        email=True,
        sms=True,
    )
    channels = set(RecordedMessage.objects.values_list("channel", flat=True))
    assert channels == {"email", "sms"}
    assert Message.objects.filter(dispatch=d).count() == 4  # 2 apprentices × 2 channels


def test_r_d6_at_most_three_reminders_a_week_apart_counted_across_county_and_office(
    year, county_a, office_a, django_capture_on_commit_callbacks
):
    p = year.people
    apprentice = p["lu_a_member"]  # reached by the county and by office A
    now = timezone.now()
    start = year.lu.opens_at + timedelta(hours=1)
    year.lu.opens_at = now - timedelta(days=40)
    year.lu.save()
    senders = [Sender(county=county_a), Sender(office=office_a), Sender(county=county_a)]
    for weeks, sender in enumerate(senders):
        send(
            django_capture_on_commit_callbacks,
            year.lu,
            sender,
            Purpose.REMINDER,
            send_at=now + timedelta(days=7 * weeks, minutes=1),
        )
    del start
    # A fourth reminder, a week after the third, from either sender: the cap is reached.
    later = now + timedelta(days=21, minutes=2)
    for sender in (Sender(county=county_a), Sender(office=office_a)):
        plan = plan_of(year.lu, sender, Purpose.REMINDER, send_at=later, now=now)
        assert apprentice.pk not in {r.respondent_id for r in plan.recipients}
        assert plan.left_out[LeftOut.CAP] >= 1
    # Less than 7 days after a message: held back unless the sender overrides it.
    soon = now + timedelta(days=3)
    plan = plan_of(year.lu, Sender(county=county_a), Purpose.REMINDER, send_at=soon, now=now)
    # The county's independent apprentice got two reminders (day 0 and 14): spacing; the
    # member apprentice has had three (county, office, county): the cap.
    assert (plan.left_out[LeftOut.SPACING], plan.left_out[LeftOut.CAP]) == (1, 1)
    plan = plan_of(
        year.lu,
        Sender(county=county_a),
        Purpose.REMINDER,
        send_at=soon,
        now=now,
        override_spacing=True,
    )
    assert {r.respondent_id for r in plan.recipients} == ids(p["lu_a_independent"])


def test_r_d7_only_those_who_have_not_answered_get_a_reminder(
    year, county_a, django_capture_on_commit_callbacks
):
    p = year.people
    Respondent.objects.filter(pk=p["lu_a_member"].pk).update(answered_at=timezone.now())
    plan = plan_of(year.lu, Sender(county=county_a), Purpose.REMINDER)
    assert {r.respondent_id for r in plan.recipients} == ids(p["lu_a_independent"])
    assert plan.left_out[LeftOut.ANSWERED] == 1


def test_r_d7_someone_who_answers_between_preview_and_send_gets_nothing(
    year, county_a, django_capture_on_commit_callbacks
):
    p = year.people
    sender = Sender(county=county_a)
    later = timezone.now() + timedelta(hours=1)
    # Scheduled: the messages are written now, sent when released.
    d = send(django_capture_on_commit_callbacks, year.lu, sender, Purpose.REMINDER, send_at=later)
    assert Message.objects.filter(dispatch=d).count() == 2
    Respondent.objects.filter(pk=p["lu_a_member"].pk).update(answered_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        dispatches_release_due(now=later + timedelta(minutes=1))
    assert sent_to(d) == ids(p["lu_a_independent"])
    skipped = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    assert (skipped.state, skipped.skip_reason) == ("skipped", "answered")


def test_r_d8_sms_quota_counts_dispatches_not_messages(
    year, county_a, office_a, django_capture_on_commit_callbacks
):
    county, office = Sender(county=county_a), Sender(office=office_a)
    assert quota_left(year.lu, county) == 7
    assert quota_left(year.lu, office) == 3
    assert quota_left(year.ar, county) == 5
    assert quota_left(year.ar, office) == 5
    assert quota_left(year.lbu, county) == 3
    assert quota_left(year.lbu, office) == 0
    for _i in range(3):
        send(
            django_capture_on_commit_callbacks,
            year.lu,
            office,
            Purpose.INVITATION,
            sms=True,
            override_spacing=True,
        )
        Message.objects.all().delete()  # so the invitation rule does not leave everyone out
    assert quota_left(year.lu, office) == 0
    plan = plan_of(year.lu, office, sms=True)
    assert any("No SMS dispatches are left" in e for e in plan.errors)
    # E-mail is not limited.
    send(django_capture_on_commit_callbacks, year.lu, office, Purpose.INVITATION, email=True)


def test_r_d9_ar_goes_with_lbu_in_the_same_link(year, office_a, django_capture_on_commit_callbacks):
    from surveys.services.answering import respondent_current

    send(django_capture_on_commit_callbacks, year.ar, Sender(office=office_a))
    text = RecordedMessage.objects.get(to=year.people["ar_member_a"].email).text
    assert "Lærebedriftsundersøkelsen" in text  # the text says the link goes on to LBU
    member = year.people["ar_member_a"]
    member.answered_at = timezone.now()
    member.save()
    assert respondent_current(member) == year.people["lbu_member_a"]
    # LBU on its own is not sent by anyone to the member company through ÅR's round.
    assert year.people["lbu_member_a"].pk not in set(
        Message.objects.values_list("respondent_id", flat=True)
    )


def test_r_d10_ar_reminders_reach_only_those_who_have_not_answered_ar(year, county_a, office_a):
    p = year.people
    Respondent.objects.filter(pk=p["ar_office_a"].pk).update(answered_at=timezone.now())
    assert reached(year.ar, Sender(county=county_a), Purpose.REMINDER) == ids(p["ar_independent_a"])
    Respondent.objects.filter(pk=p["ar_member_a"].pk).update(answered_at=timezone.now())
    assert reached(year.ar, Sender(office=office_a), Purpose.REMINDER) == ids(p["ar_member_b_of_a"])


def test_r_d11_lbu_reminders_reach_every_company_that_has_not_answered_lbu(
    year, county_a, office_a, django_capture_on_commit_callbacks
):
    p = year.people
    # Answered ÅR, not LBU: still gets the LBU reminder.
    Respondent.objects.filter(pk=p["ar_member_a"].pk).update(answered_at=timezone.now())
    assert reached(year.lbu, Sender(county=county_a), Purpose.REMINDER) == ids(
        p["lbu_member_a"], p["lbu_independent_a"]
    )
    assert reached(year.lbu, Sender(office=office_a), Purpose.REMINDER) == ids(p["lbu_member_a"])
    # A company that gets an ÅR reminder the same day: the preview says so, and offers to
    # leave it out.
    send(django_capture_on_commit_callbacks, year.ar, Sender(county=county_a), Purpose.REMINDER)
    plan = plan_of(year.lbu, Sender(county=county_a), Purpose.REMINDER)
    assert plan.ar_same_day == 1  # the independent company
    plan = plan_of(year.lbu, Sender(county=county_a), Purpose.REMINDER, leave_out_ar_same_day=True)
    assert {r.respondent_id for r in plan.recipients} == ids(p["lbu_member_a"])
    assert plan.left_out[LeftOut.AR_SAME_DAY] == 1


def test_r_d12_lbu_on_its_own_only_from_the_separate_date_and_sms_only_by_the_county(
    year, county_a, office_a
):
    year.lbu.separate_lbu_from = oslo_today() + timedelta(days=3)
    year.lbu.save()
    plan = plan_of(year.lbu, Sender(county=county_a))
    assert any("only be sent on its own from" in e for e in plan.errors)
    year.lbu.separate_lbu_from = oslo_today() - timedelta(days=1)
    year.lbu.save()
    assert plan_of(year.lbu, Sender(county=county_a), sms=True).errors == []
    errors = plan_of(year.lbu, Sender(office=office_a), sms=True).errors
    assert any("Only the county sends" in e for e in errors)


def test_nothing_is_sent_outside_the_survey_window(
    year, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    too_late = year.lu.closes_at + timedelta(hours=1)
    with pytest.raises(ValidationError, match="only be sent while the survey is open"):
        send(django_capture_on_commit_callbacks, year.lu, sender, send_at=too_late)
    year.lu.opens_at = timezone.now() + timedelta(days=1)
    year.lu.save()
    with pytest.raises(ValidationError, match="only be sent while the survey is open"):
        send(django_capture_on_commit_callbacks, year.lu, sender)
    # A scheduled dispatch released after the round closed sends nothing.
    year.lu.opens_at = timezone.now() - timedelta(days=1)
    year.lu.save()
    last_minute = year.lu.closes_at - timedelta(minutes=1)
    d = send(django_capture_on_commit_callbacks, year.lu, sender, send_at=last_minute)
    after = year.lu.closes_at + timedelta(minutes=1)
    with django_capture_on_commit_callbacks(execute=False):  # the worker runs late
        dispatches_release_due(now=after)
    outbox_process_chunk(d.pk, now=after)
    assert RecordedMessage.objects.count() == 0
    assert set(Message.objects.filter(dispatch=d).values_list("skip_reason", flat=True)) == {
        "outside_window"
    }


def test_r_a3_a_county_sending_ar_activates_the_managing_director_of_an_office_without_users(
    year, county_a, office_a, office_b, django_capture_on_commit_callbacks, mailoutbox, settings
):
    from django.core import mail

    from portal.models import AuditEntry, Membership, Role

    settings.SITE_URL = "https://undersokelse.test"
    TrainingOfficeModel = type(office_a)
    TrainingOfficeModel.objects.filter(pk=office_a.pk).update(
        email="dagleg.leiar@okvest.test", email_valid=True, manager_name="Dagleg Leiar"
    )
    send(django_capture_on_commit_callbacks, year.ar, Sender(county=county_a))

    manager = Membership.objects.get(training_office=office_a, role=Role.OFFICE).user
    assert manager.email == "dagleg.leiar@okvest.test"
    invitations = [m for m in mail.outbox if m.to == ["dagleg.leiar@okvest.test"]]
    assert len(invitations) == 1
    body = invitations[0].body
    assert "https://undersokelse.test/konto/" in body and "/konto/login/" in body, body
    assert AuditEntry.objects.filter(action="user_created", target=manager.email).exists()
    # Only the office located in the county, and only once: a reminder creates nobody more.
    assert not Membership.objects.filter(training_office=office_b).exists()
    send(
        django_capture_on_commit_callbacks,
        year.ar,
        Sender(county=county_a),
        Purpose.REMINDER,
        override_spacing=True,
    )
    assert Membership.objects.filter(training_office=office_a).count() == 1
