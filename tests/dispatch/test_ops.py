"""The operators' commands: dispatch_status per dispatch and channel in Oslo time, and
dispatch_retry --uncertain asking the providers (Twilio against a local fake of its API, the
recording backend, an ESP's tracking events) before it re-sends anything."""

from __future__ import annotations

import json
import threading
from datetime import timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs, urlparse

import pytest
from django.core.management import call_command
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Message, MessageState, RecordedMessage
from portal.lib.oslo import oslo_now
from tests.dispatch.helpers import send
from tests.dispatch.test_providers import SERVICE_SID, TWILIO_SID, TWILIO_TOKEN
from tests.dispatch.test_webhooks import SECRET, _mailgun, _post

pytestmark = pytest.mark.django_db

DELIVERED_SID = "SM" + "d" * 32


def _table(out: str) -> list[dict[str, str]]:
    lines = out.splitlines()
    header = lines[0].split("\t")
    return [dict(zip(header, line.split("\t"), strict=False)) for line in lines[1:]]


def test_dispatch_status_per_channel_with_claims_attempts_and_errors_in_oslo_time(
    year, county_a, capsys, django_capture_on_commit_callbacks
):
    p = year.people
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a), sms=True)
    claimed_at = timezone.now() - timedelta(minutes=17)
    email = Message.objects.filter(dispatch=d, channel="email")
    email.filter(respondent=p["lu_a_member"]).update(
        state=MessageState.CLAIMED, claimed_at=claimed_at, attempts=2, error="SMTP 421 busy"
    )
    Message.objects.filter(dispatch=d, channel="sms", respondent=p["lu_a_member"]).update(
        state=MessageState.FAILED, attempts=5, error="Twilio 30008: Unknown error"
    )
    call_command("dispatch_status", f"{year.lu.year}/LU")
    rows = {r["channel"]: r for r in _table(capsys.readouterr().out) if r["dispatch"] == str(d.pk)}
    assert set(rows) == {"email", "sms"}
    by_email, by_sms = rows["email"], rows["sms"]
    assert (by_email["claimed"], by_email["sent"], by_email["failed"]) == ("1", "1", "0")
    assert (by_sms["failed"], by_sms["sent"], by_sms["claimed"]) == ("1", "1", "0")
    assert by_email["send_at (Oslo)"] == oslo_now(d.send_at).strftime("%Y-%m-%d %H:%M")
    oldest = by_email["oldest_claim (Oslo)"]
    assert oldest.startswith(oslo_now(claimed_at).strftime("%Y-%m-%d %H:%M"))
    assert "(17 min" in oldest and oldest.endswith("ago)")
    assert by_sms["oldest_claim (Oslo)"] == ""
    assert (by_email["attempts"], by_email["last_error"]) == ("2", "SMTP 421 busy")
    assert (by_sms["attempts"], by_sms["last_error"]) == ("5", "Twilio 30008: Unknown error")


def test_dispatch_retry_says_message_for_one(
    year, county_a, capsys, django_capture_on_commit_callbacks
):
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    one = Message.objects.filter(dispatch=d, respondent=year.people["lu_a_member"])
    one.update(state=MessageState.FAILED, error="outage")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_retry")
    assert capsys.readouterr().out.strip() == "1 message queued again."


class FakeTwilio(BaseHTTPRequestHandler):
    """Twilio's Messages resource as read back: a message by its SID, and the list by number."""

    messages: list[dict] = []
    created: list[dict] = []

    def _answer(self, status: int, body: dict) -> None:
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def do_GET(self):
        url = urlparse(self.path)
        base = f"/2010-04-01/Accounts/{TWILIO_SID}/Messages"
        if url.path == f"{base}.json":
            to = parse_qs(url.query).get("To", [""])[0]
            found = [m for m in FakeTwilio.messages if m["to"] == to]
            return self._answer(200, {"messages": found, "next_page_uri": None, "page": 0})
        sid = url.path.removeprefix(f"{base}/").removesuffix(".json")
        for m in FakeTwilio.messages:
            if m["sid"] == sid:
                return self._answer(200, m)
        return self._answer(404, {"code": 20404, "message": "Not found", "status": 404})

    def do_POST(self):
        FakeTwilio.created.append({"path": self.path})
        self._answer(500, {"code": 20500, "message": "not expected", "status": 500})

    def log_message(self, *args):
        pass


@pytest.fixture
def fake_twilio(settings):
    FakeTwilio.messages, FakeTwilio.created = [], []
    server = HTTPServer(("127.0.0.1", 0), FakeTwilio)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_MESSAGING_SERVICE_SID = SERVICE_SID
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield FakeTwilio
    server.shutdown()


def _twilio_message(sid: str, to: str, status: str, created) -> dict:
    return {"sid": sid, "to": to, "status": status, "date_created": format_datetime(created)}


def test_dispatch_retry_uncertain_asks_the_providers_before_it_resends(
    year, county_a, capsys, settings, fake_twilio, django_capture_on_commit_callbacks
):
    p = year.people
    member, independent = p["lu_a_member"], p["lu_a_independent"]
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a), sms=True)
    claimed_at = timezone.now() - timedelta(minutes=30)
    Message.objects.filter(dispatch=d).update(
        state=MessageState.UNCERTAIN, claimed_at=claimed_at, provider_id=""
    )
    ours = Message.objects.filter(dispatch=d)
    # Twilio delivered the one whose SID was recorded, and has the other one without its SID
    # (created after the claim); an older message to that number is not it.
    ours.filter(channel="sms", respondent=member).update(provider_id=DELIVERED_SID)
    fake_twilio.messages += [
        _twilio_message(DELIVERED_SID, member.mobile, "delivered", claimed_at),
        _twilio_message("SM" + "1" * 32, independent.mobile, "sent", claimed_at),
        _twilio_message("SM" + "2" * 32, member.mobile, "failed", claimed_at - timedelta(days=2)),
    ]
    # The SMS went to Twilio; the recording backend kept the member's e-mail, not the other.
    email_lost = ours.get(channel="email", respondent=independent)
    RecordedMessage.objects.filter(channel="sms").delete()
    RecordedMessage.objects.filter(message_id=email_lost.pk).delete()
    settings.SMS_BACKEND = "twilio"

    call_command("dispatch_retry", "--uncertain")
    out = capsys.readouterr().out
    assert "1 message will be sent again (1 uncertain, 0 failed)" in out
    assert "3 messages settled as the provider has them (1 delivered, 2 sent)" in out
    assert "Nothing changed" in out
    assert set(ours.values_list("state", flat=True)) == {MessageState.UNCERTAIN}

    with django_capture_on_commit_callbacks(execute=True):
        call_command("dispatch_retry", "--uncertain", "--yes")
    assert "1 message queued again." in capsys.readouterr().out
    states = {(m.channel, m.respondent_id): m.state for m in ours}
    assert states == {
        ("sms", member.pk): MessageState.DELIVERED,
        ("sms", independent.pk): MessageState.SENT,
        ("email", member.pk): MessageState.SENT,
        ("email", independent.pk): MessageState.SENT,  # re-sent: recorded now
    }
    assert RecordedMessage.objects.filter(message_id=email_lost.pk).exists()
    assert fake_twilio.created == []  # no SMS went again


def test_an_esp_event_settles_an_uncertain_message_so_it_is_not_resent(
    year, county_a, client, settings, capsys, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": "mailgun-key"}
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    person = year.people["lu_a_member"]
    message = Message.objects.get(dispatch=d, respondent=person)
    Message.objects.filter(pk=message.pk).update(state=MessageState.UNCERTAIN)
    RecordedMessage.objects.filter(message_id=message.pk).delete()
    accepted = _mailgun(message, person.email, "temporary", key="mailgun-key")
    accepted["event-data"] |= {"event": "accepted"}
    del accepted["event-data"]["severity"]
    assert _post(client, "mailgun", accepted).status_code == 200
    assert Message.objects.get(pk=message.pk).state == MessageState.SENT
    call_command("dispatch_retry", "--uncertain")
    assert "0 messages will be sent again" in capsys.readouterr().out
