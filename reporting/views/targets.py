from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.accounts.access import PortalRequest
from reporting.scopes import ResultScope
from reporting.services.targets import target_fields, targets_open, targets_save


def _parse(raw: str, low: Decimal = Decimal(1), high: Decimal = Decimal(5)) -> Decimal | None:
    raw = raw.strip().replace(",", ".").removesuffix("%").strip()
    if not raw:
        return None
    value = Decimal(raw)
    if not low <= value <= high or value != value.quantize(Decimal("0.1")):
        raise InvalidOperation
    return value


def targets_edit(request: PortalRequest, scope: ResultScope, year: int) -> HttpResponse:
    fields = target_fields(scope, year)
    errors: dict[str, str] = {}
    open_kinds = {kind for kind in ("LU", "LBU") if targets_open(year, kind)}
    if request.method == "POST":
        values = {}
        # A survey that has opened keeps its targets; its fields are not even sent.
        posted = [f for f in fields if f.kind in open_kinds] or fields
        for field in posted:
            raw = request.POST.get(field.name, "")
            try:
                values[(field.kind, field.code)] = _parse(raw, *field.bounds)
            except (InvalidOperation, ValueError):
                errors[field.name] = (
                    _("Write a percentage from 0 to 100 with at most one decimal.")
                    if field.is_rate
                    else _("Write a number from 1.0 to 5.0 with at most one decimal.")
                )
            field.raw = raw
        if not errors:
            try:
                targets_save(scope=scope, year=year, values=values, user=request.user)
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("The targets were saved."))
                return redirect(scope.url("targets", year))
    return render(
        request,
        "reporting/targets.html",
        {
            "scope": scope,
            "year": year,
            "fields": fields,
            "errors": errors,
            "open_kinds": open_kinds,
            "county": scope.office.county if scope.office is not None else None,
        },
    )
