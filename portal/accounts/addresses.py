"""E-mail addresses are identities: an address finds the person it belongs to when access is
granted (R-A4), when an office manager is activated (R-A3) and when someone logs in, so only an
address that belongs to a user counts.

Two kinds of address row exist, and the portal keeps them apart:
- the *login address* of a user, `User.email`, is set by the portal (a grant, `grant_access`,
  the demo, the Django admin) and never by the user: the portal has no page where a user adds
  or changes an address (/konto/email/ answers 404). Until the person follows the activation
  link mailed to it, its `EmailAddress` row is primary and unverified; following the link
  proves it (verified, primary).
- any other `EmailAddress` row is a *claim the user made* (from the time the address page was
  open, or an identity provider's address). An unverified claim never finds its user, and it
  blocks a grant to that address, since the portal cannot tell who owns it.

A verified address finds its user; the portal's own unverified claim finds its user too (a
second grant or a reminder to a person who has not yet activated); nobody else's claim does."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.models import User


def address_normalise(email: str) -> str:
    return User.objects.normalize_email(email.strip()).lower()


def _user_claims(email: str) -> QuerySet[EmailAddress]:
    """Unverified rows of `email` held by users whose login address it is not."""
    return EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(
        user__email__iexact=email
    )


def address_holder(email: str) -> User | None:
    """The user `email` belongs to, or None when nobody has it. Raises ValidationError when a
    user claims the address without having proved it: granting it would hand the access to
    whoever made the claim, or to a stranger."""
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True)
    verified = verified.select_related("user").first()
    if verified is not None:
        return verified.user
    if _user_claims(email).exists():
        raise ValidationError(
            _(
                "A user has added %(email)s to their account without confirming it. Access "
                "cannot be given to this address; ask the support to check the address."
            )
            % {"email": email},
            code="address_claimed",
        )
    return User.objects.filter(email__iexact=email).first()


def login_users(email: str) -> list[User]:
    """The users a login with `email` may be: the one who proved it, else the one whose login
    address the portal made it. Never a user who only added it to their account."""
    verified = EmailAddress.objects.filter(email__iexact=email, verified=True).first()
    if verified is not None:
        return [verified.user]
    return list(User.objects.filter(email__iexact=email))


def user_create(email: str, full_name: str = "", password: str | None = None) -> User:
    """A new user whose login address is `email`, as the portal's own unverified claim; the
    activation link proves it (address_prove)."""
    user = User.objects.create_user(email, password, full_name=full_name.strip())
    EmailAddress.objects.create(user=user, email=user.email, primary=True, verified=False)
    return user


def address_prove(user: User) -> None:
    """The user followed a link mailed to their login address (activation or password reset):
    the address is theirs. It becomes their verified primary address; other users' unproven
    claims to it and this user's own unproven claims to other addresses are dropped (nothing
    could ever prove them, and allauth refuses two-factor setup while one is left)."""
    email = user.email
    if not email:
        return
    with transaction.atomic():
        if (
            EmailAddress.objects.filter(email__iexact=email, verified=True)
            .exclude(user=user)
            .exists()
        ):
            return  # proved by someone else already: left for the support to sort out
        EmailAddress.objects.filter(email__iexact=email, verified=False).exclude(user=user).delete()
        own = EmailAddress.objects.filter(user=user)
        own.filter(verified=False).exclude(email__iexact=email).delete()
        own.exclude(email__iexact=email).filter(primary=True).update(primary=False)
        address = own.filter(email__iexact=email).first()
        if address is None:
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        elif not (address.verified and address.primary):
            address.verified = address.primary = True
            address.save(update_fields=["verified", "primary"])
