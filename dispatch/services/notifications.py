"""E-mail notifications to the administrators of counties and training offices, each sent
through the account mail outbox once per event and user (its event key is unique), so the
hourly task may run as often as it likes:

- a dispatch finished with more than NOTIFY_FAILED_PERCENT of its messages failed;
- NOTIFY_SMS_LEFT or fewer SMS dispatches left for a round (R-D8);
- 7 and 2 days before a round's last day to answer, with the organisation's response rate
  against last year's on the same date: only the organisation's total, and none at all where
  it is hidden below the threshold (surveys.rate_tables);
- results published (surveys.signals.results_published, sent by reporting).

A user who turned notifications off (portal.models.User.notifications) gets none."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from functools import cache, partial

from django.conf import settings
from django.core.mail import EmailMessage
from django.db.models import Count, Q, QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dispatch.audience import Sender
from dispatch.models import (
    AccountMail,
    Dispatch,
    DispatchState,
    Message,
    MessageState,
    Purpose,
    SmsQuota,
)
from dispatch.services.quotas import quota_limit
from portal.accounts.mail_queue import rendered_mail_queue
from portal.lib.client import site_url
from portal.lib.oslo import oslo_today
from portal.models import County, Role, TrainingOffice, User
from surveys.models import Round
from surveys.rate_tables import KindRates, kind_rates

CLOSING_DAYS = (7, 2)
# Finished dispatches looked at for failures: a notice comes within the hour, so a week is
# plenty, and older ones are never read again.
FAILED_WITHIN = timedelta(days=7)


def administrators(*, county: County | None = None, office: TrainingOffice | None = None):
    """The active administrators of the organisation who want notifications."""
    if county is not None:
        memberships = Q(memberships__role=Role.COUNTY, memberships__county=county)
    elif office is not None:
        memberships = Q(memberships__role=Role.OFFICE, memberships__training_office=office)
    else:
        memberships = Q(memberships__role__in=(Role.COUNTY, Role.OFFICE))
    return (
        User.objects.filter(memberships, is_active=True, notifications=True)
        .distinct()
        .order_by("pk")
    )


def notify(users: Iterable[User], event: str, render: Callable[[], tuple[str, str]]) -> int:
    """Queues the notice of `event` to each user who has not had it. Returns how many."""
    queued = 0
    for user in users:
        key = f"{event}:{user.pk}"
        if AccountMail.objects.filter(event_key=key).exists():
            continue
        with translation.override(settings.LANGUAGE_CODE):
            subject, text = render()
        message = EmailMessage(subject, text, to=[user.email])
        rendered_mail_queue(message, user_id=user.pk, event_key=key)
        queued += 1
    return queued


def _sender_admins(county: County | None, office: TrainingOffice | None) -> QuerySet[User]:
    return administrators(county=county) if county is not None else administrators(office=office)


def _progress_link(dispatch: Dispatch) -> str:
    office, county = dispatch.training_office, dispatch.county
    if office is not None:
        path = reverse("office_dispatch", args=[office.orgnr, dispatch.pk])
    else:
        path = reverse("county_dispatch", args=[county.code if county else "", dispatch.pk])
    return site_url(path)


# --- A dispatch with many failures ------------------------------------------------------------


def notify_failed_dispatches(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    done = (MessageState.SENT, MessageState.DELIVERED, MessageState.FAILED)
    finished = Dispatch.objects.filter(
        state=DispatchState.DONE, finished_at__gte=now - FAILED_WITHIN
    ).exclude(purpose=Purpose.GATHERING)
    counts = (
        Message.objects.filter(dispatch__in=finished)
        .values("dispatch_id")
        .annotate(
            failed=Count("id", filter=Q(state=MessageState.FAILED)),
            handed=Count("id", filter=Q(state__in=done)),
        )
        .filter(failed__gt=0)
        .order_by("dispatch_id")
    )
    many = {
        row["dispatch_id"]: (row["failed"], row["handed"])
        for row in counts
        if row["failed"] * 100 > settings.NOTIFY_FAILED_PERCENT * row["handed"]
    }
    queued = 0
    for dispatch in Dispatch.objects.filter(pk__in=many).select_related(
        "round", "county", "training_office"
    ):
        failed, handed = many[dispatch.pk]
        users = _sender_admins(dispatch.county, dispatch.training_office)
        queued += notify(
            users, f"failed:{dispatch.pk}", partial(_failed_notice, dispatch, failed, handed)
        )
    return queued


def _failed_notice(dispatch: Dispatch, failed: int, handed: int) -> tuple[str, str]:
    subject = _("Many messages of a dispatch failed: %(round)s") % {"round": dispatch.round}
    text = _(
        "%(purpose)s of %(round)s, ordered by %(sender)s, has finished with %(failed)s of "
        "%(handed)s messages failed (%(percent)s %%). The dispatch's page shows why they "
        "failed, and where a new try is safe it can be made from there:\n\n%(link)s"
    ) % {
        "purpose": dispatch.get_purpose_display(),
        "round": dispatch.round,
        "sender": dispatch.sender_name,
        "failed": failed,
        "handed": handed,
        "percent": round(100 * failed / handed),
        "link": _progress_link(dispatch),
    }
    return subject, text


# --- SMS dispatches nearly used ---------------------------------------------------------------


def notify_sms_quotas(*, now: datetime | None = None) -> int:
    now = now or timezone.now()
    rows = SmsQuota.objects.filter(
        round__opens_at__lte=now, round__closes_at__gt=now, used__gt=0
    ).select_related("round", "county", "training_office")
    queued = 0
    for row in rows:
        sender = Sender(county=row.county, office=row.training_office)
        limit = quota_limit(row.round, sender)
        left = max(0, limit - row.used)
        if left > settings.NOTIFY_SMS_LEFT:
            continue

        def render(row: SmsQuota = row, left: int = left, limit: int = limit, s=sender):
            subject = _("Few SMS dispatches left: %(round)s") % {"round": row.round}
            text = _(
                "%(sender)s has %(left)s of %(limit)s SMS dispatches left for %(round)s. Each "
                "SMS dispatch counts as one whatever its size, so include as many as possible "
                "in each one."
            ) % {"sender": s.name, "left": left, "limit": limit, "round": row.round}
            return subject, text

        users = _sender_admins(row.county, row.training_office)
        queued += notify(users, f"sms:{row.pk}:{left}", render)
    return queued


# --- The round closing soon -------------------------------------------------------------------


def notify_closing(*, today: date | None = None) -> int:
    today = today or oslo_today()
    queued = 0
    now = timezone.now()
    for round_ in Round.objects.filter(opens_at__lte=now, closes_at__gt=now).order_by("pk"):
        days = (round_.last_answer_day - today).days
        if days not in CLOSING_DAYS:
            continue
        for county in County.objects.filter(
            memberships__role=Role.COUNTY, memberships__user__notifications=True
        ).distinct():
            queued += _notify_closing_of(round_, days, today, county=county)
        for office in TrainingOffice.objects.filter(
            memberships__role=Role.OFFICE, memberships__user__notifications=True
        ).distinct():
            queued += _notify_closing_of(round_, days, today, office=office)
    return queued


def _notify_closing_of(
    round_: Round,
    days: int,
    today: date,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
) -> int:
    org = f"c{county.pk}" if county is not None else f"o{office.pk if office else ''}"
    users = _sender_admins(county, office)
    if not users.exists():
        return 0

    @cache
    def render() -> tuple[str, str]:
        rates = kind_rates(round_, county=county, office=office, today=today)
        subject = _("%(days)s days left to answer %(round)s") % {"days": days, "round": round_}
        return subject, "\n\n".join([_closing_rate(rates), site_url("/")])

    return notify(users, f"closing:{round_.pk}:{days}:{org}", render)


def _closing_rate(rates: KindRates) -> str:
    """The organisation's total only; nothing where it is hidden below the threshold."""
    rate = rates.totals.rate
    if rate is None:
        return _(
            "The response rate is not shown: too few have been asked for answers to stay "
            "anonymous."
        )
    said = _("%(rate)s %% have answered so far.") % {"rate": round(rate)}
    last = rates.last_totals.rate if rates.last_totals is not None else None
    if last is None:
        return said
    return " ".join(
        [said, _("On the same date last year, %(rate)s %% had answered.") % {"rate": round(last)}]
    )


# --- Results published ------------------------------------------------------------------------


def notify_published(round_id: int) -> int:
    round_ = Round.objects.filter(pk=round_id).first()
    if round_ is None:
        return 0

    def render() -> tuple[str, str]:
        subject = _("Results published: %(round)s") % {"round": round_}
        text = _("The results of %(round)s are published in the portal:\n\n%(link)s") % {
            "round": round_,
            "link": site_url("/"),
        }
        return subject, text

    return notify(administrators(), f"published:{round_id}", render)


def notifications_send(*, now: datetime | None = None) -> dict[str, int]:
    """Every notice that is due (the hourly task)."""
    now = now or timezone.now()
    return {
        "failed": notify_failed_dispatches(now=now),
        "sms": notify_sms_quotas(now=now),
        "closing": notify_closing(today=oslo_today(now)),
    }
