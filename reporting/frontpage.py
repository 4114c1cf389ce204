"""The report portal's panel and navigation entries on the organisations' front pages
(portal.front.panels): the latest published results against target and the national figure, links to
the results, the targets and, for the national administrator, the research export."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Scope
from portal.front.panels import NavEntry, Panel, nav_register, panel_register
from portal.lib.oslo import oslo_today
from portal.models import Role
from reporting.scopes import ResultScope
from reporting.selectors import publications_of, results_overview
from surveys.models import SurveyKind


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


def register() -> None:
    panel_register(
        Panel("reporting-latest", "reporting/panel_results.html", latest_results_panel, priority=40)
    )
    nav_register(
        NavEntry(
            "results", _("Results"), lambda s: result_scope(s).url("results"), priority=40
        )
    )
    nav_register(
        NavEntry(
            "reporting-targets",
            _("Targets"),
            lambda s: result_scope(s).url("targets", oslo_today().year),
            roles=frozenset({Role.COUNTY, Role.OFFICE}),
            priority=45,
        )
    )
    nav_register(
        NavEntry(
            "reporting-research",
            _("Research export"),
            lambda s: reverse("research_projects"),
            roles=frozenset({Role.NATIONAL}),
            priority=60,
        )
    )
