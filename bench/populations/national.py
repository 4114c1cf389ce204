"""A synthetic national population for the benchmarks: training offices, companies and trades
in every county, and a year's sampled apprentices (LU) and professional leaders (LBU) on the
county structure of that year. Made-up organisations only."""

from __future__ import annotations

import random
from dataclasses import dataclass

from demo.portal_users import valid_orgnr
from demo.synthetic_results import Person, zipf_choice
from portal.models import Company, County, TrainingOffice
from registry_import.models import Trade


@dataclass
class Population:
    offices: list[TrainingOffice]
    companies: list[Company]
    trades: list[Trade]
    # office id → its companies' ids; office id → its trades
    office_companies: dict[int, list[int]]
    office_trades: dict[int, list[int]]


def population_create(
    *, rng: random.Random, offices_per_county: int = 23, trades: int = 180, year: int = 2025
) -> Population:
    made_trades = Trade.objects.bulk_create(
        [Trade(code=f"SYN{i:03d}", name=f"Lærefag {i}") for i in range(trades)]
    )
    counties = list(County.objects.existing_in(year))
    offices = TrainingOffice.objects.bulk_create(
        [
            TrainingOffice(
                orgnr=valid_orgnr(80000000 + c * 1000 + o * 7),
                name=f"Opplæringskontor {county.code}-{o}",
                county=county,
            )
            for c, county in enumerate(counties)
            for o in range(offices_per_county)
        ]
    )
    companies = []
    for o, office in enumerate(offices):
        for m in range(rng.randint(8, 30)):
            companies.append(
                Company(
                    orgnr=valid_orgnr(60000000 + o * 200 + m * 3),
                    name=f"Bedrift {o}-{m}",
                    county_id=office.county_id,
                    training_office=office,
                )
            )
    companies = Company.objects.bulk_create(companies, batch_size=2000)
    office_companies: dict[int, list[int]] = {}
    for company in companies:
        office_companies.setdefault(company.training_office_id, []).append(company.pk)
    office_trades = {
        office.pk: [zipf_choice(rng, made_trades, 0.9).pk for _ in range(rng.randint(2, 8))]
        for office in offices
    }
    return Population(offices, companies, made_trades, office_companies, office_trades)


def county_in(county: County, year: int, cache: dict) -> int:
    """The county of year Y's structure an office's county belonged to (first if split)."""
    key = (county.pk, year)
    if key not in cache:
        cache[key] = county.in_year(year)[0].pk
    return cache[key]


def people_of_year(
    population: Population, year: int, *, kind: str, size: int, rng: random.Random
) -> list[Person]:
    cache: dict = {}
    counties = {o.pk: o.county for o in population.offices}
    people = []
    offices = population.offices
    for _ in range(size):
        office = rng.choice(offices)
        county = county_in(counties[office.pk], year, cache)
        trade = rng.choice(population.office_trades[office.pk])
        if kind == "LU":
            company = rng.choice(population.office_companies[office.pk])
            apprentice = "candidate" if rng.random() < 0.08 else "apprentice"
            people.append(Person(county, office.pk, company, trade, apprentice))
        else:
            people.append(Person(county, office.pk, None, trade, ""))
    return people
