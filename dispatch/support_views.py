"""The support lookup pages of a county or a training office: find one of the organisation's
respondents, see their messages and send their personal link again. Reached through
portal.accounts.access like every dispatch page; every search and every view of a person is
written to the audit log (dispatch.services.support_lookup)."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from dispatch.audience import Sender
from dispatch.models import Channel
from dispatch.services.quotas import quota_left, quota_limit
from dispatch.services.support_lookup import (
    MIN_QUERY,
    link_resend,
    lookup_audit,
    person_audit,
    person_view,
    respondent_of,
    respondents_find,
)
from dispatch.views import both
from surveys.models import Respondent


class LookupForm(forms.Form):
    q = forms.CharField(
        label=gettext_lazy("Name, mobile or e-mail"),
        max_length=200,
        help_text=gettext_lazy(
            "At least three characters. National identity numbers are not searched."
        ),
    )


class ResendForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Send the personal link again by"),
        choices=Channel.choices,
        widget=forms.RadioSelect,
        initial=Channel.EMAIL,
    )
    key = forms.UUIDField(widget=forms.HiddenInput)


def _base(sender: Sender) -> dict[str, Any]:
    return {
        "sender": sender,
        "org_name": sender.org_name,
        "home_url": sender.route("dashboard"),
        "lookup_url": sender.route("support_lookup"),
    }


@require_GET
def _lookup(request: HttpRequest, sender: Sender) -> HttpResponse:
    form = LookupForm(request.GET or None)
    found: list[Respondent] | None = None
    if form.is_valid():
        query = form.cleaned_data["q"]
        found = respondents_find(sender, query) if len(query.strip()) >= MIN_QUERY else []
        lookup_audit(request, sender, query, len(found))
    rows = None
    if found is not None:
        rows = [(person, sender.route("support_person", person.pk)) for person in found]
    context = _base(sender) | {"form": form, "found": rows}
    return render(request, "dispatch/support/lookup.html", context)


def _person_page(
    request: HttpRequest, sender: Sender, respondent: Respondent, form: ResendForm
) -> HttpResponse:
    view = person_view(respondent)
    person_audit(request, sender, respondent)
    context = _base(sender) | {
        "view": view,
        "person": respondent,
        "form": form,
        "sms_left": quota_left(respondent.round, sender),
        "sms_limit": quota_limit(respondent.round, sender),
        "resend_url": sender.route("support_resend", respondent.pk),
    }
    return render(request, "dispatch/support/person.html", context)


def _respondent(sender: Sender, pk: int) -> Respondent:
    respondent = respondent_of(sender, pk)
    if respondent is None:
        raise Http404
    return respondent


@require_GET
def _person(request: HttpRequest, sender: Sender, pk: int) -> HttpResponse:
    respondent = _respondent(sender, pk)
    form = ResendForm(initial={"key": uuid.uuid4(), "channel": Channel.EMAIL})
    return _person_page(request, sender, respondent, form)


@require_POST
def _resend(request: HttpRequest, sender: Sender, pk: int) -> HttpResponse:
    respondent = _respondent(sender, pk)
    form = ResendForm(request.POST)
    if form.is_valid():
        try:
            _dispatch, made = link_resend(
                sender,
                respondent,
                form.cleaned_data["channel"],
                form.cleaned_data["key"],
                user=request.user if request.user.is_authenticated else None,
                http_request=request,
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            if made:
                messages.success(request, _("The personal link is on its way again."))
            else:
                messages.info(request, _("This was sent already; it was not sent twice."))
            return redirect(sender.route("support_person", respondent.pk))
    return _person_page(request, sender, respondent, form)


county_support_lookup, office_support_lookup = both(_lookup)
county_support_person, office_support_person = both(_person)
county_support_resend, office_support_resend = both(_resend)
