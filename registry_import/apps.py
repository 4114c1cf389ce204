from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RegistryImportConfig(AppConfig):
    name = "registry_import"
    verbose_name = _("Register import")

    def ready(self) -> None:
        from registry_import import hooks

        hooks.connect()
