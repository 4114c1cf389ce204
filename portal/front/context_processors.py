from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from portal.accounts.access import active_scope, user_scopes
from portal.accounts.two_factor import two_factor_required_for, user_has_two_factor
from portal.front.panels import nav_for


def portal(request: HttpRequest) -> dict[str, Any]:
    """What the header needs on every page: the languages, each named in itself, the
    organisations the user can switch between and the pages of the one in use."""
    context: dict[str, Any] = {"portal_languages": settings.LANGUAGES}
    if getattr(request, "user", None) and request.user.is_authenticated:
        user = request.user
        context["scopes"] = user_scopes(request)
        scope = getattr(request, "scope", None) or active_scope(request)
        context["active_scope"] = scope
        if scope is not None:
            # The organisation's pages, registered by the apps that own them (portal.front.panels).
            context["nav_entries"] = SimpleLazyObject(lambda: nav_for(scope))
        context["two_factor_missing"] = SimpleLazyObject(
            lambda: two_factor_required_for(request) and not user_has_two_factor(user)
        )
    return context
