"""Recording what a county or an office decided about the findings of its follow-up list."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from portal.models import User
from reporting.models import Decision, DecisionStatus
from reporting.scopes import ResultScope

MEASURE_MAX = 1000
OWNER_MAX = 200
FINDING_MAX = 300


@dataclass(frozen=True)
class DecisionInput:
    item: str
    finding: str
    measure: str
    owner: str = ""
    due: date | None = None


def decision_add(
    scope: ResultScope, year: int, kind: str, data: DecisionInput, *, user: User | None
) -> Decision:
    """Records one decision; the errors say which field to fix."""
    errors: dict[str, str] = {}
    measure, owner = data.measure.strip(), data.owner.strip()
    if not measure:
        errors["tiltak"] = _("Describe the measure.")
    elif len(measure) > MEASURE_MAX:
        errors["tiltak"] = _("The measure can be at most %d characters.") % MEASURE_MAX
    if len(owner) > OWNER_MAX:
        errors["ansvarlig"] = _("The name of the one responsible can be at most %d characters.") % (
            OWNER_MAX
        )
    if not data.item or len(data.item) > 80:
        errors["funn"] = _("Choose the finding the measure is for.")
    if errors:
        raise ValidationError(errors)
    return Decision.objects.create(
        county=scope.county,
        office=scope.office,
        year=year,
        kind=kind,
        item=data.item,
        finding=data.finding.strip()[:FINDING_MAX],
        measure=measure,
        owner=owner,
        due=data.due,
        created_by=user,
    )


def decision_status_set(scope: ResultScope, decision_id: int, status: str) -> bool:
    """Moves one of the scope's own decisions to a new status; False when there is none."""
    if status not in DecisionStatus.values:
        return False
    return bool(
        Decision.objects.filter(pk=decision_id, county=scope.county, office=scope.office).update(
            status=status
        )
    )


def decisions_by_item(scope: ResultScope, year: int, kind: str) -> dict[str, list[Decision]]:
    """The scope's decisions on the results of one year, by the item they are about."""
    found: dict[str, list[Decision]] = defaultdict(list)
    for decision in Decision.objects.filter(
        county=scope.county, office=scope.office, year=year, kind=kind
    ):
        found[decision.item].append(decision)
    return dict(found)
