"""The e-mail a new user gets to choose their password (R-A4), and the notice an existing user
gets when given access to another organisation.

The activation link is allauth's password-reset link: the person chooses the password on
allauth's own page, the link works once and expires like a reset link
(PASSWORD_RESET_TIMEOUT), and "Forgot your password?" on the login page sends a fresh one."""

from __future__ import annotations

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.urls import reverse

from portal.models import User


def base_url_of(request: HttpRequest | None) -> str:
    """Where links in e-mails point: the request's own address, else SITE_URL."""
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    if not settings.SITE_URL:
        raise ImproperlyConfigured(
            "SITE_URL must be set to put links in e-mails sent outside a request"
        )
    return settings.SITE_URL


def activation_url(user: User, base_url: str) -> str:
    token = allauth_settings.PASSWORD_RESET_TOKEN_GENERATOR().make_token(user)
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": token},
    )
    return f"{base_url}{path}"


def _send(template_prefix: str, user: User, context: dict) -> None:
    # Rendered without a request (this runs in a task), so no site lookup is needed.
    message = get_adapter().render_mail(template_prefix, user.email, {"user": user, **context})
    message.send()


def invitation_send(*, user: User, organisation: str, base_url: str) -> None:
    """The activation e-mail: a link to choose a password, valid like a reset link."""
    _send(
        "account/email/invitation",
        user,
        {
            "organisation": organisation,
            "activation_url": activation_url(user, base_url),
            "login_url": f"{base_url}{reverse('account_login')}",
            "valid_days": max(1, settings.PASSWORD_RESET_TIMEOUT // 86400),
        },
    )


def access_notice_send(*, user: User, organisation: str, base_url: str) -> None:
    """An existing user given access to one more organisation."""
    _send(
        "account/email/access_granted",
        user,
        {"organisation": organisation, "login_url": f"{base_url}{reverse('account_login')}"},
    )
