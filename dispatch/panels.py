"""The dispatch panel of a county's or training office's front page: this round's dispatches,
the SMS quota left and the next suggested reminder, per open survey."""

from __future__ import annotations

from typing import Any

from django.db.models import Count
from django.http import HttpRequest
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState
from dispatch.services.quotas import quotas_left
from portal.accounts.access import Scope
from surveys.models import Round
from surveys.selectors import sending_order


def dispatch_panel(request: HttpRequest, scope: Scope) -> dict[str, Any] | None:
    """Three queries whatever the number of open surveys: the next reminder is proposed on the
    dispatch page itself, where the planner's reading of the answer curves belongs."""
    sender = Sender.of(scope)
    now = timezone.now()
    rounds = sorted(
        Round.objects.filter(opens_at__lte=now, closes_at__gt=now),
        key=lambda r: sending_order(r.kind),
    )
    if not rounds:
        return None
    counts = dict(
        Dispatch.objects.filter(round__in=rounds, **sender.filter)
        .exclude(state=DispatchState.CANCELLED)
        .values_list("round_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    left = quotas_left(rounds, sender)
    surveys = [
        {"round": r, "dispatches": counts.get(r.pk, 0), "sms_left": left[r.pk]}
        for r in rounds
    ]
    return {"surveys": surveys, "dispatches_url": sender.route("dispatches_latest")}
