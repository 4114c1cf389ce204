"""R-L7: for every hidden figure of a realistic published round, an attacker who takes
everything one organisation can download (every table of every page, as JSON, and the open
national figures) cannot narrow the hidden count to an interval smaller than the threshold."""

import json
import random
from collections.abc import Sequence

import pytest
from django.conf import settings

from demo.synthetic_results import Person, closed_round_ensure, round_fill
from portal.models import Membership, Role, User
from reporting.models import Publication, ResultUnit
from reporting.services.publishing import round_publish
from surveys.models import AnonymousResponse, ResponseTally
from tests.conftest import PASSWORD, give_two_factor
from tests.reporting.attack import narrow_by_answers, narrow_intervals

pytestmark = pytest.mark.django_db


def attacker_classes() -> list[dict]:
    """The report classes, named as the downloads name units: the attacker knows the rule and
    the register, so it knows which classes can exist."""
    classes = set()
    for county, office, company, trade, kind in AnonymousResponse.objects.values_list(
        "county__code",
        "training_office__orgnr",
        "company__orgnr",
        "trade__code",
        "apprentice_kind",
    ):
        classes.add((county, office, company, trade, kind or None))
    return [
        dict(zip(("county", "office", "company", "trade", "kind"), c, strict=True))
        for c in sorted(classes, key=str)
    ]


def downloads_of(client, user, year: int, *, county=None, office=None) -> list[dict]:
    documents = [json.loads(client.get(f"/api/resultater/{year}/lu/nasjonalt.json").content)]
    if user is None:
        return documents
    client.force_login(user)
    if county is not None:
        path = f"/api/resultater/{year}/lu/fylke/{county.code}.json"
    elif office is not None:
        path = f"/api/resultater/{year}/lu/kontor/{office.orgnr}.json"
    else:
        path = None
    if path:
        response = client.get(path)
        assert response.status_code == 200
        documents.append(json.loads(response.content))
    client.logout()
    return documents


def described_unit(unit: ResultUnit) -> dict:
    """A published unit as the downloads name it: its type and public identifiers."""
    described = {"type": unit.unit_type}
    for dim, value in (
        ("county", unit.county and unit.county.code),
        ("office", unit.office and unit.office.orgnr),
        ("company", unit.company and unit.company.orgnr),
        ("trade", unit.trade and unit.trade.code),
        ("kind", unit.kind),
    ):
        if value:
            described[dim] = value
    return described


def everything_published(publication: Publication, items: Sequence[str] | None = None) -> dict:
    """Every figure of the publication for anyone at once, as one JSON document; `items`
    None takes every item the units carry."""
    figures = []
    for unit in ResultUnit.objects.filter(publication=publication).select_related(
        "county", "office", "company", "trade"
    ):
        described = described_unit(unit)
        for item in unit.figures if items is None else items:
            raw = unit.figures[item]
            figures.append(
                {"unit": described, "item": item, "n": "*" if raw.get("h") else raw["n"]}
            )
    return {"tables": [{"figures": figures}]}


def test_no_hidden_count_can_be_narrowed_by_any_organisation(client, published, world):
    threshold = settings.REPORTING_THRESHOLD
    classes = attacker_classes()
    organisations: list[tuple[str, User | None, dict]] = [("public", None, {})]
    for county in (world.county_a, world.county_b):
        user = User.objects.create_user(f"fylke{county.code}@test.no", PASSWORD)
        Membership.objects.create(user=user, role=Role.COUNTY, county=county)
        give_two_factor(user)  # county administrators log in with two factors
        organisations.append((county.name, user, {"county": county}))
    for name, office in world.offices.items():
        user = User.objects.create_user(f"{name}@kontor.test", PASSWORD)
        Membership.objects.create(user=user, role=Role.OFFICE, training_office=office)
        organisations.append((office.name, user, {"office": office}))

    hidden_seen = 0
    for name, user, org in organisations:
        documents = downloads_of(client, user, 2024, **org)
        narrow, attacked = narrow_intervals(documents, classes, threshold)
        assert narrow == [], f"{name} can narrow: {narrow[:5]}"
        # The same with the count of every answer value that the tables show.
        narrow = narrow_by_answers(documents, classes, threshold)
        assert narrow == [], f"{name} can narrow from the distributions: {narrow[:5]}"
        hidden_seen += attacked
    # The round is realistic only if there is something to attack.
    assert hidden_seen > 50


def test_the_attacker_finds_what_primary_suppression_alone_leaves_open(
    client, lu_round, world, county_a_admin, monkeypatch
):
    """The attack is real: without secondary suppression it pins hidden counts."""
    from reporting.suppression import pattern

    monkeypatch.setattr(pattern, "_relation_pass", lambda *args: None)
    monkeypatch.setattr(pattern, "audit_run", lambda *args, **kwargs: None)
    round_publish(round_id=lu_round.pk)
    documents = downloads_of(client, county_a_admin, 2024, county=world.county_a)
    narrow, _attacked = narrow_intervals(
        documents, attacker_classes(), settings.REPORTING_THRESHOLD
    )
    assert narrow


def test_the_realistic_round_has_the_hard_cases(published, world):
    """Small trades, offices with one or two answers and a county with a single office are
    there, and their figures are hidden."""
    units = ResultUnit.objects.filter(publication=published)
    office_one = units.get(unit_type="O", office=world.offices["one"])
    office_two = units.get(unit_type="O", office=world.offices["two"])
    assert office_one.figures["answers"] == {"h": 1}
    assert office_two.figures["answers"] == {"h": 1}
    tiny_trade = units.get(unit_type="NT", trade=world.trades["FRI"])
    assert tiny_trade.figures["answers"] == {"h": 1}
    assert units.filter(unit_type="CO", county=world.county_b).count() == 1


@pytest.mark.parametrize("seed", [3, 11])
def test_a_larger_random_round_leaks_nothing_anywhere(seed, questionnaires, world):
    """Everything published for anyone at once (the union of every organisation's view)."""
    from demo.portal_users import valid_orgnr
    from portal.models import Company, County, TrainingOffice
    from registry_import.models import Trade

    rng = random.Random(seed)
    counties = list(County.objects.filter(code__in=["46", "03", "11"]))
    trades = [Trade.objects.create(code=f"T{i}", name=f"Fag {i}") for i in range(12)]
    people = []
    for c_index, county in enumerate(counties):
        for o in range(rng.randint(1, 4)):
            office = TrainingOffice.objects.create(
                orgnr=valid_orgnr(91000000 + c_index * 1000 + o * 10),
                name=f"OK {county.code}-{o}",
                county=county,
            )
            office_trades = rng.sample(trades, rng.randint(1, 4))
            for m in range(rng.randint(2, 6)):
                company = Company.objects.create(
                    orgnr=valid_orgnr(92000000 + c_index * 10000 + o * 100 + m * 3),
                    name=f"Bedrift {county.code}-{o}-{m}",
                    county=county,
                    training_office=office,
                )
                for _ in range(rng.choice([1, 1, 2, 3, 6])):
                    people.append(
                        Person(
                            county.pk,
                            office.pk,
                            company.pk,
                            rng.choice(office_trades).pk,
                            rng.choice(["apprentice", "apprentice", "candidate"]),
                        )
                    )
        for _ in range(rng.randint(3, 12)):
            people.append(Person(county.pk, None, None, rng.choice(trades).pk, "apprentice"))
    round_ = closed_round_ensure(2023, "LU")
    round_fill(round_, people, k=settings.REPORTING_THRESHOLD, rng=rng, response_rate=0.55)
    publication = round_publish(round_id=round_.pk)
    document = everything_published(
        publication, ("answers", "index:trivsel", "mobbing_laeretiden", "trivsel_trives")
    )
    narrow, attacked = narrow_intervals(
        [document], attacker_classes(), settings.REPORTING_THRESHOLD
    )
    assert narrow == []
    assert attacked > 20


@pytest.mark.parametrize("response_rate", [0.6, 1.0])
def test_an_lbu_round_on_production_classes_leaks_nothing(
    response_rate, questionnaires, world, settings
):
    """The LBU case where production's rule (merge the coarsest class into the county's rest)
    and merging the smallest differ: 5 leaders in office 1 / trade 1, 7 in trade 2 over two
    offices, 2 others; published for everyone at once beside a second county."""
    big, two, one = world.offices["big"].pk, world.offices["two"].pk, world.offices["one"].pk
    ele, ror, fri = (world.trades[code].pk for code in ("ELE", "ROR", "FRI"))
    a, b, oslo = world.county_a.pk, world.county_b.pk, world.offices["oslo"].pk
    settings.REPORTING_THRESHOLD = 5  # the case is K=5's
    people = [
        *[Person(a, big, None, ele)] * 5,
        *[Person(a, two, None, ror)] * 3,
        *[Person(a, one, None, ror)] * 4,
        Person(a, two, None, fri),
        Person(a, None, None, None),
        *[Person(b, oslo, None, ele)] * 6,
        *[Person(b, None, None, fri)] * 3,
    ]
    round_ = closed_round_ensure(2024, "LBU")
    round_fill(round_, people, k=5, rng=random.Random(5), response_rate=response_rate)
    assert {
        (t.county_id, t.training_office_id, t.trade_id): t.sampled
        for t in ResponseTally.objects.filter(round=round_, county_id=a)
    } == {(a, big, ele): 5, (a, None, None): 9}
    document = everything_published(round_publish(round_id=round_.pk))
    narrow, attacked = narrow_intervals([document], attacker_classes(), 5)
    assert narrow == []
    assert narrow_by_answers([document], attacker_classes(), 5) == []
    assert attacked > 0
