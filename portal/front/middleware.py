from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers

from portal.accounts.two_factor import session_has_two_factor, two_factor_required_for
from portal.lib.client import language_codes


class LanguageMiddleware:
    """Bokmål unless the person chose another language with the switcher.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a public Norwegian
    service shows bokmål first and lets people choose, so only the chosen cookie counts."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if language not in language_codes():
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


# Pages a user who must set up two-factor login still reaches: the account pages (login,
# logout, password, two-factor setup: everything allauth serves), the help pages, the
# accessibility statement, the language switcher, static files and the health check.
TWO_FACTOR_EXEMPT_PREFIXES = ("/konto/", "/hjelp/", "/tilgjengelighet/", "/i18n/", "/static/")
TWO_FACTOR_EXEMPT_PATHS = ("/healthz",)


class TwoFactorRequiredMiddleware:
    """Sends a national or county administrator (or a staff user) without a second factor to
    the two-factor setup before any page with personal data, the Django admin included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        path = request.path
        if (
            request.user.is_authenticated
            and not path.startswith(TWO_FACTOR_EXEMPT_PREFIXES)
            and path not in TWO_FACTOR_EXEMPT_PATHS
            and two_factor_required_for(request)
            and not session_has_two_factor(request)
        ):
            target = reverse("mfa_index")
            if getattr(request, "htmx", False):
                response = HttpResponse(status=204)
                response["HX-Redirect"] = target
                return response
            return redirect(target)
        return self.get_response(request)


class NoStoreMiddleware:
    """`Cache-Control: no-store` on every response to a logged-in user and on every download:
    pages behind the login hold personal data or results, and neither a shared computer's
    browser cache nor a proxy may keep them."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        user = getattr(request, "user", None)
        download = "attachment" in response.get("Content-Disposition", "")
        if download or (user is not None and user.is_authenticated):
            add_never_cache_headers(response)
            patch_cache_control(response, no_store=True, private=True)
        return response
