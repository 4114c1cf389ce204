"""Every e-mail about a person's account, sent through one sender: the activation e-mail a new
user gets to choose their password (R-A4), the notice an existing user gets when given access
to another organisation, and the password-reset mail.

Their one link is allauth's password-reset link: the person chooses the password on allauth's
own page, the link works once and expires like a reset link (PASSWORD_RESET_TIMEOUT), and
following it proves the address (portal.accounts.addresses). They are sent from tasks, so they
are rendered without a request and link to the address the request came from or SITE_URL."""

from __future__ import annotations

from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse
from django.utils import translation

from portal.accounts.addresses import login_users
from portal.lib.client import site_url
from portal.models import User


def base_url_of(request: HttpRequest | None) -> str:
    """Where links in account e-mails point: the request's own address, else SITE_URL."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    base = site_url()
    if not base:
        raise ImproperlyConfigured(
            "SITE_URL must be set to put links in e-mails sent outside a request"
        )
    return base


def password_link(user: User, base_url: str) -> str:
    """The link that lets `user` choose a password: activation and reset alike."""
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return f"{base_url.rstrip('/')}{path}"


def _send(template_prefix: str, email: str, context: dict[str, Any]) -> None:
    get_adapter().render_mail(template_prefix, email, context).send()


def invitation_send(*, user: User, organisation: str, base_url: str) -> None:
    """The activation e-mail: a link to choose a password, valid like a reset link."""
    _send(
        "account/email/invitation",
        user.email,
        {
            "user": user,
            "organisation": organisation,
            "activation_url": password_link(user, base_url),
            "login_url": f"{base_url}{reverse('account_login')}",
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


def access_notice_send(*, user: User, organisation: str, base_url: str) -> None:
    """An existing user given access to one more organisation."""
    _send(
        "account/email/access_granted",
        user.email,
        {
            "user": user,
            "organisation": organisation,
            "login_url": f"{base_url}{reverse('account_login')}",
        },
    )


def password_reset_mail_send(*, email: str, base_url: str, language: str) -> int:
    """The password-reset mail to the active users of `email` (run by a task, so the request
    that asked for it answers at once), in the language the asker used. Returns the number of
    mails sent."""
    users = [user for user in login_users(email) if user.is_active]
    with translation.override(language):
        for user in users:
            _send(
                "account/email/password_reset_key",
                email,
                {"user": user, "password_reset_url": password_link(user, base_url)},
            )
    return len(users)
