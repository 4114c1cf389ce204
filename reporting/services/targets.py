"""Targets (R-P5): before a round opens, a county or a training office sets the result it
expects for each LU and LBU index."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import User
from reporting.figures import Figure, figure_of
from reporting.items import Item, items_of
from reporting.models import Target
from reporting.scopes import ResultScope
from reporting.selectors import (
    predecessor_code,
    publication_get,
    publication_items,
    unit_figures,
)
from surveys.models import Questionnaire, Round, SurveyKind
from surveys.services.questionnaires import questionnaire_for

TARGET_KINDS = (SurveyKind.LU, SurveyKind.LBU)


@dataclass
class TargetField:
    kind: str
    item: Item
    value: Decimal | None
    last_year: Figure | None
    national: Figure | None
    raw: str | None = None  # what the user wrote, shown again with an error

    @property
    def name(self) -> str:
        return f"{self.kind.lower()}-{self.item.index_code}"


def targets_open(year: int, kind: str, now: datetime | None = None) -> bool:
    """Targets can be set until the round opens (R-P5)."""
    round_ = Round.objects.filter(year=year, kind=kind).first()
    return round_ is None or (now or timezone.now()) < round_.opens_at


def _questionnaire(kind: str, year: int) -> Questionnaire | None:
    try:
        return questionnaire_for(kind, year)
    except Questionnaire.DoesNotExist:
        return None


def target_fields(scope: ResultScope, year: int) -> list[TargetField]:
    """Each index of the year's LU and LBU questionnaires, with the target set, last year's
    result and last year's national figure beside it."""
    fields: list[TargetField] = []
    existing = {
        (t.kind, t.index): t.value
        for t in Target.objects.filter(county=scope.county, office=scope.office, year=year)
    }
    for kind in TARGET_KINDS:
        questionnaire = _questionnaire(kind, year)
        if questionnaire is None:
            continue
        last = publication_get(kind, year - 1)
        own = national = {}
        last_items: dict[str, Item] = {}
        if last is not None:
            own = unit_figures(last, **scope.unit_filter) or {}
            national = unit_figures(last, unit_type="N") or {}
            last_items = {i.code: i for i in publication_items(last)}
        for item in items_of(questionnaire):
            if item.kind != "index":
                continue
            before = national_before = None
            if last is not None:
                code = predecessor_code(item, questionnaire, last.round.questionnaire)
                if code in last_items:
                    before = figure_of(last_items[code], own.get(code), last.threshold)
                    national_before = figure_of(
                        last_items[code], national.get(code), last.threshold
                    )
            fields.append(
                TargetField(
                    kind, item, existing.get((kind, item.index_code)), before, national_before
                )
            )
    return fields


def targets_save(
    *,
    scope: ResultScope,
    year: int,
    values: dict[tuple[str, str], Decimal | None],
    user: User | None = None,
    now: datetime | None = None,
) -> None:
    """Saves the targets of one year, all or none; an empty value removes a target."""
    closed = sorted({kind for kind, _index in values if not targets_open(year, kind, now)})
    if closed:
        raise ValidationError(
            _("The %(survey)s round of %(year)s has opened, so its targets can no longer change.")
            % {"survey": ", ".join(str(SurveyKind(k).label) for k in closed), "year": year}
        )
    with transaction.atomic():
        for (kind, index), value in values.items():
            lookup: dict[str, Any] = {
                "county": scope.county,
                "office": scope.office,
                "year": year,
                "kind": kind,
                "index": index,
            }
            if value is None:
                Target.objects.filter(**lookup).delete()
            else:
                Target.objects.update_or_create(**lookup, defaults={"value": value, "set_by": user})

