"""The ÅR answers for the county and the training office (surveys/annual_reports.py says who
sees what): a filtered table with who has not answered yet, one answer sheet per unit, a PDF per
unit and every answer as CSV or Excel. Every view and download is in the audit log. There is no
national route: the national level has no access to ÅR (R-L6)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from portal.accounts.access import Need, county_view, office_view
from portal.audit.record import audit_record
from portal.lib.downloads import attachment, table_download
from portal.lib.paging import paged_list
from portal.models import AuditAction, County, TrainingOffice, User
from surveys.annual_report_pdf import answer_sheet_pdf
from surveys.annual_reports import (
    UNIT_TYPES,
    answer_sheet,
    answers_table,
    ar_rounds,
    ar_units,
    unit_row,
    units_answered,
    units_filtered,
    with_answers,
)
from surveys.ar_overview import ar_overview, overview_table
from surveys.models import Round
from surveys.services.ar_followup import REASON_MAX_LENGTH, CannotReopen, ar_reopen
from surveys.tasks import ar_reopen_notice, mail_queue


def _round(request: HttpRequest) -> tuple[Round, list[Round]]:
    rounds = ar_rounds()
    if not rounds:
        raise Http404
    year = request.GET.get("aar", "")
    chosen = next((r for r in rounds if str(r.year) == year), rounds[0])
    return chosen, rounds


def _filters(request: HttpRequest) -> dict:
    office = request.GET.get("kontor", "")
    return {
        "status": {"svart": "answered", "mangler": "missing"}.get(
            request.GET.get("status", ""), ""
        ),
        "type_": {"kontor": "office", "medlem": "member", "selvstendig": "independent"}.get(
            request.GET.get("type", ""), ""
        ),
        "office_id": int(office) if office.isdigit() else None,
        "search": request.GET.get("sok", "")[:100],
        "flagged": request.GET.get("kontroll", "") == "flagget",
    }


def _list(
    request: HttpRequest,
    *,
    organisation: str,
    county: County | None,
    office: TrainingOffice | None,
    base_url: str,
) -> HttpResponse:
    round_, rounds = _round(request)
    units = units_filtered(ar_units(round_, county=county, office=office), **_filters(request))
    count, answered = units_answered(units)
    paged = paged_list(request, with_answers(units), "side")
    paged.page.object_list = [unit_row(r) for r in paged.page.object_list]
    audit_record(
        AuditAction.VIEW_IDENTIFIED,
        request=request,
        target=_("%(round)s: list of units") % {"round": round_},
        detail={"round_id": round_.pk, "rows": len(paged.page.object_list)},
    )
    offices = _offices(county)
    return render(
        request,
        "surveys/annual_reports/list.html",
        {
            "organisation": organisation,
            "round": round_,
            "rounds": rounds,
            "paged": paged,
            "count": count,
            "answered": answered,
            "missing": count - answered,
            "filters": request.GET,
            "offices": offices,
            "unit_types": UNIT_TYPES if county is not None else {},
            "base_url": base_url,
            "query": request.GET.urlencode(),
        },
    )


def _unit(round_: Round, respondent_id: int, county, office):
    units = with_answers(ar_units(round_, county=county, office=office))
    respondent = units.filter(pk=respondent_id).first()
    if respondent is None:
        raise Http404
    return answer_sheet(respondent)


def _sheet(
    request, respondent_id: int, *, county, office, base_url: str, reopen_error: str = ""
) -> HttpResponse:
    round_, _rounds = _round(request)
    sheet = _unit(round_, respondent_id, county, office)
    audit_record(
        AuditAction.VIEW_IDENTIFIED,
        request=request,
        target=_("%(round)s: answers of %(unit)s") % {"round": round_, "unit": sheet.row.name},
        detail={"round_id": round_.pk, "respondent_id": respondent_id},
    )
    return render(
        request,
        "surveys/annual_reports/sheet.html",
        {
            "sheet": sheet,
            "base_url": base_url,
            "year": round_.year,
            "can_reopen": county is not None
            and sheet.row.answer is not None
            and round_.opens_at <= timezone.now() < round_.closes_at,
            "reopen_error": reopen_error,
            "reason_max": REASON_MAX_LENGTH,
        },
        status=400 if reopen_error else 200,
    )


def _pdf(request, respondent_id: int, *, county, office) -> HttpResponse:
    round_, _rounds = _round(request)
    sheet = _unit(round_, respondent_id, county, office)
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=_("%(round)s: answers of %(unit)s (PDF)")
        % {"round": round_, "unit": sheet.row.name},
        detail={"round_id": round_.pk, "respondent_id": respondent_id, "format": "pdf"},
    )
    return attachment(
        answer_sheet_pdf(sheet),
        "application/pdf",
        f"arlig-rapportering-{round_.year}-{sheet.row.orgnr}.pdf",
    )


def _download(request, fmt: str, *, county, office, name: str) -> HttpResponse:
    if fmt not in ("csv", "xlsx"):
        raise Http404
    round_, _rounds = _round(request)
    units = units_filtered(ar_units(round_, county=county, office=office), **_filters(request))
    headers, table = answers_table(round_, units)
    audit_record(
        AuditAction.DOWNLOAD,
        request=request,
        target=_("%(round)s: every answer") % {"round": round_},
        detail={"round_id": round_.pk, "format": fmt, "rows": len(table)},
    )
    return table_download(
        fmt,
        headers,
        table,
        filename=f"arlig-rapportering-{round_.year}-{name}",
        title=str(round_),
    )


def _overview(
    request: HttpRequest, fmt: str, *, organisation: str, county, office, base_url: str, name: str
) -> HttpResponse:
    """ÅR across the units in view (surveys.ar_overview), filtered as the list is."""
    if fmt not in ("", "csv", "xlsx"):
        raise Http404
    round_, rounds = _round(request)
    units = units_filtered(ar_units(round_, county=county, office=office), **_filters(request))
    count, answered = units_answered(units)
    overviews = ar_overview(round_, units)
    audit_record(
        AuditAction.DOWNLOAD if fmt else AuditAction.VIEW_IDENTIFIED,
        request=request,
        target=_("%(round)s: answers across units") % {"round": round_},
        detail={"round_id": round_.pk, "units": count, "answered": answered, "format": fmt},
    )
    if fmt:
        headers, table = overview_table(overviews)
        return table_download(
            fmt,
            headers,
            table,
            filename=f"arlig-rapportering-{round_.year}-{name}-oversikt",
            title=str(round_),
        )
    return render(
        request,
        "surveys/annual_reports/overview.html",
        {
            "organisation": organisation,
            "round": round_,
            "rounds": rounds,
            "count": count,
            "answered": answered,
            "overviews": overviews,
            "filters": request.GET,
            "offices": _offices(county),
            "unit_types": UNIT_TYPES if county is not None else {},
            "base_url": base_url,
            "query": request.GET.urlencode(),
        },
    )


def _offices(county: County | None) -> list[tuple[int, str]]:
    if county is None:
        return []
    return list(
        TrainingOffice.objects.filter(county=county).order_by("name").values_list("pk", "name")
    )


# --- County ------------------------------------------------------------------------------------


def _county_base(county: County) -> str:
    return reverse("county_ar_answers", args=[county.code])


@county_view(needs=Need.AR_ANSWERS)
@require_GET
def county_ar_answers(request: HttpRequest, county: County) -> HttpResponse:
    return _list(
        request, organisation=county.name, county=county, office=None, base_url=_county_base(county)
    )


@county_view(needs=Need.AR_ANSWERS)
@require_GET
def county_ar_sheet(request: HttpRequest, county: County, respondent_id: int) -> HttpResponse:
    return _sheet(request, respondent_id, county=county, office=None, base_url=_county_base(county))


@county_view(needs=Need.AR_ANSWERS)
@require_POST
def county_ar_reopen(request: HttpRequest, county: County, respondent_id: int) -> HttpResponse:
    """Opens a submitted ÅR answer again for correction (reason logged, respondent told)."""
    round_, _rounds = _round(request)
    respondent = ar_units(round_, county=county).filter(pk=respondent_id).first()
    if respondent is None:
        raise Http404
    try:
        user = request.user if isinstance(request.user, User) else None
        ar_reopen(respondent, user=user, reason=request.POST.get("begrunnelse", ""))
    except CannotReopen as error:
        return _sheet(
            request,
            respondent_id,
            county=county,
            office=None,
            base_url=_county_base(county),
            reopen_error=str(error),
        )
    mail_queue(ar_reopen_notice, respondent.pk, request.POST["begrunnelse"].strip())
    messages.success(
        request,
        _("The answers are open for correction. The respondent has been told by e-mail."),
    )
    return redirect(f"{_county_base(county)}{respondent_id}/?aar={round_.year}")


@county_view(needs=Need.AR_ANSWERS)
@require_GET
def county_ar_pdf(request: HttpRequest, county: County, respondent_id: int) -> HttpResponse:
    return _pdf(request, respondent_id, county=county, office=None)


@county_view(needs=Need.AR_ANSWERS)
@require_GET
def county_ar_overview(request: HttpRequest, county: County, fmt: str = "") -> HttpResponse:
    return _overview(
        request,
        fmt,
        organisation=county.name,
        county=county,
        office=None,
        base_url=_county_base(county),
        name=county.code,
    )


@county_view(needs=Need.AR_ANSWERS)
@require_GET
def county_ar_download(request: HttpRequest, county: County, fmt: str) -> HttpResponse:
    return _download(request, fmt, county=county, office=None, name=county.code)


# --- Training office ---------------------------------------------------------------------------


def _office_base(office: TrainingOffice) -> str:
    return reverse("office_ar_answers", args=[office.orgnr])


@office_view(needs=Need.AR_ANSWERS)
@require_GET
def office_ar_answers(request: HttpRequest, office: TrainingOffice) -> HttpResponse:
    return _list(
        request, organisation=office.name, county=None, office=office, base_url=_office_base(office)
    )


@office_view(needs=Need.AR_ANSWERS)
@require_GET
def office_ar_sheet(
    request: HttpRequest, office: TrainingOffice, respondent_id: int
) -> HttpResponse:
    return _sheet(request, respondent_id, county=None, office=office, base_url=_office_base(office))


@office_view(needs=Need.AR_ANSWERS)
@require_GET
def office_ar_pdf(request: HttpRequest, office: TrainingOffice, respondent_id: int) -> HttpResponse:
    return _pdf(request, respondent_id, county=None, office=office)


@office_view(needs=Need.AR_ANSWERS)
@require_GET
def office_ar_overview(request: HttpRequest, office: TrainingOffice, fmt: str = "") -> HttpResponse:
    return _overview(
        request,
        fmt,
        organisation=office.name,
        county=None,
        office=office,
        base_url=_office_base(office),
        name=office.orgnr,
    )


@office_view(needs=Need.AR_ANSWERS)
@require_GET
def office_ar_download(request: HttpRequest, office: TrainingOffice, fmt: str) -> HttpResponse:
    return _download(request, fmt, county=None, office=office, name=office.orgnr)
