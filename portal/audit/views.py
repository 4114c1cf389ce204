"""The audit log's pages: each organisation's administrators read their own organisation's
entries; the national administrator reads all of them."""

from __future__ import annotations

from django import forms
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from portal.accounts.access import PortalRequest, county_view, national_view, office_view
from portal.audit.log import audit_entries
from portal.lib.paging import paged_list
from portal.models import AuditAction, County, TrainingOffice


class AuditFilterForm(forms.Form):
    action = forms.ChoiceField(
        label=_("Event"), required=False, choices=[("", _("All")), *AuditAction.choices]
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    email = forms.CharField(label=_("E-mail address contains"), required=False, max_length=254)


def _audit_page(request: PortalRequest) -> HttpResponse:
    scope = request.scope
    form = AuditFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = audit_entries(
        scope,
        action=filters.get("action") or "",
        since=filters.get("since"),
        until=filters.get("until"),
        email=filters.get("email") or "",
    )
    return render(
        request,
        "portal/audit.html",
        {"scope": scope, "form": form, "paged": paged_list(request, entries, "side")},
    )


@national_view
@require_GET
def national_audit(request: PortalRequest) -> HttpResponse:
    return _audit_page(request)


@county_view
@require_GET
def county_audit(request: PortalRequest, county: County) -> HttpResponse:
    return _audit_page(request)


@office_view
@require_GET
def office_audit(request: PortalRequest, office: TrainingOffice) -> HttpResponse:
    return _audit_page(request)
