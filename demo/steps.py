"""The steps `manage.py load_demo` runs, in order. Each step calls its own app's demo function
and says what it did; an app that adds something to the demo adds its step to STEPS."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import CommandError
from django.db import transaction

from demo.dispatch_backends import load_demo_dispatch
from demo.history import FIRST_YEAR as HISTORY_FROM
from demo.history import load_demo_history
from demo.open_surveys import load_demo_surveys, survey_year_of
from demo.portal_users import (
    DEMO_COUNTY,
    DEMO_LOGINS,
    DEMO_PASSWORD,
    load_demo_two_factor,
    load_demo_users,
)
from demo.register.load import demo_extract_dir, demo_office, load_demo_register
from portal.lib.oslo import oslo_now, oslo_today
from portal.models import TrainingOffice
from registry_import.models import ImportStatus


@dataclass
class DemoContext:
    """What the steps share: the options, where they write, and what earlier steps made."""

    scale: str
    base_url: str
    write: Callable[[str], None]
    success: Callable[[str], str] = str
    survey_year: int = field(default_factory=lambda: survey_year_of(oslo_today()))
    office: TrainingOffice | None = None
    made: dict[str, Any] = field(default_factory=dict)


def register(context: DemoContext) -> None:
    """A synthetic Vestland extract, imported through the real importer."""
    started = time.perf_counter()
    run = load_demo_register(scale=context.scale, survey_year=context.survey_year)
    if run.status not in {ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED}:
        raise CommandError(f"The demo extract was not imported: {run.message}")
    context.write(
        f"Demo register ({context.scale} extract in {demo_extract_dir()}): {run.message} "
        f"({len(run.errors)} rows with errors, as the demo extract has on purpose; "
        f"{time.perf_counter() - started:.1f} s)"
    )
    context.office = demo_office(DEMO_COUNTY)
    if context.office is None:
        raise CommandError("The demo extract has no training office in Vestland.")


def users(context: DemoContext) -> None:
    """The demo logins, one per role."""
    assert context.office is not None
    with transaction.atomic():
        load_demo_users(context.office)
    context.write(context.success("Demo data loaded. Log in with:"))
    for login in DEMO_LOGINS:
        context.write(f"  {login.email:<20} {DEMO_PASSWORD}   {login.description}")
    context.write(
        f"The training office of kontor@demo.no is {context.office.name} ({context.office.orgnr})."
    )


def surveys(context: DemoContext) -> None:
    """The survey year open now, its samples frozen, and links to answer."""
    assert context.office is not None
    links = load_demo_surveys(office=context.office, now=oslo_now())
    context.made["links"] = links
    context.write(context.success("The surveys are open. Answer through these links:"))
    for link in links:
        context.write(f"  {link.description}:\n    {context.base_url.rstrip('/')}{link.path}")


def two_factor(context: DemoContext) -> None:
    """The national and county administrators' authenticator keys and recovery codes."""
    load_demo_two_factor(context.write)


def dispatch(context: DemoContext) -> None:
    """Recording backends for e-mail and SMS, so the county admin can send and read."""
    assert context.office is not None
    context.write(
        "\n".join(
            load_demo_dispatch(
                county_code=DEMO_COUNTY, office=context.office, base_url=context.base_url
            )
        )
    )


def history(context: DemoContext) -> None:
    """Published LU and LBU results from 2012 to last year on the county structure of their
    time, so the report portal shows a real picture."""
    assert context.office is not None
    last_year = context.survey_year - 1
    # The tiny demo (the tests') keeps three years: enough for trends and last year's figures.
    first_year = last_year - 2 if context.scale == "tiny" else HISTORY_FROM
    rounds = load_demo_history(last_year=last_year, office=context.office, first_year=first_year)
    context.write(f"Published results {first_year} to last year: {len(rounds)} rounds added.")


STEPS: list[Callable[[DemoContext], None]] = [
    register,
    users,
    two_factor,
    surveys,
    history,
    dispatch,
]
