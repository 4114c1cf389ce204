"""The respondent's pages, reached through a personal link without logging in.

Every page works without JavaScript: plain forms, POST-redirect-GET, one section per page.
Every page saves what it holds, whichever button is pressed, so nothing is lost going back."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from portal.lib.client import language_codes
from portal.lib.downloads import attachment
from surveys.answer_forms import AnswerForm, field_anchor
from surveys.i18n import localized
from surveys.models import CodeDraft, Draft, Respondent, RespondentLink, SurveyKind
from surveys.plausibility import plausibility_warnings
from surveys.respondent_session import (
    session_browser_key,
    session_end,
    session_link_id,
    session_start,
)
from surveys.services.answering import (
    MissingAnswers,
    NotAllowed,
    State,
    Survey,
    answers_missing,
    answers_submit,
    consent_give,
    consent_refuse,
    draft_of,
    draft_save,
    landing_page,
    office_member_summaries,
    respondent_current,
    respondent_language_remember,
    respondent_state,
    survey_load,
)
from surveys.services.ar_followup import receipt_pdf
from surveys.services.code_answering import (
    browser_key_new,
    code_answers_submit,
    code_draft,
    code_draft_save,
    code_state,
)
from surveys.services.links import (
    code_normalise,
    link_by_id,
    link_find,
    miss_record,
    misses_exceeded,
    respondent_form_key,
)
from surveys.tasks import ar_receipt, mail_queue

# --- Reaching a respondent through the link --------------------------------------------------


class Visit:
    """One request of a respondent's session: the link it holds, and the respondent that link
    leads to now."""

    def __init__(self, link: RespondentLink, browser_key: str = "") -> None:
        self.link = link
        self.respondent = respondent_current(link.respondent)
        # A gathering code's draft is this browser's own (surveys/services/code_answering.py).
        self.browser_key = browser_key if link.gathering else ""

    @property
    def is_code(self) -> bool:
        return self.link.gathering

    def draft_answers(self) -> dict[str, Any]:
        draft: CodeDraft | Draft | None
        if self.is_code:
            draft = code_draft(self.link, self.browser_key)
        else:
            draft = draft_of(self.respondent)
        return draft.answers if draft is not None else {}

    def state(self) -> State:
        if self.is_code:
            return code_state(self.link, self.respondent, self.browser_key)
        return respondent_state(self.respondent, self.link)

    def landing_page(self, survey: Survey) -> int:
        if self.is_code:
            draft = code_draft(self.link, self.browser_key)
            if draft is None:
                return 0 if survey.has_intro else 1
            return max(1, min(draft.page, survey.send_page))
        return landing_page(survey)

    def save(self, answers: dict[str, Any], *, codes: list[str], page: int) -> None:
        if self.is_code:
            code_draft_save(self.link, self.browser_key, answers, codes=codes, page=page)
        else:
            draft_save(self.respondent, answers, codes=codes, page=page)

    def submit(self, survey: Survey) -> None:
        if self.is_code:
            code_answers_submit(survey, self.link, self.browser_key)
        else:
            answers_submit(survey)

    def url(self, name: str, *args: Any) -> str:
        return reverse(name, args=list(args))

    @property
    def url_entry(self) -> str:
        return self.url("respond_entry")

    @property
    def url_start(self) -> str:
        return self.url("respond_start")

    @property
    def form_key(self) -> str:
        """Sent with every form: a page left open from another link is not saved into this
        one."""
        if self.is_code:
            return respondent_form_key(f"{self.respondent.pk}.code.{self.link.pk}")
        return respondent_form_key(self.respondent.pk)

    @property
    def unit_name(self) -> str:
        """ÅR is answered for a named company or office, which the page shows (ÅR is not
        anonymous, R-L3); LU and LBU show no unit."""
        respondent = self.respondent
        if respondent.round.kind != SurveyKind.AR:
            return ""
        if respondent.company is not None:
            return respondent.company.name
        if respondent.training_office is not None:
            return respondent.training_office.name
        return ""


RespondentView = Callable[..., HttpResponse]


def _rate_limited(request: HttpRequest, retry_after: int) -> HttpResponse:
    response = render(
        request,
        "surveys/respond/rate_limited.html",
        {"minutes": max(1, (retry_after + 59) // 60)},
        status=429,
    )
    response["Retry-After"] = str(retry_after)
    return response


def _private(response: HttpResponse) -> HttpResponse:
    add_never_cache_headers(response)
    response["X-Robots-Tag"] = "noindex"
    return response


def respond_link(request: HttpRequest, token: str) -> HttpResponse:
    """Where the personal link leads: the link goes into the session, and the browser on to
    an address without the token. A valid token is never refused; wrong ones count towards
    the rate limit of the address."""
    link = link_find(token)
    if link is None:
        retry_after = misses_exceeded(request)
        if retry_after is not None:
            return _rate_limited(request, retry_after)
        miss_record(request)
        raise Http404
    return _session_open(request, link)


def _session_open(request: HttpRequest, link: RespondentLink) -> HttpResponse:
    """Into the survey with the link in the session. A gathering code gets a key for this
    browser's own draft, kept when the same browser opens the same code again."""
    response = _private(redirect("respond_entry"))
    browser_key = ""
    if link.gathering:
        browser_key = session_browser_key(request, link.pk) or browser_key_new()
    session_start(response, link.pk, browser_key)
    return response


def respondent_page(view: RespondentView) -> RespondentView:
    """Finds the session's link, or asks for the link again, and shows the page that tells the
    respondent what to do when the survey cannot be answered now."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        link_id = session_link_id(request)
        link = link_by_id(link_id) if link_id is not None else None
        browser_key = session_browser_key(request, link.pk) if link is not None else ""
        if link is None or (link.gathering and not browser_key):
            response = render(request, "surveys/respond/no_session.html", status=403)
            session_end(response)
            return _private(response)
        visit = Visit(link, browser_key)
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if chosen in language_codes():
            respondent_language_remember({link.respondent, visit.respondent}, chosen)
        state = visit.state()
        if state != State.OPEN:
            response = _state_page(request, visit, state)
        elif request.method == "POST" and request.POST.get("respondent") != visit.form_key:
            messages.warning(
                request,
                _(
                    "That page was from another survey than the one open in this browser now, "
                    "so its answers were not saved. The survey open now is the one of the link "
                    "you opened last."
                ),
            )
            response = redirect("respond_entry")
        else:
            response = view(request, visit, *args, **kwargs)
        session_start(response, link.pk, visit.browser_key)  # renewed on every page
        return _private(response)

    return wrapper


def _state_page(request: HttpRequest, visit: Visit, state: State) -> HttpResponse:
    respondent = visit.respondent
    return render(
        request,
        "surveys/respond/state.html",
        {
            "state": state,
            "round": respondent.round,
            "title": respondent.round.questionnaire.localized_title,
            "anonymous": respondent.round.kind != SurveyKind.AR,
            "visit": visit,
        },
        status=410 if state == State.EXPIRED else 200,
    )


def _page_url(visit: Visit, survey: Survey, page: int) -> str:
    if page <= 0:
        return visit.url("respond_start")
    if page > survey.page_count:
        return visit.url("respond_send")
    return visit.url("respond_section", page)


def _context(visit: Visit, survey: Survey, **extra: Any) -> dict[str, Any]:
    return {
        "visit": visit,
        "survey": survey,
        "title": survey.questionnaire.localized_title,
        "round": survey.respondent.round,
        **extra,
    }


# --- The pages -------------------------------------------------------------------------------


@respondent_page
def respond_entry(request: HttpRequest, visit: Visit) -> HttpResponse:
    """Where the link leads: the start, or the page the respondent left."""
    survey = survey_load(visit.respondent)
    return redirect(_page_url(visit, survey, visit.landing_page(survey)))


class ConsentForm(forms.Form):
    consent = forms.ChoiceField(
        label=gettext_lazy("Do you agree to take part in Lærebedriftsundersøkelsen?"),
        choices=[
            ("yes", gettext_lazy("Yes, I agree")),
            ("no", gettext_lazy("No, I do not want to take part")),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": gettext_lazy("Choose whether you want to take part.")},
    )


@respondent_page
def respond_start(request: HttpRequest, visit: Visit) -> HttpResponse:
    """The information letter (R-L9); for LBU with the consent question (R-L5)."""
    survey = survey_load(visit.respondent)
    respondent = visit.respondent
    form = None
    if survey.kind == SurveyKind.LBU:
        initial = {"consent": "yes"} if respondent.consent_given_at else {}
        form = ConsentForm(request.POST if request.method == "POST" else None, initial=initial)
        if request.method == "POST" and form.is_valid():
            if form.cleaned_data["consent"] == "yes":
                consent_give(respondent)
                return redirect(_page_url(visit, survey, max(1, landing_page(survey))))
            consent_refuse(respondent)
            return redirect(visit.url("respond_no_consent"))
    elif not survey.has_intro:
        return redirect(_page_url(visit, survey, 1))
    return render(
        request,
        "surveys/respond/start.html",
        _context(
            visit,
            survey,
            form=form,
            letter=localized(survey.questionnaire.information_letter),
            first_page=_page_url(visit, survey, 1),
        ),
    )


@respondent_page
def respond_no_consent(request: HttpRequest, visit: Visit) -> HttpResponse:
    """After saying no to LBU: nothing was stored, and the link still works to change one's
    mind."""
    survey = survey_load(visit.respondent)
    if survey.kind != SurveyKind.LBU or not survey.needs_consent:
        return redirect(visit.url("respond_entry"))
    return render(request, "surveys/respond/no_consent.html", _context(visit, survey))


@respondent_page
def respond_section(request: HttpRequest, visit: Visit, number: int) -> HttpResponse:
    survey = survey_load(visit.respondent)
    if survey.needs_consent:
        return redirect(visit.url("respond_start"))
    if not 1 <= number <= survey.page_count:
        return redirect(visit.url("respond_entry"))
    section = survey.sections[number - 1]
    saved = visit.draft_answers()
    if request.method == "POST":
        action = request.POST.get("action", "next")
        form = AnswerForm(
            section.questions,
            kind=survey.kind,
            require=action == "next",
            answers=saved,
            data=request.POST,
        )
        if form.is_valid():
            target = {"next": number + 1, "back": number - 1}.get(action, number)
            visit.save(
                form.answers(),
                codes=[q.code for q in section.questions],
                page=max(1, target),
            )
            if action == "later":
                return redirect(visit.url("respond_saved"))
            if target < 1 and not survey.has_intro:
                target = 1
            return redirect(_page_url(visit, survey, target))
    else:
        form = AnswerForm(section.questions, kind=survey.kind, answers=saved)
    summaries = office_member_summaries(visit.respondent, section.questions)
    return render(
        request,
        "surveys/respond/section.html",
        _context(visit, survey, section=section, form=form, entries=form.entries(summaries)),
    )


def respond_receipt(request: HttpRequest) -> HttpResponse:
    """The receipt of a submitted ÅR answer as a PDF: what the county has received. Reached
    from the page that says the answers are submitted, so it needs the session's link but not
    an open survey."""
    link_id = session_link_id(request)
    link = link_by_id(link_id) if link_id is not None else None
    if link is None or link.gathering:
        raise Http404
    respondent = respondent_current(link.respondent)
    if respondent.round.kind != SurveyKind.AR:
        # A company's ÅR link goes on to its LBU (R-D9): the receipt is of the ÅR before it.
        respondent = Respondent.objects.filter(continues_to=respondent).first() or respondent
    if respondent.round.kind != SurveyKind.AR or respondent.answered_at is None:
        raise Http404
    return _private(
        attachment(
            receipt_pdf(respondent),
            "application/pdf",
            f"kvittering-arlig-rapportering-{respondent.round.year}.pdf",
        )
    )


@respondent_page
def respond_saved(request: HttpRequest, visit: Visit) -> HttpResponse:
    survey = survey_load(visit.respondent)
    return render(request, "surveys/respond/saved.html", _context(visit, survey))


@respondent_page
def respond_send(request: HttpRequest, visit: Visit) -> HttpResponse:
    """The last page: what has been answered, what is missing, and whether the answers will be
    anonymous (LU, LBU) or not (ÅR)."""
    survey = survey_load(visit.respondent)
    if survey.needs_consent:
        return redirect(visit.url("respond_start"))
    saved = visit.draft_answers()
    missing = answers_missing(survey, saved)
    if request.method == "POST":
        try:
            visit.submit(survey)
        except MissingAnswers as exc:
            missing = exc.questions
        except NotAllowed:
            return redirect(visit.url("respond_entry"))
        else:
            if survey.kind == SurveyKind.AR:
                mail_queue(ar_receipt, visit.respondent.pk)
            if survey.kind == SurveyKind.AR and visit.respondent.continues_to_id:
                messages.success(
                    request,
                    _(
                        "Thank you. Årlig rapportering has been submitted. Next comes "
                        "Lærebedriftsundersøkelsen."
                    ),
                )
            return redirect(visit.url("respond_entry"))
    sections = [
        {
            "section": s,
            "answered": sum(1 for q in s.questions if q.code in saved),
            "total": len(s.questions),
            "missing": [
                (q, f"{_page_url(visit, survey, s.number)}#{field_anchor(q)}")
                for q in missing
                if q.section_id == s.section.pk
            ],
        }
        for s in survey.sections
    ]
    return render(
        request,
        "surveys/respond/send.html",
        _context(
            visit,
            survey,
            sections=sections,
            warnings=_warnings(visit, survey, saved),
            missing=missing,
            posted=request.method == "POST",
            last_page=_page_url(visit, survey, survey.page_count),
        ),
    )


def _warnings(visit: Visit, survey: Survey, saved: dict[str, Any]) -> list[dict[str, Any]]:
    """ÅR's plausibility warnings, each with links to the questions to look at."""
    if survey.is_anonymous:
        return []
    found = plausibility_warnings(survey.questionnaire.checks, saved, get_language() or "nb")
    if not found:
        return []
    where = {
        q.code: (q, f"{_page_url(visit, survey, s.number)}#{field_anchor(q)}")
        for s in survey.sections
        for q in s.questions
    }
    return [
        {"message": w.message, "questions": [where[c] for c in w.questions if c in where]}
        for w in found
    ]


# --- The personal code typed from a sheet or letter -----------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Personal code"),
        help_text=gettext_lazy(
            "The code is printed on your letter or sheet. Letters and numbers; spaces and "
            "hyphens do not matter."
        ),
        max_length=64,
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"}
        ),
        error_messages={"required": gettext_lazy("Type the code from your letter.")},
    )


def respond_code(request: HttpRequest) -> HttpResponse:
    """A public page to type the personal code. A right code is never refused; wrong ones
    count towards the rate limit."""
    form = CodeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        link = link_find(code_normalise(form.cleaned_data["code"]))
        if link is not None:
            return _session_open(request, link)
        retry_after = misses_exceeded(request)
        if retry_after is not None:
            return _rate_limited(request, retry_after)
        miss_record(request)
        form.add_error(
            "code", _("We found no survey with that code. Check the code and try again.")
        )
    response = render(request, "surveys/respond/code.html", {"form": form})
    add_never_cache_headers(response)
    return response
