"""What the portal connects at start-up, all of it here and nowhere else: its own navigation
entries (users, the audit log, the county's ÅR contact) and its receivers of the account
events allauth and Django announce. Called once, from PortalConfig.ready()."""

from __future__ import annotations

from typing import Any

from allauth.account import signals as account_signals
from allauth.mfa import signals as mfa_signals
from django.contrib.auth import signals as auth_signals
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Need
from portal.accounts.two_factor import forget_two_factor
from portal.audit import receivers as audit
from portal.front.panels import ALL_ROLES, NavEntry, nav_register
from portal.models import Role


def connect() -> None:
    _navigation()
    _account_receivers()
    _audit_receivers()


def _navigation() -> None:
    nav_register(
        NavEntry(
            "users",
            _("Users"),
            lambda scope: scope.route("users"),
            roles=ALL_ROLES | {Role.STATSFORVALTER},
            priority=80,
            needs=Need.USERS,
        )
    )
    nav_register(NavEntry("audit", _("Audit log"), lambda scope: scope.route("audit"), priority=85))
    nav_register(
        NavEntry(
            "county_contact",
            _("Contact for ÅR"),
            lambda scope: scope.route("contact"),
            roles=frozenset({Role.COUNTY}),
            priority=90,
        )
    )


def _account_receivers() -> None:
    account_signals.password_reset.connect(
        password_reset_completed, dispatch_uid="portal-login-lock-lift"
    )
    mfa_signals.authenticator_removed.connect(
        forget_two_factor, dispatch_uid="portal_forget_two_factor"
    )


def _audit_receivers() -> None:
    auth_signals.user_logged_in.connect(audit.logged_in, dispatch_uid="audit_login")
    auth_signals.user_login_failed.connect(audit.login_failed, dispatch_uid="audit_login_failed")
    auth_signals.user_logged_out.connect(audit.logged_out, dispatch_uid="audit_logout")
    account_signals.password_reset.connect(
        audit.password_reset, dispatch_uid="audit_password_reset"
    )
    account_signals.password_changed.connect(
        audit.password_changed, dispatch_uid="audit_password_changed"
    )
    mfa_signals.authenticator_added.connect(audit.mfa_added, dispatch_uid="audit_mfa_added")
    mfa_signals.authenticator_removed.connect(audit.mfa_removed, dispatch_uid="audit_mfa_removed")
    mfa_signals.authenticator_reset.connect(audit.mfa_reset, dispatch_uid="audit_mfa_reset")
    mfa_signals.authentication_failed.connect(audit.mfa_failed, dispatch_uid="audit_mfa_failed")


def password_reset_completed(sender: object, request: object, user: Any, **kwargs: Any) -> None:
    from portal.accounts.adapters import login_lock_lift
    from portal.accounts.addresses import address_prove

    login_lock_lift(user.email)
    # The link came by mail to the login address (activation or reset), so it is now proved:
    # the new administrator can set up two-factor login at once.
    address_prove(user)
