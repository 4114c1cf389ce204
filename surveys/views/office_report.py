"""The training office answers its own ÅR in the portal (R-D2), each reporting question beside
a summary of what its member companies answered to the documentation questions (R-L4)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from portal.accounts.access import office_view
from portal.lib.downloads import attachment
from portal.models import TrainingOffice
from surveys.annual_reports import members_answered
from surveys.answer_forms import AnswerForm
from surveys.models import Respondent, RespondentRole, SurveyKind
from surveys.plausibility import plausibility_warnings
from surveys.services.answering import (
    MissingAnswers,
    NotAllowed,
    State,
    answer_label,
    answers_submit,
    draft_of,
    draft_save,
    office_member_summaries,
    respondent_state,
    survey_load,
)
from surveys.services.ar_followup import receipt_pdf
from surveys.tasks import ar_receipt, mail_queue


def office_ar_respondent(office: TrainingOffice) -> Respondent | None:
    """The office's own ÅR respondent of the newest round it is in."""
    return (
        Respondent.objects.filter(
            round__kind=SurveyKind.AR, role=RespondentRole.OFFICE, training_office=office
        )
        .select_related("round__questionnaire", "draft")
        .order_by("-round__year")
        .first()
    )


@office_view
def office_annual_report(request: HttpRequest, office: TrainingOffice) -> HttpResponse:
    respondent = office_ar_respondent(office)
    if respondent is None:
        return render(request, "surveys/office_report/annual_report.html", {"office": office})
    state = respondent_state(respondent)
    survey = survey_load(respondent)
    draft = draft_of(respondent)
    saved = draft.answers if draft is not None else {}
    questions = survey.questions
    form = None
    if state == State.OPEN:
        action = request.POST.get("action", "save")
        form = AnswerForm(
            questions,
            kind=survey.kind,
            require=request.method == "POST" and action == "submit",
            answers=saved,
            data=request.POST if request.method == "POST" else None,
        )
        if request.method == "POST" and form.is_valid():
            draft_save(respondent, form.answers(), codes=[q.code for q in questions], page=1)
            if action != "submit":
                messages.success(request, _("Your answers are saved."))
                return redirect("office_annual_report", office.orgnr)
            try:
                answers_submit(survey, user=request.user)
            except (MissingAnswers, NotAllowed):
                # Another person in the office submitted, or the questionnaire changed, meanwhile.
                messages.error(request, _("The answers could not be submitted. Check the page."))
            else:
                mail_queue(ar_receipt, respondent.pk)
                messages.success(request, _("Årlig rapportering has been submitted. Thank you."))
            return redirect("office_annual_report", office.orgnr)
    submitted = None
    if state == State.SUBMITTED:
        answer = respondent.identified_responses.select_related("submitted_by").first()
        if answer is not None:
            submitted = {
                "answer": answer,
                "rows": [(q, answer_label(q, answer.answers.get(q.code))) for q in questions],
            }
    summaries = office_member_summaries(respondent, questions)
    members, members_done = members_answered(respondent)
    warnings = (
        plausibility_warnings(survey.questionnaire.checks, saved, get_language() or "nb")
        if state == State.OPEN
        else []
    )
    return render(
        request,
        "surveys/office_report/annual_report.html",
        {
            "office": office,
            "respondent": respondent,
            "round": respondent.round,
            "state": state,
            "survey": survey,
            "form": form,
            "entries": form.entries(summaries) if form is not None else [],
            "submitted": submitted,
            "members": members,
            "members_answered": members_done,
            "warnings": warnings,
        },
    )


@office_view
@require_GET
def office_annual_report_receipt(request: HttpRequest, office: TrainingOffice) -> HttpResponse:
    """The office's receipt: its submitted ÅR answers as a PDF."""
    respondent = office_ar_respondent(office)
    if respondent is None or respondent.answered_at is None:
        raise Http404
    return attachment(
        receipt_pdf(respondent),
        "application/pdf",
        f"kvittering-arlig-rapportering-{respondent.round.year}-{office.orgnr}.pdf",
    )
