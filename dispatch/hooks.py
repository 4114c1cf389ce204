"""What dispatch hooks into the apps below it, all of it here and nowhere else: its panel and
navigation entry for the senders, the outbox as the sender of account mails, its receivers of
the close step and of the e-mail provider's tracking, and the tables of its that the close step
rewrites. Called once, from DispatchConfig.ready()."""

from __future__ import annotations

from typing import Any

from anymail.signals import tracking
from django.core.checks import Tags, register
from django.utils.translation import gettext_lazy as _

from dispatch.checks import anymail_webhook_secret_check
from dispatch.models import Message, RecordedMessage
from dispatch.panels import dispatch_panel, invitations_done
from dispatch.services.closing import on_personal_data_purging, on_round_closing
from dispatch.services.notifications import notify_published
from dispatch.tasks import account_mail_store
from dispatch.webhooks import on_tracking
from portal.accounts.access import Need
from portal.accounts.mail_queue import account_mail_sender_register
from portal.front.panels import (
    NavEntry,
    Panel,
    nav_register,
    panel_register,
    step_check_register,
)
from portal.models import Role
from surveys.services.rewrite import personal_tables_register
from surveys.signals import personal_data_purging, results_published, round_closing

SENDERS = frozenset({Role.COUNTY, Role.OFFICE})
COUNTY = frozenset({Role.COUNTY})


def connect() -> None:
    register(anymail_webhook_secret_check, Tags.security, deploy=True)
    round_closing.connect(on_round_closing, dispatch_uid="dispatch_round_closing")
    personal_data_purging.connect(
        on_personal_data_purging, dispatch_uid="dispatch_personal_data_purging"
    )
    personal_tables_register(Message, RecordedMessage)
    tracking.connect(on_tracking, dispatch_uid="dispatch_tracking")
    account_mail_sender_register(account_mail_store)
    results_published.connect(on_results_published, dispatch_uid="dispatch_results_published")
    panel_register(
        Panel(
            "dispatch",
            "dispatch/panel.html",
            dispatch_panel,
            roles=SENDERS,
            priority=20,
            needs=Need.SEND,
        )
    )
    step_check_register("invite", invitations_done)
    nav_register(
        NavEntry(
            "dispatch",
            _("Dispatches"),
            lambda scope: scope.route("dispatches_latest"),
            roles=SENDERS,
            priority=20,
            needs=Need.SEND,
        )
    )
    nav_register(
        NavEntry(
            "office_board",
            _("Training offices"),
            lambda scope: scope.route("office_board"),
            roles=COUNTY,
            priority=21,
        )
    )
    nav_register(
        NavEntry(
            "support_lookup",
            _("Support lookup"),
            lambda scope: scope.route("support_lookup"),
            roles=SENDERS,
            priority=22,
            needs=Need.SEND,
        )
    )


def on_results_published(sender: Any, round_id: int, **kwargs: Any) -> None:
    notify_published(round_id)
