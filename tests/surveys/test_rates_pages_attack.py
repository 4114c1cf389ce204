"""The response-rate pages and downloads of random counties, read as their administrators get
them, attacked with the published results (R-L7): while the round takes answers, on the last
day to answer and after close and publication, at both levels (the outputs alone; the outputs
and the sample). And the rate pages' figures of the last day and of the closed round are the
published results' own."""

from __future__ import annotations

import itertools
import json
import random
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from portal.lib.oslo import OSLO, oslo_today
from portal.models import County, Membership, Role, TrainingOffice, User
from reporting.models import ResultUnit
from reporting.services.publishing import round_publish
from surveys.models import AnonymousResponse, ReportClass, Round
from surveys.services.closing import round_close
from tests import register_rows as rows
from tests.conftest import PASSWORD, give_two_factor
from tests.reporting.attack import narrow_intervals, published_figures
from tests.surveys.factories import lu_questionnaire, respondent_make, round_make
from tests.surveys.rate_attack import narrow_knowing_the_sample, rates_reading

pytestmark = pytest.mark.django_db
K = settings.REPORTING_THRESHOLD
_users = itertools.count()


@dataclass
class World:
    round: Round
    county: County
    offices: list[TrainingOffice] = field(default_factory=list)
    classes: list[dict] = field(default_factory=list)  # the attacker's identifiers
    sampled: list[int] = field(default_factory=list)
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # grouping → label → id


def _class(world: World, rng: random.Random, office, company, trade) -> None:
    sampled = rng.choice([5, 6, 8, 12])
    # Some but not all answered: the close step then merges no class, so the cells stay.
    answered = min(sampled - 1, rng.choice([1, 2, 3, 4, rng.randint(1, sampled - 1)]))
    report_class = ReportClass.objects.create(
        round=world.round,
        county=world.county,
        training_office=office,
        company=company,
        trade=trade,
    )
    when = timezone.now() - timedelta(hours=1)
    dims = {"training_office": office, "company": company, "trade": trade}
    for i in range(sampled):
        respondent_make(
            world.round,
            world.county,
            report_class=report_class,
            answered_at=when if i < answered else None,
            **dims,
        )
    AnonymousResponse.objects.bulk_create(
        AnonymousResponse(round=world.round, county=world.county, answers={}, **dims)
        for _ in range(answered)
    )
    world.classes.append(
        {
            "county": world.county.code,
            "office": office and office.orgnr,
            "company": company and company.orgnr,
            "trade": trade and trade.code,
            "kind": None,
        }
    )
    world.sampled.append(sampled)


def random_world(rng: random.Random, county: County, *, last_day: bool) -> World:
    round_ = round_make(lu_questionnaire())
    if last_day:
        tomorrow = oslo_today() + timedelta(days=1)
        round_.closes_at = datetime.combine(tomorrow, time(), tzinfo=OSLO)
        round_.save(update_fields=["closes_at"])
    world = World(round_, county)
    trades = [rows.trade(f"T{i}RATE---", f"Fag {i}") for i in range(3)]
    names: dict[str, dict[str, str]] = {"kontor": {}, "bedrift": {}, "fag": {}}
    for trade in trades:
        names["fag"][trade.name] = trade.code
    for _ in range(rng.randint(2, 3)):
        office = rows.office(county)
        world.offices.append(office)
        names["kontor"][office.name] = office.orgnr
        for _ in range(rng.randint(0, 2)):
            company = rows.company(county, office=office)
            names["bedrift"][company.name] = company.orgnr
            _class(world, rng, office, company, rng.choice(trades))
        _class(world, rng, office, None, rng.choice(trades))
        _class(world, rng, office, None, None)
    _class(world, rng, None, None, rng.choice(trades))
    _class(world, rng, None, None, None)
    world.names = names
    return world


def county_reading(client, world: World) -> list[dict]:
    user = User.objects.create_user(f"fylke{next(_users)}@test.no", PASSWORD)
    Membership.objects.create(user=user, role=Role.COUNTY, county=world.county)
    give_two_factor(user)  # county administrators log in with two factors
    client.force_login(user)
    code = world.county.code
    documents = rates_reading(
        client,
        f"/fylke/{code}/svarprosent/",
        {"type": "C", "county": code},
        {
            "kontor": ("CO", "office", world.names["kontor"]),
            "bedrift": ("CM", "company", world.names["bedrift"]),
            "fag": ("CT", "trade", world.names["fag"]),
        },
    )
    client.logout()
    return documents


def office_reading(client, world: World, office: TrainingOffice) -> list[dict]:
    user = User.objects.create_user(f"kontor{next(_users)}@test.no", PASSWORD)
    Membership.objects.create(user=user, role=Role.OFFICE, training_office=office)
    client.force_login(user)
    documents = rates_reading(
        client,
        f"/kontor/{office.orgnr}/svarprosent/",
        {"type": "O", "office": office.orgnr},
        {
            "bedrift": ("OM", "company", world.names["bedrift"]),
            "fag": ("OT", "trade", world.names["fag"]),
        },
    )
    client.logout()
    return documents


def published_json(client, world: World) -> list[dict]:
    year = world.round.year
    documents = [json.loads(client.get(f"/api/resultater/{year}/lu/nasjonalt.json").content)]
    user = User.objects.create_user(f"resultater{next(_users)}@test.no", PASSWORD)
    Membership.objects.create(user=user, role=Role.COUNTY, county=world.county)
    give_two_factor(user)  # county administrators log in with two factors
    client.force_login(user)
    response = client.get(f"/api/resultater/{year}/lu/fylke/{world.county.code}.json")
    assert response.status_code == 200
    documents.append(json.loads(response.content))
    client.logout()
    return documents


def every_published_answer(round_: Round) -> dict:
    """Every published unit's number of answers, whoever may see it: more than the county can
    download, so a stronger attacker."""
    figures = []
    units = ResultUnit.objects.filter(publication__round=round_).select_related(
        "county", "office", "company", "trade"
    )
    for unit in units:
        described: dict[str, str] = {"type": unit.unit_type}
        for dim, value in (
            ("county", unit.county and unit.county.code),
            ("office", unit.office and unit.office.orgnr),
            ("company", unit.company and unit.company.orgnr),
            ("trade", unit.trade and unit.trade.code),
            ("kind", unit.kind),
        ):
            if value:
                described[dim] = value
        raw = unit.figures["answers"]
        figures.append(
            {"unit": described, "item": "answers", "n": "*" if raw.get("h") else raw["n"]}
        )
    return {"tables": [{"figures": figures}]}


def assert_nothing_narrowed(documents: list[dict], world: World, *, sample: bool = True) -> int:
    """Both levels over the number of answers (the figure the rate pages share with the
    results; the answers to each question are the results' own attack test's)."""
    documents = [
        {"tables": [{"figures": [f for f in t["figures"] if f["item"] == "answers"]}]}
        for d in documents
        for t in d["tables"]
    ]
    narrow, attacked = narrow_intervals(documents, world.classes, K)
    assert narrow == [], f"outputs alone: {narrow[:5]}"
    if not sample:
        return attacked
    narrow_sample, _ = narrow_knowing_the_sample(documents, world.classes, K, sampled=world.sampled)
    assert narrow_sample == [], f"knowing the sample: {narrow_sample[:5]}"
    return attacked


def answers_of(documents: list[dict]) -> dict[tuple, object]:
    return {key: n for key, (_unit, n) in published_figures(documents)["answers"].items()}


@pytest.mark.parametrize("seed", range(4))
def test_the_rate_pages_of_a_round_taking_answers_narrow_nothing(client, counties, seed):
    rng = random.Random(1000 + seed)
    county = County.objects.get(code=rng.choice(["46", "03", "50", "18"]))
    world = random_world(rng, county, last_day=False)
    documents = county_reading(client, world)
    attacked = assert_nothing_narrowed(documents, world)
    for office in world.offices:
        attacked += assert_nothing_narrowed(office_reading(client, world, office), world)
    assert attacked  # something was hidden


def last_day_and_closed(client, seed: int) -> tuple[World, list[dict]]:
    """A random county's rate pages on the last day to answer, then the round closed and
    published: the county's pages and downloads again, its results' JSON, every published
    number of answers, and each office's rate pages."""
    rng = random.Random(2000 + seed)
    county = County.objects.get(code=rng.choice(["46", "03", "50", "18"]))
    world = random_world(rng, county, last_day=True)
    last_day = county_reading(client, world)
    round_close(world.round, now=world.round.closes_at + timedelta(minutes=1))
    round_publish(round_id=world.round.pk)
    closed = county_reading(client, world)
    # The same figures on the last day, after close and in the results.
    shown_last_day = answers_of(last_day)
    assert shown_last_day == answers_of(closed)
    in_results = answers_of([every_published_answer(world.round)])
    assert {k: in_results[k] for k in shown_last_day} == shown_last_day
    everything = last_day + closed + published_json(client, world)
    everything.append(every_published_answer(world.round))
    for office in world.offices:
        everything += office_reading(client, world, office)
    return world, everything


@pytest.mark.parametrize("seed", range(4))
def test_the_last_day_and_the_closed_round_show_the_published_figures(client, counties, seed):
    world, everything = last_day_and_closed(client, seed)
    # The attacker's reading also checks that no two outputs disagree on a unit.
    assert assert_nothing_narrowed(everything, world, sample=False)


@pytest.mark.parametrize("seed", [2, 5])
def test_the_last_day_and_the_closed_round_hold_against_the_sample(client, counties, seed):
    world, everything = last_day_and_closed(client, seed)
    assert_nothing_narrowed(everything, world)
