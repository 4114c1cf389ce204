"""SMS segments, the reminder planner, the commands and undeliverable contacts in the
register."""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.core.management import call_command

from dispatch.audience import Sender
from dispatch.models import Message, MessageState, Purpose
from dispatch.services.reminder_proposals import flat_since, reminder_suggest
from dispatch.sms_segments import sms_length
from portal.lib.oslo import oslo_datetime, oslo_today
from tests.dispatch.helpers import send


@pytest.mark.parametrize(
    ("text", "encoding", "segments", "char"),
    [
        ("a" * 160, "GSM-7", 1, ""),
        ("æøåÆØÅ" + "a" * 154, "GSM-7", 1, ""),
        ("a" * 161, "GSM-7", 2, ""),
        ("€" * 80, "GSM-7", 1, ""),  # two septets each: 160
        ("€" * 81, "GSM-7", 2, ""),
        ("a" * 152 + "€" + "a" * 10, "GSM-7", 2, ""),  # the escape is not split
        ("Hei “Kari”", "UCS-2", 1, "“"),
        ("Hei 🙂" + "a" * 64, "UCS-2", 1, "🙂"),  # the emoji is two UTF-16 units: 70
        ("Hei 🙂" + "a" * 65, "UCS-2", 2, "🙂"),
        ("á" + "a" * 134, "UCS-2", 3, "á"),  # á is not in the GSM alphabet
    ],
)
def test_sms_segments(text, encoding, segments, char):
    length = sms_length(text)
    assert (length.encoding, length.segments, length.first_non_gsm) == (encoding, segments, char)


def test_answers_flatten_after_their_peak():
    day = oslo_today()
    days = {day + timedelta(i): n for i, n in enumerate([2, 30, 12, 5, 3, 2])}
    assert flat_since(days, day, day + timedelta(5)) == day + timedelta(3)
    rising = {day + timedelta(i): n for i, n in enumerate([2, 30, 12, 20])}
    assert flat_since(rising, day, day + timedelta(3)) is None


@pytest.mark.django_db
def test_the_planner_proposes_a_date_and_channel_with_its_reason(
    year, county_a, django_capture_on_commit_callbacks
):
    sender = Sender(county=county_a)
    first = reminder_suggest(year.lu, sender)
    assert first.channel == "email" and "No invitation" in first.reason
    invited = send(django_capture_on_commit_callbacks, year.lu, sender)
    suggestion = reminder_suggest(year.lu, sender)
    # Nobody has answered since: a week after the invitation, e-mail and SMS near the end.
    assert suggestion.day == oslo_today(invited.send_at) + timedelta(days=7)
    assert "7 SMS dispatches left" in suggestion.reason
    assert "days to close" in suggestion.reason
    assert suggestion.channel in {"email", "both"}


@pytest.mark.django_db
def test_dispatch_status_and_retry_commands(
    year, county_a, capsys, django_capture_on_commit_callbacks
):
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    Message.objects.filter(dispatch=d).update(state=MessageState.FAILED, error="outage")
    call_command("dispatch_status", f"{year.lu.year}/LU")
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].startswith("dispatch\tround")
    totals = dict(zip(lines[0].split("\t"), lines[-1].split("\t"), strict=False))
    assert totals["failed"] == "2" and totals["sent"] == "0"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_retry")
    assert "2 messages queued again." in capsys.readouterr().out
    assert set(Message.objects.filter(dispatch=d).values_list("state", flat=True)) == {"sent"}
    assert d.purpose == Purpose.INVITATION


@pytest.mark.django_db
def test_an_undeliverable_value_stays_invalid_on_reimport_until_vigo_changes_it(
    tmp_path, counties
):
    from demo.register.extract import write_demo_extract
    from registry_import.models import Apprentice, ContactChannel
    from registry_import.services import import_extract
    from registry_import.undeliverable import undeliverable_mark

    paths = write_demo_extract(tmp_path / "x", scale="tiny", seed=3)
    import_extract(paths)
    apprentice = Apprentice.objects.filter(email_valid=True).first()
    undeliverable_mark(channel=ContactChannel.EMAIL, value=apprentice.email, reason="bounced")
    apprentice.refresh_from_db()
    assert apprentice.email_valid is False
    # The same extract again: the register still has the address, which stays invalid.
    import_extract(paths)
    apprentice.refresh_from_db()
    assert apprentice.email_valid is False
    # VIGO gets another address: the new one is valid.
    for path in paths:
        raw = path.read_bytes()
        path.write_bytes(raw.replace(apprentice.email.encode(), b"ny.adresse@example.test"))
    import_extract(paths)
    apprentice.refresh_from_db()
    assert (apprentice.email, apprentice.email_valid) == ("ny.adresse@example.test", True)


@pytest.mark.django_db
def test_late_in_the_evening_the_first_proposal_is_tomorrow_morning(year, county_a):
    """At 23:50 in Norway today's 09:00 has passed and the next quarter hour is tomorrow: the
    planner proposes tomorrow at 09:00 rather than nothing."""
    today = oslo_today()
    late = oslo_datetime(today, time(23, 50))
    suggestion = reminder_suggest(year.lu, Sender(county=county_a), now=late)
    assert suggestion.channel == "email"
    assert suggestion.day == today + timedelta(days=1)
    assert suggestion.at == oslo_datetime(today + timedelta(days=1), time(9, 0))
