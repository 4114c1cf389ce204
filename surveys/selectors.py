"""Read-only questions about rounds and samples for the pages. Everything about a county's
sample is filtered on the county here, so a page cannot show another county's rows."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count

from portal.models import County
from portal.organisations.contact import unreachable
from surveys.models import Exclusion, ExclusionReason, Round, RoundCounty, SurveyKind

# A survey in URLs and message templates: its code in lower case (lu, lbu, ar).
KIND_SLUGS = {kind.value.lower(): kind for kind in SurveyKind}
# LBU goes out mostly in ÅR's link (R-D9), so the dispatch pages show it after ÅR.
_SENDING_ORDER = (SurveyKind.LU, SurveyKind.AR, SurveyKind.LBU)


def kind_slug(kind: str) -> str:
    return kind.lower()


def kind_from_slug(slug: str) -> SurveyKind | None:
    return KIND_SLUGS.get(slug)


def kind_order(kind: str) -> int:
    """A year's rounds in the order the kinds are declared: LU, LBU, ÅR. Samples are frozen in
    it too: building LBU before ÅR lets ÅR's links to LBU be made as ÅR is built."""
    return list(SurveyKind).index(SurveyKind(kind))


def sending_order(kind: str) -> int:
    """A year's rounds as the dispatch pages list them: LU, ÅR, LBU."""
    return _SENDING_ORDER.index(SurveyKind(kind))


def round_years() -> list[int]:
    return list(Round.objects.order_by("-year").values_list("year", flat=True).distinct())


def rounds_of_year(year: int) -> list[Round]:
    """The year's rounds in the order LU, LBU, ÅR."""
    rounds = Round.objects.filter(year=year).select_related("questionnaire")
    return sorted(rounds, key=lambda r: kind_order(r.kind))


def lbu_choices(round_: Round) -> list[RoundCounty]:
    return list(round_.counties.select_related("county").order_by("county__code"))


def lbu_choice_of(round_: Round, county: County) -> RoundCounty | None:
    return round_.counties.filter(county=county).first()


@dataclass
class CountySample:
    """One round's sample as one county sees it: its own respondents and exclusions only."""

    round: Round
    respondents: int = 0
    unreachable: int = 0  # neither a valid e-mail nor a valid mobile (R-S5, `unreachable`)
    exclusions: int = 0
    participates: bool = True


def county_samples(county: County, year: int) -> list[CountySample]:
    rounds = rounds_of_year(year)
    stats = {
        row["round_id"]: row
        for row in county.respondents.filter(round__year=year)
        .values("round_id")
        .annotate(
            n=Count("id"),
            unreachable=Count("id", filter=unreachable()),
        )
        .order_by()
    }
    excluded = dict(
        county.exclusions.filter(round__year=year)
        .values_list("round_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    opted_out = set(
        RoundCounty.objects.filter(round__year=year, county=county, participates=False).values_list(
            "round_id", flat=True
        )
    )
    return [
        CountySample(
            round=r,
            respondents=stats.get(r.pk, {}).get("n", 0),
            unreachable=stats.get(r.pk, {}).get("unreachable", 0),
            exclusions=excluded.get(r.pk, 0),
            participates=r.pk not in opted_out,
        )
        for r in rounds
    ]


@dataclass
class ExclusionGroup:
    reason: str
    label: str
    rows: list[Exclusion] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.rows)


def county_exclusions(round_: Round, county: County) -> list[ExclusionGroup]:
    """The county's exclusions in the round, grouped by reason in the order of the reasons."""
    groups = {
        reason.value: ExclusionGroup(reason=reason.value, label=str(reason.label))
        for reason in ExclusionReason
    }
    rows = (
        Exclusion.objects.filter(round=round_, county=county)
        .select_related("company", "training_office", "contract__apprentice", "contract__trade")
        .order_by("reason", "company__name", "training_office__name", "contract__register_id")
    )
    for row in rows:
        groups[row.reason].rows.append(row)
    return [group for group in groups.values() if group.rows]
