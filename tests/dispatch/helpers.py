"""Small helpers of the dispatch tests."""

from __future__ import annotations

from datetime import datetime

from dispatch.audience import Sender
from dispatch.models import Dispatch, Message, MessageState, Purpose
from dispatch.services.dispatches import dispatch_create
from dispatch.services.order_rules import DispatchRequest
from dispatch.services.preview import Plan, dispatch_plan
from surveys.models import Round


def request(
    round_: Round,
    sender: Sender,
    purpose: str = Purpose.INVITATION,
    *,
    email: bool = True,
    sms: bool = False,
    send_at: datetime | None = None,
    **fields,
) -> DispatchRequest:
    return DispatchRequest(
        round=round_,
        sender=sender,
        purpose=purpose,
        by_email=email,
        by_sms=sms,
        send_at=send_at,
        **fields,
    )


def plan_of(*args, now: datetime | None = None, **kwargs) -> Plan:
    return dispatch_plan(request(*args, **kwargs), now=now)


def reached(*args, **kwargs) -> set[int]:
    return {r.respondent_id for r in plan_of(*args, **kwargs).recipients}


def send(capture, *args, now: datetime | None = None, **kwargs) -> Dispatch:
    """Creates the dispatch and runs its tasks in this process once it is committed."""
    with capture(execute=True):
        dispatch = dispatch_create(request(*args, **kwargs), now=now)
    dispatch.refresh_from_db()
    return dispatch


def sent_to(dispatch: Dispatch) -> set[int]:
    return set(
        Message.objects.filter(
            dispatch=dispatch, state__in=(MessageState.SENT, MessageState.DELIVERED)
        ).values_list("respondent_id", flat=True)
    )
