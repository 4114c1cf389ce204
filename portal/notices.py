"""Notices the apps above the portal put on its national overview: what the national
administrator must know at a glance (a round waiting for its extract). The portal only shows
them; each app registers a provider in its AppConfig.ready()."""

from __future__ import annotations

from collections.abc import Callable

# Each provider returns the notices of the moment, as texts in the active language.
NATIONAL_NOTICES: list[Callable[[], list[str]]] = []


def national_notices() -> list[str]:
    return [notice for provider in NATIONAL_NOTICES for notice in provider()]
