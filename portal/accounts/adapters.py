"""How allauth works in the portal: no sign-up, failed logins limited per account and address,
password-reset mail sent from a task, and two-factor keys sealed in the database."""

from __future__ import annotations

from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from allauth.mfa.adapter import DefaultMFAAdapter
from allauth.mfa.models import Authenticator
from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.secret_box import seal, unseal
from portal.accounts.two_factor import STRONG_TYPES, user_requires_two_factor
from portal.lib.client import client_address, client_key
from portal.lib.keyed import keyed_hash


def _generation_key(login: str) -> str:
    return "login-lock-generation:" + keyed_hash("login", login.lower())


def login_lock_lift(email: str) -> None:
    """Lifts every lock of the account, from every address: the failed logins counted so far
    no longer count. Called when a password reset has been completed."""
    key = _generation_key(email)
    cache.set(key, (cache.get(key) or 0) + 1, timeout=None)


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

    def send_mail(self, template_prefix: str, email: str, context: dict[str, Any]) -> None:
        """allauth's own mails go through the account mail sender (the outbox) when there is
        one: rendered now, their texts kept only until they have gone."""
        from portal.accounts.mail_queue import account_mail_outbox_present, rendered_mail_queue

        if not account_mail_outbox_present():
            super().send_mail(template_prefix, email, context)
            return
        user = context.get("user")
        rendered_mail_queue(
            self.render_mail(template_prefix, email, context), user_id=getattr(user, "pk", None)
        )

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        """allauth's lock after ACCOUNT_RATE_LIMITS["login_failed"] wrong passwords counts per
        account *and client address*, so someone guessing from one address cannot lock the
        owner out on another; a completed password reset starts the count anew everywhere."""
        login = str(credentials.get("email", credentials.get("username", ""))).lower()
        generation = cache.get(_generation_key(login)) or 0
        return keyed_hash("login-attempts", f"{login}:{client_key(request)}:{generation}")

    def get_client_ip(self, request: HttpRequest) -> str:
        """allauth's per-address limits count the client the proxy names, as the portal's do
        (portal/lib/client.py), not the proxy itself."""
        address = client_address(request)
        if not address:
            raise PermissionDenied("The client's address is unknown.")
        return address

    def _delete_login_attempts_cached_email(self, request: HttpRequest, **credentials: Any) -> None:
        login_lock_lift(str(credentials.get("email", "")))


class AuthenticationBackend(AllauthBackend):
    """allauth's login by e-mail, except that an address a user added to their account without
    proving it does not log in to that account (portal.accounts.addresses)."""

    def _authenticate_by_email(self, email: str, password: str) -> AbstractBaseUser | None:
        from portal.accounts.addresses import login_users

        if not email:
            return None
        for user in login_users(email):
            if self._check_password(user, password):
                return user
        return None


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

    def encrypt(self, text: str) -> str:
        return seal(text)

    def decrypt(self, encrypted_text: str) -> str:
        return unseal(encrypted_text)

