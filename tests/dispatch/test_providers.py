"""The real providers' libraries against servers of the test: SMTP (aiosmtpd) through Django's
mail API, Twilio's library against a local HTTP server, and the signed webhooks of anymail and
Twilio (forged or replayed calls change nothing)."""

from __future__ import annotations

import base64
import json
import socket
import threading
import time
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, HTTPServer
from urllib.parse import parse_qs

import pytest
from django.urls import reverse
from twilio.request_validator import RequestValidator

from dispatch.audience import Sender
from dispatch.models import Message, MessageState, Purpose, SmsOptOut
from dispatch.services.order_rules import LeftOut
from registry_import.models import UndeliverableContact
from surveys.models import Respondent
from tests.dispatch.helpers import plan_of, send

pytestmark = pytest.mark.django_db

TWILIO_SID = "AC" + "0" * 32
TWILIO_TOKEN = "twilio-test-token"
SERVICE_SID = "MG" + "1" * 32


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- SMTP -----------------------------------------------------------------------------------


class Mailbox:
    def __init__(self, refuse: set[str]) -> None:
        self.messages: list = []
        self.refuse = refuse

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 Message accepted"


@pytest.fixture
def smtp_server(settings):
    from aiosmtpd.controller import Controller

    port = free_port()
    mailbox = Mailbox(refuse=set())
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    settings.DISPATCH_EMAIL_BACKEND = "django"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = False
    yield mailbox
    controller.stop()


def test_email_goes_out_over_real_smtp_in_the_recipients_language(
    year, county_a, smtp_server, django_capture_on_commit_callbacks
):
    p = year.people
    Respondent.objects.filter(pk=p["lu_a_independent"].pk).update(language="nn")
    smtp_server.refuse.add(p["lu_a_member"].email)
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    assert len(smtp_server.messages) == 1
    recipients, email = smtp_server.messages[0]
    assert recipients == [p["lu_a_independent"].email]
    assert "Lærlingundersøkinga" in email["Subject"]  # nynorsk, the respondent's own choice
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in email.walk()
        if not part.is_multipart()
    }
    assert "https://undersokelse.test/s/" in parts["text/plain"]
    assert '<a href="https://undersokelse.test/s/' in parts["text/html"]
    sent = Message.objects.get(dispatch=d, respondent=p["lu_a_independent"])
    assert sent.state == "sent" and sent.pk.hex in email["Message-ID"]
    assert sent.provider_id == email["Message-ID"].strip()
    # The refused address: failed, invalid on the respondent and recorded for the register.
    refused = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    assert refused.state == "failed"
    assert Respondent.objects.get(pk=p["lu_a_member"].pk).email_valid is False
    assert UndeliverableContact.objects.filter(value=p["lu_a_member"].email).exists()


# --- Twilio ---------------------------------------------------------------------------------


class TwilioApi(BaseHTTPRequestHandler):
    """Answers like Twilio's Messages resource; a number starting +4790 does not exist."""

    received: list[dict] = []

    def do_POST(self):
        length = int(self.headers["Content-Length"])
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        auth = base64.b64decode(self.headers["Authorization"].split()[1]).decode()
        TwilioApi.received.append(form | {"path": self.path, "auth": auth})
        if form["To"].startswith("+4790"):
            status, body = (
                400,
                {"code": 21211, "message": "Invalid 'To' Phone Number", "status": 400},
            )
        else:
            sid = f"SM{len(TwilioApi.received):032d}"
            status, body = (
                201,
                {"sid": sid, "status": "accepted", "to": form["To"], "body": form["Body"]},
            )
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture
def twilio_api(settings):
    TwilioApi.received = []
    server = HTTPServer(("127.0.0.1", 0), TwilioApi)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "twilio"
    settings.TWILIO_ACCOUNT_SID = TWILIO_SID
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    settings.TWILIO_MESSAGING_SERVICE_SID = SERVICE_SID
    settings.TWILIO_API_BASE_URL = f"http://127.0.0.1:{server.server_port}"
    yield TwilioApi.received
    server.shutdown()


def signed_post(client, path: str, params: dict, *, token: str = TWILIO_TOKEN):
    url = f"https://undersokelse.test{path}"
    signature = RequestValidator(token).compute_signature(url, params)
    return client.post(path, params, HTTP_X_TWILIO_SIGNATURE=signature)


def test_sms_through_twilio_and_its_signed_status_callbacks(
    year, county_a, twilio_api, client, django_capture_on_commit_callbacks
):
    p = year.people
    Respondent.objects.filter(pk=p["lu_a_member"].pk).update(mobile="+4790000001")
    d = send(
        django_capture_on_commit_callbacks, year.lu, Sender(county=county_a), email=False, sms=True
    )
    assert len(twilio_api) == 2
    ok = next(r for r in twilio_api if r["To"] == p["lu_a_independent"].mobile)
    assert ok["path"] == f"/2010-04-01/Accounts/{TWILIO_SID}/Messages.json"
    assert ok["MessagingServiceSid"] == SERVICE_SID
    assert "https://undersokelse.test/s/" in ok["Body"]
    callback = ok["StatusCallback"]
    assert callback.startswith("https://undersokelse.test/webhooks/twilio/status/?ts=")
    sent = Message.objects.get(dispatch=d, state="sent")
    assert sent.provider_id.startswith("SM")
    invalid = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    assert invalid.state == "failed"
    assert UndeliverableContact.objects.filter(value="+4790000001").exists()

    path = callback.removeprefix("https://undersokelse.test")
    delivered = {"MessageSid": sent.provider_id, "MessageStatus": "delivered", "To": ok["To"]}
    # Forged: a wrong signature changes nothing.
    assert signed_post(client, path, delivered, token="wrong").status_code == 403
    assert Message.objects.get(pk=sent.pk).state == "sent"
    assert signed_post(client, path, delivered).status_code == 204
    assert Message.objects.get(pk=sent.pk).state == "delivered"
    # Replayed: an "undelivered" for the same message later changes nothing recorded.
    undelivered = delivered | {"MessageStatus": "undelivered", "ErrorCode": "30005"}
    assert signed_post(client, path, undelivered).status_code == 204
    assert Message.objects.get(pk=sent.pk).state == "delivered"
    # A callback signed for a time long past is refused, valid signature or not.
    old = reverse("twilio_status") + f"?ts={int(time.time()) - 30 * 24 * 3600}"
    assert signed_post(client, old, delivered).status_code == 403


def test_an_undeliverable_number_reported_by_callback_is_marked_invalid(
    year, county_a, twilio_api, client, django_capture_on_commit_callbacks
):
    p = year.people
    d = send(
        django_capture_on_commit_callbacks, year.lu, Sender(county=county_a), email=False, sms=True
    )
    sent = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    path = twilio_api[0]["StatusCallback"].removeprefix("https://undersokelse.test")
    params = {
        "MessageSid": sent.provider_id,
        "MessageStatus": "undelivered",
        "ErrorCode": "30005",
        "To": p["lu_a_member"].mobile,
    }
    assert signed_post(client, path, params).status_code == 204
    assert Message.objects.get(pk=sent.pk).state == "failed"
    assert Respondent.objects.get(pk=p["lu_a_member"].pk).mobile_valid is False
    assert UndeliverableContact.objects.filter(value=p["lu_a_member"].mobile).exists()


def test_sms_stop_is_honoured_and_a_replayed_inbound_message_is_ignored(year, county_a, client):
    p = year.people
    path = reverse("twilio_inbound")
    stop = {"MessageSid": "SM" + "5" * 32, "From": p["lu_a_member"].mobile, "Body": "Stopp"}
    start = {"MessageSid": "SM" + "6" * 32, "From": p["lu_a_member"].mobile, "Body": "START"}
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr("django.conf.settings.TWILIO_AUTH_TOKEN", TWILIO_TOKEN)
        assert signed_post(client, path, stop, token="forged").status_code == 403
        assert not SmsOptOut.objects.exists()
        assert signed_post(client, path, start).status_code == 200
        assert signed_post(client, path, stop).status_code == 200
        assert SmsOptOut.objects.filter(mobile=p["lu_a_member"].mobile).exists()
        # The earlier START replayed after the STOP: recognised by its id, ignored.
        assert signed_post(client, path, start).status_code == 200
        assert SmsOptOut.objects.filter(mobile=p["lu_a_member"].mobile).exists()
    plan = plan_of(year.lu, Sender(county=county_a), Purpose.INVITATION, email=False, sms=True)
    assert plan.left_out[LeftOut.OPTED_OUT] == 1
    plan = plan_of(year.lu, Sender(county=county_a), Purpose.INVITATION, email=True, sms=True)
    assert plan.email_only_opted_out == 1


# --- anymail tracking -----------------------------------------------------------------------


def _postmark(client, payload: dict, auth: str = "portal:webhook-secret"):
    header = "Basic " + base64.b64encode(auth.encode()).decode()
    return client.post(
        "/anymail/postmark/tracking/",
        json.dumps(payload),
        content_type="application/json",
        HTTP_AUTHORIZATION=header,
    )


def test_anymail_tracking_bounce_marks_the_address_invalid_and_forgeries_change_nothing(
    year, county_a, client, settings, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = {"WEBHOOK_SECRET": "portal:webhook-secret"}
    p = year.people
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    bounced = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    delivered = Message.objects.get(dispatch=d, respondent=p["lu_a_independent"])
    bounce = {
        "RecordType": "Bounce",
        "Type": "HardBounce",
        "TypeCode": 1,
        "ID": 42,
        "MessageID": "00000000-0000-0000-0000-000000000001",
        "Email": p["lu_a_member"].email,
        "Description": "The server was unable to deliver your message",
        "BouncedAt": "2026-11-01T10:00:00Z",
        "Metadata": {"portal_message": str(bounced.pk)},
    }
    assert _postmark(client, bounce, auth="portal:guess").status_code == 400
    assert Message.objects.get(pk=bounced.pk).state == "sent"
    assert Respondent.objects.get(pk=p["lu_a_member"].pk).email_valid is True
    assert _postmark(client, bounce).status_code == 200
    assert Message.objects.get(pk=bounced.pk).state == MessageState.FAILED
    assert Respondent.objects.get(pk=p["lu_a_member"].pk).email_valid is False
    assert UndeliverableContact.objects.filter(value=p["lu_a_member"].email).exists()
    delivery = {
        "RecordType": "Delivery",
        "MessageID": "00000000-0000-0000-0000-000000000002",
        "Recipient": p["lu_a_independent"].email,
        "DeliveredAt": "2026-11-01T10:00:00Z",
        "Details": "Test delivery",
        "Metadata": {"portal_message": str(delivered.pk)},
    }
    assert _postmark(client, delivery).status_code == 200
    assert Message.objects.get(pk=delivered.pk).state == MessageState.DELIVERED
    # A replayed bounce for the delivered message changes nothing.
    replay = bounce | {"Email": p["lu_a_independent"].email, "Metadata": delivery["Metadata"]}
    assert _postmark(client, replay).status_code == 200
    assert Message.objects.get(pk=delivered.pk).state == MessageState.DELIVERED
    assert Respondent.objects.get(pk=p["lu_a_independent"].pk).email_valid is True


# --- anymail batch with merge data ------------------------------------------------------------


def test_email_batches_through_anymail_with_per_recipient_merge_data(
    year, county_a, settings, mailoutbox, django_capture_on_commit_callbacks
):
    settings.DISPATCH_EMAIL_BACKEND = "django"
    settings.EMAIL_BACKEND = "anymail.backends.test.EmailBackend"
    settings.DISPATCH_EMAIL_MERGE_FIELD = "%recipient.{}%"  # Mailgun's syntax
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    assert len(mailoutbox) == 1  # one API call for both recipients
    batch = mailoutbox[0]
    people = [year.people["lu_a_member"], year.people["lu_a_independent"]]
    assert sorted(batch.to) == sorted(p.email for p in people)
    assert "%recipient.link%" in batch.body and "%recipient.first_name%" in batch.body
    for person in people:
        values = batch.merge_data[person.email]
        assert values["link"].startswith("https://undersokelse.test/s/")
        assert values["first_name"] == person.name.split()[0]
        message = Message.objects.get(dispatch=d, respondent=person)
        assert batch.merge_metadata[person.email] == {"portal_message": str(message.pk)}
        assert message.state == "sent"
