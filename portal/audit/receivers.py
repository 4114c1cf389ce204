"""Account events into the audit log: logins (by password, two factors or single sign-on),
failed logins and failed two-factor codes, logouts, password resets and changes, and every
change of a second factor. Connected in portal/hooks.py."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.audit.record import audit_record
from portal.models import AuditAction


def _login_method(request: HttpRequest | None) -> dict[str, Any]:
    """How the login was made, as allauth records it in the session ("password", "mfa",
    "socialaccount", "password_reset"), without the codes or ids it keeps there."""
    if request is None or not hasattr(request, "session"):
        return {}
    methods = request.session.get("account_authentication_methods") or []
    names = [m.get("method") for m in methods if m.get("method")]
    detail: dict[str, Any] = {"methods": names} if names else {}
    for method in methods:
        if method.get("provider"):
            detail["provider"] = method["provider"]
    return detail


def logged_in(sender, request: HttpRequest | None, user, **kwargs) -> None:
    audit_record(AuditAction.LOGIN, request=request, user=user, detail=_login_method(request))


def login_failed(sender, credentials: dict, request: HttpRequest | None = None, **kwargs) -> None:
    email = str(credentials.get("email") or credentials.get("username") or "")[:254]
    audit_record(
        AuditAction.LOGIN_FAILED,
        request=request,
        email=email.lower(),
        detail={"method": "password"},
    )


def logged_out(sender, request: HttpRequest | None, user, **kwargs) -> None:
    if user is not None:
        audit_record(AuditAction.LOGOUT, request=request, user=user)


def password_reset(sender, request: HttpRequest | None, user, **kwargs) -> None:
    audit_record(AuditAction.PASSWORD_RESET, request=request, user=user)


def password_changed(sender, request: HttpRequest | None, user, **kwargs) -> None:
    audit_record(AuditAction.PASSWORD_CHANGED, request=request, user=user)


def _mfa_changed(change: str):
    def handler(
        sender, request: HttpRequest | None = None, user=None, authenticator=None, **kwargs
    ) -> None:
        detail = {"change": change, "type": getattr(authenticator, "type", "")}
        audit_record(AuditAction.MFA_CHANGED, request=request, user=user, detail=detail)

    return handler


mfa_added = _mfa_changed("added")
mfa_removed = _mfa_changed("removed")
mfa_reset = _mfa_changed("recovery_codes_renewed")


def mfa_failed(sender, request: HttpRequest | None = None, user=None, **kwargs) -> None:
    audit_record(
        AuditAction.LOGIN_FAILED,
        request=request,
        user=user,
        detail={"method": "two_factor", "reauthentication": bool(kwargs.get("reauthentication"))},
    )
