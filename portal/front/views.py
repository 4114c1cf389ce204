from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import select_template
from django.utils.formats import date_format
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from portal.accounts.access import (
    HtmxRequest,
    Need,
    PortalRequest,
    active_scope,
    county_view,
    national_view,
    office_view,
    scope_by_key,
    user_scopes,
)
from portal.front.help import help_calendar
from portal.front.panels import panels_for
from portal.lib.oslo import oslo_today
from portal.models import Company, County, TrainingOffice


def page_or_fragment(
    request: HtmxRequest, page: str, fragment: str, context: dict[str, Any]
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


def _count_of(model) -> Coalesce:
    rows = model.objects.filter(county=OuterRef("pk")).order_by().values("county")
    counted = Subquery(rows.annotate(n=Count("pk")).values("n"), output_field=IntegerField())
    return Coalesce(counted, 0)


@national_view
def national_dashboard(request: PortalRequest) -> HttpResponse:
    year = oslo_today().year
    # Counted in subqueries: joining both would multiply offices by companies.
    counties = County.objects.existing_in(year).annotate(
        office_count=_count_of(TrainingOffice),
        company_count=_count_of(Company),
    )
    return render(
        request,
        "portal/national_dashboard.html",
        {"counties": counties, "year": year, "panels": panels_for(request, request.scope)},
    )


@county_view(needs=Need.MEMBER)
def county_dashboard(request: PortalRequest, county: County) -> HttpResponse:
    offices = county.training_offices.annotate(member_count=Count("member_companies"))
    companies = county.companies.aggregate(
        total=Count("id"), independent=Count("id", filter=Q(training_office__isnull=True))
    )
    return render(
        request,
        "portal/county_dashboard.html",
        {
            "county": county,
            "offices": offices,
            "companies": companies,
            "panels": panels_for(request, request.scope),
        },
    )


@office_view(needs=Need.MEMBER)
def office_dashboard(request: PortalRequest, office: TrainingOffice) -> HttpResponse:
    members = office.member_companies.select_related("county")
    return render(
        request,
        "portal/office_dashboard.html",
        {"office": office, "members": members, "panels": panels_for(request, request.scope)},
    )


class CountyContactForm(forms.ModelForm):
    class Meta:
        model = County
        fields = ["contact_name", "contact_email", "contact_phone"]


@county_view
@require_http_methods(["GET", "POST"])
def county_contact(request: HttpRequest, county: County) -> HttpResponse:
    """Whom offices and companies ask about ÅR; shown on the help page."""
    form = CountyContactForm(request.POST if request.method == "POST" else None, instance=county)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The contact has been saved."))
        return redirect("county_contact", county.code)
    return render(request, "portal/county_contact.html", {"county": county, "form": form})


def accessibility_statement(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/accessibility.html")


def privacy_statement(request: HttpRequest) -> HttpResponse:
    """Public: what is kept about those asked to answer, how long, who sees it, whom to ask and
    their rights, written for them in the language in use (bokmål where a text is missing); the
    closing date from the surveys' calendar. docs/privacy.md is the developers' account."""
    language = (get_language() or "nb")[:2]
    template = select_template(
        [f"portal/privacy/respondents.{language}.html", "portal/privacy/respondents.nb.html"]
    )
    last_day = help_calendar().get("last_answer_day")
    context = {
        "threshold": settings.REPORTING_THRESHOLD,
        "retention_days": settings.RETENTION_DAYS_AFTER_CLOSE,
        "retention_years": settings.IDENTIFIED_ANSWER_RETENTION_YEARS,
        "closes": date_format(last_day, "DATE_FORMAT") if last_day else _("the last day to answer"),
    }
    return HttpResponse(template.render(context, request))


def address_pages_removed(request: HttpRequest) -> HttpResponse:
    """allauth's address pages (add, remove, make primary, confirm) are not the portal's: an
    address is an identity the portal gives when it grants access (portal.accounts.addresses), so a
    user neither adds one nor changes theirs; a new address is a new grant."""
    raise Http404
