import logging

from django.apps import AppConfig
from django.conf import settings
from django.utils.translation import gettext_lazy as _

logger = logging.getLogger("portal")


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self) -> None:
        from portal import hooks

        hooks.connect()
        if settings.CELERY_TASK_ALWAYS_EAGER:
            logger.info("REDIS_URL is not set: background tasks run in-process, no worker needed")
