"""Who may see which organisation, and what a member may do there. Every view that belongs to an
organisation loads it through this module, which answers 404 for anything outside the user's
memberships, so an outsider cannot even learn that an organisation exists, and 403 to a member
whose role (Access) lacks what the page needs.

A page declares what it needs, once, where it loads its organisation:

    @county_view(needs=Need.RESULTS)
    def county_results(request, county): ...

or `get_county_or_404(request, code, needs=Need.SEND)`; navigation entries and front-page panels
say the same with `NavEntry(..., needs=Need.SEND)` / `Panel(..., needs=...)`. A page that
declares nothing needs Need.ADMINISTRATOR: only the organisation's administrators reach it.
The roles' capabilities are CAPABILITIES below, the one table of them."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, overload

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django_htmx.middleware import HtmxDetails

from portal.models import Access, County, Membership, Role, Statsforvalter, TrainingOffice, User

ACTIVE_SCOPE_SESSION_KEY = "active_scope"


class Need:
    """What a page needs of the member's role; see CAPABILITIES."""

    MEMBER = "member"  # any member: the front page
    RESULTS = "results"  # results, targets, follow-up: no personal data
    SEND = "send"  # dispatches, response rates, support lookup
    PERSONAL_DATA = "personal data"  # samples, list check, quality report with names
    USERS = "users"  # user administration, the audit log, the organisation's settings
    AR_ANSWERS = "ÅR answers"  # the identified ÅR answers: administrators, or given explicitly
    ADMINISTRATOR = "administrator"  # everything; what a page that declares nothing needs


CAPABILITIES: dict[str, frozenset[str]] = {
    Access.ADMINISTRATOR: frozenset(
        {
            Need.MEMBER,
            Need.RESULTS,
            Need.SEND,
            Need.PERSONAL_DATA,
            Need.USERS,
            Need.AR_ANSWERS,
            Need.ADMINISTRATOR,
        }
    ),
    Access.SENDER: frozenset({Need.MEMBER, Need.RESULTS, Need.SEND}),
    Access.READER: frozenset({Need.MEMBER, Need.RESULTS}),
}


class Organisation:
    """A county, a training office or the nation (neither): the one place that turns that
    choice into a route's prefix and arguments, a key and a name. Scope, the results' scope and
    the dispatch sender share it; their pages exist once per level as `<level>_<page>`."""

    county: County | None
    office: TrainingOffice | None
    # Only a Scope can be a statsforvalter's; the results' scope and the sender never are.
    statsforvalter: Statsforvalter | None = None

    @property
    def level(self) -> str:
        if self.county is not None:
            return "county"
        if self.office is not None:
            return "office"
        if self.statsforvalter is not None:
            return "statsforvalter"
        return "national"

    @property
    def org_args(self) -> list[str]:
        if self.county is not None:
            return [self.county.code]
        if self.office is not None:
            return [self.office.orgnr]
        if self.statsforvalter is not None:
            return [self.statsforvalter.code]
        return []

    @property
    def key(self) -> str:
        if self.county is not None:
            return f"fylke-{self.county.code}"
        if self.office is not None:
            return f"kontor-{self.office.orgnr}"
        if self.statsforvalter is not None:
            return f"statsforvalter-{self.statsforvalter.code}"
        return "nasjonalt"

    @property
    def org_name(self) -> str:
        """The county's, the office's or the statsforvalter's name; empty for the nation."""
        if self.county is not None:
            return self.county.name
        if self.office is not None:
            return self.office.name
        if self.statsforvalter is not None:
            return self.statsforvalter.name
        return ""

    def route(self, page: str, *args: Any) -> str:
        """The organisation's own route of a page: `county_users` with the county's code,
        `office_users` with the office's number, `national_users` with neither."""
        return reverse(f"{self.level}_{page}", args=[*self.org_args, *args])


@dataclass(frozen=True)
class Scope(Organisation):
    """One organisation a user may act for, at one level (`role`), with what the member may do
    there (`access`, and `ar_answers` given explicitly). Built elsewhere without `access` (the
    organisations an administrator may grant), a scope is an administrator's."""

    role: str
    county: County | None = None
    office: TrainingOffice | None = None
    statsforvalter: Statsforvalter | None = None
    access: str = Access.ADMINISTRATOR
    ar_answers: bool = False

    @property
    def label(self) -> str:
        if self.county is not None:
            return str(self.county)
        return self.org_name or _("National (Directorate for Education and Training)")

    @property
    def url(self) -> str:
        if self.statsforvalter is not None:
            return self.route("users")  # a statsforvalter only manages users
        return self.route("dashboard")

    def may(self, need: str) -> bool:
        """Whether the member's role gives what a page needs (Need)."""
        if need == Need.AR_ANSWERS and self.ar_answers:
            return True
        return need in CAPABILITIES.get(self.access, frozenset())

    # For templates, which cannot pass an argument.
    @property
    def may_send(self) -> bool:
        return self.may(Need.SEND)

    @property
    def may_see_results(self) -> bool:
        return self.may(Need.RESULTS)

    @property
    def may_see_personal_data(self) -> bool:
        return self.may(Need.PERSONAL_DATA)

    @property
    def may_manage_users(self) -> bool:
        return self.may(Need.USERS)

    @property
    def may_see_ar_answers(self) -> bool:
        return self.may(Need.AR_ANSWERS)

    @property
    def is_administrator(self) -> bool:
        return self.may(Need.ADMINISTRATOR)


class HtmxRequest(HttpRequest):
    """A request as django-htmx's middleware leaves it, for the annotations of views that tell a
    fragment request from a full page."""

    htmx: HtmxDetails


class PortalRequest(HtmxRequest):
    """A request past login and this module's checks: the user is signed in, and `scope` is the
    organisation the view acts for (set by the get_*_or_404 and require_* functions below)."""

    user: User
    scope: Scope


def scope_of_membership(membership: Membership) -> Scope:
    return Scope(
        role=membership.role,
        county=membership.county,
        office=membership.training_office,
        statsforvalter=membership.statsforvalter,
        access=membership.access,
        ar_answers=membership.ar_answers,
    )


def user_scopes(request: HttpRequest) -> list[Scope]:
    """The user's scopes, read once per request."""
    cached = getattr(request, "_portal_scopes", None)
    if cached is not None:
        return cached
    scopes: list[Scope] = []
    if request.user.is_authenticated and request.user.is_active:
        memberships = Membership.objects.filter(user=request.user).select_related(
            "county", "training_office", "statsforvalter"
        )
        scopes.extend(scope_of_membership(m) for m in memberships)
        order: dict[str, int] = {
            Role.NATIONAL: 0,
            Role.STATSFORVALTER: 1,
            Role.COUNTY: 2,
            Role.OFFICE: 3,
        }
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


def _enter(request: HttpRequest, scope: Scope, needs: str) -> None:
    """The member's scope becomes the request's; a role without what the page needs is 403
    (the member knows the organisation exists)."""
    _activate(request, scope)
    if not scope.may(needs):
        raise PermissionDenied("the member's role does not give this page")


def get_county_or_404(request: HttpRequest, code: str, needs: str = Need.ADMINISTRATOR) -> County:
    for scope in user_scopes(request):
        if scope.county is not None and scope.county.code == code:
            _enter(request, scope, needs)
            return scope.county
    raise Http404


def get_office_or_404(
    request: HttpRequest, orgnr: str, needs: str = Need.ADMINISTRATOR
) -> TrainingOffice:
    for scope in user_scopes(request):
        if scope.office is not None and scope.office.orgnr == orgnr:
            _enter(request, scope, needs)
            return scope.office
    raise Http404


def get_statsforvalter_or_404(
    request: HttpRequest, code: str, needs: str = Need.ADMINISTRATOR
) -> Statsforvalter:
    for scope in user_scopes(request):
        if scope.statsforvalter is not None and scope.statsforvalter.code == code:
            _enter(request, scope, needs)
            return scope.statsforvalter
    raise Http404


def require_national_or_404(request: HttpRequest, needs: str = Need.ADMINISTRATOR) -> None:
    for scope in user_scopes(request):
        if scope.role == Role.NATIONAL:
            _enter(request, scope, needs)
            return
    raise Http404


View = Callable[..., HttpResponse]
Decorator = Callable[[View], View]


def _declared(decorate: Callable[[View, str], View], view: View | None, needs: str) -> Any:
    """`@x_view` and `@x_view(needs=...)` alike."""
    if view is not None:
        return decorate(view, needs)
    return lambda v: decorate(v, needs)


def _county_view(view: View, needs: str) -> View:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_county_or_404(request, code, needs), *args, **kwargs)

    return wrapper


@overload
def county_view(view: View) -> View: ...
@overload
def county_view(*, needs: str) -> Decorator: ...
def county_view(view: View | None = None, *, needs: str = Need.ADMINISTRATOR) -> Any:
    """The view receives the county named by the URL's `code`, or the user gets a 404 (403 for
    a member whose role lacks `needs`)."""
    return _declared(_county_view, view, needs)


def _office_view(view: View, needs: str) -> View:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, orgnr: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_office_or_404(request, orgnr, needs), *args, **kwargs)

    return wrapper


@overload
def office_view(view: View) -> View: ...
@overload
def office_view(*, needs: str) -> Decorator: ...
def office_view(view: View | None = None, *, needs: str = Need.ADMINISTRATOR) -> Any:
    """The view receives the training office named by the URL's `orgnr`, or a 404 (403 as
    county_view)."""
    return _declared(_office_view, view, needs)


def _statsforvalter_view(view: View, needs: str) -> View:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, code: str, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, get_statsforvalter_or_404(request, code, needs), *args, **kwargs)

    return wrapper


@overload
def statsforvalter_view(view: View) -> View: ...
@overload
def statsforvalter_view(*, needs: str) -> Decorator: ...
def statsforvalter_view(view: View | None = None, *, needs: str = Need.ADMINISTRATOR) -> Any:
    """The view receives the statsforvalter named by the URL's `code`, or a 404."""
    return _declared(_statsforvalter_view, view, needs)


def _national_view(view: View, needs: str) -> View:
    @wraps(view)
    @login_required
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        require_national_or_404(request, needs)
        return view(request, *args, **kwargs)

    return wrapper


@overload
def national_view(view: View) -> View: ...
@overload
def national_view(*, needs: str) -> Decorator: ...
def national_view(view: View | None = None, *, needs: str = Need.ADMINISTRATOR) -> Any:
    """Only the national level reaches the view; everyone else gets a 404."""
    return _declared(_national_view, view, needs)
