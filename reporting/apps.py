from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = _("Reporting")

    def ready(self) -> None:
        from reporting import frontpage
        from surveys.signals import round_closed

        round_closed.connect(_publish_when_closed, dispatch_uid="reporting_publish")
        frontpage.register()


def _publish_when_closed(sender, round_id: int, **kwargs) -> None:
    """The close step has committed: publish the round's results in the background."""
    from django.db import transaction

    from reporting.tasks import publish_round

    transaction.on_commit(lambda: publish_round.delay(round_id))
