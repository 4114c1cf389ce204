"""Delivery reports from the providers.

- E-mail: anymail's own tracking webhooks (`/anymail/<esp>/tracking/`), authenticated by
  anymail with ANYMAIL["WEBHOOK_SECRET"] (HTTP basic auth) and refused here outright while no
  secret is configured (anymail itself would only warn); anymail sends its `tracking` signal,
  received here by `on_tracking`. Only what the ESP calls permanent invalidates the address
  (dispatch.bounces).
- SMS: Twilio's status callbacks and inbound messages, each validated with Twilio's
  RequestValidator on X-Twilio-Signature against the URL as Twilio called it (SITE_URL plus
  the path and query). A status callback URL carries the time it was made for (`ts`), which the
  signature covers: one older than TWILIO_CALLBACK_MAX_AGE_SECONDS is refused. An inbound
  message is handled once per MessageSid; its first word decides ("stopp.", "Stopp takk").
  A status already recorded is never changed again."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseForbidden
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from twilio.request_validator import RequestValidator

from dispatch.bounces import FAILURE_TYPES, is_permanent_failure
from dispatch.models import InboundSms
from dispatch.services.delivery import (
    message_accepted,
    message_complained,
    message_delivered,
    message_find,
    message_undeliverable,
    sms_opt_in,
    sms_opt_out,
)
from portal.lib.client import site_url

logger = logging.getLogger(__name__)

# Twilio: the number does not exist or cannot receive SMS (permanent), and the opt-out code.
UNDELIVERABLE_CODES = {"30005", "30006", "21211", "21614", "30004"}
OPTED_OUT_CODE = "21610"
# anymail's event types that show the ESP has the message, without a final outcome.
ACCEPTED_TYPES = frozenset({"queued", "sent", "deferred", "opened", "clicked", "autoresponded"})
# The words the SMS tells people to answer, read as the reply's first word whatever follows.
STOP_FIRST_WORDS = frozenset({"STOP", "STOPP", "AVSLUTT"})
START_FIRST_WORDS = frozenset({"START"})
# Twilio's other keywords count only as the whole reply, as Twilio itself reads them.
STOP_WORDS = STOP_FIRST_WORDS | {"STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"}
START_WORDS = START_FIRST_WORDS | {"UNSTOP", "YES"}
_FIRST_WORD = re.compile(r"[\W_]*([^\W\d_]+)")


def anymail_webhook_secret() -> str:
    return str(
        (settings.ANYMAIL or {}).get("WEBHOOK_SECRET")
        or getattr(settings, "ANYMAIL_WEBHOOK_SECRET", "")
        or ""
    )


def secret_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """anymail accepts unauthenticated calls while WEBHOOK_SECRET is unset: a forged bounce
    would invalidate an address. Without a secret nothing gets through."""

    @wraps(view)
    def guarded(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not anymail_webhook_secret():
            logger.warning("anymail webhook refused: ANYMAIL_WEBHOOK_SECRET is not set")
            return HttpResponseForbidden()
        return view(request, *args, **kwargs)

    return guarded


def on_tracking(sender, event, esp_name: str, **kwargs) -> None:
    """anymail's tracking signal, sent only for requests anymail has authenticated."""
    message = message_find(
        message_key=(event.metadata or {}).get("portal_message"), provider_id=event.message_id or ""
    )
    if message is None:
        return
    if event.event_type in ACCEPTED_TYPES:
        message_accepted(message)  # a deferral too: the ESP is still trying
    elif event.event_type == "delivered":
        message_delivered(message)
    elif event.event_type in FAILURE_TYPES:
        reason = event.description or event.reject_reason or event.event_type
        message_undeliverable(
            message,
            reason=f"{esp_name}: {reason}",
            recipient=event.recipient or "",
            permanent=is_permanent_failure(esp_name, event),
        )
    elif event.event_type == "complained":
        message_complained(message)


def sms_reply_word(body: str) -> str:
    """The keyword of an SMS reply: the whole reply if it is one of Twilio's own keywords,
    else its first word if that is STOP, STOPP, AVSLUTT or START ("stopp.", "STOPP takk")."""
    whole = body.strip().upper()
    if whole in STOP_WORDS or whole in START_WORDS:
        return whole
    found = _FIRST_WORD.match(body)
    word = found.group(1).upper() if found else ""
    return word if word in STOP_FIRST_WORDS or word in START_FIRST_WORDS else ""


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
    word = sms_reply_word(request.POST.get("OptOutType") or request.POST.get("Body", ""))
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
