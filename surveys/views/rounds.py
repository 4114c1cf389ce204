"""The national calendar of the rounds (national administrator) and each county's choice to run
LBU (county administrator)."""

from __future__ import annotations

from datetime import time, timedelta

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.accounts.access import county_view, national_view
from portal.lib.oslo import last_day_before, oslo_datetime, oslo_now, oslo_today
from portal.models import County
from surveys.models import Questionnaire, Round, SurveyKind
from surveys.selectors import (
    kind_from_slug,
    kind_slug,
    lbu_choice_of,
    lbu_choices,
    round_years,
    rounds_of_year,
)
from surveys.services.rounds import (
    RoundCalendar,
    lbu_choice_open,
    round_county_set_lbu,
    round_update,
    rounds_create_year,
)
from surveys.services.samples import rounds_waiting_for_extract


def _date_input() -> forms.DateInput:
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class YearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Survey year"), min_value=2012, max_value=2100)


class RoundForm(forms.Form):
    """The calendar as people speak of it: dates, with the correction deadline's time of day.
    The survey opens at 00:00 on its first day and closes after its last day (Norwegian time)."""

    questionnaire = forms.ModelChoiceField(
        label=gettext_lazy("Questionnaire version"), queryset=Questionnaire.objects.none()
    )
    qa_starts_on = forms.DateField(
        label=gettext_lazy("Quality assurance starts"), widget=_date_input()
    )
    correction_deadline = forms.DateField(
        label=gettext_lazy("Deadline for corrections in VIGO"), widget=_date_input()
    )
    correction_deadline_time = forms.TimeField(
        label=gettext_lazy("Time of the deadline"),
        help_text=gettext_lazy("Hours and minutes, for example 12:00."),
        widget=forms.TimeInput(attrs={"inputmode": "numeric"}, format="%H:%M"),
    )
    reference_date = forms.DateField(
        label=gettext_lazy("Reference date of the samples"), widget=_date_input()
    )
    opens_on = forms.DateField(label=gettext_lazy("The survey opens"), widget=_date_input())
    last_day = forms.DateField(label=gettext_lazy("Last day to answer"), widget=_date_input())
    separate_lbu_from = forms.DateField(
        label=gettext_lazy("LBU may be sent separately from"), widget=_date_input()
    )

    def __init__(self, *args, round_: Round, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_
        questionnaire = self.fields["questionnaire"]
        assert isinstance(questionnaire, forms.ModelChoiceField)
        questionnaire.queryset = Questionnaire.objects.filter(
            kind=round_.kind, version__lte=round_.year
        ).order_by("-version")
        questionnaire.label_from_instance = lambda q: (  # type: ignore[assignment]  # set per form
            _("Version %(v)s") % {"v": q.version}
        )
        if round_.kind != SurveyKind.LBU:
            del self.fields["separate_lbu_from"]

    @classmethod
    def initial_for(cls, round_: Round) -> dict:
        return {
            "questionnaire": round_.questionnaire_id,
            "qa_starts_on": round_.qa_starts_on,
            "correction_deadline": oslo_today(round_.correction_deadline),
            "correction_deadline_time": oslo_now(round_.correction_deadline),
            "reference_date": round_.reference_date,
            "opens_on": oslo_today(round_.opens_at),
            "last_day": last_day_before(round_.closes_at),
            "separate_lbu_from": round_.separate_lbu_from,
        }

    def calendar(self) -> RoundCalendar:
        data = self.cleaned_data
        return RoundCalendar(
            qa_starts_on=data["qa_starts_on"],
            correction_deadline=oslo_datetime(
                data["correction_deadline"], data["correction_deadline_time"]
            ),
            reference_date=data["reference_date"],
            opens_at=oslo_datetime(data["opens_on"]),
            closes_at=oslo_datetime(data["last_day"] + timedelta(days=1), time(0, 0)),
            separate_lbu_from=data.get("separate_lbu_from"),
        )


def _round_or_404(year: int, slug: str) -> Round:
    kind = kind_from_slug(slug)
    if kind is None:
        raise Http404
    return get_object_or_404(Round.objects.select_related("questionnaire"), year=year, kind=kind)


@national_view
def national_rounds(request: HttpRequest) -> HttpResponse:
    """Every year's rounds, and a form to create the rounds of a new year."""
    form = YearForm(request.POST or None, initial={"year": oslo_today().year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        try:
            created = rounds_create_year(year)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            if created:
                messages.success(
                    request, _("The rounds of %(year)s were created.") % {"year": year}
                )
            else:
                messages.info(request, _("The rounds of %(year)s already exist.") % {"year": year})
            return redirect("national_rounds")
    years = {year: rounds_of_year(year) for year in round_years()}
    context = {"years": years, "form": form, "waiting": _waiting_for_extract()}
    return render(request, "surveys/rounds/national_list.html", context)


def _waiting_for_extract() -> set[int]:
    """The rounds due to be frozen that wait for the 1 October extract (R-C3)."""
    return {r.pk for r in rounds_waiting_for_extract(oslo_today())}


@national_view
def national_round_edit(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    round_ = _round_or_404(year, kind)
    form = RoundForm(request.POST or None, round_=round_, initial=RoundForm.initial_for(round_))
    if request.method == "POST" and form.is_valid():
        try:
            round_update(
                round_, calendar=form.calendar(), questionnaire=form.cleaned_data["questionnaire"]
            )
        except ValidationError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("The round was saved."))
            return redirect("national_round_edit", year=year, kind=kind)
    context = {
        "round": round_,
        "form": form,
        "choices": lbu_choices(round_) if round_.kind == SurveyKind.LBU else None,
        "kind_slug": kind_slug(round_.kind),
        "respondents": round_.respondents.count(),
        "exclusions": round_.exclusions.count(),
        "waiting": _waiting_for_extract(),
    }
    return render(request, "surveys/rounds/national_edit.html", context)


class LbuChoiceForm(forms.Form):
    participates = forms.TypedChoiceField(
        choices=[("1", gettext_lazy("Yes")), ("0", gettext_lazy("No"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )


@county_view
def county_lbu_choice(request: HttpRequest, county: County, year: int) -> HttpResponse:
    """The county's choice to run LBU this year (R-L2), open until the correction deadline."""
    round_ = get_object_or_404(Round, year=year, kind=SurveyKind.LBU)
    choice = lbu_choice_of(round_, county)
    exists = county.exists_in(year)
    is_open = exists and lbu_choice_open(round_)
    current = choice.participates if choice is not None else True
    form = LbuChoiceForm(request.POST or None, initial={"participates": "1" if current else "0"})
    if request.method == "POST" and form.is_valid():
        try:
            round_county_set_lbu(round_, county, participates=form.cleaned_data["participates"])
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("Your choice was saved."))
        return redirect("county_lbu_choice", code=county.code, year=year)
    context = {
        "county": county,
        "round": round_,
        "form": form,
        "current": current,
        "is_open": is_open,
        "exists": exists,
        "deadline": oslo_now(round_.correction_deadline),
    }
    return render(request, "surveys/rounds/county_lbu_choice.html", context)
