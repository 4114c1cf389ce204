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
from datetime import datetime

from django.core.cache import cache
from django.http import HttpRequest
from django.urls import reverse
from django.utils.crypto import salted_hmac

from portal.lib.bulk import rows_insert
from portal.lib.client import client_key
from surveys.models import Respondent, RespondentLink, Round
from surveys.services.link_lookup import link_lookup

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
    respondents = list(respondents)
    tokens = _links_write((r.pk, r.round.closes_at) for r in respondents)
    return {r.pk: token for r, token in zip(respondents, tokens, strict=True)}


def gathering_codes_issue(respondents: Iterable[Respondent], until: datetime) -> dict[int, str]:
    """Fresh gathering codes (R-D13), valid until `until` or the round's close, whichever is
    first: {respondent id: token}. A code leads to a draft of its own (CodeDraft)."""
    respondents = list(respondents)
    tokens = _links_write(
        ((r.pk, min(until, r.round.closes_at)) for r in respondents), gathering=True
    )
    return {r.pk: token for r, token in zip(respondents, tokens, strict=True)}


def links_issue_for_round(respondent_ids: Iterable[int], round_: Round) -> list[str]:
    """Fresh tokens, in the order of the ids, for respondents of `round_` that are not loaded
    (an id may come twice: each time it gets a token of its own)."""
    return _links_write((respondent_id, round_.closes_at) for respondent_id in respondent_ids)


def _links_write(targets: Iterable[tuple[int, datetime]], *, gathering: bool = False) -> list[str]:
    tokens = []
    rows = []
    for respondent_id, expires_at in targets:
        token = token_new()
        tokens.append(token)
        rows.append((respondent_id, token_hash(token), expires_at, gathering))
    if rows:
        rows_insert(
            RespondentLink, ("respondent_id", "token_hash", "expires_at", "gathering"), rows
        )
    return tokens


def link_path(token: str) -> str:
    """The path of the respondent's survey; the dispatch puts the site's address in front."""
    return reverse("respond_link", args=[token])


def link_find(token: str) -> RespondentLink | None:
    """The link of a token as given (any case, look-alikes, spaces), with everything a
    respondent page needs, in one query; None for anything that is not a live token."""
    token = code_normalise(token)
    if len(token) != TOKEN_LENGTH or not set(token) <= _ALPHABET_SET:
        return None
    return link_lookup(by="token_hash", value=token_hash(token))


def respondent_form_key(respondent_id: int | str) -> str:
    """What a respondent's forms carry to say whose they are (not a secret: the session
    cookie is the key; this only tells one respondent's pages from another's)."""
    return salted_hmac("surveys.respondent-form", str(respondent_id)).hexdigest()[:16]


def link_by_id(link_id: int) -> RespondentLink | None:
    """The link a respondent's session holds, loaded as link_find loads it."""
    return link_lookup(by="id", value=link_id)


# --- Rate limit on wrong links and codes ----------------------------------------------------


def _miss_key(request: HttpRequest) -> tuple[str, int]:
    now = int(time.time())
    window = now // MISS_WINDOW_SECONDS
    # The cache needs to tell clients apart, not to know who they are.
    address = client_key(request)
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
