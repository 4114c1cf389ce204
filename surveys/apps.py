from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from registry_import.signals import import_succeeded
        from surveys import navigation  # noqa: F401 - registers navigation entries and panels
        from surveys.receivers import register_import_succeeded

        import_succeeded.connect(
            register_import_succeeded, dispatch_uid="surveys.samples_after_register_import"
        )
