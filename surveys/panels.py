"""The surveys' panels on the organisations' front pages (portal.front.panels), registered in
surveys/hooks.py: the rounds waiting for their extract, what to do now from the round calendar,
and the response rates."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from portal.accounts.access import Scope
from portal.lib.oslo import oslo_today
from surveys.calendar import calendar_panel_context
from surveys.rate_tables import kind_rates, newest_rounds
from surveys.services.samples import rounds_waiting_for_extract, waiting_message


def rounds_waiting_notices() -> list[str]:
    """For the national overview: the rounds whose sample waits for the 1 October extract."""
    today = oslo_today()
    return [waiting_message(round_) for round_ in rounds_waiting_for_extract(today)]


def waiting_panel(request: HttpRequest, scope: Scope) -> dict | None:
    notices = rounds_waiting_notices()
    return {"notices": notices} if notices else None


def calendar_panel(request: HttpRequest, scope: Scope) -> dict | None:
    return calendar_panel_context(scope)


def rates_panel(request: HttpRequest, scope: Scope) -> dict | None:
    rounds = newest_rounds()
    if not rounds:
        return None
    today = oslo_today()
    return {
        "kinds": [
            kind_rates(r, county=scope.county, office=scope.office, today=today, compare=False)
            for r in rounds
        ],
        "url": scope.route("response_rates"),
        "threshold": settings.REPORTING_THRESHOLD,
    }
