"""Who is on the other end of a request, as far as the portal needs to know, and the address
they reach the portal at from outside."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest

from portal.lib.keyed import keyed_hash

# allauth's prefix for IPv6: one household or phone gets a /64, and counting each of its
# addresses apart would let it walk around every limit.
IPV6_PREFIX = 64


def client_address(request: HttpRequest) -> str:
    """The client's address. Behind BEHIND_PROXY trusted proxies it is the entry that many
    from the right of X-Forwarded-For: each proxy appends the address it got the request from,
    so entries further left were written by the client and prove nothing. Without a proxy the
    header is the client's own words and is ignored."""
    proxies = settings.BEHIND_PROXY
    if proxies > 0:
        entries = [e.strip() for e in request.headers.get("X-Forwarded-For", "").split(",")]
        entries = [e for e in entries if e]
        if len(entries) >= proxies and _is_address(entries[-proxies]):
            return entries[-proxies]
    return request.META.get("REMOTE_ADDR", "")


def _is_address(text: str) -> bool:
    # Stored in the audit log's inet column; something else there is a misconfigured proxy.
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def client_key(request: HttpRequest) -> str:
    """What a rate limit counts a client by: a keyed hash of its address (of its /64 for
    IPv6), so the cache tells clients apart without holding their addresses."""
    address = client_address(request)
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        parsed = None
    if isinstance(parsed, ipaddress.IPv6Address):
        address = str(ipaddress.IPv6Network(f"{parsed}/{IPV6_PREFIX}", strict=False))
    return keyed_hash("client", address)[:32]


def site_url(path: str = "") -> str:
    """An absolute link to a path of the portal for whoever is not in a request with us (a
    message, a provider's callback): SITE_URL, the portal's public address, in front."""
    return f"{settings.SITE_URL}{path}"


def language_codes() -> tuple[str, ...]:
    """The languages the portal speaks, bokmål first: settings.LANGUAGES is their one list."""
    return tuple(code for code, _name in settings.LANGUAGES)
