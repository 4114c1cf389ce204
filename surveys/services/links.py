"""Personal respondent links.

A token is 26 characters of a lowercase base-32 alphabet (130 bits from `secrets`), short enough
for an SMS. Only its SHA-256 is stored, so a copy of the database gives nobody a working link.
Every message issues a fresh token; all of a respondent's tokens lead to the same answers.

The alphabet leaves out b, i, l and o, so a code typed from paper can be read back whatever
look-alike the person chose: O for 0, I or L for 1, B for 8, in any case, with spaces or hyphens.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import time
from collections.abc import Iterable

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse

from portal.client import client_address
from surveys.models import Respondent, RespondentLink

logger = logging.getLogger(__name__)

ALPHABET = "0123456789acdefghjkmnpqrstuvwxyz"
_ALPHABET_SET = frozenset(ALPHABET)
TOKEN_LENGTH = 26  # 26 × 5 = 130 bits
_LOOK_ALIKES = str.maketrans({"o": "0", "i": "1", "l": "1", "b": "8"})
_SEPARATORS = str.maketrans("", "", " -_.\t\n\r\u00a0")

# Wrong or guessed links, counted per client address in fixed windows (R-L7: links are secret).
MISS_LIMIT = 20
MISS_WINDOW_SECONDS = 600


def token_new() -> str:
    # One byte per character, five bits of each: 32 divides 256, so every character is uniform
    # (130 bits in all), with one call for random bytes instead of one per character.
    return "".join(ALPHABET[b & 31] for b in secrets.token_bytes(TOKEN_LENGTH))


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def code_normalise(text: str) -> str:
    """A code as typed (any case, spaces, hyphens, look-alike letters) in the token alphabet."""
    return text.strip().lower().translate(_SEPARATORS).translate(_LOOK_ALIKES)


def code_display(token: str) -> str:
    """The token in groups of four, as printed on a sheet or letter."""
    return " ".join(token[i : i + 4] for i in range(0, len(token), 4))


def link_issue(respondent: Respondent) -> str:
    """A fresh token for one message (invitation or reminder); it expires when the round
    closes."""
    token = token_new()
    RespondentLink.objects.create(
        respondent=respondent,
        token_hash=token_hash(token),
        expires_at=respondent.round.closes_at,
    )
    return token


def links_issue(respondents: Iterable[Respondent]) -> dict[int, str]:
    """Fresh tokens for many respondents in one insert: {respondent id: token}."""
    tokens: dict[int, str] = {}
    rows = []
    for respondent in respondents:
        token = token_new()
        tokens[respondent.pk] = token
        rows.append(
            RespondentLink(
                respondent=respondent,
                token_hash=token_hash(token),
                expires_at=respondent.round.closes_at,
            )
        )
    RespondentLink.objects.bulk_create(rows)
    return tokens


def link_path(token: str) -> str:
    """The path of the respondent's survey; the dispatch puts the site's address in front."""
    return reverse("respond_entry", args=[token])


def link_find(token: str) -> RespondentLink | None:
    """The link with everything a respondent page needs, in one query: the respondent, its
    round and questionnaire, its draft, and the survey it continues to (ÅR → LBU, R-D9)."""
    token = code_normalise(token)
    if len(token) != TOKEN_LENGTH or not set(token) <= _ALPHABET_SET:
        return None
    return (
        RespondentLink.objects.select_related(
            "respondent__round__questionnaire",
            "respondent__draft",
            "respondent__continues_to__round__questionnaire",
            "respondent__continues_to__draft",
        )
        .filter(token_hash=token_hash(token))
        .first()
    )


# --- Rate limit on wrong links and codes ----------------------------------------------------


def _miss_key(request: HttpRequest) -> tuple[str, int]:
    now = int(time.time())
    window = now // MISS_WINDOW_SECONDS
    # The address is hashed: the cache needs to tell clients apart, not to know who they are.
    address = hashlib.sha256(client_address(request).encode()).hexdigest()[:32]
    retry_after = MISS_WINDOW_SECONDS - now % MISS_WINDOW_SECONDS
    return f"respond-miss:{address}:{window}", retry_after


def misses_exceeded(request: HttpRequest) -> int | None:
    """Seconds to wait when this client has used up its misses in the window, else None: after
    MISS_LIMIT misses, every further request is refused until the window ends."""
    key, retry_after = _miss_key(request)
    try:
        misses = cache.get(key) or 0
    except Exception:  # the cache is down: the 130-bit tokens still protect the links
        logger.warning("Rate limit of respondent links not checked: the cache is unavailable")
        return None
    return retry_after if misses >= MISS_LIMIT else None


def miss_record(request: HttpRequest) -> None:
    key, _retry_after = _miss_key(request)
    try:
        cache.add(key, 0, timeout=MISS_WINDOW_SECONDS + 5)
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.set(key, 1, timeout=MISS_WINDOW_SECONDS + 5)
    except Exception:
        logger.warning("Wrong respondent link not counted: the cache is unavailable")
