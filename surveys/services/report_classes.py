"""Report classes: how much of where an LU or LBU respondent is an anonymous answer may keep.

Each respondent of a frozen LU or LBU sample is placed in a class of at least K =
REPORTING_THRESHOLD sampled respondents, in steps from the finest description to the coarsest.
Every step names the dimensions it keeps (the county is always kept):

- LU: (office, company, trade, kind) → (office, company, trade) → (office, company) →
  (office, trade) → (office) → (trade) → county only;
- LBU: (office, trade) → (office) → (trade) → county only. LBU never keeps the company: a
  company has one respondent.

At each step the respondents not yet placed are grouped by the step's dimensions, and every
group of at least K becomes a class. What is left after the last step is the county's rest, one
class with everything else empty. When the rest of a county is smaller than K, classes of that
county are merged into it, the coarsest and then the smallest first, until it is not.

Whoever knows this rule, the register and so the sample can compute the classes too; what they
find behind every class is still at least K people. (A county whose whole sample is smaller than
K has one class of that size; the county is never left out.)"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction

from surveys.models import ReportClass, Respondent, Round, SurveyKind

Step = tuple[str, ...]

LU_STEPS: tuple[Step, ...] = (
    ("training_office_id", "company_id", "trade_id", "apprentice_kind"),
    ("training_office_id", "company_id", "trade_id"),
    ("training_office_id", "company_id"),
    ("training_office_id", "trade_id"),
    ("training_office_id",),
    ("trade_id",),
    (),
)
LBU_STEPS: tuple[Step, ...] = (
    ("training_office_id", "trade_id"),
    ("training_office_id",),
    ("trade_id",),
    (),
)
STEPS: dict[str, tuple[Step, ...]] = {SurveyKind.LU: LU_STEPS, SurveyKind.LBU: LBU_STEPS}
DIMENSIONS: Step = ("training_office_id", "company_id", "trade_id", "apprentice_kind")


class Member(NamedTuple):
    """A respondent as the classes see it."""

    pk: int
    county_id: int
    training_office_id: int | None
    company_id: int | None
    trade_id: int | None
    apprentice_kind: str


@dataclass
class PlannedClass:
    county_id: int
    step: int  # index in the survey's steps: 0 is the finest
    kept: dict[str, object]  # the dimensions kept, by column
    members: list[Member] = field(default_factory=list)

    def dimensions(self) -> dict[str, object]:
        empty = {"training_office_id": None, "company_id": None, "trade_id": None}
        return {"county_id": self.county_id, **empty, "apprentice_kind": "", **self.kept}


def _empty(value: object) -> bool:
    return value is None or value == ""


def report_classes_plan(
    members: Iterable[Member], steps: Sequence[Step], threshold: int
) -> list[PlannedClass]:
    """The classes of one survey's sample, by the rule above. Pure: no database."""
    by_county: dict[int, list[Member]] = defaultdict(list)
    for member in members:
        by_county[member.county_id].append(member)
    planned: list[PlannedClass] = []
    for county_id in sorted(by_county):
        planned.extend(_county_plan(county_id, by_county[county_id], steps, threshold))
    return planned


def _county_plan(
    county_id: int, members: list[Member], steps: Sequence[Step], threshold: int
) -> list[PlannedClass]:
    remaining = sorted(members)
    classes: list[PlannedClass] = []
    for index, step in enumerate(steps[:-1]):
        groups: dict[tuple, list[Member]] = defaultdict(list)
        for member in remaining:
            groups[tuple(getattr(member, d) for d in step)].append(member)
        placed: set[int] = set()
        for key, group in groups.items():
            # A group with nothing kept would be stored as the county's rest: it stays there.
            if len(group) >= threshold and not all(_empty(v) for v in key):
                classes.append(
                    PlannedClass(county_id, index, dict(zip(step, key, strict=True)), group)
                )
                placed.update(m.pk for m in group)
        remaining = [m for m in remaining if m.pk not in placed]
    rest = list(remaining)
    while 0 < len(rest) < threshold and classes:
        # Merging the coarsest class, and of those the smallest, loses the least detail.
        victim = max(classes, key=lambda c: (c.step, -len(c.members), repr(sorted(c.kept.items()))))
        classes.remove(victim)
        rest.extend(victim.members)
    if rest:
        classes.append(PlannedClass(county_id, len(steps) - 1, {}, sorted(rest)))
    return classes


def report_classes_assign(round_: Round) -> int:
    """Computes the classes of an LU or LBU round's respondents and stores them, replacing any
    earlier ones. Called when the sample is frozen. Returns the number of classes."""
    steps = STEPS.get(round_.kind)
    if steps is None:
        return 0
    members = [
        Member(*row)
        for row in Respondent.objects.filter(round=round_)
        .values_list("pk", "county_id", *DIMENSIONS)
        .order_by()
    ]
    planned = report_classes_plan(members, steps, settings.REPORTING_THRESHOLD)
    with transaction.atomic():
        Respondent.objects.filter(round=round_).update(report_class=None)
        ReportClass.objects.filter(round=round_).delete()
        stored = ReportClass.objects.bulk_create(
            [ReportClass(round=round_, **c.dimensions()) for c in planned], batch_size=1000
        )
        _respondents_classify(
            [(m.pk, cls.pk) for c, cls in zip(planned, stored, strict=True) for m in c.members]
        )
    return len(stored)


def _respondents_classify(pairs: list[tuple[int, int]]) -> None:
    """Sets report_class on many respondents: one statement on PostgreSQL."""
    if not pairs:
        return
    if connection.vendor == "postgresql":
        table = connection.ops.quote_name(Respondent._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} AS r SET report_class_id = u.cls "  # noqa: S608
                "FROM unnest(%s::bigint[], %s::bigint[]) AS u(id, cls) WHERE r.id = u.id",
                [[p for p, _c in pairs], [c for _p, c in pairs]],
            )
        return
    Respondent.objects.bulk_update(
        [Respondent(pk=pk, report_class_id=cls) for pk, cls in pairs],
        ["report_class"],
        batch_size=500,
    )
