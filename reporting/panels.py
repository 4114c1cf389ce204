"""The report portal's panel on the organisations' front pages (portal.front.panels), registered
in reporting/hooks.py with the navigation entries: the latest published results against target
and the national figure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta

from django.http import HttpRequest
from django.utils import timezone

from portal.accounts.access import Scope
from portal.lib.oslo import OSLO, oslo_today
from portal.models import Role
from reporting.models import Publication, Target
from reporting.scopes import ResultScope
from reporting.selectors import publications_of, results_overview
from surveys.calendar import TARGETS_ASKED_BEFORE
from surveys.models import Round, SurveyKind
from surveys.panels import front_rounds


def result_scope(scope: Scope) -> ResultScope:
    return ResultScope(county=scope.county, office=scope.office)


def latest_results_panel(request: HttpRequest, scope: Scope) -> dict | None:
    """The latest published LU round of the organisation, indexes against target and the
    national figure; None when nothing is published yet."""
    published = publications_of(SurveyKind.LU)
    if not published:
        return None
    results = result_scope(scope)
    overview = results_overview(results, published[0])
    if not overview.exists:
        return None
    return {
        "overview": overview,
        "results_url": results.url("results_round", published[0].round.year, "lu"),
        "home_url": results.url("results"),
    }


# --- Steps of the survey year done from the data (portal.front.panels.step_check_register) -----


def targets_due_panel(
    request: HttpRequest, scope: Scope, today: date | None = None
) -> dict | None:
    """A warning on a county's or office's front page while the year's LU or LBU round opens
    within TARGETS_ASKED_BEFORE and it has set no target for that year (R-P5); None otherwise.
    Reads the page's rounds (surveys' front panels read them once), and one query only while a
    round opens soon."""
    if scope.role not in (Role.COUNTY, Role.OFFICE):
        return None
    today = today or oslo_today()

    def midnight(day: date) -> datetime:
        return datetime.combine(day, time(), tzinfo=OSLO)

    start = midnight(today + timedelta(days=1))
    end = midnight(today + TARGETS_ASKED_BEFORE + timedelta(days=1))
    newest, _last_year = front_rounds(request)
    soon = sorted(
        (
            r
            for r in newest
            if r.kind in (SurveyKind.LU, SurveyKind.LBU) and start <= r.opens_at < end
        ),
        key=lambda r: r.opens_at,
    )
    if not soon:
        return None
    set_for = set(
        Target.objects.filter(
            year__in={r.year for r in soon}, county=scope.county, office=scope.office
        ).values_list("year", flat=True)
    )
    coming = next((r for r in soon if r.year not in set_for), None)
    if coming is None:
        return None
    opens = coming.opens_at.astimezone(OSLO).date()
    return {
        "year": coming.year,
        "opens": opens,
        "days_left": (opens - today).days,
        "targets_url": result_scope(scope).url("targets", coming.year),
    }


def targets_done(scope: Scope, rounds: Sequence[Round]) -> bool | None:
    """The targets step is done when the county or office has saved a target for the year."""
    if scope.role not in (Role.COUNTY, Role.OFFICE) or not rounds:
        return None
    targets = Target.objects.filter(year=rounds[0].year)
    if scope.role == Role.COUNTY:
        return targets.filter(county=scope.county).exists()
    return targets.filter(office=scope.office).exists()


def results_done(scope: Scope, rounds: Sequence[Round]) -> bool | None:
    """The results step is done when the year's results are published."""
    if not rounds:
        return None
    if all(r.closes_at > timezone.now() for r in rounds):
        return False  # nothing is published before a round closes
    return Publication.objects.filter(round__in=rounds).exists()
