"""/healthz: whether the database and the Celery broker answer, for load balancers and ops."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from django.utils.crypto import constant_time_compare
from django.views.decorators.cache import never_cache

from portal.celery import app


def database_state() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def broker_state() -> str:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "in-process"
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:
        return f"error: {type(exc).__name__}"
    return "ok"


def _may_see_details(request: HttpRequest) -> bool:
    """Details go to the machine itself (the container's health check, an operator on the
    host) or to whoever has the token; a request that came through the proxy is not local."""
    token = settings.HEALTHZ_TOKEN
    given = request.headers.get("X-Health-Token", "")
    if token and given and constant_time_compare(given, token):
        return True
    if "X-Forwarded-For" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """Public: only whether the portal is healthy. Details only to _may_see_details."""
    state = {"database": database_state(), "broker": broker_state()}
    healthy = all(value in {"ok", "in-process"} for value in state.values())
    body: dict[str, str] = {"status": "ok" if healthy else "error"}
    if _may_see_details(request):
        body.update(state)
    return JsonResponse(body, status=200 if healthy else 503)
