"""Single sign-on through an OpenID Connect provider (allauth.socialaccount).

The provider vouches for who the person is; the portal decides what they may do. A login
through the provider is accepted only when it carries a verified e-mail address that belongs to
an existing, active user, who is then linked to the provider's account; nobody is ever created
here. Users are created by administrators (R-A2)."""

from __future__ import annotations

from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from allauth.socialaccount.providers.base import AuthProcess
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from portal.audit.record import audit_record
from portal.models import AuditAction, User


def verified_email(sociallogin: SocialLogin) -> str:
    """The e-mail address the provider says it has verified, or ""."""
    for address in sociallogin.email_addresses:
        if address.verified and address.email:
            return address.email.strip().lower()
    return ""


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    error_messages = {
        **DefaultSocialAccountAdapter.error_messages,
        "connected_other": _("That login is already linked to another user."),
        "invalid_token": _("The login could not be confirmed. Try again."),
    }

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        return False

    def pre_social_login(self, request: HttpRequest, sociallogin: SocialLogin) -> None:
        if sociallogin.is_existing:
            return  # linked before; allauth refuses a deactivated user itself
        email = verified_email(sociallogin)
        if sociallogin.state.get("process") == AuthProcess.CONNECT:
            user = request.user if request.user.is_authenticated else None
            if user is not None and email and email == user.email:
                return
            self._refuse(request, sociallogin, email, "email_mismatch")
        user = User.objects.filter(email=email, is_active=True).first() if email else None
        if user is None:
            self._refuse(request, sociallogin, email, "no_user" if email else "unverified")
        sociallogin.connect(request, user)
        audit_record(
            AuditAction.USER_CHANGED,
            request=request,
            user=user,
            target=str(_("Single sign-on linked")),
            detail={"provider": sociallogin.account.provider},
        )

    def send_notification_mail(self, *args, **kwargs) -> None:
        """The provider's account is linked automatically; no e-mail about it."""

    def _refuse(
        self, request: HttpRequest, sociallogin: SocialLogin, email: str, reason: str
    ) -> None:
        audit_record(
            AuditAction.LOGIN_FAILED,
            request=request,
            email=email,
            detail={"method": "sso", "provider": sociallogin.account.provider, "reason": reason},
        )
        response = render(request, "socialaccount/refused.html", {"reason": reason}, status=403)
        raise ImmediateHttpResponse(response)
