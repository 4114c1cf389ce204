"""Pages of the user administration (portal/accounts/user_admin.py says who manages whom): the list
of an organisation's users with the form to add one, and one user's page with their access,
each membership's role and whether it sees the ÅR answers."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from portal.accounts.access import (
    Need,
    PortalRequest,
    Scope,
    county_view,
    national_view,
    office_view,
    scope_of_membership,
    statsforvalter_view,
)
from portal.accounts.user_admin import (
    access_grant,
    grantable_scopes,
    invitation_queue,
    managed_user_or_404,
    managed_users,
    may_deactivate,
    membership_change,
    membership_revoke,
    user_deactivate,
    user_reactivate,
    user_rename,
)
from portal.models import Access, County, Membership, Statsforvalter, TrainingOffice, User


class RoleForm(forms.Form):
    """A membership's role and whether it sees the identified ÅR answers."""

    access = forms.ChoiceField(
        label=gettext_lazy("Role"),
        choices=Access.choices,
        initial=Access.ADMINISTRATOR,
        required=False,  # a form sent without it (an older page) gives an administrator
        help_text=gettext_lazy(
            "Administrator: everything, users included. Sender: dispatches, response rates and "
            "looking up respondents. Reader: results, targets and follow-up, no personal data."
        ),
    )
    ar_answers = forms.BooleanField(
        label=gettext_lazy("May see the answers to Årlig rapportering (administrators always may)"),
        required=False,
    )

    def clean_access(self) -> str:
        return self.cleaned_data.get("access") or Access.ADMINISTRATOR


class AddUserForm(RoleForm):
    email = forms.EmailField(label=gettext_lazy("E-mail address"), max_length=254)
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)
    organisation = forms.ChoiceField(label=gettext_lazy("Access to"))
    field_order = ["email", "full_name", "organisation", "access", "ar_answers"]

    def __init__(self, *args, scopes: list[Scope], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {s.key: s for s in scopes}
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (s.key, s.label) for s in scopes
        ]
        self.fields["email"].widget.attrs["autocomplete"] = "off"

    def target(self) -> Scope:
        return self.scopes[self.cleaned_data["organisation"]]


class GrantForm(RoleForm):
    organisation = forms.ChoiceField(label=gettext_lazy("Give access to"))
    field_order = ["organisation", "access", "ar_answers"]

    def __init__(self, *args, scopes: list[Scope], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.scopes = {s.key: s for s in scopes}
        cast(forms.ChoiceField, self.fields["organisation"]).choices = [
            (s.key, s.label) for s in scopes
        ]

    def target(self) -> Scope:
        return self.scopes[self.cleaned_data["organisation"]]


class RenameForm(forms.Form):
    full_name = forms.CharField(label=gettext_lazy("Name"), max_length=200, required=False)


def _users_url(scope: Scope) -> str:
    return scope.route("users")


def _user_url(scope: Scope, user: User) -> str:
    return f"{_users_url(scope)}{user.pk}/"


def _user_list(request: PortalRequest) -> HttpResponse:
    scope: Scope = request.scope
    scopes = grantable_scopes(scope)
    form = AddUserForm(request.POST or None, scopes=scopes)
    if request.method == "POST" and form.is_valid():
        try:
            grant = access_grant(
                email=form.cleaned_data["email"],
                full_name=form.cleaned_data["full_name"],
                target=form.target(),
                by=scope,
                request=request,
                access=form.cleaned_data["access"],
                ar_answers=form.cleaned_data["ar_answers"],
            )
        except ValidationError as error:
            form.add_error("email", error)
        else:
            if grant.invited:
                messages.success(
                    request,
                    _("%(email)s has been given access and an e-mail to choose a password.")
                    % {"email": grant.user.email},
                )
            elif grant.added:
                messages.success(
                    request,
                    _("%(email)s already had a user and now also has access to %(org)s.")
                    % {"email": grant.user.email, "org": form.target().label},
                )
            else:
                messages.info(
                    request,
                    _("%(email)s already has access to %(org)s.")
                    % {"email": grant.user.email, "org": form.target().label},
                )
            return redirect(_users_url(scope))
    return render(
        request,
        "portal/users/list.html",
        {
            "scope": scope,
            "users": managed_users(scope),
            "form": form,
            "single_organisation": len(scopes) == 1,
        },
    )


def _user_detail(request: PortalRequest, user_id: int) -> HttpResponse:
    scope: Scope = request.scope
    user = managed_user_or_404(scope, user_id)
    held = {m.pk: m for m in user.managed}  # type: ignore[attr-defined]  # set by the lookup
    held_keys = {scope_of_membership(m).key for m in held.values()}
    open_scopes = [s for s in grantable_scopes(scope) if s.key not in held_keys]
    grant_form = GrantForm(scopes=open_scopes)
    rename_form = RenameForm(initial={"full_name": user.full_name})
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            response = _user_action(request, scope, user, action, held, open_scopes)
        except PermissionDenied:
            messages.error(request, _("You cannot do that for this user."))
            response = None
        if response is not None:
            return response
        return redirect(_user_url(scope, user))
    return render(
        request,
        "portal/users/detail.html",
        {
            "scope": scope,
            "person": user,
            "memberships": [(m, _role_form(m)) for m in held.values()],
            "grant_form": grant_form if open_scopes else None,
            "rename_form": rename_form,
            "may_deactivate": may_deactivate(scope, user, acting=request.user),
            "is_self": user.pk == request.user.pk,
            "users_url": _users_url(scope),
        },
    )


def _role_form(membership: Membership, data: Any = None) -> RoleForm:
    return RoleForm(
        data,
        prefix=f"m{membership.pk}",
        initial={"access": membership.access, "ar_answers": membership.ar_answers},
    )


def _role_change(request: PortalRequest, scope: Scope, user: User, held: dict) -> None:
    membership = held.get(_int(request.POST.get("membership")))
    if membership is None:
        raise PermissionDenied
    form = _role_form(membership, request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role."))
        return
    changed = membership_change(
        membership=membership,
        access=form.cleaned_data["access"],
        ar_answers=form.cleaned_data["ar_answers"],
        by=scope,
        acting=request.user,
        request=request,
    )
    if changed:
        messages.success(request, _("The role has been saved."))


def _user_action(
    request: PortalRequest, scope: Scope, user: User, action: str, held: dict, open_scopes: list
) -> HttpResponse | None:
    acting: User = request.user
    if action == "rename":
        rename = RenameForm(request.POST)
        if rename.is_valid():
            user_rename(
                user=user, full_name=rename.cleaned_data["full_name"], by=scope, request=request
            )
            messages.success(request, _("The name has been saved."))
    elif action == "grant":
        form = GrantForm(request.POST, scopes=open_scopes)
        if form.is_valid():
            try:
                access_grant(
                    email=user.email,
                    target=form.target(),
                    by=scope,
                    request=request,
                    access=form.cleaned_data["access"],
                    ar_answers=form.cleaned_data["ar_answers"],
                )
            except ValidationError as refused:
                messages.error(request, " ".join(refused.messages))
            else:
                messages.success(request, _("Access has been given."))
    elif action == "role":
        _role_change(request, scope, user, held)
    elif action == "revoke":
        membership = held.get(_int(request.POST.get("membership")))
        if membership is None:
            raise PermissionDenied
        if user.pk == acting.pk:
            raise PermissionDenied  # an administrator does not lock themselves out
        membership_revoke(membership=membership, by=scope, request=request)
        messages.success(request, _("Access has been removed."))
        if len(held) == 1:
            return redirect(_users_url(scope))
    elif action == "deactivate":
        user_deactivate(user=user, by=scope, acting=acting, request=request)
        messages.success(request, _("The user has been deactivated and can no longer log in."))
    elif action == "reactivate":
        user_reactivate(user=user, by=scope, acting=acting, request=request)
        messages.success(request, _("The user has been reactivated."))
    elif action == "invite":
        if user.has_usable_password():
            raise PermissionDenied
        invitation_queue(user=user, organisation=scope.label, by=scope, request=request)
        messages.success(request, _("A new e-mail to choose a password has been sent."))
    else:
        raise PermissionDenied
    return None


def _int(value: str | None) -> int | None:
    try:
        return int(value or "")
    except ValueError:
        return None


@national_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def national_users(request: PortalRequest) -> HttpResponse:
    return _user_list(request)


@national_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def national_user(request: PortalRequest, user_id: int) -> HttpResponse:
    return _user_detail(request, user_id)


@county_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def county_users(request: PortalRequest, county: County) -> HttpResponse:
    return _user_list(request)


@county_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def county_user(request: PortalRequest, county: County, user_id: int) -> HttpResponse:
    return _user_detail(request, user_id)


@office_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def office_users(request: PortalRequest, office: TrainingOffice) -> HttpResponse:
    return _user_list(request)


@office_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def office_user(request: PortalRequest, office: TrainingOffice, user_id: int) -> HttpResponse:
    return _user_detail(request, user_id)


@statsforvalter_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def statsforvalter_users(request: PortalRequest, statsforvalter: Statsforvalter) -> HttpResponse:
    return _user_list(request)


@statsforvalter_view(needs=Need.USERS)
@require_http_methods(["GET", "POST"])
def statsforvalter_user(
    request: PortalRequest, statsforvalter: Statsforvalter, user_id: int
) -> HttpResponse:
    return _user_detail(request, user_id)
