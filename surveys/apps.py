from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SurveysConfig(AppConfig):
    name = "surveys"
    verbose_name = _("Surveys")

    def ready(self) -> None:
        from portal.notices import NATIONAL_NOTICES
        from registry_import.signals import import_succeeded
        from surveys.receivers import register_import_succeeded, rounds_waiting_notices

        import_succeeded.connect(
            register_import_succeeded, dispatch_uid="surveys.samples_after_register_import"
        )
        if rounds_waiting_notices not in NATIONAL_NOTICES:
            NATIONAL_NOTICES.append(rounds_waiting_notices)
