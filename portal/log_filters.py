"""Log lines without secrets in their paths.

A respondent's personal link (/s/<token>/) and a password-reset link (/konto/password/reset/
key/<key>/) open what they lead to for anyone who reads them. Every log handler of the portal
(settings.LOGGING) and gunicorn's access log (portal/gunicorn_conf.py) pass their lines through
`scrub`, which replaces such parts of a path with a placeholder."""

from __future__ import annotations

import logging
import re

PLACEHOLDER = "[hidden]"
# /s/ followed by anything that is not one of the fixed pages of the respondent.
_RESPONDENT = re.compile(
    r"(/s/)(?!(?:kode|start|del|send-inn|lagret|uten-samtykke)(?:[/?#\s\"']|$))"
    r"[^/?#\s\"']+"
)
# Any long run of letters and digits in a path segment: tokens, reset keys, signed values.
_TOKEN_SHAPED = re.compile(r"(?<=/)[0-9A-Za-z:_-]*[0-9A-Za-z]{20,}[0-9A-Za-z:_-]*(?=[/?#\s\"']|$)")


def scrub(text: str) -> str:
    """The text with token-shaped parts of paths replaced."""
    if "/" not in text:
        return text
    return _TOKEN_SHAPED.sub(PLACEHOLDER, _RESPONDENT.sub(r"\1" + PLACEHOLDER, text))


class TokenFilter(logging.Filter):
    """Installed on every handler: formats the record's message and removes tokens from it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken record is logged as it is, as logging would
            return True
        cleaned = scrub(message)
        if cleaned != message:
            record.msg, record.args = cleaned, None
        # Django attaches the request to its records; a formatter may print its path.
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "path") and scrub(request.path) != request.path:
            record.request = None
        return True
