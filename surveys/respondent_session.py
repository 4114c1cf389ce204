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


def session_link_id(request: HttpRequest) -> int | None:
    """The id of the link this browser opened, while its cookie is valid and fresh."""
    try:
        value = request.get_signed_cookie(COOKIE_NAME, salt=_SALT, max_age=_max_age())
    except (KeyError, signing.BadSignature):
        return None
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def session_start(response: HttpResponse, link_id: int) -> None:
    """Puts the link into the cookie, or renews the cookie's time."""
    response.set_signed_cookie(
        COOKIE_NAME,
        str(link_id),
        salt=_SALT,
        max_age=_max_age(),
        path=COOKIE_PATH,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )


def session_end(response: HttpResponse) -> None:
    response.delete_cookie(COOKIE_NAME, path=COOKIE_PATH, samesite="Lax")
