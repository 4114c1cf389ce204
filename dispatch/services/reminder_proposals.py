"""The reminder planner: the next reminder's date and channel, with the reason in a sentence.

It reads this round's answers per day (surveys.response_counts) since the sender's last
message, and how long answers kept coming after messages in earlier rounds of the same survey
and sender (their answers per day against their dispatches), then applies the 7-day spacing
(R-D6), the rule of thumb of about 3 reminders (it proposes no 4th: that is the sender's own
explicit choice), the days left and the SMS quota (R-D8). Answers rise after each message and
fall off within days: the next reminder is due when they have flattened. The proposal is a day
and the time a send that day would go (SEND_TIME, or the first time after it that still
reaches someone): never a moment after the round has closed."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from dispatch.audience import Sender, audience
from dispatch.models import Dispatch, DispatchState, Message, Purpose
from dispatch.services.order_rules import MAX_REMINDERS, NOT_REACHED, SPACING
from dispatch.services.quotas import quota_left
from portal.lib.oslo import oslo_datetime, oslo_today
from surveys.models import Round
from surveys.response_counts import answers_per_day

# Answers have flattened when a day brings fewer than this share of the best day since the
# last message; without earlier rounds, that is taken to happen this many days after it.
FLAT_SHARE = 0.25
DEFAULT_DECAY_DAYS = 4
# The time of day a proposed reminder goes out.
SEND_TIME = time(9, 0)


@dataclass(frozen=True)
class Suggestion:
    day: date | None
    channel: str  # "email", "sms", "both" or "" when no reminder is suggested
    reason: str
    at: datetime | None = None  # when on `day` it would go out


def send_moment(round_: Round, day: date, now: datetime) -> datetime | None:
    """The moment a reminder proposed for `day` goes: SEND_TIME that day, or the next full
    quarter-hour when that has passed today; None when that moment would reach nobody (the
    round has closed by then, or the day is over)."""
    at = oslo_datetime(day, SEND_TIME)
    if at < now:
        quarter = now.replace(second=0, microsecond=0) + timedelta(minutes=15 - now.minute % 15)
        at = quarter if oslo_today(quarter) == day else at
    if at < now or at >= round_.closes_at or at < round_.opens_at:
        return None
    return at


def _reachable(
    round_: Round, day: date, today: date, now: datetime
) -> tuple[date, datetime] | None:
    """`day`, or the nearest day before it (from today) whose send moment still reaches
    someone, and that moment."""
    while day >= today:
        at = send_moment(round_, day, now)
        if at is not None:
            return day, at
        day -= timedelta(days=1)
    return None


def _first_reachable(round_: Round, day: date, now: datetime) -> tuple[date, datetime] | None:
    """`day`, or the first day after it whose send moment still reaches someone (late in the
    evening today's moment has passed: then tomorrow's), and that moment."""
    while oslo_datetime(day, SEND_TIME) < round_.closes_at:
        at = send_moment(round_, day, now)
        if at is not None:
            return day, at
        day += timedelta(days=1)
    return None


def _per_day(round_: Round, sender: Sender) -> dict[date, int]:
    return answers_per_day(round_, county=sender.county, office=sender.office)


def _message_days(round_: Round, sender: Sender) -> list[date]:
    sent = Dispatch.objects.filter(round=round_, **sender.filter).exclude(
        state=DispatchState.CANCELLED
    )
    return sorted({oslo_today(d) for d in sent.values_list("send_at", flat=True)})


def flat_since(per_day: dict[date, int], start: date, today: date) -> date | None:
    """The first day after the best day since `start` on which answers fell below FLAT_SHARE
    of it and stayed there until today; None while they are still coming in."""
    days = [start + timedelta(days=i) for i in range((today - start).days + 1)]
    if not days:
        return None
    peak = max(per_day.get(d, 0) for d in days)
    peak_day = next(d for d in days if per_day.get(d, 0) == peak)
    flat = None
    for d in days:
        if d <= peak_day:
            continue
        low = per_day.get(d, 0) < FLAT_SHARE * max(peak, 1)
        flat = (flat or d) if low else None
    return flat


def decay_days(sender: Sender, round_: Round) -> int:
    """How many days after a message answers kept coming in earlier rounds (the median)."""
    earlier = Round.objects.filter(kind=round_.kind, year__lt=round_.year).order_by("-year")[:3]
    spans = []
    for old in earlier:
        per_day = _per_day(old, sender)
        for day in _message_days(old, sender):
            end = day + SPACING
            flat = flat_since(per_day, day, end)
            if flat is not None and any(per_day.get(day + timedelta(i), 0) for i in range(7)):
                spans.append((flat - day).days)
    return round(statistics.median(spans)) if spans else DEFAULT_DECAY_DAYS


def reminder_suggest(round_: Round, sender: Sender, *, now: datetime | None = None) -> Suggestion:
    now = now or timezone.now()
    today = oslo_today(now)
    last_day = round_.last_answer_day
    days_left = (last_day - today).days
    sms_left = quota_left(round_, sender)
    sms_text = _("%(n)s SMS dispatches left") % {"n": sms_left}
    days_text = _("%(n)s days to close") % {"n": max(days_left, 0)}
    if days_left < 0 or now >= round_.closes_at:
        return Suggestion(None, "", _("The survey has closed."))

    people = audience(round_, sender).filter(answered_at__isnull=True)
    unanswered = people.count()
    if not unanswered:
        return Suggestion(None, "", _("Everyone you can reach has answered."))
    capped = (
        Message.objects.filter(
            respondent__in=people.values("pk"), dispatch__purpose=Purpose.REMINDER
        )
        .exclude(state__in=NOT_REACHED)
        .values("respondent_id")
        .annotate(n=Count("dispatch_id", distinct=True))
        .filter(n__gte=MAX_REMINDERS)
        .count()
    )
    if capped >= unanswered:
        return Suggestion(
            None,
            "",
            _("Everyone who has not answered has had 3 reminders; %(days)s.") % {"days": days_text},
        )

    if _reminders_sent(round_, sender) >= MAX_REMINDERS:
        return Suggestion(
            None,
            "",
            _(
                "You have sent %(n)s reminders, which is the rule of thumb; the planner proposes "
                "no more. You may still send another, with a warning; %(days)s."
            )
            % {"n": MAX_REMINDERS, "days": days_text},
        )
    message_days = _message_days(round_, sender)
    per_day = _per_day(round_, sender)
    if not message_days:
        first = _first_reachable(round_, max(today, oslo_today(round_.opens_at)), now)
        return Suggestion(
            first[0] if first else None,
            "email" if first else "",
            _("No invitation has been sent yet; %(sms)s; %(days)s.")
            % {"sms": sms_text, "days": days_text},
            first[1] if first else None,
        )
    last = message_days[-1]
    earliest = max(today, last + SPACING)
    flat = flat_since(per_day, last, today)
    if flat is not None:
        trend = _("answers have flattened since %(day)s") % {"day": date_format(flat, "l")}
        day = earliest
    else:
        decay = decay_days(sender, round_)
        day = max(earliest, last + timedelta(days=decay))
        trend = _("answers are still coming in after the message of %(day)s") % {
            "day": date_format(last, "SHORT_DATE_FORMAT")
        }
    if day > last_day:
        day = max(today, last_day - timedelta(days=2)) if today <= last_day else today
    reachable = _reachable(round_, day, today, now)
    if reachable is None:
        return Suggestion(None, "", _("No send time before the survey closes reaches anyone."))
    day, at = reachable
    late = (last_day - day).days <= 14
    reminders_left = MAX_REMINDERS - _reminders_sent(round_, sender)
    channel = "both" if sms_left and (late or reminders_left <= sms_left) else "email"
    reason = "; ".join([trend[:1].upper() + trend[1:], sms_text, days_text]) + "."
    return Suggestion(day, channel, reason, at)


def _reminders_sent(round_: Round, sender: Sender) -> int:
    return (
        Dispatch.objects.filter(round=round_, purpose=Purpose.REMINDER, **sender.filter)
        .exclude(state=DispatchState.CANCELLED)
        .count()
    )
