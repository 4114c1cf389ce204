"""What other apps contribute to the portal's pages: panels on an organisation's front page and
entries in its navigation.

`portal` imports no app above it. An app that has something to show registers it in its
`hooks.py` (called from its AppConfig.ready()); the front page and the navigation just render
what is registered, in order of priority (lower first), for the levels each entry is for
(`roles`) and to members whose role gives what it `needs` (portal.accounts.access.Need; an entry
that says nothing is for the organisation's administrators, like a page that says nothing). A
panel's `context` returns None when it has nothing to show for that organisation."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.http import HttpRequest
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.safestring import SafeString

from portal.accounts.access import Need, Scope
from portal.models import Role

ALL_ROLES = frozenset({Role.NATIONAL, Role.COUNTY, Role.OFFICE})


@dataclass(frozen=True)
class Panel:
    key: str
    template: str
    context: Callable[[HttpRequest, Scope], dict[str, Any] | None]
    roles: frozenset[str] = ALL_ROLES
    priority: int = 50
    needs: str = Need.ADMINISTRATOR


@dataclass(frozen=True)
class NavEntry:
    key: str
    label: str | Promise
    url: Callable[[Scope], str]
    roles: frozenset[str] = ALL_ROLES
    priority: int = 50
    needs: str = Need.ADMINISTRATOR


@dataclass(frozen=True)
class RenderedPanel:
    key: str
    html: SafeString


@dataclass
class _Registry:
    panels: dict[str, Panel] = field(default_factory=dict)
    nav: dict[str, NavEntry] = field(default_factory=dict)


_registry = _Registry()


def panel_register(panel: Panel) -> None:
    """Adds (or, with the same key, replaces) a panel; call from an app's hooks.py."""
    _registry.panels[panel.key] = panel


def nav_register(entry: NavEntry) -> None:
    """Adds (or, with the same key, replaces) a navigation entry; call from an app's hooks.py."""
    _registry.nav[entry.key] = entry


def _shown(item: Panel | NavEntry, scope: Scope) -> bool:
    return scope.role in item.roles and scope.may(item.needs)


def _ordered(items: dict[str, Any], scope: Scope) -> list[Any]:
    chosen = [item for item in items.values() if _shown(item, scope)]
    return sorted(chosen, key=lambda item: (item.priority, item.key))


def panels_for(request: HttpRequest, scope: Scope) -> list[RenderedPanel]:
    """The front page's panels for the organisation, rendered in order."""
    rendered = []
    for panel in _ordered(_registry.panels, scope):
        context = panel.context(request, scope)
        if context is None:
            continue
        html = render_to_string(panel.template, {"scope": scope, **context}, request=request)
        rendered.append(RenderedPanel(panel.key, SafeString(html)))
    return rendered


def nav_for(scope: Scope) -> list[tuple[str, str, str]]:
    """(key, label, url) of the navigation entries for the organisation, in order."""
    return [
        (entry.key, str(entry.label), entry.url(scope))
        for entry in _ordered(_registry.nav, scope)
    ]


def nav_url(scope: Scope, key: str) -> str | None:
    """The URL of the navigation entry `key` for the organisation, or None when no app has
    registered it for the organisation's level, or the member's role may not use it: a panel
    can link to another app's page (the calendar to dispatch's) without importing that app."""
    entry = _registry.nav.get(key)
    if entry is None or not _shown(entry, scope):
        return None
    return entry.url(scope)


# --- Whether a step of the survey year is done, from the data --------------------------------

StepCheck = Callable[[Scope, Sequence[Any]], bool | None]
_step_checks: dict[str, StepCheck] = {}


def step_check_register(key: str, check: StepCheck) -> None:
    """Tells the front page's calendar whether its step `key` is done for an organisation, from
    what the app knows (a dispatch that reached the organisation's respondents, targets saved):
    `check(scope, rounds)` returns True (done), False (still to do) or None (it cannot tell, and
    the calendar decides). Call from an app's hooks.py."""
    _step_checks[key] = check


def step_done(key: str, scope: Scope, rounds: Sequence[Any]) -> bool | None:
    """Whether step `key` is done for the organisation in `rounds`, or None with no check."""
    check = _step_checks.get(key)
    return None if check is None else check(scope, rounds)
