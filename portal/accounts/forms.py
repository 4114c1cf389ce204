"""allauth's account and two-factor forms with the portal's own labels, so every language we
offer (allauth ships no nynorsk) reads the same."""

from __future__ import annotations

from typing import Any

from allauth.account import forms as allauth_forms
from allauth.mfa.base import forms as mfa_forms
from allauth.mfa.totp import forms as totp_forms
from allauth.mfa.webauthn import forms as webauthn_forms
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


def _relabel(form: Any, labels: dict[str, str | Promise]) -> None:
    for name, label in labels.items():
        if name in form.fields:
            form.fields[name].label = label
            form.fields[name].help_text = ""
            form.fields[name].widget.attrs.pop("placeholder", None)


class LoginForm(allauth_forms.LoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"login": _("E-mail address"), "password": _("Password")})


class ResetPasswordForm(allauth_forms.ResetPasswordForm):
    """The mail is queued (portal.accounts.mail_queue.account_mail_queue) and sent by a worker,
    never in the request: a known and an unknown address take the same time to answer, and the
    request does the same work for both (one mail queued, looked up when it is sent)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"email": _("E-mail address")})

    def save(self, request: HttpRequest, **kwargs: Any) -> str:
        from portal.accounts.mail_queue import account_mail_queue
        from portal.accounts.mails import AccountMailKind, AccountMailOrder

        email = self.cleaned_data["email"]
        with transaction.atomic():
            account_mail_queue(
                AccountMailOrder(
                    kind=AccountMailKind.PASSWORD_RESET,
                    email=email,
                    base_url=request.build_absolute_uri("/"),
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                )
            )
        return email


class ResetPasswordKeyForm(allauth_forms.ResetPasswordKeyForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password1": _("New password"), "password2": _("New password again")})


class ChangePasswordForm(allauth_forms.ChangePasswordForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(
            self,
            {
                "oldpassword": _("Current password"),
                "password1": _("New password"),
                "password2": _("New password again"),
            },
        )


class ReauthenticateForm(allauth_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"password": _("Password")})


# --- Two-factor login (allauth.mfa) ----------------------------------------------------------


class MFAAuthenticateForm(mfa_forms.AuthenticateForm):
    """The code at login: from the authenticator app, or one of the recovery codes."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"code": _("Code from the authenticator app, or a recovery code")})
        self.fields["code"].widget.attrs.update({"autocomplete": "one-time-code"})


class MFAReauthenticateForm(mfa_forms.ReauthenticateForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"code": _("Code from the authenticator app, or a recovery code")})
        self.fields["code"].widget.attrs.update({"autocomplete": "one-time-code"})


class ActivateTOTPForm(totp_forms.ActivateTOTPForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"code": _("Code from the authenticator app")})
        self.fields["code"].widget.attrs.update(
            {"autocomplete": "one-time-code", "inputmode": "numeric"}
        )


class AddWebAuthnForm(webauthn_forms.AddWebAuthnForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        _relabel(self, {"name": _("Name of the key (for you to recognise it)")})
