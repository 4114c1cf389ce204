"""The portal's answer to an error no view handled."""

from __future__ import annotations

import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation
from django.views import defaults

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 30


def server_error(request: HttpRequest) -> HttpResponse:
    """While the database is away (a restart, a failover) a page says so, in the reader's
    language, with 503 and when to try again, instead of "Server Error": the work in the
    background goes on once it is back. Rendered without the request, since the user and the
    session live in the database."""
    error = sys.exc_info()[1]
    if not isinstance(error, OperationalError | InterfaceError):
        return defaults.server_error(request)
    logger.warning("Answered 503: the database is unreachable (%s)", type(error).__name__)
    page = render_to_string("portal/unavailable.html", {"language": translation.get_language()})
    response = HttpResponse(page, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
