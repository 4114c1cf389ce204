"""Secrets the portal must be able to read back, sealed before they are stored: the two-factor
keys allauth keeps (the authenticator app's key, the recovery codes' seed). Someone with a copy
of the database alone cannot compute a user's codes.

The sealing key is derived from SECRET_KEY; keys in SECRET_KEY_FALLBACKS still open what was
sealed under them, so the secret key can be rotated: set the new one, keep the old one as a
fallback, run `manage.py mfa_reseal`, then drop the fallback."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

# Every Fernet token starts with its version byte 0x80, "gAAAAA" in base64; the keys allauth
# makes (base32 capitals, hexadecimal) never do.
_SEALED_PREFIX = "gAAAAA"


def _fernet(secret_key: str) -> Fernet:
    key = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"portal.secret_box"
    ).derive(secret_key.encode())
    return Fernet(base64.urlsafe_b64encode(key))


def _box() -> MultiFernet:
    return MultiFernet(
        [_fernet(key) for key in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS)]
    )


def is_sealed(text: str) -> bool:
    return text.startswith(_SEALED_PREFIX)


def seal(text: str) -> str:
    return _box().encrypt(text.encode()).decode("ascii")


def unseal(text: str) -> str:
    """The secret; a value stored before sealing began is returned as it is (`mfa_reseal`
    seals it). A sealed value no key opens raises InvalidToken."""
    if not is_sealed(text):
        return text
    return _box().decrypt(text.encode("ascii")).decode()


def reseal(text: str) -> str:
    """The secret sealed under the current SECRET_KEY."""
    if not is_sealed(text):
        return seal(text)
    return _box().rotate(text.encode("ascii")).decode("ascii")

