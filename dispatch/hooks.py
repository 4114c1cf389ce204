"""What dispatch hooks into the apps below it, all of it here and nowhere else: its panel and
navigation entry for the senders, its receivers of the close step and of the e-mail provider's
tracking, and the tables of its that the close step rewrites. Called once, from
DispatchConfig.ready()."""

from __future__ import annotations

from anymail.signals import tracking
from django.core.checks import Tags, register
from django.utils.translation import gettext_lazy as _

from dispatch.checks import anymail_webhook_secret_check
from dispatch.models import Message, RecordedMessage
from dispatch.panels import dispatch_panel
from dispatch.services.closing import on_personal_data_purging, on_round_closing
from dispatch.webhooks import on_tracking
from portal.front.panels import NavEntry, Panel, nav_register, panel_register
from portal.models import Role
from surveys.services.rewrite import personal_tables_register
from surveys.signals import personal_data_purging, round_closing

SENDERS = frozenset({Role.COUNTY, Role.OFFICE})


def connect() -> None:
    register(anymail_webhook_secret_check, Tags.security, deploy=True)
    round_closing.connect(on_round_closing, dispatch_uid="dispatch_round_closing")
    personal_data_purging.connect(
        on_personal_data_purging, dispatch_uid="dispatch_personal_data_purging"
    )
    personal_tables_register(Message, RecordedMessage)
    tracking.connect(on_tracking, dispatch_uid="dispatch_tracking")
    panel_register(
        Panel("dispatch", "dispatch/panel.html", dispatch_panel, roles=SENDERS, priority=20)
    )
    nav_register(
        NavEntry(
            "dispatch",
            _("Dispatches"),
            lambda scope: scope.route("dispatches_latest"),
            roles=SENDERS,
            priority=20,
        )
    )
    nav_register(
        NavEntry(
            "support_lookup",
            _("Support lookup"),
            lambda scope: scope.route("support_lookup"),
            roles=SENDERS,
            priority=22,
        )
    )
