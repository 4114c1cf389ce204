"""SMS quotas (R-D8), counted in dispatches per sender, survey and round."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from dispatch.audience import Sender
from dispatch.models import SmsQuota
from surveys.models import Round, SurveyKind

# R-D8: SMS dispatches per round. LBU sent on its own is the county's only (offices: none).
LIMITS: dict[tuple[str, bool], int] = {
    (SurveyKind.LU, True): 7,
    (SurveyKind.LU, False): 3,
    (SurveyKind.AR, True): 5,
    (SurveyKind.AR, False): 5,
    (SurveyKind.LBU, True): 3,
    (SurveyKind.LBU, False): 0,
}


class QuotaExhausted(ValidationError):
    pass


def quota_limit(round_: Round, sender: Sender) -> int:
    return LIMITS[(round_.kind, sender.is_county)]


def quotas_used(rounds: list[Round], sender: Sender) -> dict[int, int]:
    """SMS dispatches used by the sender, by round id, for several rounds in one query."""
    return dict(
        SmsQuota.objects.filter(round__in=rounds, **sender.filter).values_list("round_id", "used")
    )


def quotas_left(rounds: list[Round], sender: Sender) -> dict[int, int]:
    """SMS dispatches the sender has left, by round id, in one query."""
    used = quotas_used(rounds, sender)
    return {r.pk: max(quota_limit(r, sender) - used.get(r.pk, 0), 0) for r in rounds}


def quota_used(round_: Round, sender: Sender) -> int:
    return quotas_used([round_], sender).get(round_.pk, 0)


def quota_left(round_: Round, sender: Sender) -> int:
    return quotas_left([round_], sender)[round_.pk]


def _row(round_: Round, sender: Sender) -> SmsQuota:
    try:
        with transaction.atomic():
            return SmsQuota.objects.get_or_create(round=round_, **sender.filter)[0]
    except IntegrityError:  # created by a concurrent request
        return SmsQuota.objects.get(round=round_, **sender.filter)


def quota_take(round_: Round, sender: Sender) -> int:
    """Takes one SMS dispatch of the quota, inside the caller's transaction; raises
    QuotaExhausted when none is left. The conditional UPDATE is decided by the database: of
    concurrent requests for the last one, exactly one gets it. Returns the number left."""
    limit = quota_limit(round_, sender)
    row = _row(round_, sender)
    taken = SmsQuota.objects.filter(pk=row.pk, used__lt=limit).update(used=F("used") + 1)
    if not taken:
        raise QuotaExhausted(
            _("No SMS dispatches are left for %(round)s (%(limit)s per round).")
            % {"round": round_, "limit": limit},
            code="quota",
        )
    row.refresh_from_db(fields=["used"])
    return limit - row.used


def quota_give_back(round_: Round, sender: Sender) -> None:
    """A cancelled SMS dispatch that sent nothing gives its unit back."""
    SmsQuota.objects.filter(round=round_, used__gt=0, **sender.filter).update(used=F("used") - 1)
