"""The demo's history: synthetic closed and published LU and LBU rounds from 2012 to last year
for the demo county, on the county structure of their time (Hordaland and Sogn og Fjordane
before 2020, Vestland from 2020), built on the demo register's training offices, companies and
trades, with answers at report-class level and tallies that agree with them, published through
the real publishing service. Distributions differ by trade and county and drift over the years;
the 2018 and 2020 revisions come with the questionnaires of those years."""

from __future__ import annotations

import random
from decimal import Decimal

from django.conf import settings

from demo.synthetic_results import Person, closed_round_ensure, round_fill, skew
from portal.models import County, TrainingOffice
from registry_import.models import Contract, ContractKind
from reporting.models import Publication, Target
from reporting.services.publishing import round_publish
from surveys.models import SurveyKind

FIRST_YEAR = 2012
MERGED_IN = 2020  # Hordaland and Sogn og Fjordane became Vestland (R-P4)
DEMO_COUNTY, OLD_COUNTIES = "46", ("12", "14")
# Kept small so `make demo` stays quick on SQLite; enough for every page to show a picture.
LU_PER_YEAR, LBU_PER_YEAR = 520, 260


def _county_of_year(year: int, office_id: int | None, company_id: int, counties: dict) -> int:
    if year >= MERGED_IN:
        return counties[DEMO_COUNTY]
    # Before the merger: about a third of the units lay in Sogn og Fjordane.
    key = office_id if office_id is not None else company_id
    return counties["14"] if key % 3 == 0 else counties["12"]


def load_demo_history(
    *, last_year: int, office: TrainingOffice | None = None, first_year: int = FIRST_YEAR
) -> list[str]:
    """Publishes every missing year from `first_year` to `last_year`; returns a line per round
    made."""
    counties = {c.code: c.pk for c in County.objects.filter(code__in=(DEMO_COUNTY, *OLD_COUNTIES))}
    contracts = list(
        Contract.objects.filter(county__code=DEMO_COUNTY).values_list(
            "training_office_id", "company_id", "trade_id", "kind"
        )
    )
    if not contracts:
        return []
    rng = random.Random(2012)  # noqa: S311 - synthetic data, reproducible
    levels = skew(rng, [("trade", t) for t in sorted({c[2] for c in contracts})], 0.3)
    levels.update({("county", counties["14"]): 0.12, ("county", counties["12"]): -0.05})
    companies = sorted({(c[0], c[1], c[2]) for c in contracts}, key=str)
    done = set(
        Publication.objects.filter(round__year__lte=last_year).values_list(
            "round__year", "round__kind"
        )
    )
    made = []
    for year in range(first_year, last_year + 1):
        for kind, size in ((SurveyKind.LU, LU_PER_YEAR), (SurveyKind.LBU, LBU_PER_YEAR)):
            if (year, kind) in done:
                continue
            year_rng = random.Random(year * 10 + len(kind))  # noqa: S311 - synthetic data
            if kind == SurveyKind.LU:
                people = [
                    Person(
                        _county_of_year(year, o, m, counties),
                        o,
                        m,
                        t,
                        "candidate" if k == ContractKind.CANDIDATE else "apprentice",
                    )
                    for o, m, t, k in year_rng.sample(contracts, min(size, len(contracts)))
                ]
            else:
                people = [
                    Person(_county_of_year(year, o, m, counties), o, None, t, "")
                    for o, m, t in year_rng.sample(companies, min(size, len(companies)))
                ]
            round_ = closed_round_ensure(year, kind)
            answers = round_fill(
                round_,
                people,
                k=settings.REPORTING_THRESHOLD,
                rng=year_rng,
                level=levels,
                response_rate=0.55 + 0.01 * (year - FIRST_YEAR),
            )
            round_publish(round_id=round_.pk)
            made.append(f"{round_}: {answers} answers")
    _demo_targets(last_year, counties[DEMO_COUNTY], office)
    return made


def _demo_targets(year: int, county_id: int, office: TrainingOffice | None) -> None:
    """Targets for last year, so the results show figures against them (R-P5)."""
    for kind, codes in (
        (SurveyKind.LU, ("trivsel", "motivasjon", "veiledning", "plan")),
        (SurveyKind.LBU, ("samarbeid_fylke", "laeringsmiljo")),
    ):
        for index in codes:
            for owner in ({"county_id": county_id}, {"office": office} if office else None):
                if owner is None:
                    continue
                Target.objects.get_or_create(
                    year=year,
                    kind=kind,
                    index=index,
                    **owner,
                    defaults={"value": Decimal("4.1")},
                )
