"""Help: a short guide per role, and the support contacts (technical support and the
Directorate from settings, each county's own contact for ÅR)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import select_template
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from portal.accounts.access import user_scopes
from portal.lib.oslo import oslo_today
from portal.models import County, Role

GUIDES = {"fylke": Role.COUNTY, "kontor": Role.OFFICE, "nasjonalt": Role.NATIONAL}
# The guides to the report portal (results, trends, follow-up, targets, PDF, downloads).
REPORT_GUIDES = {
    "resultater-fylke": Role.COUNTY,
    "resultater-kontor": Role.OFFICE,
    "resultater-nasjonalt": Role.NATIONAL,
}

# Where the guides take their dates from: the surveys app registers the round's calendar
# (surveys/hooks.py), so no date in the help is written into its text.
_calendar_sources: list[Callable[[], dict[str, Any]]] = []


def help_calendar_register(source: Callable[[], dict[str, Any]]) -> None:
    if source not in _calendar_sources:
        _calendar_sources.append(source)


def help_calendar() -> dict[str, Any]:
    dates: dict[str, Any] = {}
    for source in _calendar_sources:
        dates.update(source())
    return dates


@require_GET
def help_page(request: HttpRequest) -> HttpResponse:
    own = []
    for scope in user_scopes(request):
        county = scope.county or (scope.office.county if scope.office else None)
        if county is not None and county not in own:
            own.append(county)
    year = oslo_today().year
    contacts = County.objects.existing_in(year).exclude(contact_email="", contact_phone="")
    return render(
        request,
        "portal/help/index.html",
        {
            "technical_email": settings.SUPPORT_TECHNICAL_EMAIL,
            "technical_phone": settings.SUPPORT_TECHNICAL_PHONE,
            "directorate_email": settings.SUPPORT_DIRECTORATE_EMAIL,
            "directorate_phone": settings.SUPPORT_DIRECTORATE_PHONE,
            "own_counties": own,
            "counties": contacts,
            "guides": GUIDES,
        },
    )


@require_GET
def guide(request: HttpRequest, role: str) -> HttpResponse:
    """The guide in the language in use; bokmål where a translation is missing."""
    if role not in GUIDES and role not in REPORT_GUIDES:
        raise Http404
    language = (get_language() or "nb")[:2]
    template = select_template(
        [f"portal/help/guide_{role}.{language}.html", f"portal/help/guide_{role}.nb.html"]
    )
    return HttpResponse(template.render({"role": role, "calendar": help_calendar()}, request))
