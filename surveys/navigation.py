"""The surveys' pages in the organisations' navigation and their panels on the front page
(portal.front.panels): what to do now from the round calendar, first, and the response rates."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Scope
from portal.front.panels import NavEntry, Panel, nav_register, panel_register
from portal.lib.oslo import oslo_today
from portal.models import Role
from surveys.calendar import calendar_panel_context
from surveys.rate_tables import kind_rates, newest_rounds
from surveys.services.samples import rounds_waiting_for_extract, waiting_message

COUNTY = frozenset({Role.COUNTY})
OFFICE = frozenset({Role.OFFICE})
COUNTY_AND_OFFICE = frozenset({Role.COUNTY, Role.OFFICE})


nav_register(
    NavEntry(
        "quality",
        _("Quality report"),
        lambda scope: reverse("county_quality", args=[scope.county.code]),  # type: ignore[union-attr]  # county role
        roles=frozenset({Role.COUNTY}),
        priority=10,
    )
)
nav_register(
    NavEntry(
        "rounds",
        _("Survey rounds"),
        lambda scope: reverse("national_rounds"),
        roles=frozenset({Role.NATIONAL}),
        priority=10,
    )
)
nav_register(
    NavEntry(
        "samples",
        _("Samples"),
        lambda scope: reverse("county_samples_latest", args=[scope.county.code]),  # type: ignore[union-attr]  # county role
        roles=COUNTY,
        priority=15,
    )
)
nav_register(
    NavEntry(
        "response_rates",
        _("Response rates"),
        lambda scope: scope.route("response_rates"),
        roles=COUNTY_AND_OFFICE,
        priority=30,
    )
)
nav_register(
    NavEntry(
        "office_annual_report",
        _("Our Årlig rapportering"),
        lambda scope: reverse("office_annual_report", args=[scope.office.orgnr]),  # type: ignore[union-attr]  # office role
        roles=OFFICE,
        priority=35,
    )
)
nav_register(
    NavEntry(
        "ar_answers",
        _("ÅR answers"),
        lambda scope: scope.route("ar_answers"),
        roles=COUNTY_AND_OFFICE,
        priority=40,
    )
)


def rounds_waiting_notices() -> list[str]:
    """For the national overview: the rounds whose sample waits for the 1 October extract."""
    today = oslo_today()
    return [waiting_message(round_) for round_ in rounds_waiting_for_extract(today)]


def _waiting(request: HttpRequest, scope: Scope) -> dict | None:
    notices = rounds_waiting_notices()
    return {"notices": notices} if notices else None


def _calendar(request: HttpRequest, scope: Scope) -> dict | None:
    return calendar_panel_context(scope)


def _rates(request: HttpRequest, scope: Scope) -> dict | None:
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
    }


# Rounds whose sample waits for the 1 October extract (R-C3): the national level first of all.
panel_register(
    Panel(
        "rounds_waiting",
        "surveys/panels/rounds_waiting.html",
        _waiting,
        roles=frozenset({Role.NATIONAL}),
        priority=-10,
    )
)
panel_register(Panel("calendar", "surveys/panels/calendar.html", _calendar, priority=0))
panel_register(
    Panel(
        "response_rates", "surveys/panels/rates.html", _rates, roles=COUNTY_AND_OFFICE, priority=20
    )
)
