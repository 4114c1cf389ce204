"""A realistic closed LU round for the report portal's tests: small trades, training offices
with one or two answers, a county with a single office, a company and an apprentice kind kept
where their groups are large enough; published through the real service."""

from __future__ import annotations

import random
from dataclasses import dataclass

import pytest

from demo.portal_users import valid_orgnr
from demo.synthetic_results import classes_fill, closed_round_ensure
from portal.models import Company, County, TrainingOffice
from registry_import.models import Trade
from reporting.models import Publication
from reporting.services.publishing import round_publish
from surveys.services.questionnaires import questionnaires_load


@dataclass
class World:
    county_a: County
    county_b: County
    offices: dict[str, TrainingOffice]
    companies: dict[str, Company]
    trades: dict[str, Trade]


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """The personas' passwords are hashed with a fast hasher here: these tests are about
    results, not about password storage."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def questionnaires(db):
    questionnaires_load()


@pytest.fixture
def world(county_a, county_b, office_a, office_b) -> World:
    offices = {
        "big": office_a,
        "two": TrainingOffice.objects.create(
            orgnr=valid_orgnr(97000201), name="Opplæringskontoret To", county=county_a
        ),
        "one": TrainingOffice.objects.create(
            orgnr=valid_orgnr(97000301), name="Opplæringskontoret En", county=county_a
        ),
        "oslo": office_b,
    }
    companies = {
        "member": Company.objects.create(
            orgnr=valid_orgnr(98000101),
            name="Vest Elektro AS",
            county=county_a,
            training_office=office_a,
        ),
        "independent": Company.objects.create(
            orgnr=valid_orgnr(98000201), name="Fjord Elektro AS", county=county_a
        ),
    }
    trades = {
        code: Trade.objects.create(code=code, name=name)
        for code, name in [
            ("ELE", "Elektrikerfaget"),
            ("ROR", "Rørleggerfaget"),
            ("FRI", "Frisørfaget"),
        ]
    }
    return World(county_a, county_b, offices, companies, trades)


def realistic_rows(world: World) -> list[tuple[tuple, int, int]]:
    """(class, sampled, answered): county A with three offices (one with two answers, one with
    a single answer), a small trade and a tiny one, a member company and an independent company
    kept with apprentice kind; county B with a single office and a trade with one answer."""
    a, b = world.county_a.pk, world.county_b.pk
    o, m, t = world.offices, world.companies, world.trades
    ele, ror, fri = t["ELE"].pk, t["ROR"].pk, t["FRI"].pk
    return [
        ((a, o["big"].pk, m["member"].pk, ele, "apprentice"), 8, 6),
        ((a, o["big"].pk, None, ele, ""), 12, 9),
        ((a, o["big"].pk, None, ror, ""), 6, 3),
        ((a, o["big"].pk, None, None, ""), 7, 4),
        ((a, o["two"].pk, None, None, ""), 5, 2),
        ((a, o["one"].pk, None, None, ""), 6, 1),
        ((a, o["one"].pk, None, ele, ""), 5, 4),
        ((a, None, None, ror, ""), 5, 2),
        ((a, None, None, fri, ""), 5, 2),
        ((a, None, m["independent"].pk, ele, "apprentice"), 6, 5),
        ((a, None, None, None, ""), 9, 5),
        ((b, o["oslo"].pk, None, ele, ""), 10, 7),
        ((b, o["oslo"].pk, None, fri, ""), 5, 1),
        ((b, o["oslo"].pk, None, None, ""), 6, 4),
        ((b, None, None, None, ""), 8, 6),
    ]


@pytest.fixture
def lu_round(questionnaires, world):
    round_ = closed_round_ensure(2024, "LU")
    classes_fill(round_, realistic_rows(world), rng=random.Random(7))
    return round_


@pytest.fixture
def published(lu_round) -> Publication:
    return round_publish(round_id=lu_round.pk)


def small_rows(county, office, trade, *, answered: int = 8, sampled: int = 12):
    """One county with one office, large enough to be shown."""
    return [
        ((county.pk, office.pk, None, trade.pk, ""), sampled, answered),
        ((county.pk, office.pk, None, None, ""), sampled, answered),
    ]


def publish_year(year: int, rows, kind: str = "LU", seed: int = 1):
    round_ = closed_round_ensure(year, kind)
    classes_fill(round_, rows, rng=random.Random(seed + year))
    return round_publish(round_id=round_.pk)
