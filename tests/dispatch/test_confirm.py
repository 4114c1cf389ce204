"""Sending in two explicit steps, cancelling that asks first, what a cancelled or finished
dispatch says, delivery reported by the recording backends, and R-D6 as a rule of thumb."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState, Message, MessageState, Purpose, SmsQuota
from dispatch.services.order_rules import LeftOut
from dispatch.services.reminder_proposals import SEND_TIME, reminder_suggest, send_moment
from portal.lib.oslo import oslo_datetime, oslo_now, oslo_today
from portal.models import AuditAction, AuditEntry
from tests.dispatch.helpers import plan_of, send

ORDER = {"purpose": "invitation", "by_email": "on", "by_sms": "on", "language": "nb"}
KEY = re.compile(r'name="order_key" value="([0-9a-f-]{36})"')
HIDDEN = re.compile(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)"')


def _order_url(county, year) -> str:
    return reverse("county_dispatch_new", args=[county.code, year.lu.year, "lu"])


def _hidden_fields(body: str) -> dict[str, str]:
    return {name: value for name, value in HIDDEN.findall(body) if name != "csrfmiddlewaretoken"}


@pytest.mark.django_db
def test_the_preview_takes_the_focus_and_sending_needs_the_confirmation_step(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    client.force_login(county_a_admin)
    url = _order_url(county_a, year)
    page = client.get(url).content.decode()
    key = KEY.search(page).group(1)
    # Beside the SMS choice: each SMS dispatch counts 1 whatever its size (R-D8).
    assert "Vi anbefaler derfor å inkludere flest mulige i hver SMS-utsendelse." in page
    form = ORDER | {"when": "now", "order_key": key}

    preview = client.post(url, form | {"preview": "1"}).content.decode()
    assert 'action="#preview-heading"' in preview
    assert '<h2 id="preview-heading" tabindex="-1" autofocus>' in preview
    assert "Forhåndsvisningen er klar: 2 mottakere" in preview
    assert 'name="confirm"' in preview and "Gå videre til bekreftelse" in preview
    assert 'name="send"' not in preview  # the preview itself has no button that sends

    confirm = client.post(url, form | {"confirm": "1"}).content.decode()
    assert '<h1 id="confirm-heading" tabindex="-1" autofocus>' in confirm
    assert "Bekreft utsendelsen" in confirm and "Ingenting er sendt ennå" in confirm
    facts = re.sub(r"\s+", " ", confirm)
    assert "<dt>Mottakere</dt><dd>2</dd>" in facts
    assert "<dt>På e-post</dt><dd>2</dd>" in facts and "<dt>På SMS</dt><dd>2</dd>" in facts
    assert "bruker én SMS-utsendelse, uansett størrelse: 0 av 7 brukt så langt, 7 igjen" in facts
    assert "Send til 2 mottakere" in confirm
    assert not Dispatch.objects.exists()  # neither the preview nor the confirmation sends

    # The confirmation carries the form whole, its one-time key with it.
    carried = _hidden_fields(confirm)
    assert carried["order_key"] == key and carried["by_sms"] == "True"
    with django_capture_on_commit_callbacks(execute=True):
        first = client.post(url, carried | {"send": "1"})
        again = client.post(url, carried | {"send": "1"})  # sent twice from the same page
    dispatch = Dispatch.objects.get()
    assert first["Location"] == again["Location"]
    assert first["Location"] == reverse("county_dispatch", args=[county_a.code, dispatch.pk])
    assert str(dispatch.order_key) == key
    assert SmsQuota.objects.get(round=year.lu, county=county_a).used == 1


@pytest.mark.django_db
def test_cancelling_asks_first_and_a_cancelled_dispatch_reached_nobody(
    client,
    county_a_admin,
    office_a_admin,
    county_a,
    office_a,
    year,
    django_capture_on_commit_callbacks,
):
    later = timezone.now() + timedelta(days=2)
    scheduled = send(
        django_capture_on_commit_callbacks,
        year.lu,
        Sender(county=county_a),
        send_at=later,
        sms=True,
    )
    assert scheduled.state == DispatchState.SCHEDULED
    client.force_login(county_a_admin)
    detail_url = reverse("county_dispatch", args=[county_a.code, scheduled.pk])
    cancel_url = reverse("county_dispatch_cancel", args=[county_a.code, scheduled.pk])
    detail = client.get(detail_url).content.decode()
    assert f'<a href="{cancel_url}"' in detail  # a link to the question, not a button that acts

    asked = client.get(cancel_url).content.decode()
    assert "Avbryte utsendelsen?" in asked and "Ja, avbryt utsendelsen" in asked
    assert "Nei, behold den" in asked
    scheduled.refresh_from_db()
    assert scheduled.state == DispatchState.SCHEDULED  # asking cancels nothing

    response = client.post(cancel_url, {"confirm": "1"})
    assert response["Location"] == detail_url
    scheduled.refresh_from_db()
    assert scheduled.state == DispatchState.CANCELLED
    assert SmsQuota.objects.get(round=year.lu, county=county_a).used == 0  # given back

    page = client.get(detail_url).content.decode()
    assert "Avbrutt" in page and "den nådde ingen" in page
    assert "(100 %)" not in page and 'id="dispatch-bar"' not in page
    assert "av 2 meldinger" not in page

    year_page = client.get(reverse("county_dispatches", args=[county_a.code, year.lu.year]))
    body = year_page.content.decode()
    table = body.split('id="history-LU"')[1].split("</table>")[0]
    assert "Ingenting er sendt ennå." in table  # not among those that reached people
    assert "Avbrutt før noe ble sendt" in body and "den nådde ingen." in body

    # The office whose apprentice it would have reached does not see it at all.
    client.force_login(office_a_admin)
    office_page = client.get(reverse("office_dispatches", args=[office_a.orgnr, year.lu.year]))
    office_body = office_page.content.decode()
    assert "Ingenting er sendt ennå." in office_body.split('id="history-LU"')[1]
    assert "Avbrutt" not in office_body


@pytest.mark.django_db
def test_a_finished_dispatch_says_sent_and_the_recording_backends_report_delivery(
    client, county_a_admin, county_a, year, settings, django_capture_on_commit_callbacks
):
    settings.DISPATCH_RECORD_DELIVERED = True
    dispatch = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    assert dispatch.state == DispatchState.DONE
    states = set(Message.objects.filter(dispatch=dispatch).values_list("state", flat=True))
    assert states == {MessageState.DELIVERED}
    client.force_login(county_a_admin)
    page = client.get(reverse("county_dispatch", args=[county_a.code, dispatch.pk]))
    facts = re.sub(r"\s+", " ", page.content.decode())
    assert "<strong>Status:</strong> Sendt" in facts
    assert "<dt>Levert</dt><dd>2</dd>" in facts


@pytest.mark.django_db
def test_a_late_delivery_report_after_the_recorded_one_changes_nothing(
    year, county_a, settings, django_capture_on_commit_callbacks
):
    """The recording backend reports through the webhooks' own function: a message already
    delivered is settled, and a bounce reported after it leaves it delivered."""
    from dispatch.services.delivery import message_undeliverable

    settings.DISPATCH_RECORD_DELIVERED = True
    dispatch = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    message = Message.objects.filter(dispatch=dispatch).first()
    assert not message_undeliverable(message, reason="late bounce")
    message.refresh_from_db()
    assert message.state == MessageState.DELIVERED


def _three_reminders(capture, year, sender) -> None:
    for _ in range(3):
        send(capture, year.lu, sender, Purpose.REMINDER, override_spacing=True)


@pytest.mark.django_db
def test_a_fourth_reminder_is_an_explicit_choice_with_a_warning_counted_and_logged(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    _three_reminders(django_capture_on_commit_callbacks, year, sender)
    plain = plan_of(year.lu, sender, Purpose.REMINDER, override_spacing=True)
    assert not plain.recipients and plain.left_out[LeftOut.CAP] == 2
    chosen = plan_of(
        year.lu, sender, Purpose.REMINDER, override_spacing=True, beyond_rule_of_thumb=True
    )
    assert len(chosen.recipients) == 2 and chosen.beyond_rule_of_thumb == 2

    client.force_login(county_a_admin)
    url = _order_url(county_a, year)
    form = {
        "purpose": "reminder",
        "by_email": "on",
        "language": "nb",
        "when": "now",
        "override_spacing": "on",
    }
    without = client.post(url, form | {"preview": "1"}).content.decode()
    assert "Har fått 3 påminnelser, tommelfingerregelen" in without
    assert "Send påminnelse også til dem som alt har fått 3 påminnelser" in without
    form["beyond_rule_of_thumb"] = "on"
    warned = client.post(url, form | {"preview": "1"}).content.decode()
    assert "Advarsel: for 2 mottakere er dette 4. påminnelse eller mer" in warned
    confirm = client.post(url, form | {"confirm": "1"}).content.decode()
    assert "2 mottakere får sin 4. påminnelse eller mer." in confirm
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, _hidden_fields(confirm) | {"send": "1"})
    fourth = Dispatch.objects.filter(purpose=Purpose.REMINDER).order_by("-pk").first()
    assert fourth.recipients == 2
    entry = AuditEntry.objects.filter(action=AuditAction.DISPATCH_CREATED).order_by("-at").first()
    assert entry.detail["dispatch"] == fourth.pk
    assert entry.detail["beyond_rule_of_thumb"] == 2


@pytest.mark.django_db
def test_the_planner_proposes_no_fourth_reminder(
    year, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    send(django_capture_on_commit_callbacks, year.lu, sender)
    assert reminder_suggest(year.lu, sender).day is not None
    _three_reminders(django_capture_on_commit_callbacks, year, sender)
    # One reminder did not reach one apprentice, who has had 2: still none is proposed.
    failed = Message.objects.filter(dispatch__purpose=Purpose.REMINDER).first()
    Message.objects.filter(pk=failed.pk).update(state=MessageState.FAILED)
    suggestion = reminder_suggest(year.lu, sender)
    assert suggestion.day is None and suggestion.at is None
    assert "You have sent 3 reminders, which is the rule of thumb" in suggestion.reason


@pytest.mark.django_db
def test_the_planner_gives_a_time_that_reaches_someone(year):
    round_ = year.lu
    today = oslo_today()
    morning = oslo_datetime(today, time(7, 0))
    # The round closes at 09:00 tomorrow: a 09:00 send tomorrow would reach nobody.
    round_.closes_at = oslo_datetime(today + timedelta(days=1), SEND_TIME)
    assert send_moment(round_, today + timedelta(days=1), morning) is None
    assert send_moment(round_, today, morning) == oslo_datetime(today, SEND_TIME)
    # Past 09:00 today: the next quarter hour today, never a moment gone by.
    noon = oslo_datetime(today, time(12, 5))
    assert send_moment(round_, today, noon) == oslo_datetime(today, time(12, 15))
    late = oslo_datetime(today, time(23, 50))
    assert send_moment(round_, today, late) is None


@pytest.mark.django_db
def test_the_order_page_shows_the_proposed_time(
    client, county_a_admin, county_a, year, django_capture_on_commit_callbacks
):
    send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    suggestion = reminder_suggest(year.lu, Sender(county=county_a))
    assert isinstance(suggestion.at, datetime) and suggestion.at < year.lu.closes_at
    client.force_login(county_a_admin)
    body = client.get(_order_url(county_a, year)).content.decode()
    assert f"kl. {oslo_now(suggestion.at):%H:%M}" in body
