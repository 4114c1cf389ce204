"""The providers' webhooks as they mean them: per ESP, through anymail's own tracking views
and signal with realistic payloads, only a permanent failure invalidates an address; the
tracking webhooks refuse everything without a secret (and the deploy check says so); an SMS
reply is read by its first word."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from anymail.signals import tracking
from anymail.webhooks.amazon_ses import AmazonSESTrackingWebhookView
from django.core.checks import Error, run_checks
from django.urls import reverse

from dispatch.audience import Sender
from dispatch.models import Message, MessageState, SmsOptOut
from registry_import.models import UndeliverableContact
from surveys.models import Respondent
from tests.dispatch.helpers import send
from tests.dispatch.test_providers import TWILIO_TOKEN, signed_post

pytestmark = pytest.mark.django_db

SECRET = "portal:webhook-secret"
MAILGUN_KEY = "mailgun-signing-key"


def _postmark(message: Message, email: str, kind: str) -> dict:
    codes = {"HardBounce": 1, "SoftBounce": 4096, "Transient": 2}
    return {
        "RecordType": "Bounce",
        "Type": kind,
        "TypeCode": codes[kind],
        "ID": 4323372036854775807,
        "MessageID": str(uuid.uuid4()),
        "Email": email,
        "Description": "The server was unable to deliver your message (ex: unknown user).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "BouncedAt": "2026-11-01T10:00:00Z",
        "Inactive": kind == "HardBounce",
        "Metadata": {"portal_message": str(message.pk)},
    }


def _mailgun(message: Message, email: str, severity: str, key: str = MAILGUN_KEY) -> dict:
    temporary = severity == "temporary"
    timestamp, token = str(int(time.time())), uuid.uuid4().hex
    signature = hmac.new(
        key.encode(), f"{timestamp}{token}".encode(), hashlib.sha256
    ).hexdigest()
    return {
        "signature": {"timestamp": timestamp, "token": token, "signature": signature},
        "event-data": {
            "event": "failed",
            "severity": severity,
            "reason": "generic" if temporary else "bounce",
            "recipient": email,
            "timestamp": time.time(),
            "id": uuid.uuid4().hex,
            "delivery-status": {
                "code": 452 if temporary else 550,
                "message": "4.2.2 Mailbox full" if temporary else "5.1.1 No such user",
                "description": "",
            },
            "message": {"headers": {"message-id": f"{uuid.uuid4().hex}@mg.example.test"}},
            "user-variables": {"portal_message": str(message.pk)},
        },
    }


def _sendgrid(message: Message, email: str, kind: str) -> list[dict]:
    return [
        {
            "email": email,
            "timestamp": int(time.time()),
            "event": "bounce",
            "type": kind,
            "bounce_classification": "Reputation" if kind == "blocked" else "Invalid Address",
            "reason": "550 5.7.1 Message rejected" if kind == "blocked" else "550 5.1.1 No user",
            "status": "5.7.1" if kind == "blocked" else "5.1.1",
            "sg_event_id": uuid.uuid4().hex,
            "sg_message_id": f"{uuid.uuid4().hex}.filter0001",
            "portal_message": str(message.pk),
        }
    ]


def _amazon_ses(message: Message, email: str, kind: str) -> dict:
    ses_event = {
        "eventType": "Bounce",
        "bounce": {
            "bounceType": kind,
            "bounceSubType": "MailboxFull" if kind == "Transient" else "General",
            "bouncedRecipients": [
                {"emailAddress": email, "action": "failed", "diagnosticCode": "smtp; 550"}
            ],
            "timestamp": "2026-11-01T10:00:00.000Z",
            "feedbackId": uuid.uuid4().hex,
        },
        "mail": {
            "timestamp": "2026-11-01T09:59:58.000Z",
            "messageId": uuid.uuid4().hex,
            "source": "noreply@undersokelse.test",
            "destination": [email],
            "headers": [
                {"name": "X-Metadata", "value": json.dumps({"portal_message": str(message.pk)})}
            ],
        },
    }
    return {
        "Type": "Notification",
        "MessageId": str(uuid.uuid4()),
        "TopicArn": "arn:aws:sns:eu-north-1:123456789012:ses-events",
        "Message": json.dumps(ses_event),
        "Timestamp": "2026-11-01T10:00:00.000Z",
        "SignatureVersion": "1",
        "Signature": "EXAMPLE",
        "SigningCertURL": "https://sns.eu-north-1.amazonaws.com/cert.pem",
    }


def _ses_signal(payload: dict) -> int:
    """Amazon SES's view needs boto3 to start, which the portal does not install: the events
    are made by anymail's own SES code from the notification and sent as its view sends them."""
    view = object.__new__(AmazonSESTrackingWebhookView)  # without boto3's session
    events = view.esp_to_anymail_events(json.loads(payload["Message"]), payload)
    for event in events:
        tracking.send(sender=AmazonSESTrackingWebhookView, event=event, esp_name=view.esp_name)
    return 200


def _post(client, esp: str, payload, auth: str = SECRET):
    if esp == "amazon_ses":
        return SimpleNamespace(status_code=_ses_signal(payload))
    headers = {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(auth.encode()).decode()}
    return client.post(
        f"/anymail/{esp}/tracking/",
        json.dumps(payload),
        content_type="application/json",
        **headers,
    )


ESPS: dict[str, tuple[Callable[[Message, str, str], Any], list[str], str]] = {
    # ESP: (payload, what it calls temporary, what it calls permanent)
    "postmark": (_postmark, ["SoftBounce", "Transient"], "HardBounce"),
    "mailgun": (_mailgun, ["temporary"], "permanent"),
    "sendgrid": (_sendgrid, ["blocked"], "bounce"),
    "amazon_ses": (_amazon_ses, ["Transient", "Undetermined"], "Permanent"),
}


@pytest.fixture
def anymail_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET, "MAILGUN_WEBHOOK_SIGNING_KEY": MAILGUN_KEY}


@pytest.mark.filterwarnings("ignore::anymail.exceptions.AnymailNotSupportedWarning")
@pytest.mark.parametrize("esp", list(ESPS))
def test_only_a_permanent_bounce_invalidates_the_address(
    esp, year, county_a, client, anymail_secret, django_capture_on_commit_callbacks
):
    payload, temporary, permanent = ESPS[esp]
    p = year.people
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    soft = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    hard = Message.objects.get(dispatch=d, respondent=p["lu_a_independent"])
    for kind in temporary:
        assert _post(client, esp, payload(soft, p["lu_a_member"].email, kind)).status_code == 200
        assert Message.objects.get(pk=soft.pk).state in {MessageState.SENT, MessageState.FAILED}
        assert Respondent.objects.get(pk=p["lu_a_member"].pk).email_valid is True
    assert not UndeliverableContact.objects.filter(value=p["lu_a_member"].email).exists()

    email = p["lu_a_independent"].email
    assert _post(client, esp, payload(hard, email, permanent)).status_code == 200
    assert Message.objects.get(pk=hard.pk).state == MessageState.FAILED
    assert Respondent.objects.get(pk=p["lu_a_independent"].pk).email_valid is False
    assert UndeliverableContact.objects.filter(value=email).exists()


def test_a_soft_bounce_fails_the_message_but_keeps_the_address(
    year, county_a, client, anymail_secret, django_capture_on_commit_callbacks
):
    p = year.people
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    soft = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    bounce = _postmark(soft, p["lu_a_member"].email, "SoftBounce")
    assert _post(client, "postmark", bounce).status_code == 200
    failed = Message.objects.get(pk=soft.pk)
    assert failed.state == MessageState.FAILED and "Postmark" in failed.error
    assert Respondent.objects.get(pk=p["lu_a_member"].pk).email_valid is True


@pytest.mark.parametrize("configured", [{}, {"WEBHOOK_SECRET": ""}])
def test_the_tracking_webhook_refuses_everything_without_a_secret(
    configured, year, county_a, client, settings, django_capture_on_commit_callbacks
):
    settings.ANYMAIL = configured
    p = year.people
    d = send(django_capture_on_commit_callbacks, year.lu, Sender(county=county_a))
    message = Message.objects.get(dispatch=d, respondent=p["lu_a_member"])
    bounce = _postmark(message, p["lu_a_member"].email, "HardBounce")
    for auth in ("", SECRET, "anyone:anything"):
        assert _post(client, "postmark", bounce, auth=auth).status_code == 403
    assert Message.objects.get(pk=message.pk).state == MessageState.SENT
    assert Respondent.objects.get(pk=p["lu_a_member"].pk).email_valid is True


def _deploy_errors() -> list[str]:
    return [
        m.id
        for m in run_checks(include_deployment_checks=True)
        if isinstance(m, Error) and m.id and m.id.startswith("dispatch.")
    ]


def test_check_deploy_fails_when_anymail_sends_without_a_webhook_secret(settings):
    settings.EMAIL_BACKEND = "anymail.backends.postmark.EmailBackend"
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token"}
    assert _deploy_errors() == ["dispatch.E001"]
    settings.ANYMAIL = {"POSTMARK_SERVER_TOKEN": "token", "WEBHOOK_SECRET": SECRET}
    assert _deploy_errors() == []
    settings.ANYMAIL = {}
    settings.ANYMAIL_WEBHOOK_SECRET = SECRET
    assert _deploy_errors() == []
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.ANYMAIL_WEBHOOK_SECRET = ""
    assert _deploy_errors() == []


@pytest.mark.parametrize(
    ("body", "opted_out"),
    [
        ("stopp.", True),
        ("STOPP takk", True),
        ("stopp ❤", True),
        (" Stop!", True),
        ("avslutt, takk", True),
        ("Ikke stopp", False),
        ("stoppeklokke", False),
        ("Hei", False),
    ],
)
def test_an_sms_reply_opts_out_by_its_first_word(body, opted_out, year, client, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    number = year.people["lu_a_member"].mobile
    reply = {"MessageSid": "SM" + uuid.uuid4().hex, "From": number, "Body": body}
    assert signed_post(client, reverse("twilio_inbound"), reply).status_code == 200
    assert SmsOptOut.objects.filter(mobile=number).exists() is opted_out


@pytest.mark.parametrize("body", ["start.", "START takk", "start ❤", " Start!"])
def test_an_sms_reply_starting_with_start_opts_back_in(body, year, client, settings):
    settings.TWILIO_AUTH_TOKEN = TWILIO_TOKEN
    number = year.people["lu_a_member"].mobile
    SmsOptOut.objects.create(mobile=number)
    reply = {"MessageSid": "SM" + uuid.uuid4().hex, "From": number, "Body": body}
    assert signed_post(client, reverse("twilio_inbound"), reply).status_code == 200
    assert not SmsOptOut.objects.filter(mobile=number).exists()
