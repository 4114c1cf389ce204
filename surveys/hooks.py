"""What the surveys hook into the apps below them, all of it here and nowhere else: their pages
in the organisations' navigation, their panels on the front pages (surveys/panels.py) and their
receiver of the register's import. Called once, from SurveysConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Need
from portal.front.help import help_calendar_register
from portal.front.panels import (
    NavEntry,
    Panel,
    nav_register,
    panel_register,
    step_check_register,
)
from portal.models import Role
from registry_import.signals import import_succeeded
from surveys.help_dates import help_calendar
from surveys.panels import (
    calendar_panel,
    national_rates_panel,
    office_report_done,
    quality_done,
    rates_panel,
    waiting_panel,
)
from surveys.tasks import samples_after_register_import

COUNTY = frozenset({Role.COUNTY})
OFFICE = frozenset({Role.OFFICE})
NATIONAL = frozenset({Role.NATIONAL})
COUNTY_AND_OFFICE = frozenset({Role.COUNTY, Role.OFFICE})


def connect() -> None:
    _navigation()
    help_calendar_register(help_calendar)
    # Rounds whose sample waits for the 1 October extract (R-C3): the national level first.
    panel_register(
        Panel(
            "rounds_waiting",
            "surveys/panels/rounds_waiting.html",
            waiting_panel,
            roles=NATIONAL,
            priority=-10,
        )
    )
    panel_register(
        Panel(
            "calendar",
            "surveys/panels/calendar.html",
            calendar_panel,
            priority=0,
            needs=Need.MEMBER,
        )
    )
    panel_register(
        Panel(
            "response_rates",
            "surveys/panels/rates.html",
            rates_panel,
            roles=COUNTY_AND_OFFICE,
            priority=20,
            needs=Need.SEND,
        )
    )
    # The Directorate: every county's response rates beside last year's on the same date.
    panel_register(
        Panel(
            "national_response_rates",
            "surveys/panels/national_rates.html",
            national_rates_panel,
            roles=NATIONAL,
            priority=20,
            needs=Need.SEND,
        )
    )
    step_check_register("quality", quality_done)
    step_check_register("office_report", office_report_done)
    import_succeeded.connect(
        register_import_succeeded, dispatch_uid="surveys.samples_after_register_import"
    )


def _navigation() -> None:
    nav_register(
        NavEntry(
            "quality",
            _("Quality report"),
            lambda scope: scope.route("quality"),
            roles=COUNTY,
            priority=10,
            needs=Need.PERSONAL_DATA,
        )
    )
    nav_register(
        NavEntry(
            "rounds",
            _("Survey rounds"),
            lambda scope: reverse("national_rounds"),
            roles=NATIONAL,
            priority=10,
        )
    )
    nav_register(
        NavEntry(
            "samples",
            _("Samples"),
            lambda scope: scope.route("samples_latest"),
            roles=COUNTY,
            priority=15,
            needs=Need.PERSONAL_DATA,
        )
    )
    nav_register(
        NavEntry(
            "office_list_check",
            _("Check the lists"),
            lambda scope: scope.route("list_check_latest"),
            roles=OFFICE,
            priority=15,
            needs=Need.PERSONAL_DATA,
        )
    )
    nav_register(
        NavEntry(
            "response_rates",
            _("Response rates"),
            lambda scope: scope.route("response_rates"),
            roles=COUNTY_AND_OFFICE,
            priority=30,
            needs=Need.SEND,
        )
    )
    nav_register(
        NavEntry(
            "office_annual_report",
            _("Our Årlig rapportering"),
            lambda scope: scope.route("annual_report"),
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
            needs=Need.AR_ANSWERS,
        )
    )
    nav_register(
        NavEntry(
            "materials",
            _("Letters and handouts"),
            lambda scope: scope.route("materials"),
            roles=COUNTY_AND_OFFICE,
            priority=45,
            needs=Need.SEND,
        )
    )


def register_import_succeeded(sender: Any, **kwargs: Any) -> None:
    """A register import changed the register: bring the samples up to date with it, in the
    background once the import is committed."""
    transaction.on_commit(samples_after_register_import.delay)
