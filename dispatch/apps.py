from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DispatchConfig(AppConfig):
    name = "dispatch"
    verbose_name = _("Dispatch")

    def ready(self) -> None:
        from anymail.signals import tracking

        import dispatch.checks  # noqa: F401 - registers the deploy checks
        from dispatch.models import Message, RecordedMessage
        from dispatch.panels import dispatch_panel
        from dispatch.services.closing import on_personal_data_purging, on_round_closing
        from dispatch.webhooks import on_tracking
        from portal.front.panels import NavEntry, Panel, nav_register, panel_register
        from portal.models import Role
        from surveys.services.rewrite import personal_tables_register
        from surveys.signals import personal_data_purging, round_closing

        round_closing.connect(on_round_closing, dispatch_uid="dispatch_round_closing")
        personal_data_purging.connect(
            on_personal_data_purging, dispatch_uid="dispatch_personal_data_purging"
        )
        personal_tables_register(Message, RecordedMessage)
        tracking.connect(on_tracking, dispatch_uid="dispatch_tracking")
        senders = frozenset({Role.COUNTY, Role.OFFICE})
        panel_register(
            Panel("dispatch", "dispatch/panel.html", dispatch_panel, roles=senders, priority=20)
        )
        nav_register(
            NavEntry(
                "dispatch",
                _("Dispatches"),
                lambda scope: scope.route("dispatches_latest"),
                roles=senders,
                priority=20,
            )
        )
