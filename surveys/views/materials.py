"""Letters and handouts for counties and training offices to inform the respondents (R-L9):
surveys/materials.py says what they hold. Pages to read and print, and PDFs."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from portal.accounts.access import Need, county_view, office_view
from portal.lib.downloads import attachment
from portal.lib.qr import qr_svg
from portal.models import County, TrainingOffice
from surveys.materials import (
    handout_of,
    letter_of,
    material_language,
    material_round,
    material_rounds,
)
from surveys.materials_pdf import handout_pdf, letter_pdf
from surveys.selectors import kind_slug


def _index(request: HttpRequest, *, organisation: str, level: str, org_arg: str) -> HttpResponse:
    rounds = [
        {
            "round": r,
            "slug": kind_slug(r.kind),
            "title": r.questionnaire.localized_title,
        }
        for r in material_rounds()
    ]
    return render(
        request,
        "surveys/materials/index.html",
        {
            "organisation": organisation,
            "rounds": rounds,
            "level": level,
            "org_arg": org_arg,
        },
    )


def _letter(
    request: HttpRequest, year: int, kind: str, fmt: str, *, back: str
) -> HttpResponse:
    if fmt not in ("", "pdf"):
        raise Http404
    letter = letter_of(material_round(year, kind), material_language(request.GET.get("sprak", "")))
    if fmt == "pdf":
        name = f"informasjonsbrev-{kind}-{year}-{letter.language}.pdf"
        return attachment(letter_pdf(letter), "application/pdf", name)
    return render(
        request,
        "surveys/materials/letter.html",
        {"letter": letter, "back": back, "query": request.GET.urlencode()},
    )


def _handout(
    request: HttpRequest, year: int, kind: str, fmt: str, *, back: str
) -> HttpResponse:
    if fmt not in ("", "pdf"):
        raise Http404
    address = request.build_absolute_uri(reverse("respond_code"))
    handout = handout_of(
        material_round(year, kind), material_language(request.GET.get("sprak", "")), address
    )
    if fmt == "pdf":
        name = f"oppslag-{kind}-{year}-{handout.language}.pdf"
        return attachment(handout_pdf(handout), "application/pdf", name)
    return render(
        request,
        "surveys/materials/handout.html",
        {
            "handout": handout,
            "first": handout.lines[0],
            "rest": handout.lines[1:],
            "qr": qr_svg(address),
            "back": back,
            "query": request.GET.urlencode(),
        },
    )


@county_view(needs=Need.SEND)
@require_GET
def county_materials(request: HttpRequest, county: County) -> HttpResponse:
    return _index(request, organisation=county.name, level="county", org_arg=county.code)


@county_view(needs=Need.SEND)
@require_GET
def county_materials_letter(
    request: HttpRequest, county: County, year: int, kind: str, fmt: str = ""
) -> HttpResponse:
    back = reverse("county_materials", args=[county.code])
    return _letter(request, year, kind, fmt, back=back)


@county_view(needs=Need.SEND)
@require_GET
def county_materials_handout(
    request: HttpRequest, county: County, year: int, kind: str, fmt: str = ""
) -> HttpResponse:
    back = reverse("county_materials", args=[county.code])
    return _handout(request, year, kind, fmt, back=back)


@office_view(needs=Need.SEND)
@require_GET
def office_materials(request: HttpRequest, office: TrainingOffice) -> HttpResponse:
    return _index(request, organisation=office.name, level="office", org_arg=office.orgnr)


@office_view(needs=Need.SEND)
@require_GET
def office_materials_letter(
    request: HttpRequest, office: TrainingOffice, year: int, kind: str, fmt: str = ""
) -> HttpResponse:
    back = reverse("office_materials", args=[office.orgnr])
    return _letter(request, year, kind, fmt, back=back)


@office_view(needs=Need.SEND)
@require_GET
def office_materials_handout(
    request: HttpRequest, office: TrainingOffice, year: int, kind: str, fmt: str = ""
) -> HttpResponse:
    back = reverse("office_materials", args=[office.orgnr])
    return _handout(request, year, kind, fmt, back=back)
