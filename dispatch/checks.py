"""Deployment checks of the dispatch app (`manage.py check --deploy`)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import Error


def anymail_webhook_secret_check(app_configs: Any = None, **kwargs: Any) -> list[Error]:
    """E-mail through anymail reports bounces to its webhook; without a secret that webhook
    refuses everything (dispatch.webhooks), so no bounce or delivery is ever recorded."""
    from dispatch.webhooks import anymail_webhook_secret

    if not settings.EMAIL_BACKEND.startswith("anymail.") or anymail_webhook_secret():
        return []
    return [
        Error(
            "E-mail goes through anymail but ANYMAIL_WEBHOOK_SECRET is not set.",
            hint="Set ANYMAIL_WEBHOOK_SECRET=user:password and give the ESP the tracking "
            "webhook URL with those credentials (see README).",
            id="dispatch.E001",
        )
    ]
