"""Delivery reports from the providers.

- E-mail: anymail's own tracking webhooks (`/anymail/<esp>/tracking/`), authenticated by
  anymail with ANYMAIL["WEBHOOK_SECRET"] (HTTP basic auth); anymail sends its `tracking`
  signal, received here by `on_tracking`.
- SMS: Twilio's status callbacks and inbound messages, each validated with Twilio's
  RequestValidator on X-Twilio-Signature against the URL as Twilio called it (SITE_URL plus
  the path and query). A status callback URL carries the time it was made for (`ts`), which the
  signature covers: one older than TWILIO_CALLBACK_MAX_AGE_SECONDS is refused. An inbound
  message is handled once per MessageSid. A status already recorded is never changed again."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from dispatch.models import InboundSms
from dispatch.services.delivery import (
    message_complained,
    message_delivered,
    message_find,
    message_undeliverable,
    sms_opt_in,
    sms_opt_out,
)
from portal.lib.client import site_url

logger = logging.getLogger(__name__)

# anymail's normalised event types
_BOUNCED = {"bounced", "rejected"}
# Twilio: the number does not exist or cannot receive SMS (permanent), and the opt-out code.
UNDELIVERABLE_CODES = {"30005", "30006", "21211", "21614", "30004"}
OPTED_OUT_CODE = "21610"
STOP_WORDS = {"STOP", "STOPP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "AVSLUTT"}
START_WORDS = {"START", "UNSTOP", "YES"}


def on_tracking(sender, event, esp_name: str, **kwargs) -> None:
    """anymail's tracking signal, sent only for requests anymail has authenticated."""
    message = message_find(
        message_key=(event.metadata or {}).get("portal_message"), provider_id=event.message_id or ""
    )
    if message is None:
        return
    if event.event_type == "delivered":
        message_delivered(message)
    elif event.event_type in _BOUNCED:
        reason = event.description or event.reject_reason or event.event_type
        message_undeliverable(message, reason=str(reason), recipient=event.recipient or "")
    elif event.event_type == "complained":
        message_complained(message)


def _signed(request: HttpRequest) -> bool:
    token = settings.TWILIO_AUTH_TOKEN
    signature = request.headers.get("X-Twilio-Signature", "")
    if not token or not signature:
        return False
    url = site_url(request.get_full_path())
    return RequestValidator(token).validate(url, request.POST.dict(), signature)


def _fresh(request: HttpRequest) -> bool:
    try:
        stamped = int(request.GET.get("ts", ""))
    except ValueError:
        return False
    return 0 <= time.time() - stamped <= settings.TWILIO_CALLBACK_MAX_AGE_SECONDS


@csrf_exempt
@require_POST
def twilio_status(request: HttpRequest) -> HttpResponse:
    if not _signed(request) or not _fresh(request):
        logger.warning("Twilio status callback refused: bad signature or too old")
        return HttpResponseForbidden()
    message = message_find(provider_id=request.POST.get("MessageSid", ""))
    if message is None:
        return HttpResponse(status=204)
    status = request.POST.get("MessageStatus", "")
    code = request.POST.get("ErrorCode", "")
    if status == "delivered":
        message_delivered(message)
    elif status in {"undelivered", "failed"}:
        if code == OPTED_OUT_CODE:
            sms_opt_out(mobile=message.respondent.mobile)
        message_undeliverable(
            message,
            reason=f"Twilio {status} {code}".strip(),
            recipient=request.POST.get("To", ""),
            permanent=code in UNDELIVERABLE_CODES,
        )
    return HttpResponse(status=204)


@csrf_exempt
@require_POST
def twilio_inbound(request: HttpRequest) -> HttpResponse:
    """STOP (and Twilio's other opt-out words) stops every later SMS to the number."""
    if not _signed(request):
        logger.warning("Twilio inbound message refused: bad signature")
        return HttpResponseForbidden()
    sid = request.POST.get("MessageSid", "")
    number = request.POST.get("From", "")
    word = (request.POST.get("OptOutType") or request.POST.get("Body", "")).strip().upper()
    try:
        with transaction.atomic():
            InboundSms.objects.create(message_sid=sid)
            if word in STOP_WORDS:
                sms_opt_out(mobile=number)
            elif word in START_WORDS:
                sms_opt_in(mobile=number)
    except IntegrityError:
        logger.warning("Twilio inbound message %s replayed: ignored", sid)
    return HttpResponse(
        '<?xml version="1.0" encoding="UTF-8"?><Response/>', content_type="text/xml"
    )
