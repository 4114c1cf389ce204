"""The dispatch pages of a county or a training office. Every view is reached through
portal.accounts.access (county_view / office_view), which answers 404 outside the user's
organisations; a dispatch is looked up among the sender's own only."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dispatch.audience import Sender
from dispatch.backends import recording_active
from dispatch.forms import DispatchForm, GatheringFilterForm
from dispatch.models import Dispatch, DispatchState, Purpose
from dispatch.selectors import (
    dispatch_of_sender,
    dispatch_progress,
    failure_reasons,
    gathering_candidates,
    gathering_choices,
    recorded_for_sender,
    round_history,
    skip_reasons,
)
from dispatch.services.dispatches import (
    AlreadyOrdered,
    DispatchRefused,
    dispatch_cancel,
    dispatch_counts,
    dispatch_create,
    dispatch_queue_waiting,
)
from dispatch.services.gathering import gathering_ends, gathering_sheet
from dispatch.services.order_rules import DispatchRequest
from dispatch.services.preview import dispatch_plan
from dispatch.services.quotas import quota_left, quota_limit, quotas_used
from dispatch.services.reminder_proposals import reminder_suggest
from dispatch.services.retries import failures_retry, retryable_failures
from dispatch.targeting import group_choices
from portal.accounts.access import Need, PortalRequest, county_view, office_view
from portal.lib.client import site_url
from portal.lib.oslo import oslo_today
from portal.models import County, TrainingOffice
from surveys.models import Round, SurveyKind
from surveys.rate_tables import scope_counts, scope_totals
from surveys.selectors import kind_from_slug, kind_slug, round_years, sending_order

HTMX_STOP_POLLING = 286


def _county(view: Callable) -> Callable:
    @county_view(needs=Need.SEND)
    @wraps(view)
    def wrapper(request: HttpRequest, county: County, *args: Any, **kwargs: Any) -> HttpResponse:
        return view(request, Sender(county=county), *args, **kwargs)

    return wrapper


def _office(view: Callable) -> Callable:
    @office_view(needs=Need.SEND)
    @wraps(view)
    def wrapper(
        request: HttpRequest, office: TrainingOffice, *args: Any, **kwargs: Any
    ) -> HttpResponse:
        return view(request, Sender(office=office), *args, **kwargs)

    return wrapper


def both(view: Callable) -> tuple[Callable, Callable]:
    return _county(view), _office(view)


def _base(sender: Sender) -> dict[str, Any]:
    return {
        "sender": sender,
        "org_name": sender.org_name,
        "home_url": sender.route("dashboard"),
        "recorded_url": sender.route("dispatch_recorded") if recording_active() else "",
    }


def _rounds(year: int) -> list[Round]:
    rounds = Round.objects.filter(year=year).select_related("questionnaire")
    return sorted(rounds, key=lambda r: sending_order(r.kind))


@require_GET
def dispatches_latest(request: HttpRequest, sender: Sender) -> HttpResponse:
    years = round_years()
    year = years[0] if years else oslo_today().year
    return redirect(sender.route("dispatches", year))


@require_GET
def dispatches_year(request: HttpRequest, sender: Sender, year: int) -> HttpResponse:
    urls = sender.route
    surveys = []
    rounds = _rounds(year)
    used = quotas_used(rounds, sender)
    for round_ in rounds:
        # The response-rate pages' own total, hidden as they hide it.
        totals = scope_totals(scope_counts(round_, county=sender.county, office=sender.office))
        history = round_history(round_, sender)
        for row in history:
            row.url = urls("dispatch", row.dispatch.pk) if row.own else ""  # type: ignore[attr-defined]  # for the template
        # A dispatch cancelled before anything went is listed apart: it reached nobody.
        cancelled = [row for row in history if row.reached_nobody]
        history = [row for row in history if not row.reached_nobody]
        surveys.append(
            {
                "round": round_,
                "sampled": totals.sampled,
                "answered": totals.answered,
                "counts_hidden": totals.hidden,
                "hidden_why": totals.why,
                "sms_used": used.get(round_.pk, 0),
                "sms_limit": quota_limit(round_, sender),
                "history": history,
                "cancelled": cancelled,
                "new_url": urls("dispatch_new", year, kind_slug(round_.kind)),
                "own_words_url": urls("own_words", kind_slug(round_.kind)),
                "gathering_url": urls("gathering", year)
                if not sender.is_county and round_.kind == SurveyKind.LU
                else "",
            }
        )
    context = _base(sender) | {
        "year": year,
        "years": round_years(),
        "surveys": surveys,
        "threshold": settings.REPORTING_THRESHOLD,
    }
    context["year_urls"] = [(y, urls("dispatches", y)) for y in context["years"]]
    return render(request, "dispatch/year.html", context)


def _last_language(sender: Sender) -> str:
    """The sender's own choice is remembered: the language of its latest dispatch."""
    last = Dispatch.objects.filter(**sender.filter).order_by("-created_at").first()
    return last.language if last else "nb"


@require_http_methods(["GET", "POST"])
def dispatch_new(request: PortalRequest, sender: Sender, year: int, kind: str) -> HttpResponse:
    survey = kind_from_slug(kind)
    if survey is None:
        raise Http404
    round_ = get_object_or_404(Round, year=year, kind=survey)
    lbu = survey == SurveyKind.LBU
    form = DispatchForm(
        request.POST or None,
        lbu=lbu,
        groups=group_choices(round_, sender),
        initial={"language": _last_language(sender)},
    )
    plan = None
    if request.method == "POST" and form.is_valid():
        dispatch_request = DispatchRequest(
            round=round_,
            sender=sender,
            purpose=form.cleaned_data["purpose"],
            by_email=form.cleaned_data["by_email"],
            by_sms=form.cleaned_data["by_sms"],
            language=form.cleaned_data["language"],
            send_at=form.send_at(),
            override_spacing=form.cleaned_data["override_spacing"],
            beyond_rule_of_thumb=form.cleaned_data["beyond_rule_of_thumb"],
            leave_out_ar_same_day=form.cleaned_data.get("leave_out_ar_same_day", False),
            order_key=form.cleaned_data.get("order_key"),
            targeting=form.targeting(),
        )
        if "send" in request.POST:
            try:
                dispatch = dispatch_create(
                    dispatch_request, user=request.user, http_request=request
                )
            except AlreadyOrdered as ordered:
                messages.info(request, ordered.messages[0])
                return redirect(sender.route("dispatch", ordered.dispatch.pk))
            except ValidationError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("The dispatch was ordered."))
                return redirect(sender.route("dispatch", dispatch.pk))
        plan = dispatch_plan(dispatch_request)
        for message in plan.errors:
            form.add_error(None, message)
        if "confirm" in request.POST and not plan.errors and plan.recipients:
            return _confirm_page(request, sender, round_, form, plan)
    context = _base(sender) | {
        "round": round_,
        "form": form,
        "plan": plan,
        # The reminder planner's proposal (R-D6, R-D8): here, where the next one is ordered.
        "suggestion": reminder_suggest(round_, sender),
        "now": timezone.now(),
        "back_url": sender.route("dispatches", year),
        "own_words_url": sender.route("own_words", kind),
    }
    return render(request, "dispatch/new.html", context)


def _confirm_page(
    request: PortalRequest, sender: Sender, round_: Round, form: DispatchForm, plan: Any
) -> HttpResponse:
    """The second step: what the dispatch will do, said again, before the one button that
    sends. The form's fields (its one-time key with them) ride along hidden."""
    context = _base(sender) | {
        "round": round_,
        "form": form,
        "plan": plan,
        "now": timezone.now(),
        "sms_used": quotas_used([round_], sender).get(round_.pk, 0),
        "back_url": sender.route("dispatches", round_.year),
    }
    return render(request, "dispatch/confirm.html", context)


@require_GET
def dispatch_detail(request: PortalRequest, sender: Sender, pk: int) -> HttpResponse:
    dispatch = dispatch_of_sender(sender, pk)
    urls = sender.route
    counts = dispatch_counts(dispatch)
    running = dispatch.state in (DispatchState.SCHEDULED, DispatchState.SENDING)
    context = _base(sender) | {
        "dispatch": dispatch,
        "counts": counts,
        "running": running,
        "queue_waiting": running and dispatch_queue_waiting(dispatch),
        "skips": skip_reasons(dispatch) if not dispatch.counts_kept else [],
        "progress": dispatch_progress(dispatch, counts),
        "failures": failure_reasons(dispatch) if not dispatch.hides_outcome else [],
        "retryable": 0 if running else retryable_failures(dispatch).count(),
        "retry_key": uuid.uuid4(),
        "retry_url": urls("dispatch_retry", pk),
        "detail_url": urls("dispatch", pk),
        "cancel_url": urls("dispatch_cancel", pk),
        "back_url": urls("dispatches", dispatch.round.year),
    }
    if request.htmx:
        response = render(request, "dispatch/_progress.html", context)
        if not running:
            response.status_code = HTMX_STOP_POLLING
        return response
    return render(request, "dispatch/detail.html", context)


@require_http_methods(["GET", "POST"])
def dispatch_cancel_view(request: PortalRequest, sender: Sender, pk: int) -> HttpResponse:
    """GET asks first (what would be cancelled); the page's POST cancels."""
    dispatch = dispatch_of_sender(sender, pk)
    if request.method == "GET":
        counts = dispatch_counts(dispatch)
        context = _base(sender) | {
            "dispatch": dispatch,
            "counts": counts,
            "running": dispatch.state in (DispatchState.SCHEDULED, DispatchState.SENDING),
            "cancel_url": sender.route("dispatch_cancel", pk),
            "detail_url": sender.route("dispatch", pk),
        }
        return render(request, "dispatch/cancel.html", context)
    try:
        cancelled = dispatch_cancel(dispatch, user=request.user, http_request=request)
    except DispatchRefused as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The dispatch was cancelled; %(n)s messages were not sent.") % {"n": cancelled},
        )
    return redirect(sender.route("dispatch", pk))


@require_POST
def dispatch_retry_view(request: PortalRequest, sender: Sender, pk: int) -> HttpResponse:
    """ "Try again" on the failures where that is safe; one form, one retry."""
    dispatch = dispatch_of_sender(sender, pk)
    key = _posted_key(request)
    if key is None:
        messages.error(request, _("The form has expired. Load the page again and try again."))
        return redirect(sender.route("dispatch", pk))
    count, done = failures_retry(dispatch, key=key, user=request.user, http_request=request)
    if done:
        messages.success(request, _("%(n)s failed messages are being sent again.") % {"n": count})
    else:
        messages.info(request, _("These messages were already sent again."))
    return redirect(sender.route("dispatch", pk))


# --- Gathering mode (R-D13) -----------------------------------------------------------------


def _lu_round(year: int) -> Round:
    return get_object_or_404(Round, year=year, kind=SurveyKind.LU)


def _posted_key(request: HttpRequest) -> uuid.UUID | None:
    """The one-time key a posted page carried (as DispatchForm's order_key)."""
    try:
        return uuid.UUID(request.POST.get("order_key", ""))
    except ValueError:
        return None


@require_http_methods(["GET", "POST"])
def gathering(request: PortalRequest, sender: Sender, year: int) -> HttpResponse:
    if sender.is_county:
        raise Http404
    round_ = _lu_round(year)
    urls = sender.route
    trades, companies = gathering_choices(round_, sender)
    data = request.GET if request.method == "GET" else request.POST
    filters = GatheringFilterForm(data or None, trades=trades, companies=companies)
    trade = filters.data.get("trade", "") if filters.is_bound else ""
    company = filters.data.get("company", "") if filters.is_bound else ""
    people = list(gathering_candidates(round_, sender, trade=trade, company=company))
    order_key = _posted_key(request) if request.method == "POST" else None
    context = _base(sender) | {
        "order_key": order_key or uuid.uuid4(),
        "round": round_,
        "filters": filters,
        "people": people,
        "back_url": urls("dispatches", year),
        "sms_left": quota_left(round_, sender),
        "code_page": site_url(reverse("respond_code")),
    }
    if request.method == "POST":
        chosen = {int(v) for v in request.POST.getlist("respondent") if v.isdigit()}
        allowed = {p.pk for p in people}
        chosen &= allowed
        if not chosen:
            messages.error(request, _("Choose at least one apprentice."))
        elif request.POST.get("action") == "print":
            context["sheet"] = gathering_sheet(
                round_, sender, chosen, user=request.user, http_request=request
            )
            context["valid_until"] = gathering_ends()
            return render(request, "dispatch/gathering_sheet.html", context)
        else:
            channel = request.POST.get("channel", "email")
            try:
                dispatch = dispatch_create(
                    DispatchRequest(
                        round=round_,
                        sender=sender,
                        purpose=Purpose.GATHERING,
                        by_email=channel in ("email", "both"),
                        by_sms=channel in ("sms", "both"),
                        language=_last_language(sender),
                        respondent_ids=frozenset(chosen),
                        order_key=order_key,
                    ),
                    user=request.user,
                    http_request=request,
                )
            except AlreadyOrdered as ordered:
                messages.info(request, ordered.messages[0])
                return redirect(urls("dispatch", ordered.dispatch.pk))
            except ValidationError as error:
                for message in error.messages:
                    messages.error(request, message)
            else:
                messages.success(request, _("The links are being sent."))
                return redirect(urls("dispatch", dispatch.pk))
    # No count of answers here: a count that moves while the office watches one apprentice
    # press "send" tells who answered, whatever the size of the group.
    return render(request, "dispatch/gathering.html", context)


# --- What the recording backends kept -------------------------------------------------------

_LINK = re.compile(r"/s/[0-9a-z]{26}/")


@require_GET
def recorded(request: HttpRequest, sender: Sender) -> HttpResponse:
    if not recording_active():
        raise Http404
    rows = recorded_for_sender(sender)
    for row in rows:
        found = _LINK.search(row.text)
        row.path = found.group(0) if found else ""  # type: ignore[attr-defined]  # for the template
    return render(request, "dispatch/recorded.html", _base(sender) | {"rows": rows})


county_dispatches_latest, office_dispatches_latest = both(dispatches_latest)
county_dispatches, office_dispatches = both(dispatches_year)
county_dispatch_new, office_dispatch_new = both(dispatch_new)
county_dispatch, office_dispatch = both(dispatch_detail)
county_dispatch_cancel, office_dispatch_cancel = both(dispatch_cancel_view)
county_dispatch_retry, office_dispatch_retry = both(dispatch_retry_view)
county_recorded, office_recorded = both(recorded)
office_gathering = _office(gathering)
