"""Targets (R-P5): before a round opens, a county or a training office sets the result it
expects for each LU and LBU index and for the response rate. An office sees its county's
targets beside its own."""

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
from reporting.items import ANSWERS, Item, items_of
from reporting.models import Target
from reporting.models.targets import RESPONSE_RATE
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
    county_value: Decimal | None = None  # an office's county's target, shown beside it

    @property
    def is_rate(self) -> bool:
        """The response rate's target, a percentage; an index's is a mean on 1–5."""
        return self.item.kind == "answers"

    @property
    def code(self) -> str:
        """What the target is stored under (Target.index)."""
        return RESPONSE_RATE if self.is_rate else self.item.index_code

    @property
    def name(self) -> str:
        return f"{self.kind.lower()}-{self.code}"

    @property
    def label(self) -> str:
        return _("Response rate (%)") if self.is_rate else self.item.label

    @property
    def bounds(self) -> tuple[Decimal, Decimal]:
        return (Decimal(0), Decimal(100)) if self.is_rate else (Decimal(1), Decimal(5))

    def rate(self, figure: Figure | None) -> float | None:
        """A response rate's figure as a percentage (last year's, the nation's)."""
        if figure is None or not figure.shown or figure.response_rate is None:
            return None
        return figure.response_rate * 100


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
    county = scope.office.county if scope.office is not None else None
    county_targets = (
        {
            (t.kind, t.index): t.value
            for t in Target.objects.filter(county=county, office=None, year=year)
        }
        if county is not None
        else {}
    )
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
        items = items_of(questionnaire)
        # The response rate first, then the indexes.
        for item in [items[-1], *(i for i in items if i.kind == "index")]:
            before = national_before = None
            if last is not None:
                code = (
                    ANSWERS
                    if item.kind == "answers"
                    else predecessor_code(item, questionnaire, last.round.questionnaire)
                )
                if code in last_items:
                    before = figure_of(last_items[code], own.get(code), last.threshold)
                    national_before = figure_of(
                        last_items[code], national.get(code), last.threshold
                    )
            field = TargetField(kind, item, None, before, national_before)
            field.value = existing.get((kind, field.code))
            field.county_value = county_targets.get((kind, field.code))
            fields.append(field)
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

