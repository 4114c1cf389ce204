"""User administration as in Udir's UBAS (R-A2..R-A5).

Who manages whom:
- the national administrator manages the statsforvalters' administrators and can still step in
  for any county: it manages the county administrators of every county, the old counties of a
  merger included (R-A5: access to an old county is its own membership);
- a statsforvalter's administrator manages the county administrators of the counties the
  statsforvalter serves (R-A2: school owners get their rights from the statsforvalter);
- a county administrator manages the administrators of its own county and the users of the
  training offices located in the county (R-A2: an office gets its users from its county);
- a training office administrator manages the users of its own office.
National administrators are given with `manage.py grant_access` by ops.

Each membership has a role (Access: administrator, sender, reader) and may be given the ÅR
answers; whoever manages a membership sets them, and every change is in the audit log.

One person is one user, found by a proved e-mail address or the login address the portal set
(R-A4, portal.accounts.addresses); a user may hold several memberships.
Deactivating sets `is_active=False` and keeps the user and the log; an administrator may
deactivate only a user whose every membership they manage (otherwise they remove their own
organisation's access). Nobody acts on their own user here."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, HttpRequest
from django.utils import translation
from django.utils.translation import gettext as _

from portal.accounts.access import Scope, scope_of_membership
from portal.accounts.addresses import address_holder, address_normalise, user_create
from portal.accounts.mail_queue import account_mail_queue
from portal.accounts.mails import AccountMailKind, AccountMailOrder, base_url_of
from portal.audit.record import audit_record
from portal.models import (
    Access,
    AuditAction,
    County,
    Membership,
    Role,
    Statsforvalter,
    TrainingOffice,
    User,
)


def managed_memberships(scope: Scope) -> QuerySet[Membership]:
    """The memberships an administrator acting for `scope` may grant, see and remove."""
    if scope.role == Role.NATIONAL:
        return Membership.objects.filter(role__in=[Role.COUNTY, Role.STATSFORVALTER])
    if scope.statsforvalter is not None:
        return Membership.objects.filter(
            role=Role.COUNTY, county__statsforvalter=scope.statsforvalter
        )
    if scope.county is not None:
        return Membership.objects.filter(
            Q(role=Role.COUNTY, county=scope.county)
            | Q(role=Role.OFFICE, training_office__county=scope.county)
        )
    if scope.office is not None:
        return Membership.objects.filter(role=Role.OFFICE, training_office=scope.office)
    return Membership.objects.none()


def grantable_scopes(scope: Scope) -> list[Scope]:
    """The organisations an administrator acting for `scope` may give access to."""
    if scope.role == Role.NATIONAL:
        statsforvalters = Statsforvalter.objects.order_by("name")
        return [Scope(role=Role.STATSFORVALTER, statsforvalter=s) for s in statsforvalters] + [
            Scope(role=Role.COUNTY, county=c) for c in County.objects.order_by("code")
        ]
    if scope.statsforvalter is not None:
        counties = County.objects.filter(statsforvalter=scope.statsforvalter).order_by("code")
        return [Scope(role=Role.COUNTY, county=c) for c in counties]
    if scope.county is not None:
        offices = TrainingOffice.objects.filter(county=scope.county, in_register=True)
        return [scope] + [Scope(role=Role.OFFICE, office=o) for o in offices.order_by("name")]
    if scope.office is not None:
        return [scope]
    return []


def managed_users(scope: Scope) -> QuerySet[User]:
    """Users holding a membership the scope manages, each with those memberships prefetched
    as `managed` (a user's other memberships are not shown)."""
    memberships = managed_memberships(scope).select_related(
        "county", "training_office", "statsforvalter"
    )
    return (
        User.objects.filter(memberships__in=managed_memberships(scope))
        .distinct()
        .order_by("email")
        .prefetch_related(Prefetch("memberships", memberships, to_attr="managed"))
    )


def managed_user_or_404(scope: Scope, user_id: int) -> User:
    user = managed_users(scope).filter(pk=user_id).first()
    if user is None:
        raise Http404
    return user


def may_deactivate(scope: Scope, user: User, *, acting: User) -> bool:
    """Only a user all of whose memberships the scope manages, and never oneself."""
    if user.pk == acting.pk:
        return False
    return not user.memberships.exclude(pk__in=managed_memberships(scope)).exists()


@dataclass(frozen=True)
class Grant:
    user: User
    created: bool  # a new user
    added: bool  # a new membership (False: they had it already)
    invited: bool  # an activation e-mail is on its way


def _membership_fields(target: Scope) -> dict:
    if target.county is not None:
        return {"role": Role.COUNTY, "county": target.county}
    if target.office is not None:
        return {"role": Role.OFFICE, "training_office": target.office}
    if target.statsforvalter is not None:
        return {"role": Role.STATSFORVALTER, "statsforvalter": target.statsforvalter}
    return {"role": Role.NATIONAL}


def _check_grantable(by: Scope, target: Scope) -> None:
    if target.key not in {s.key for s in grantable_scopes(by)}:
        raise PermissionDenied("not an organisation this administrator manages")


def access_grant(
    *,
    email: str,
    target: Scope,
    by: Scope,
    full_name: str = "",
    request: HttpRequest | None = None,
    reason: str = "",
    queue_mail: bool = True,
    access: str = Access.ADMINISTRATOR,
    ar_answers: bool = False,
) -> Grant:
    """Gives the person with `email` access to `target`, creating their user if there is none
    (one person, one user). The address finds its user only if it is proved or the portal
    set it (portal.accounts.addresses); an unproved claim of a user's own is refused. A new user, or
    one who never chose a password, gets the activation e-mail; a user who has one gets a
    notice. The e-mails go after the transaction commits; with `queue_mail` False the caller
    queues them itself (a caller that must keep them until a broker takes them). A new
    membership gets the role `access` (administrator unless said) and, if `ar_answers`, the ÅR
    answers; an existing one keeps its own (membership_change changes it)."""
    _check_grantable(by, target)
    if access not in Access.values:
        raise ValidationError(_("Choose a role."))
    email = address_normalise(email)
    if not email:
        raise ValidationError(_("Type the person's e-mail address."))
    detail = {"reason": reason} if reason else {}
    with transaction.atomic():
        holder = address_holder(email)  # refuses an address a user claims unproved
        user = User.objects.select_for_update().filter(pk=holder.pk).first() if holder else None
        created = user is None
        if user is None:
            user = user_create(email, full_name)
            audit_record(
                AuditAction.USER_CREATED,
                request=request,
                scope=by,
                target=email,
                detail={"user_id": user.pk, **detail},
            )
        membership, added = Membership.objects.get_or_create(
            user=user,
            **_membership_fields(target),
            defaults={"access": access, "ar_answers": ar_answers},
        )
        if added:
            audit_record(
                AuditAction.MEMBERSHIP_ADDED,
                request=request,
                scope=by,
                target=f"{email} → {target.label}",
                detail={
                    "user_id": user.pk,
                    "membership_id": membership.pk,
                    "access": membership.access,
                    "ar_answers": membership.ar_answers,
                    **detail,
                },
            )
        invited = added and user.is_active and not user.has_usable_password()
        if invited:
            invitation_queue(
                user=user,
                organisation=target.label,
                request=request,
                by=by,
                enqueue=queue_mail,
            )
        elif added and user.is_active and queue_mail:
            account_mail_order(
                AccountMailKind.ACCESS_NOTICE,
                user=user,
                organisation=str(target.label),
                request=request,
                by=by,
            )
    return Grant(user=user, created=created, added=added, invited=invited)


def invitation_queue(
    *,
    user: User,
    organisation: str,
    by: Scope,
    request: HttpRequest | None = None,
    enqueue: bool = True,
) -> None:
    """Queues a fresh activation e-mail (sent after commit, through the outbox when there is
    one); recorded in the log as queued, and as sent once it has gone. With `enqueue` False
    only the log entry is written: the caller queues the e-mail."""
    if not user.is_active:
        raise PermissionDenied("a deactivated user gets no activation e-mail")
    if not enqueue:
        audit_record(
            AuditAction.INVITATION_SENT,
            request=request,
            scope=by,
            target=user.email,
            detail={"user_id": user.pk},
        )
        return
    account_mail_order(
        AccountMailKind.INVITATION,
        user=user,
        organisation=str(organisation),
        request=request,
        by=by,
    )


def account_mail_order(
    kind: str,
    *,
    user: User,
    organisation: str,
    by: Scope | None,
    request: HttpRequest | None = None,
    base_url: str | None = None,
) -> None:
    """Queues an activation e-mail or an access notice, with its "queued" entry in the log."""
    queued = (
        AuditAction.INVITATION_SENT
        if kind == AccountMailKind.INVITATION
        else AuditAction.ACCOUNT_MAIL_QUEUED
    )
    entry = audit_record(
        queued,
        request=request,
        scope=by,
        user=request.user if request is not None and request.user.is_authenticated else None,
        email=user.email,
        target=user.email,
        detail={"user_id": user.pk, "kind": kind},
    )
    account_mail_queue(
        AccountMailOrder(
            kind=kind,
            base_url=base_url or base_url_of(request),
            user_id=user.pk,
            organisation=organisation,
            language=translation.get_language() or "",
            audit_entry_id=entry.pk,
        )
    )


def membership_revoke(
    *, membership: Membership, by: Scope, request: HttpRequest | None = None
) -> None:
    if not managed_memberships(by).filter(pk=membership.pk).exists():
        raise PermissionDenied("not a membership this administrator manages")
    target = scope_of_membership(membership)
    with transaction.atomic():
        audit_record(
            AuditAction.MEMBERSHIP_REMOVED,
            request=request,
            scope=by,
            target=f"{membership.user.email} → {target.label}",
            detail={"user_id": membership.user_id, "membership_id": membership.pk},
        )
        membership.delete()


def membership_change(
    *,
    membership: Membership,
    access: str,
    ar_answers: bool,
    by: Scope,
    acting: User,
    request: HttpRequest | None = None,
) -> bool:
    """Sets the membership's role and whether it sees the ÅR answers; the change, with the
    values before and after, goes to the audit log. Only a membership the scope manages, and
    never one's own (an administrator does not take away their own rights). Returns whether
    anything changed."""
    if access not in Access.values:
        raise ValidationError(_("Choose a role."))
    if membership.user_id == acting.pk:
        raise PermissionDenied("nobody changes their own role")
    with transaction.atomic():
        locked = (
            managed_memberships(by)
            .select_for_update(of=("self",))
            .select_related("user", "county", "training_office", "statsforvalter")
            .filter(pk=membership.pk)
            .first()
        )
        if locked is None:
            raise PermissionDenied("not a membership this administrator manages")
        if locked.access == access and locked.ar_answers == ar_answers:
            return False
        before = {"access": locked.access, "ar_answers": locked.ar_answers}
        locked.access, locked.ar_answers = access, ar_answers
        locked.save(update_fields=["access", "ar_answers"])
        audit_record(
            AuditAction.MEMBERSHIP_CHANGED,
            request=request,
            scope=by,
            target=f"{locked.user.email} → {scope_of_membership(locked).label}",
            detail={
                "user_id": locked.user_id,
                "membership_id": locked.pk,
                "before": before,
                "after": {"access": access, "ar_answers": ar_answers},
            },
        )
    membership.access, membership.ar_answers = access, ar_answers
    return True


def _set_active(
    user: User, active: bool, *, by: Scope, acting: User, request: HttpRequest | None
) -> None:
    if not may_deactivate(by, user, acting=acting):
        raise PermissionDenied("the user has access this administrator does not manage")
    if user.is_active == active:
        return
    with transaction.atomic():
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit_record(
            AuditAction.USER_REACTIVATED if active else AuditAction.USER_DEACTIVATED,
            request=request,
            scope=by,
            target=user.email,
            detail={"user_id": user.pk},
        )


def user_deactivate(
    *, user: User, by: Scope, acting: User, request: HttpRequest | None = None
) -> None:
    """The user can no longer log in (allauth refuses an inactive user, and the sessions they
    have stop working, since Django's backends refuse inactive users)."""
    _set_active(user, False, by=by, acting=acting, request=request)


def user_reactivate(
    *, user: User, by: Scope, acting: User, request: HttpRequest | None = None
) -> None:
    _set_active(user, True, by=by, acting=acting, request=request)


def user_rename(
    *, user: User, full_name: str, by: Scope, request: HttpRequest | None = None
) -> None:
    full_name = full_name.strip()
    if full_name == user.full_name:
        return
    with transaction.atomic():
        user.full_name = full_name
        user.save(update_fields=["full_name"])
        audit_record(
            AuditAction.USER_CHANGED,
            request=request,
            scope=by,
            target=user.email,
            detail={"user_id": user.pk, "field": "full_name"},
        )


def office_manager_activate(
    *,
    office: TrainingOffice,
    county: County,
    request: HttpRequest | None = None,
    queue_mail: bool = True,
) -> User | None:
    """R-A3: the county sent ÅR to a training office that has no user yet. The office's
    managing director (the office's e-mail in the register) gets a user with access to the
    office and the activation e-mail, unless a user claims that address unproved (then nobody
    gets access, and None is returned). Idempotent: an office that already has a user (active or
    not, whoever created it) or has no valid e-mail gets nothing, and None is returned.
    `queue_mail` as in access_grant."""
    if office.county_id != county.pk:
        raise PermissionDenied("the county manages only offices located in it")
    if not office.email_valid or not office.email:
        return None
    with transaction.atomic():
        # Locks the office so two dispatches at once create one user.
        TrainingOffice.objects.select_for_update().filter(pk=office.pk).first()
        if Membership.objects.filter(training_office=office).exists():
            return None
        try:
            grant = access_grant(
                email=office.email,
                full_name=office.manager_name,
                target=Scope(role=Role.OFFICE, office=office),
                by=Scope(role=Role.COUNTY, county=county),
                request=request,
                reason="ar_sent",
                queue_mail=queue_mail,
            )
        except ValidationError as refused:
            # A user claims the office's address unproved: the ÅR goes out, the access does not.
            if request is not None:
                messages.warning(request, " ".join(refused.messages), fail_silently=True)
            return None
    return grant.user
