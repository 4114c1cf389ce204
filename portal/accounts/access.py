"""Who may see which organisation. Every view that belongs to an organisation loads it through
this module, which answers 404 for anything outside the user's memberships, so an outsider
cannot even learn that an organisation exists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from portal.models import County, Membership, Role, TrainingOffice, User

ACTIVE_SCOPE_SESSION_KEY = "active_scope"


class Organisation:
    """A county, a training office or the nation (neither): the one place that turns that
    choice into a route's prefix and arguments, a key and a name. Scope, the results' scope and
    the dispatch sender share it; their pages exist once per level as `<level>_<page>`."""

    county: County | None
    office: TrainingOffice | None

    @property
    def level(self) -> str:
        if self.county is not None:
            return "county"
        if self.office is not None:
            return "office"
        return "national"

    @property
    def org_args(self) -> list[str]:
        if self.county is not None:
            return [self.county.code]
        if self.office is not None:
            return [self.office.orgnr]
        return []

    @property
    def key(self) -> str:
        if self.county is not None:
            return f"fylke-{self.county.code}"
        if self.office is not None:
            return f"kontor-{self.office.orgnr}"
        return "nasjonalt"

    @property
    def org_name(self) -> str:
        """The county's or the office's name; empty for the nation."""
        if self.county is not None:
            return self.county.name
        if self.office is not None:
            return self.office.name
        return ""

    def route(self, page: str, *args: Any) -> str:
        """The organisation's own route of a page: `county_users` with the county's code,
        `office_users` with the office's number, `national_users` with neither."""
        return reverse(f"{self.level}_{page}", args=[*self.org_args, *args])


@dataclass(frozen=True)
class Scope(Organisation):
    """One organisation a user may act for, in one role."""

    role: str
    county: County | None = None
    office: TrainingOffice | None = None

    @property
    def label(self) -> str:
        if self.county is not None:
            return str(self.county)
        return self.org_name or _("National (Directorate for Education and Training)")

    @property
    def url(self) -> str:
        return self.route("dashboard")


class HtmxRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for the annotations of views that tell a
    fragment request from a full page."""

    htmx: HtmxDetails


class PortalRequest(HtmxRequest):
    """A request past login and this module's checks: the user is signed in, and `scope` is the
    organisation the view acts for (set by the get_*_or_404 and require_* functions below)."""

    user: User
    scope: Scope


def user_scopes(request: HttpRequest) -> list[Scope]:
    """The user's scopes, read once per request."""
    cached = getattr(request, "_portal_scopes", None)
    if cached is not None:
        return cached
    scopes: list[Scope] = []
    if request.user.is_authenticated and request.user.is_active:
        memberships = Membership.objects.filter(user=request.user).select_related(
            "county", "training_office"
        )
        for m in memberships:
            scopes.append(Scope(role=m.role, county=m.county, office=m.training_office))
        order: dict[str, int] = {Role.NATIONAL: 0, Role.COUNTY: 1, Role.OFFICE: 2}
        scopes.sort(key=lambda s: (order[s.role], s.label))
    request._portal_scopes = scopes  # type: ignore[attr-defined]  # per-request cache, private
    return scopes


def scope_by_key(request: HttpRequest, key: str) -> Scope:
    for scope in user_scopes(request):
        if scope.key == key:
            return scope
    raise Http404


def active_scope(request: HttpRequest) -> Scope | None:
    """The organisation the user last worked in, if they still have access to it."""
    key = request.session.get(ACTIVE_SCOPE_SESSION_KEY) if hasattr(request, "session") else None
    scopes = user_scopes(request)
    for scope in scopes:
        if scope.key == key:
            return scope
    return scopes[0] if len(scopes) == 1 else None


def _activate(request: HttpRequest, scope: Scope) -> None:
    request.scope = scope  # type: ignore[attr-defined]  # makes the request a PortalRequest
    # Written only when it changes: an unchanged session is not saved again on every page.
    if request.session.get(ACTIVE_SCOPE_SESSION_KEY) != scope.key:
        request.session[ACTIVE_SCOPE_SESSION_KEY] = scope.key


def get_county_or_404(request: HttpRequest, code: str) -> County:
    for scope in user_scopes(request):
        if scope.county is not None and scope.county.code == code:
            _activate(request, scope)
            return scope.county
    raise Http404


def get_office_or_404(request: HttpRequest, orgnr: str) -> TrainingOffice:
    for scope in user_scopes(request):
        if scope.office is not None and scope.office.orgnr == orgnr:
            _activate(request, scope)
            return scope.office
    raise Http404


def require_national_or_404(request: HttpRequest) -> None:
    for scope in user_scopes(request):
        if scope.role == Role.NATIONAL:
            _activate(request, scope)
            return
    raise Http404


View = Callable[..., HttpResponse]


def county_view(view: View) -> View:
    """The view receives the county named by the URL's `code`, or the user gets a 404."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_county_or_404(request, code), *args, **kwargs)

    return wrapper


def office_view(view: View) -> View:
    """The view receives the training office named by the URL's `orgnr`, or a 404."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, orgnr: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_office_or_404(request, orgnr), *args, **kwargs)

    return wrapper


def national_view(view: View) -> View:
    """Only national administrators reach the view; everyone else gets a 404."""

    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_national_or_404(request)
        return view(request, *args, **kwargs)

    return wrapper
