"""The keyed pseudonym that stands in for a national identity number everywhere in the portal.

The register needs the identity number only to recognise the same person across contracts and
extracts, so the number itself is never stored: an HMAC-SHA256 of its eleven digits under
settings.PSEUDONYM_KEY is. Without the key the pseudonym cannot be reversed by trying every
possible number, which a plain hash of an eleven-digit number could."""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings


def normalise_identity_number(value: str) -> str:
    """The eleven digits of an identity number written with spaces or a hyphen
    (`151086 95088`, `151086-95088`). Only the form is normalised, not checked."""
    if len(value) == 11 and value.isdigit():
        return value
    return "".join(ch for ch in value if ch not in " -.:\t")


def pseudonym(identity_number: str, *, key: str | bytes | None = None) -> str:
    """The hex HMAC-SHA256 of the normalised identity number under PSEUDONYM_KEY (or `key`)."""
    secret = settings.PSEUDONYM_KEY if key is None else key
    if isinstance(secret, str):
        secret = secret.encode("utf-8")
    digits = normalise_identity_number(identity_number).encode("utf-8")
    return hmac.new(secret, digits, hashlib.sha256).hexdigest()


class Pseudonymiser:
    """`pseudonym` with the key prepared once, for the tens of thousands of rows of an import."""

    def __init__(self, key: str | bytes | None = None) -> None:
        secret = settings.PSEUDONYM_KEY if key is None else key
        self._key = secret.encode("utf-8") if isinstance(secret, str) else secret

    def __call__(self, identity_number: str) -> str:
        digits = normalise_identity_number(identity_number).encode("utf-8")
        return hmac.digest(self._key, digits, "sha256").hex()
