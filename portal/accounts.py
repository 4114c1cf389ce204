from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AccountAdapter(DefaultAccountAdapter):
    """Accounts are created by administrators for named people (R-A2, R-A4); nobody signs up."""

    error_messages = {
        **DefaultAccountAdapter.error_messages,
        "account_inactive": _("This user has been deactivated."),
        "email_password_mismatch": _("The e-mail address or the password is wrong."),
        "too_many_login_attempts": _("Too many failed attempts. Wait a few minutes and try again."),
        "rate_limited": _("Too many requests. Wait a few minutes and try again."),
        "enter_current_password": _("Type your current password."),
        "incorrect_password": _("The password is wrong."),
    }

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False
