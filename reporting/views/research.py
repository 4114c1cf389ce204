from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import PortalRequest, national_view
from portal.lib.downloads import attachment
from reporting.models import ResearchProject
from reporting.services.research import (
    exportable_rounds,
    research_export,
    research_project_register,
)


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project"), max_length=200)
    institution = forms.CharField(label=_("Institution"), max_length=200)
    researcher_name = forms.CharField(label=_("Researcher"), max_length=200)
    researcher_email = forms.EmailField(label=_("Researcher's e-mail address"))
    declaration_signed_on = forms.DateField(
        label=_("Date the confidentiality declaration was signed"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )


class ExportForm(forms.Form):
    round = forms.ModelChoiceField(label=_("Survey and year"), queryset=exportable_rounds())


@national_view
def projects(request: PortalRequest) -> HttpResponse:
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = research_project_register(user=request.user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error("declaration_signed_on", error)
        else:
            messages.success(request, _("The project was registered."))
            return redirect("research_project", project.pk)
    return render(
        request,
        "reporting/research_projects.html",
        {"form": form, "projects": ResearchProject.objects.all()},
    )


@national_view
def project(request: PortalRequest, pk: int) -> HttpResponse:
    found = get_object_or_404(ResearchProject, pk=pk)
    form = ExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        round_ = form.cleaned_data["round"]
        try:
            content, _export = research_export(project=found, round_=round_, user=request.user)
        except ValidationError as error:
            form.add_error("round", error)
        else:
            return attachment(
                content,
                "text/csv; charset=utf-8",
                f"forskning-{found.pk}-{round_.kind.lower()}-{round_.year}.csv",
            )
    return render(
        request,
        "reporting/research_project.html",
        {
            "project": found,
            "form": form,
            "exports": found.exports.select_related("round", "exported_by"),
        },
    )
