"""The research export (R-L8): de-identified answers of a closed round for a registered
research project whose researcher has signed the confidentiality declaration.

Each answer keeps its report class (county, training office, company, trade, apprentice kind),
coarsened further so that every combination in the file is shared by at least the threshold of
answers: a rare combination loses its company first, then its office, its trade, its kind and
last its county. Answers to number and text questions are left out, and the rows are in random
order."""

from __future__ import annotations

import random
from collections import Counter
from datetime import date
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from portal.audit.record import audit_record
from portal.lib.downloads import excel_csv
from portal.lib.oslo import oslo_today
from portal.models import AuditAction, Company, County, TrainingOffice, User
from registry_import.models import Trade
from reporting.items import PUBLISHED_TYPES
from reporting.models import ResearchExport, ResearchProject
from surveys.models import AnonymousResponse, Question, Round, SurveyKind

# Coarsened in this order: the finest, most identifying dimension first.
COARSENING = ("company", "office", "trade", "kind", "county")
_INDEX = {"county": 0, "office": 1, "company": 2, "trade": 3, "kind": 4}


def research_project_register(
    *,
    title: str,
    institution: str,
    researcher_name: str,
    researcher_email: str,
    declaration_signed_on: date,
    user: User,
) -> ResearchProject:
    if declaration_signed_on > oslo_today():
        raise ValidationError(_("The confidentiality declaration cannot be signed in the future."))
    return ResearchProject.objects.create(
        title=title,
        institution=institution,
        researcher_name=researcher_name,
        researcher_email=researcher_email,
        declaration_signed_on=declaration_signed_on,
        registered_by=user,
    )


def exportable_rounds():
    return Round.objects.filter(
        kind__in=[SurveyKind.LU, SurveyKind.LBU], anonymised_at__isnull=False
    ).order_by("-year", "kind")


def coarsen(keys: list[list], k: int) -> dict[str, int]:
    """Blanks dimensions of rare combinations in place, in COARSENING order, until every
    combination occurs at least k times (or is blank). Returns answers coarsened per dimension."""
    changed: dict[str, int] = {}
    for dim in COARSENING:
        counts = Counter(tuple(key) for key in keys)
        rare = [
            key for key in keys if counts[tuple(key)] < k and key[_INDEX[dim]] not in (None, "")
        ]
        for key in rare:
            key[_INDEX[dim]] = None
        if rare:
            changed[dim] = len(rare)
    return changed


def research_export(
    *, project: ResearchProject, round_: Round, user: User
) -> tuple[bytes, ResearchExport]:
    if round_ not in exportable_rounds():
        raise ValidationError(_("Only closed LU and LBU rounds can be exported."))
    if not project.declaration_signed_on:
        raise ValidationError(_("The researcher has not signed the confidentiality declaration."))
    questions = [
        q.code
        for q in Question.objects.filter(
            questionnaire=round_.questionnaire, type__in=PUBLISHED_TYPES
        ).order_by("section__position", "position")
    ]
    rows = list(
        AnonymousResponse.objects.filter(round=round_).values_list(
            "county_id",
            "training_office_id",
            "company_id",
            "trade_id",
            "apprentice_kind",
            "answers",
        )
    )
    random.SystemRandom().shuffle(rows)
    keys = [list(row[:5]) for row in rows]
    if round_.kind == SurveyKind.LBU:
        for key in keys:
            key[2] = None
    coarsened = coarsen(keys, settings.REPORTING_THRESHOLD)
    names = _unit_names(keys)
    header = [
        "year",
        "survey",
        "county",
        "training_office",
        "company",
        "trade",
        "apprentice_kind",
        *questions,
    ]
    lines = []
    for key, row in zip(keys, rows, strict=True):
        answers = row[5]
        lines.append(
            [
                round_.year,
                round_.kind,
                names["county"].get(key[0], ""),
                names["office"].get(key[1], ""),
                names["company"].get(key[2], ""),
                names["trade"].get(key[3], ""),
                key[4] or "",
                *[_cell(answers.get(code)) for code in questions],
            ]
        )
    with transaction.atomic():
        export = ResearchExport.objects.create(
            project=project, round=round_, exported_by=user, rows=len(lines), coarsened=coarsened
        )
        audit_record(
            AuditAction.RESEARCH_EXPORT,
            user=user,
            target=f"{project.title}: {round_}",
            detail={
                "project": project.pk,
                "round": round_.pk,
                "rows": len(lines),
                "coarsened": coarsened,
                "export": export.pk,
            },
        )
    return excel_csv(header, lines), export


def _unit_names(keys: list[list[Any]]) -> dict[str, dict[Any, str]]:
    """The public numbers of the units the export's rows name, by their ids."""
    return {
        "county": dict(County.objects.values_list("pk", "code")),
        "office": dict(
            TrainingOffice.objects.filter(pk__in={k[1] for k in keys if k[1]}).values_list(
                "pk", "orgnr"
            )
        ),
        "company": dict(
            Company.objects.filter(pk__in={k[2] for k in keys if k[2]}).values_list("pk", "orgnr")
        ),
        "trade": dict(
            Trade.objects.filter(pk__in={k[3] for k in keys if k[3]}).values_list("pk", "code")
        ),
    }


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, list):
        return "|".join(str(v) for v in value)
    return str(value)
