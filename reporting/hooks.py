"""What the report portal hooks into the apps below it, all of it here and nowhere else: its
panel on the front pages (reporting/panels.py), its navigation entries, its receiver of a
round's close and the suppression of the response-rate pages (reporting/live_rates.py). Called
once, from ReportingConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Need
from portal.front.panels import (
    NavEntry,
    Panel,
    nav_register,
    panel_register,
    step_check_register,
)
from portal.lib.oslo import oslo_today
from portal.models import Role
from reporting.live_rates import rates_disclosure
from reporting.panels import (
    latest_results_panel,
    result_scope,
    results_done,
    targets_done,
    targets_due_panel,
)
from surveys.rate_disclosure import rates_disclosure_register
from surveys.signals import round_closed


def connect() -> None:
    round_closed.connect(publish_when_closed, dispatch_uid="reporting_publish")
    # Response rates hidden by the results' suppression, from the same cells.
    rates_disclosure_register(rates_disclosure)
    panel_register(
        Panel(
            "reporting-latest",
            "reporting/panel_results.html",
            latest_results_panel,
            priority=40,
            needs=Need.RESULTS,
        )
    )
    # The year's targets asked for in good time before the round opens (R-P5), beside the
    # calendar's step.
    panel_register(
        Panel(
            "reporting-targets-due",
            "reporting/panel_targets_due.html",
            targets_due_panel,
            roles=frozenset({Role.COUNTY, Role.OFFICE}),
            priority=5,
            needs=Need.RESULTS,
        )
    )
    step_check_register("targets", targets_done)
    step_check_register("results", results_done)
    nav_register(
        NavEntry(
            "results",
            _("Results"),
            lambda s: result_scope(s).url("results"),
            priority=40,
            needs=Need.RESULTS,
        )
    )
    nav_register(
        NavEntry(
            "reporting-targets",
            _("Targets"),
            lambda s: result_scope(s).url("targets", oslo_today().year),
            roles=frozenset({Role.COUNTY, Role.OFFICE}),
            priority=45,
            needs=Need.RESULTS,
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


def publish_when_closed(sender: Any, round_id: int, **kwargs: Any) -> None:
    """The close step has committed: publish the round's results in the background."""
    from reporting.tasks import publish_round

    transaction.on_commit(lambda: publish_round.delay(round_id))
