from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.two_factor import STRONG_TYPES, user_requires_two_factor


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


class MFAAdapter(DefaultMFAAdapter):
    """allauth's two-factor messages in the portal's words (allauth ships no nynorsk)."""

    error_messages = {
        **DefaultMFAAdapter.error_messages,
        "incorrect_code": _("The code is wrong or has expired. Type the code the app shows now."),
        "cannot_delete_authenticator": _(
            "Your role requires two-factor login, so it cannot be turned off."
        ),
    }

    def can_delete_authenticator(self, authenticator: Authenticator) -> bool:
        """A user whose role requires two-factor login keeps at least one second factor."""
        user = authenticator.user
        if not user_requires_two_factor(user):
            return True
        others = Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).exclude(
            pk=authenticator.pk
        )
        return others.exists()

    def generate_authenticator_name(self, user: AbstractBaseUser, type: str) -> str:
        n = Authenticator.objects.filter(user_id=user.pk, type=type).count()
        return gettext("Security key %(number)s") % {"number": n + 1}

    def _get_site_name(self) -> str:
        return settings.MFA_TOTP_ISSUER
