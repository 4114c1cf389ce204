"""Every e-mail about a person's account, sent through one sender: the activation e-mail a new
user gets to choose their password (R-A4), the notice an existing user gets when given access
to another organisation, and the password-reset mail.

Their one link is allauth's password-reset link: the person chooses the password on allauth's
own page, the link works once and expires like a reset link (PASSWORD_RESET_TIMEOUT), and
following it proves the address (portal.accounts.addresses). They are queued as orders
(portal.accounts.mail_queue) and rendered when a worker sends them, without a request, so they
link to the address the request came from or SITE_URL and no password link is ever stored."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from allauth.account import app_settings as allauth_settings
from allauth.account.adapter import get_adapter
from allauth.account.utils import user_pk_to_url_str
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMessage
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


def _render(template_prefix: str, email: str, context: dict[str, Any]) -> EmailMessage:
    return get_adapter().render_mail(template_prefix, email, context)


def invitation_send(*, user: User, organisation: str, base_url: str) -> None:
    _render_invitation(user=user, organisation=organisation, base_url=base_url).send()


def _render_invitation(*, user: User, organisation: str, base_url: str) -> EmailMessage:
    """The activation e-mail: a link to choose a password, valid like a reset link."""
    return _render(
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
    _render_access_notice(user=user, organisation=organisation, base_url=base_url).send()


def _render_access_notice(*, user: User, organisation: str, base_url: str) -> EmailMessage:
    """An existing user given access to one more organisation."""
    return _render(
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
    mails = _render_password_resets(email=email, base_url=base_url, language=language)
    for _user, message in mails:
        message.send()
    return len(mails)


def _render_password_resets(
    *, email: str, base_url: str, language: str
) -> list[tuple[User, EmailMessage]]:
    users = [user for user in login_users(email) if user.is_active]
    with translation.override(language):
        return [
            (
                user,
                _render(
                    "account/email/password_reset_key",
                    email,
                    {"user": user, "password_reset_url": password_link(user, base_url)},
                ),
            )
            for user in users
        ]


# --- Account mails as orders ------------------------------------------------------------------
# What portal.accounts.mail_queue queues and whoever sends it renders with account_mail_render.


class AccountMailKind:
    INVITATION = "invitation"
    ACCESS_NOTICE = "access_notice"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a kind of mail, not a password
    # Rendered when ordered (allauth's own mails, notifications): subject and bodies travel.
    RENDERED = "rendered"


@dataclass(frozen=True)
class AccountMailOrder:
    """One account mail to send. Links with a password token are made when the mail is sent,
    never stored; a rendered mail's texts are kept only until it has gone."""

    kind: str
    base_url: str = ""
    user_id: int | None = None
    email: str = ""
    organisation: str = ""
    language: str = ""
    subject: str = ""
    text: str = ""
    html: str = ""
    # The audit entry that says the mail is queued; the sender records what became of it.
    audit_entry_id: int | None = None
    # One mail per key, ever (a notification of one event to one user).
    event_key: str | None = None


def account_mail_render(order: AccountMailOrder) -> list[tuple[User | None, EmailMessage]]:
    """The mails of an order as they go now (password links made now), with the user each goes
    to; none for a user deactivated since."""
    if order.kind == AccountMailKind.RENDERED:
        message = EmailMessage(order.subject, order.text, to=[order.email])
        if order.html:
            message = _with_html(message, order.html)
        user = User.objects.filter(pk=order.user_id).first() if order.user_id else None
        return [(user, message)]
    if order.kind == AccountMailKind.PASSWORD_RESET:
        return list(
            _render_password_resets(
                email=order.email, base_url=order.base_url, language=order.language
            )
        )
    user = User.objects.filter(pk=order.user_id or 0, is_active=True).first()
    if user is None:
        return []
    render = (
        _render_invitation if order.kind == AccountMailKind.INVITATION else _render_access_notice
    )
    with translation.override(order.language or translation.get_language()):
        return [(user, render(user=user, organisation=order.organisation, base_url=order.base_url))]


def _with_html(message: EmailMessage, html: str) -> EmailMessage:
    from django.core.mail import EmailMultiAlternatives

    multi = EmailMultiAlternatives(message.subject, message.body, to=message.to)
    multi.attach_alternative(html, "text/html")
    return multi
