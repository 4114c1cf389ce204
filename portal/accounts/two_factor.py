"""Who must log in with two factors: national and county members, who reach personal data of
many people, statsforvalters' administrators, who give county administrators their access, and
staff (the Django admin shows every table). Everyone else may."""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.http import HttpRequest

from portal.accounts.access import user_scopes
from portal.models import Role, User

# The second factors that count; recovery codes only stand in for a lost one.
STRONG_TYPES = (Authenticator.Type.TOTP, Authenticator.Type.WEBAUTHN)
REQUIRED_FOR_ROLES = frozenset({Role.NATIONAL, Role.COUNTY, Role.STATSFORVALTER})


def two_factor_required_for(request: HttpRequest) -> bool:
    """Whether the signed-in user's roles or staff status require a second factor."""
    user = request.user
    if not user.is_authenticated:
        return False
    if user.is_staff:
        return True
    return any(scope.role in REQUIRED_FOR_ROLES for scope in user_scopes(request))


def user_requires_two_factor(user: User) -> bool:
    """The same rule for a user without a request (the MFA adapter's checks)."""
    return user.is_staff or user.memberships.filter(role__in=REQUIRED_FOR_ROLES).exists()


def user_has_two_factor(user: User) -> bool:
    return Authenticator.objects.filter(user_id=user.pk, type__in=STRONG_TYPES).exists()


# Set in the session once the user is known to have a second factor, so pages do not ask the
# database again on every request; cleared when one of theirs is removed in this session.
SESSION_FLAG = "portal_two_factor_seen"


def session_has_two_factor(request: HttpRequest) -> bool:
    """Whether the signed-in user has a second factor, remembered for the session."""
    if request.session.get(SESSION_FLAG) == request.user.pk:
        return True
    found = user_has_two_factor(request.user)  # type: ignore[arg-type]  # signed in here
    if found:
        request.session[SESSION_FLAG] = request.user.pk
    return found


def forget_two_factor(sender, request: HttpRequest | None = None, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session.pop(SESSION_FLAG, None)

