"""A county's view of its samples: how many are asked in each round and who was left out, and
why (R-S4), so it can correct the register before the deadline (R-C2)."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from portal.accounts.access import Need, county_view
from portal.lib.oslo import oslo_today
from portal.lib.paging import paged_list
from portal.models import County
from surveys.models import Round
from surveys.selectors import (
    county_exclusions,
    county_samples,
    kind_from_slug,
    kind_slug,
    round_years,
)


@county_view(needs=Need.PERSONAL_DATA)
def county_samples_latest(request: HttpRequest, county: County) -> HttpResponse:
    years = round_years()
    year = years[0] if years else oslo_today().year
    return redirect("county_samples", code=county.code, year=year)


@county_view(needs=Need.PERSONAL_DATA)
def county_samples_year(request: HttpRequest, county: County, year: int) -> HttpResponse:
    samples = county_samples(county, year)
    context = {
        "county": county,
        "year": year,
        "years": round_years(),
        "samples": [(sample, kind_slug(sample.round.kind)) for sample in samples],
    }
    return render(request, "surveys/samples/county_overview.html", context)


@county_view(needs=Need.PERSONAL_DATA)
def county_exclusions_page(
    request: HttpRequest, county: County, year: int, kind: str
) -> HttpResponse:
    survey = kind_from_slug(kind)
    if survey is None:
        raise Http404
    round_ = get_object_or_404(Round, year=year, kind=survey)
    groups = county_exclusions(round_, county)
    context = {
        "county": county,
        "round": round_,
        "groups": [(group, paged_list(request, group.rows, group.reason)) for group in groups],
        "total": sum(group.count for group in groups),
    }
    return render(request, "surveys/samples/county_exclusions.html", context)
