"""Keyed hashes of what must not be readable in a copy of the database or of Redis: client
addresses, e-mail addresses and session keys.

A plain SHA-256 of an IPv4 address or a known e-mail address is reversed by trying them all; an
HMAC under a key derived from SECRET_KEY is not, as long as the secret key stays secret."""

from __future__ import annotations

from django.conf import settings
from django.utils.crypto import salted_hmac


def keyed_hash(purpose: str, value: str, *, secret: str | None = None) -> str:
    """HMAC-SHA256 of `value` (hex) under a key derived from SECRET_KEY (or `secret`) and
    `purpose`, so hashes made for one purpose cannot be matched against those of another."""
    return salted_hmac(
        f"portal.keyed.{purpose}", value, secret=secret, algorithm="sha256"
    ).hexdigest()


def keyed_hashes(purpose: str, value: str) -> list[str]:
    """keyed_hash under SECRET_KEY first, then under each of SECRET_KEY_FALLBACKS, for what
    must still be found while a rotation of the secret key is under way."""
    secrets = [settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS]
    return [keyed_hash(purpose, value, secret=secret) for secret in secrets]


# allauth's rate-limit keys end in the client's address or in a plain SHA-256 of an e-mail
# address: "allauth:rl:<app>:<action>:<rate>:<source>".
_ALLAUTH_RATE_LIMIT = "allauth:rl:"


def cache_key(key: str, key_prefix: str, version: int) -> str:
    """The cache's KEY_FUNCTION: Django's own, with the source of allauth's rate-limit keys
    replaced by its keyed hash, so Redis holds no address of a client or of an account."""
    if key.startswith(_ALLAUTH_RATE_LIMIT):
        parts = key.split(":", 5)
        if len(parts) == 6:
            parts[5] = keyed_hash("rate-limit", parts[5])
            key = ":".join(parts)
    return f"{key_prefix}:{version}:{key}"
