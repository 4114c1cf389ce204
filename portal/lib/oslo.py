"""Norwegian wall-clock time: every date in the calendar of a survey year is a time in Norway,
whatever the server's own time zone. The one place that asks what time or day it is in Norway;
everything else calls oslo_now() and oslo_today()."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

OSLO = ZoneInfo("Europe/Oslo")


def oslo_now(moment: datetime | None = None) -> datetime:
    """The moment (now by default) on Norway's clock."""
    return timezone.localtime(moment, OSLO)


def oslo_today(moment: datetime | None = None) -> date:
    """The calendar day in Norway of the moment (today by default)."""
    return oslo_now(moment).date()


def oslo_datetime(day: date, at: time = time(0, 0)) -> datetime:
    """A wall-clock time in Norway (summer time included)."""
    return datetime.combine(day, at, tzinfo=OSLO)


def last_day_before(moment: datetime) -> date:
    """The last calendar day in Norway before an exclusive end such as 00:00 on 21 December."""
    return (oslo_now(moment) - timedelta(microseconds=1)).date()
