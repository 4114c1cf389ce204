"""The dispatch panel of a county's or training office's front page: per open survey, the
invitations and reminders that reached the organisation's respondents by channel, whoever sent
them (a county's invitation reaches an office's apprentices too), the SMS quota left, failed
deliveries and the days to close; and the calendar's check of the invitation step."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Q, Sum
from django.http import HttpRequest
from django.utils import timezone

from dispatch.audience import Sender
from dispatch.models import Dispatch, DispatchState, Message, MessageState, Purpose
from dispatch.services.quotas import quotas_left
from portal.accounts.access import Scope
from portal.lib.oslo import oslo_today
from portal.models import Role
from surveys.models import Round, SurveyKind
from surveys.selectors import sending_order

REACHED = (MessageState.SENT, MessageState.DELIVERED)
# A warning when this share or more of the sender's messages failed (and at least FAILED_MIN).
FAILED_SHARE = 0.1
FAILED_MIN = 10
# A warning when this many SMS dispatches or fewer are left of the round's quota (R-D8).
FEW_SMS_LEFT = 1


def respondents_of(scope: Scope) -> Q:
    """The messages to the organisation's respondents: a county's by the respondents' county, an
    office's by its own apprentices, members and itself."""
    if scope.role == Role.OFFICE:
        return Q(respondent__training_office=scope.office)
    return Q(respondent__county=scope.county)


def reached(rounds: Sequence[Round], scope: Scope) -> dict[tuple[int, str, str], int]:
    """(round id, purpose, channel) → the dispatches by anyone that reached at least one of the
    organisation's respondents in the rounds; one query."""
    rows = (
        Message.objects.filter(respondents_of(scope), dispatch__round__in=rounds, state__in=REACHED)
        .exclude(dispatch__state=DispatchState.CANCELLED)
        .values_list("dispatch__round_id", "dispatch__purpose", "channel")
        .annotate(n=Count("dispatch_id", distinct=True))
        .order_by()
    )
    return {(round_id, purpose, channel): n for round_id, purpose, channel, n in rows}


def invitations_done(scope: Scope, rounds: Sequence[Round]) -> bool | None:
    """The invitation step is done when an invitation reached the organisation's respondents in
    each survey that is sent on its own (LU, and ÅR with LBU in the same link, R-D9)."""
    if scope.role not in (Role.COUNTY, Role.OFFICE):
        return None
    sent = [r for r in rounds if r.kind in (SurveyKind.LU, SurveyKind.AR)]
    if not sent:
        return None
    counts = reached(sent, scope)
    reached_rounds = {key[0] for key, n in counts.items() if key[1] == Purpose.INVITATION and n}
    return all(r.pk in reached_rounds for r in sent)


def _failed(rounds: list[Round], sender: Sender) -> dict[int, tuple[int, int]]:
    """Round id → (failed, sent) of the sender's own dispatches."""
    rows = (
        Dispatch.objects.filter(round__in=rounds, **sender.filter)
        .values_list("round_id")
        .annotate(failed=Sum("failed_count"), sent=Sum("sent_count"))
        .order_by()
    )
    return {round_id: (failed or 0, sent or 0) for round_id, failed, sent in rows}


def _survey(round_: Round, counts: dict, sms_left: int, failed: tuple[int, int]) -> dict:
    by: dict[str, dict[str, int]] = defaultdict(dict)
    for purpose in (Purpose.INVITATION, Purpose.REMINDER):
        for channel in ("email", "sms"):
            by[purpose][channel] = counts.get((round_.pk, purpose, channel), 0)
    failed_n, sent_n = failed
    return {
        "round": round_,
        "invitations": by[Purpose.INVITATION],
        "reminders": by[Purpose.REMINDER],
        "sms_left": sms_left,
        "few_sms_left": sms_left <= FEW_SMS_LEFT,
        "failed": failed_n,
        "many_failed": failed_n >= FAILED_MIN and failed_n >= FAILED_SHARE * max(sent_n, 1),
        "days_to_close": (round_.last_answer_day - oslo_today()).days,
    }


def dispatch_panel(request: HttpRequest, scope: Scope) -> dict[str, Any] | None:
    """Four queries whatever the number of open surveys: the next reminder is proposed on the
    dispatch page itself, where the planner's reading of the answer curves belongs."""
    sender = Sender.of(scope)
    now = timezone.now()
    rounds = sorted(
        Round.objects.filter(opens_at__lte=now, closes_at__gt=now),
        key=lambda r: sending_order(r.kind),
    )
    if not rounds:
        return None
    counts = reached(rounds, scope)
    left = quotas_left(rounds, sender)
    failed = _failed(rounds, sender)
    surveys = [_survey(r, counts, left[r.pk], failed.get(r.pk, (0, 0))) for r in rounds]
    return {"surveys": surveys, "dispatches_url": sender.route("dispatches_latest")}
