"""Who is on the other end of a request, as far as the portal needs to know, and the address
they reach the portal at from outside."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    """The client's address: behind the TLS proxy it is the last hop the proxy added."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "")


def site_url(path: str = "") -> str:
    """An absolute link to a path of the portal for whoever is not in a request with us (a
    message, a provider's callback): SITE_URL, the portal's public address, in front."""
    return f"{settings.SITE_URL}{path}"


def language_codes() -> tuple[str, ...]:
    """The languages the portal speaks, bokmål first: settings.LANGUAGES is their one list."""
    return tuple(code for code, _name in settings.LANGUAGES)
