import logging
from typing import Any

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("portal")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from allauth.account.signals import password_reset

        from portal.audit import receivers  # noqa: F401 - connects
        from portal.front import navigation  # noqa: F401 - registers

        password_reset.connect(_password_reset_completed, dispatch_uid="portal-login-lock-lift")
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("REDIS_URL is not set: background tasks run in-process, no worker needed")


def _password_reset_completed(sender: object, request: object, user: Any, **kwargs: Any) -> None:
    from portal.accounts.adapters import login_lock_lift
    from portal.accounts.addresses import address_prove

    login_lock_lift(user.email)
    # The link came by mail to the login address (activation or reset), so it is now proved:
    # the new administrator can set up two-factor login at once.
    address_prove(user)
