"""Norwegian wall-clock time: every date in the calendar of a survey year is a time in Norway,
whatever the server's own time zone."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

OSLO = ZoneInfo("Europe/Oslo")


def oslo_datetime(day: date, at: time = time(0, 0)) -> datetime:
    """A wall-clock time in Norway (summer time included)."""
    return datetime.combine(day, at, tzinfo=OSLO)


def last_day_before(moment: datetime) -> date:
    """The last calendar day in Norway before an exclusive end such as 00:00 on 21 December."""
    return (timezone.localtime(moment, OSLO) - timedelta(microseconds=1)).date()
