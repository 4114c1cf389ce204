from __future__ import annotations

from typing import Any

from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from portal.access import (
    active_scope,
    county_view,
    national_view,
    office_view,
    scope_by_key,
    user_scopes,
)
from portal.models import County, TrainingOffice
from portal.notices import national_notices


def page_or_fragment(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only the part htmx asked to refresh."""
    return render(request, fragment if request.htmx else page, context)


def home(request: HttpRequest) -> HttpResponse:
    """Signed out: what the portal is. Signed in: straight to the organisation in use."""
    if not request.user.is_authenticated:
        return render(request, "portal/landing.html")
    scope = active_scope(request)
    if scope is not None:
        return redirect(scope.url)
    return render(request, "portal/choose_organisation.html", {"scopes": user_scopes(request)})


@require_GET
def switch_organisation(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("account_login")
    return redirect(scope_by_key(request, request.GET.get("til", "")).url)


@national_view
def national_dashboard(request: HttpRequest) -> HttpResponse:
    year = timezone.localdate().year
    counties = County.objects.existing_in(year).annotate(
        office_count=Count("training_offices", distinct=True),
        company_count=Count("companies", distinct=True),
    )
    context = {"counties": counties, "year": year, "notices": national_notices()}
    return render(request, "portal/national_dashboard.html", context)


@county_view
def county_dashboard(request: HttpRequest, county: County) -> HttpResponse:
    offices = county.training_offices.annotate(member_count=Count("member_companies"))
    companies = county.companies.aggregate(
        total=Count("id"), independent=Count("id", filter=Q(training_office__isnull=True))
    )
    return render(
        request,
        "portal/county_dashboard.html",
        {"county": county, "offices": offices, "companies": companies},
    )


@office_view
def office_dashboard(request: HttpRequest, office: TrainingOffice) -> HttpResponse:
    members = office.member_companies.select_related("county")
    return render(request, "portal/office_dashboard.html", {"office": office, "members": members})


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")
