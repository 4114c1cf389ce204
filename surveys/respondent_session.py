"""The respondent's session: which link this browser opened last, in a signed cookie.

The first request with a token (/s/<token>/) puts the link's id into a cookie signed with the
secret key and redirects to pages whose addresses carry no token, so the token never stays in
the browser's history, in a Referer header or in a log line after that first request. The cookie
lasts RESPONDENT_SESSION_MINUTES after the last page and is renewed on every page; opening the
link again from the message starts it anew. A browser holds one link at a time: the link opened
last wins, and every page names its survey."""

from __future__ import annotations

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse

COOKIE_NAME = "portal_respondent"
COOKIE_PATH = "/s/"
_SALT = "surveys.respondent-session"


def _max_age() -> int:
    return settings.RESPONDENT_SESSION_MINUTES * 60


def _value(request: HttpRequest) -> tuple[int, str] | None:
    try:
        value = request.get_signed_cookie(COOKIE_NAME, salt=_SALT, max_age=_max_age())
    except (KeyError, signing.BadSignature):
        return None
    link_id, _dot, browser_key = value.partition(".")
    try:
        return int(link_id), browser_key
    except ValueError:
        return None


def session_link_id(request: HttpRequest) -> int | None:
    """The id of the link this browser opened, while its cookie is valid and fresh."""
    value = _value(request)
    return value[0] if value is not None else None


def session_browser_key(request: HttpRequest, link_id: int) -> str:
    """The browser's own key for a gathering code it opened (its draft of the code), or ""."""
    value = _value(request)
    return value[1] if value is not None and value[0] == link_id else ""


def session_start(response: HttpResponse, link_id: int, browser_key: str = "") -> None:
    """Puts the link (and, for a gathering code, the browser's key) into the cookie, or renews
    the cookie's time."""
    response.set_signed_cookie(
        COOKIE_NAME,
        f"{link_id}.{browser_key}" if browser_key else str(link_id),
        salt=_SALT,
        max_age=_max_age(),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def session_end(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")
