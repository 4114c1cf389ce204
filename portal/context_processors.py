from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from portal.access import active_scope, user_scopes


def portal(request: HttpRequest) -> dict[str, Any]:
    """What the header needs on every page: the languages, each named in itself, and the
    organisations the user can switch between."""
    context: dict[str, Any] = {"portal_languages": settings.LANGUAGES}
    if getattr(request, "user", None) and request.user.is_authenticated:
        context["scopes"] = user_scopes(request)
        context["active_scope"] = getattr(request, "scope", None) or active_scope(request)
    return context
