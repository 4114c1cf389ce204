"""What every results view shares: the organisation from the URL through portal.accounts.access (404
outside the user's organisations), the survey from its slug, the published round."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse

from portal.accounts.access import Need, county_view, national_view, office_view
from reporting.models import Publication
from reporting.scopes import ResultScope
from reporting.selectors import publication_get
from surveys.models import SurveyKind
from surveys.selectors import kind_from_slug

RESULT_KINDS = (SurveyKind.LU, SurveyKind.LBU)

ScopedView = Callable[..., HttpResponse]


def for_national(view: ScopedView) -> ScopedView:
    @national_view
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, ResultScope.national(), *args, **kwargs)

    return wrapper


def for_county(view: ScopedView) -> ScopedView:
    @county_view(needs=Need.RESULTS)
    @wraps(view)
    def wrapper(request: HttpRequest, county, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, ResultScope.of_county(county), *args, **kwargs)

    return wrapper


def for_office(view: ScopedView) -> ScopedView:
    @office_view(needs=Need.RESULTS)
    @wraps(view)
    def wrapper(request: HttpRequest, office, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, ResultScope.of_office(office), *args, **kwargs)

    return wrapper


def survey_kind(slug: str) -> str:
    """LU or LBU from the URL's slug; 404 for any other (ÅR has no published results)."""
    kind = kind_from_slug(slug)
    if kind not in RESULT_KINDS:
        raise Http404
    return kind


def publication_or_404(year: int, slug: str) -> Publication:
    publication = publication_get(survey_kind(slug), year)
    if publication is None:
        raise Http404
    return publication
