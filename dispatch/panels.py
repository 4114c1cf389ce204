"""The dispatch panel of a county's or training office's front page: this round's dispatches,
the SMS quota left and the next suggested reminder, per open survey."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState
from dispatch.selectors import SURVEY_ORDER
from dispatch.services.planner import reminder_suggest
from dispatch.services.quotas import quota_left
from portal.access import Scope
from surveys.models import Round


def dispatch_panel(request: HttpRequest, scope: Scope) -> dict[str, Any] | None:
    sender = Sender.of(scope)
    now = timezone.now()
    rounds = sorted(
        Round.objects.filter(opens_at__lte=now, closes_at__gt=now),
        key=lambda r: SURVEY_ORDER[r.kind],
    )
    if not rounds:
        return None
    surveys = [
        {
            "round": r,
            "dispatches": Dispatch.objects.filter(round=r, **sender.filter)
            .exclude(state=DispatchState.CANCELLED)
            .count(),
            "sms_left": quota_left(r, sender),
            "suggestion": reminder_suggest(r, sender, now=now),
        }
        for r in rounds
    ]
    url = reverse(
        "county_dispatches_latest" if sender.is_county else "office_dispatches_latest",
        args=[sender.county.code if sender.county else sender.office.orgnr],  # type: ignore[union-attr]
    )
    return {"surveys": surveys, "dispatches_url": url}
