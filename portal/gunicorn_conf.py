"""gunicorn's settings for the portal in production (Dockerfile, docker-compose.yml,
bench/respondent_load.py): `gunicorn -c python:portal.gunicorn_conf portal.wsgi:application`.

The access log is written without personal links or reset keys in its paths
(portal/log_filters.py). Every setting here can still be given on the command line."""

from __future__ import annotations

import os
from typing import cast

from gunicorn.glogging import Logger

from portal.log_filters import scrub

bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("GUNICORN_WORKERS", "3"))
accesslog = "-"
# The request line and Referer are the only parts that carry a path; both are scrubbed.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'


class ScrubbingLogger(Logger):
    """gunicorn's logger with token-shaped path parts removed from the access log."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        # gunicorn also fills "{name}e" keys from the environ, which its stubs' TypedDict omits
        fields = cast(dict[str, object], atoms)
        for key in ("r", "U", "q", "f", "{raw_uri}e"):
            value = fields.get(key)
            if isinstance(value, str):
                fields[key] = scrub(value)
        return atoms


logger_class = ScrubbingLogger
