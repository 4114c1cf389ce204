"""The follow-up list with the decisions on it: each finding links to its table, and the county
or office records what it decided to do about it (measure, responsible, due date, status); last
year's decisions are shown beside the same index."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from portal.models import User
from reporting.figures import HIDDEN_EXPLANATION
from reporting.followup import FollowUp, follow_up_list
from reporting.models import Decision, DecisionStatus
from reporting.scopes import ResultScope
from reporting.services.decisions import (
    DecisionInput,
    decision_add,
    decision_status_set,
    decisions_by_item,
)
from reporting.templatetags.results import decimal1, mean
from reporting.views.common import publication_or_404, survey_kind
from reporting.views.links import RoundLinks


@dataclass
class Finding:
    section: str  # "shortfall", "deviation" or "signal"
    item: str  # the published item's code
    text: str
    url: str  # the table the finding comes from
    source: Any  # the follow-up list's entry, for the template's own columns
    decisions: list[Decision] = field(default_factory=list)
    last_year: list[Decision] = field(default_factory=list)
    key: str = ""  # unique on the page, for the form's field ids


def _text(*parts: object) -> str:
    return strip_tags(" ".join(str(p) for p in parts))


def findings_of(
    followup: FollowUp,
    links: RoundLinks,
    decisions: dict[str, list[Decision]],
    last_year: dict[str, list[Decision]],
) -> list[Finding]:
    found: list[Finding] = []
    for s in followup.shortfalls:
        against = _("against the target") if s.against == "target" else _("against last year's")
        text = _text(f"{s.row.item.label}:", mean(s.row.figure), against, decimal1(s.reference))
        found.append(Finding("shortfall", s.row.item.code, text, links.item(s.row.item.slug), s))
    for d in followup.deviations:
        text = _text(f"{d.group}: {d.label} – {d.item.label}:", mean(d.figure))
        found.append(Finding("deviation", d.item.code, text, links.item(d.item.slug), d))
    for sig in followup.signals:
        text = _text(f"{sig.label} – {sig.item.label}:", mean(sig.figure))
        found.append(Finding("signal", sig.item.code, text, links.item(sig.item.slug), sig))
    for number, finding in enumerate(found):
        finding.key = f"{finding.section}-{number}"
        finding.decisions = decisions.get(finding.item, [])
        finding.last_year = last_year.get(finding.item, [])
    return found


def _date(raw: str) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError as error:
        raise ValidationError({"frist": _("Write the date as dd.mm.yyyy.")}) from error


def _post(request: HttpRequest, scope: ResultScope, year: int, kind: str) -> dict[str, str]:
    """Applies the form; returns the errors by field name, none when it was applied."""
    user = request.user if isinstance(request.user, User) else None
    if request.POST.get("action") == "status":
        decision_id = request.POST.get("vedtak", "")
        status = request.POST.get("status", "")
        if not decision_id.isdigit() or not decision_status_set(scope, int(decision_id), status):
            return {"status": _("The decision was not found.")}
        return {}
    try:
        data = DecisionInput(
            item=request.POST.get("funn", ""),
            finding=request.POST.get("funn_tekst", ""),
            measure=request.POST.get("tiltak", ""),
            owner=request.POST.get("ansvarlig", ""),
            due=_date(request.POST.get("frist", "")),
        )
        decision_add(scope, year, survey_kind(kind), data, user=user)
    except ValidationError as error:
        return {name: " ".join(messages) for name, messages in error.message_dict.items()}
    return {}


@require_http_methods(["GET", "POST"])
def followup_page(request: HttpRequest, scope: ResultScope, year: int, kind: str) -> HttpResponse:
    publication = publication_or_404(year, kind)
    links = RoundLinks(scope, year, kind)
    errors: dict[str, str] = {}
    if request.method == "POST":
        errors = _post(request, scope, year, kind)
        if not errors:
            return redirect(f"{links.followup}#tiltak")
    try:
        limit = int(request.GET.get("andel", settings.REPORTING_FOLLOW_UP_PERCENT))
    except ValueError:
        limit = settings.REPORTING_FOLLOW_UP_PERCENT
    limit = max(1, min(limit, 100))
    followup = follow_up_list(scope, publication, share_limit=limit / 100)
    survey = survey_kind(kind)
    findings = findings_of(
        followup,
        links,
        decisions_by_item(scope, year, survey),
        decisions_by_item(scope, year - 1, survey),
    )
    threshold = settings.REPORTING_THRESHOLD
    return render(
        request,
        "reporting/followup.html",
        {
            "scope": scope,
            "threshold": threshold,
            "hidden_explanation": HIDDEN_EXPLANATION % {"threshold": threshold},
            "publication": publication,
            "followup": followup,
            "findings": findings,
            "limit": limit,
            "kind": kind,
            "year": year,
            "links": links,
            "errors": errors,
            "posted_item": request.POST.get("funn", "") if errors else "",
            "statuses": DecisionStatus.choices,
            "earlier": [d for f in findings for d in f.last_year],
        },
        status=400 if errors else 200,
    )
