"""The attacker of docs/privacy.md at both levels: everything one organisation can download,
each item read together with the answers table (an item's count is at most the answers in every
class, so the people who skipped a question add up across groups), and, at the second level,
the sample per report class the county saw while the round was open. No hidden count may be
narrowed below the threshold, or below what the sample alone allows when that is less. Each
relation of the audit is shown to be needed: without it a random round leaks."""

import json
import random

import pytest
from django.conf import settings

from demo.synthetic_results import Person, closed_round_ensure, round_fill
from portal.models import Company, County, Membership, Role, TrainingOffice, User
from registry_import.models import Trade
from reporting.counting import class_key
from reporting.services import publishing
from reporting.services.publishing import round_publish
from surveys.models import AnonymousResponse, Round
from surveys.response_counts import response_counts
from tests.conftest import PASSWORD, give_two_factor
from tests.reporting.attack import narrow_by_answers, narrow_joint
from tests.reporting.test_attack import described_unit, downloads_of, everything_published

pytestmark = pytest.mark.django_db


DIMENSIONS = ("county", "office", "company", "trade", "kind")


def _named_classes(round_: Round) -> list[tuple[tuple, int]]:
    """The round's sample per report class (the public class rule), named as downloads name
    units: (county code, office and company numbers, trade code, kind)."""
    codes = _names()
    found = []
    for count in response_counts(round_):
        key = class_key(
            round_,
            count.county_id,
            count.training_office_id,
            count.company_id,
            count.trade_id,
            count.apprentice_kind,
        )
        named = tuple(
            codes[dim].get(value) if dim in codes else (value or None)
            for dim, value in zip(DIMENSIONS, key, strict=True)
        )
        found.append((named, count.sampled))
    return found


def small_groups(round_: Round, narrow: list, threshold: int) -> list:
    """The narrowed counts that are truly below the threshold (and above 0): the groups the
    threshold protects. A count hidden only to protect another may be narrowed; what matters is
    that no small group is (the truth is read from the answers, not from the publishing)."""
    from reporting.counting import round_counts
    from reporting.items import items_of
    from tests.reporting.attack import FIXES

    counts = round_counts(round_, items_of(round_.questionnaire))
    names = _names()
    classes = [
        tuple(
            names[dim].get(value) if dim in names else (value or None)
            for dim, value in zip(DIMENSIONS, key, strict=True)
        )
        for key in counts.classes
    ]
    found = []
    for entry in narrow:
        unit_type, *fixed = entry.unit
        wanted = dict(fixed)
        column = counts.items[entry.item].n
        true = sum(
            int(column[i])
            for i, named in enumerate(classes)
            if all(named[DIMENSIONS.index(dim)] == wanted[dim] for dim in FIXES[unit_type])
        )
        if 0 < true < threshold:
            found.append((entry, true))
    return found


def _names() -> dict[str, dict]:
    return {
        "county": dict(County.objects.values_list("pk", "code")),
        "office": dict(TrainingOffice.objects.values_list("pk", "orgnr")),
        "company": dict(Company.objects.values_list("pk", "orgnr")),
        "trade": dict(Trade.objects.values_list("pk", "code")),
    }


def sample_of(round_: Round, classes: list[dict]) -> list[int]:
    """The people sampled per report class, as the attacker of level 2 knows them: the county
    saw its sample, and the class rule is public."""
    found: dict[tuple, int] = {}
    for named, sampled in _named_classes(round_):
        found[named] = found.get(named, 0) + sampled
    order = [tuple(c[dim] for dim in DIMENSIONS) for c in classes]
    missing = set(found) - set(order)
    assert not missing, f"sampled classes the attacker lacks: {sorted(missing, key=str)[:3]}"
    return [found.get(key, 0) for key in order]


def sampled_classes(round_: Round) -> list[dict]:
    """Every report class of the sample (with or without answers), as the downloads name
    units."""
    names: set[tuple] = {
        (county, office, company, trade, kind or None)
        for county, office, company, trade, kind in AnonymousResponse.objects.filter(
            round=round_
        ).values_list(
            "county__code",
            "training_office__orgnr",
            "company__orgnr",
            "trade__code",
            "apprentice_kind",
        )
    }
    names.update(named for named, _sampled in _named_classes(round_))
    return [
        dict(zip(("county", "office", "company", "trade", "kind"), c, strict=True))
        for c in sorted(names, key=str)
    ]


def _organisations(world) -> list[tuple[str, User | None, dict]]:
    found: list[tuple[str, User | None, dict]] = [("public", None, {})]
    for county in (world.county_a, world.county_b):
        user = User.objects.create_user(f"fylke{county.code}@test.no", PASSWORD)
        Membership.objects.create(user=user, role=Role.COUNTY, county=county)
        give_two_factor(user)
        found.append((county.name, user, {"county": county}))
    for name, office in world.offices.items():
        user = User.objects.create_user(f"{name}@kontor.test", PASSWORD)
        Membership.objects.create(user=user, role=Role.OFFICE, training_office=office)
        found.append((office.name, user, {"office": office}))
    return found


def test_no_organisation_narrows_a_hidden_count_at_either_level(client, published, world):
    threshold = settings.REPORTING_THRESHOLD
    round_ = published.round
    classes = sampled_classes(round_)
    sample = sample_of(round_, classes)
    attacked = 0
    for name, user, org in _organisations(world):
        documents = downloads_of(client, user, 2024, **org)
        narrow, seen = narrow_joint(documents, classes, threshold)
        leaks = small_groups(round_, narrow, threshold)
        assert leaks == [], f"{name} narrows from the outputs: {leaks[:5]}"
        narrow, _seen = narrow_joint(documents, classes, threshold, sample)
        leaks = small_groups(round_, narrow, threshold)
        assert leaks == [], f"{name} narrows knowing the sample: {leaks[:5]}"
        attacked += seen
    assert attacked > 50


def random_round(
    seed: int,
    world,
    *,
    response_rate: float = 0.55,
    year: int = 2023,
    codes: tuple[str, ...] = ("46", "03", "11"),
) -> Round:
    """A round of random offices, companies and trades in three counties; each `year` its own
    organisations, so several can be made in one test."""
    rng = random.Random(seed)
    counties = list(County.objects.filter(code__in=codes))
    tag = year % 100
    trades = [Trade.objects.create(code=f"T{tag}-{i}", name=f"Fag {i}") for i in range(10)]
    from demo.portal_users import valid_orgnr

    people = []
    for c_index, county in enumerate(counties):
        for o in range(rng.randint(1, 4)):
            office = TrainingOffice.objects.create(
                orgnr=valid_orgnr(91000000 + tag * 100000 + c_index * 1000 + o * 10),
                name=f"OK {county.code}-{o}",
                county=county,
            )
            office_trades = rng.sample(trades, rng.randint(1, 4))
            for m in range(rng.randint(2, 6)):
                company = Company.objects.create(
                    orgnr=valid_orgnr(60000000 + tag * 100000 + c_index * 10000 + o * 100 + m * 3),
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
    round_ = closed_round_ensure(year, "LU")
    round_fill(round_, people, k=settings.REPORTING_THRESHOLD, rng=rng, response_rate=response_rate)
    return round_


ITEMS = ("answers", "index:trivsel", "mobbing_laeretiden", "trivsel_trives")


def _attack_everything(round_: Round, *, level: int) -> tuple[list, int]:
    publication = round_publish(round_id=round_.pk)
    carried = set(publication.units.filter(unit_type="N").get().figures)
    items = ITEMS if set(ITEMS) <= carried else ["answers", *sorted(carried - {"answers"})[:4]]
    document = everything_published(publication, items)
    classes = sampled_classes(round_)
    sample = sample_of(round_, classes) if level == 2 else None
    threshold = settings.REPORTING_THRESHOLD
    narrow, attacked = narrow_joint([document], classes, threshold, sample)
    return small_groups(round_, narrow, threshold), attacked


@pytest.mark.parametrize("seed", [3, 11])
@pytest.mark.parametrize("level", [1, 2])
def test_a_random_round_leaks_nothing_at_either_level(seed, level, questionnaires, world):
    narrow, attacked = _attack_everything(random_round(seed, world), level=level)
    assert narrow == []
    assert attacked > 20


@pytest.mark.parametrize("seed", [17, 23])
def test_more_random_rounds_leak_nothing_knowing_the_sample(seed, questionnaires, world):
    narrow, attacked = _attack_everything(random_round(seed, world), level=2)
    assert narrow == []
    assert attacked > 20


OLD_STRUCTURE = ("12", "14", "03")  # 2019: Hordaland and Sogn og Fjordane beside Oslo


@pytest.mark.parametrize("seed", [1, 5, 11])
@pytest.mark.parametrize("level", [1, 2])
def test_a_round_on_the_old_county_structure_leaks_nothing(seed, level, questionnaires, world):
    """2019: Hordaland and Sogn og Fjordane (Vestland from 2020) beside Oslo. The national
    figures and the counties of that year are one linked table, so no sum over the old
    counties pins a hidden one."""
    round_ = random_round(seed, world, year=2019, codes=OLD_STRUCTURE)
    narrow, attacked = _attack_everything(round_, level=level)
    assert narrow == []
    assert attacked > 10


def _figures_apart(structure, counts, codes, threshold, *, real):
    """The nation's figures audited as a table of their own, apart from the counties of the
    year (what the relation prevents)."""
    from reporting.suppression import structure_build

    types = publishing.UNIT_TYPES_OF["LU"]
    parts = []
    for national in (True, False):
        chosen = [t for t in types if t.startswith("N") == national]
        part = structure_build(counts.classes, chosen)
        parts.append((part, real(part, counts, codes, threshold)))
    figures: list[dict] = [{} for _ in structure.cells]
    for unit, cell in structure.cell_of_unit.items():
        part, found = parts[0] if unit[0].startswith("N") else parts[1]
        figures[cell] = found[part.cell_of_unit[unit]]
    return figures


@pytest.mark.parametrize("seed", [1, 11])
def test_without_the_nation_tied_to_the_counties_of_its_year_an_old_round_leaks(
    seed, questionnaires, world, monkeypatch
):
    """The structure relation is needed: with the national figures (and the nation by trade
    and kind) suppressed apart from the old counties of 2019, a sum over those counties pins
    a hidden one."""
    real = publishing._figures
    monkeypatch.setattr(
        publishing, "_figures", lambda *a: _figures_apart(*a, real=real)
    )
    round_ = random_round(seed, world, year=2019, codes=OLD_STRUCTURE)
    narrow, _attacked = _attack_everything(round_, level=1)
    assert narrow


def _leaks(world, seeds, *, level: int) -> bool:
    for number, seed in enumerate(seeds):
        round_ = random_round(seed, world, year=2021 + number)
        narrow, _attacked = _attack_everything(round_, level=level)
        if narrow:
            return True
    return False


def test_without_the_answers_read_with_each_item_a_random_round_leaks(
    questionnaires, world, monkeypatch
):
    """The skips relation is needed: each item audited on its own, with the shown answers only
    as a ceiling per unit, lets the people who skipped a question add up to a hidden count."""
    from reporting.suppression import pattern_compute

    def items_alone(structure, joint, item_values, answers_values, answers_hidden, **kw):
        values = structure.values(answers_values)
        bounds = {
            cell: values[cell]
            for cell, c in enumerate(structure.cells)
            if not c.is_phantom and cell not in answers_hidden
        }
        return pattern_compute(
            structure, item_values, forced=answers_hidden, upper_bounds=bounds, **kw
        )

    monkeypatch.setattr(publishing, "item_pattern_compute", items_alone)
    assert _leaks(world, [3, 11, 17, 23], level=1)


def test_without_the_sample_as_a_ceiling_a_random_round_leaks_to_who_knows_it(
    questionnaires, world, monkeypatch
):
    """The sample relation is needed: audited without the people sampled per class as a
    ceiling, the attacker who saw the sample narrows a hidden count."""
    real_compute, real_items = publishing.pattern_compute, publishing.item_pattern_compute
    monkeypatch.setattr(
        publishing,
        "pattern_compute",
        lambda *a, **kw: real_compute(*a, **{**kw, "class_upper": None}),
    )
    monkeypatch.setattr(
        publishing,
        "item_pattern_compute",
        lambda *a, **kw: real_items(*a, **{**kw, "class_upper": None}),
    )
    assert _leaks(world, [3, 11, 17, 23], level=2)


def _with_counts(publication, items) -> dict:
    """Everything published, each shown figure with the count of every answer value."""
    from reporting.models import ResultUnit
    from reporting.selectors import publication_items

    values = {i.code: i.values for i in publication_items(publication)}
    figures = []
    for unit in ResultUnit.objects.filter(publication=publication).select_related(
        "county", "office", "company", "trade"
    ):
        described = described_unit(unit)
        for code in items:
            figure = unit.figures[code]
            shown = not figure.get("h")
            entry = {"unit": described, "item": code, "n": figure["n"] if shown else "*"}
            if shown and values.get(code):
                entry["counts"] = dict(zip(values[code], figure.get("c", []), strict=False))
            figures.append(entry)
    return {"tables": [{"figures": figures}]}


def _value_leaks(world, seeds) -> list:
    threshold = settings.REPORTING_THRESHOLD
    for number, seed in enumerate(seeds):
        round_ = random_round(seed, world, year=2021 + number)
        publication = round_publish(round_id=round_.pk)
        document = _with_counts(publication, ITEMS[1:])
        narrow = narrow_by_answers([document], sampled_classes(round_), threshold)
        leaks = small_groups(round_, narrow, threshold)
        if leaks:
            return leaks
    return []


def test_the_counts_of_each_answer_narrow_no_small_group(questionnaires, world):
    assert _value_leaks(world, [3, 11, 30, 31, 32]) == []


def test_without_each_answers_counts_audited_a_random_round_leaks_by_option(
    questionnaires, world, monkeypatch
):
    """The relation of the answer values is needed: audited on the counts alone, the count of
    each answer a shown unit publishes narrows a hidden one."""
    from reporting.suppression import pattern

    real = pattern.item_pattern_compute
    monkeypatch.setattr(
        publishing,
        "item_pattern_compute",
        lambda *a, **kw: real(*a, **{**kw, "value_counts": None}),
    )
    assert _value_leaks(world, [30, 31, 32, 33])



def _distributions_of(client, user, org: dict, round_: Round) -> list[dict]:
    """The answers by option of the attacked items, as the organisation downloads them."""
    from reporting.items import items_of

    prefix = f"/fylke/{org['county'].code}" if "county" in org else f"/kontor/{org['office'].orgnr}"
    client.force_login(user)
    documents = []
    for item in items_of(round_.questionnaire):
        if item.code not in ITEMS[1:]:
            continue
        url = f"{prefix}/resultater/{round_.year}/lu/tabeller/fordeling-{item.slug}.json"
        response = client.get(url)
        assert response.status_code == 200, url
        documents.append(json.loads(response.content))
    client.logout()
    assert documents
    return documents


def test_the_answers_by_option_narrow_no_small_group_of_any_organisation(
    client, published, world
):
    """The distribution downloads give every shown unit's count of each answer: read with
    everything else the organisation downloads, value by value and with the answers table,
    they narrow no small group, also to whoever knows the sample."""
    threshold = settings.REPORTING_THRESHOLD
    round_ = published.round
    classes = sampled_classes(round_)
    sample = sample_of(round_, classes)
    attacked = 0
    for name, user, org in _organisations(world)[1:]:
        documents = downloads_of(client, user, round_.year, **org)
        documents += _distributions_of(client, user, org, round_)
        leaks = small_groups(round_, narrow_by_answers(documents, classes, threshold), threshold)
        assert leaks == [], f"{name} narrows by option: {leaks[:5]}"
        narrow, seen = narrow_joint(documents, classes, threshold, sample)
        leaks = small_groups(round_, narrow, threshold)
        assert leaks == [], f"{name} narrows from the distributions: {leaks[:5]}"
        attacked += seen
    assert attacked > 50


PDF_GROUPS = {
    "Lærefag": "CT",
    "Opplæringskontor": "CO",
    "Lærebedrift": "CM",
    "Lærling eller lærekandidat": "CK",
}
PDF_KINDS = {"Lærling": "apprentice", "Lærekandidat": "candidate"}


def pdf_figures(text: str, county: County, round_: Round) -> dict:
    """The counts the county's PDF report prints, read from its text as an attacker would:
    the county's row of every index and question, and each index by trade, office, company
    and kind. Units are named as the downloads name them."""
    import re

    from django.utils import translation

    from reporting.items import items_of

    with translation.override("nb"):
        items = [i for i in items_of(round_.questionnaire) if i.code != "answers"]
        labels = {str(i.label): i.code for i in items}
    flat = re.sub(r"\s+", " ", text)
    own = {"type": "C", "county": county.code}
    figures = []
    for label, code in labels.items():
        found = re.search(re.escape(label) + r" (\*|\d+)\b", flat)
        if found:
            n = found.group(1)
            figures.append({"unit": own, "item": code, "n": n if n == "*" else int(n)})
    names = {
        "CT": dict(Trade.objects.values_list("name", "code")),
        "CO": dict(TrainingOffice.objects.values_list("name", "orgnr")),
        "CM": dict(Company.objects.values_list("name", "orgnr")),
        "CK": PDF_KINDS,
    }
    dimension = {"CT": "trade", "CO": "office", "CM": "company", "CK": "kind"}
    lines = [line.strip() for line in text.split("\n")]
    start = lines.index("Indekser fordelt på grupper")
    item = group = None
    for position in range(start, len(lines) - 1):
        line = lines[position]
        if line in labels and labels[line].startswith("index:"):
            item, group = labels[line], None
        elif line in PDF_GROUPS:
            group = PDF_GROUPS[line]
        elif item and group and line in names[group]:
            n = lines[position + 1]
            if n == "*" or n.isdigit():
                unit = {"type": group, "county": county.code, dimension[group]: names[group][line]}
                figures.append({"unit": unit, "item": item, "n": n if n == "*" else int(n)})
    return {"tables": [{"figures": figures}]}


def test_the_pdf_text_agrees_with_the_downloads_and_narrows_no_small_group(
    client, published, world, django_capture_on_commit_callbacks
):
    """The county's PDF report read as text: every count it prints is the downloads' own
    (two outputs that disagree fail), and read together with them it narrows no small group,
    from the outputs alone or knowing the sample."""
    from tests.reporting.test_outputs import _pdf_text

    threshold = settings.REPORTING_THRESHOLD
    round_ = published.round
    classes = sampled_classes(round_)
    name, user, org = next(o for o in _organisations(world) if o[2].get("county"))
    client.force_login(user)
    prefix = f"/fylke/{org['county'].code}/resultater/{round_.year}/lu/"
    text, _reader = _pdf_text(client, prefix, django_capture_on_commit_callbacks)
    client.logout()
    printed = pdf_figures(text, org["county"], round_)
    by_group = {f["unit"]["type"] for f in printed["tables"][0]["figures"]}
    assert {"C", "CT", "CO", "CM", "CK"} <= by_group, by_group
    hidden = [f for f in printed["tables"][0]["figures"] if f["n"] == "*"]
    assert hidden, "the report hides some figures"
    documents = [*downloads_of(client, user, round_.year, **org), printed]
    for sample in (None, sample_of(round_, classes)):
        narrow, _seen = narrow_joint(documents, classes, threshold, sample)
        leaks = small_groups(round_, narrow, threshold)
        assert leaks == [], f"{name} narrows from the PDF: {leaks[:5]}"


def test_the_demo_history_across_the_county_structures_leaks_nothing(
    client, questionnaires, county_a
):
    """The demo's published history, 2018–2021: Vestland's administrator, with Hordaland and
    Sogn og Fjordane as well, reaches the old counties before 2020 and Vestland after, beside
    the public national figures of each year. Read together, on each year's structure, at both
    levels, no small group narrows."""
    from demo.history import load_demo_history
    from reporting.models import Publication
    from tests import register_rows as reg

    for number in range(4):
        office = reg.office(county_a, name=f"Kontor {number}")
        for company_number in range(6):
            company = reg.company(county_a, office=office, name=f"Firma {number}-{company_number}")
            for _ in range(5):
                reg.contract(reg.apprentice(), company)
    load_demo_history(last_year=2021, first_year=2018)
    user = User.objects.create_user("vestland@test.no", PASSWORD)
    # A Vestland administrator given access to the old counties as well (R-A5): the most one
    # organisation can hold across the two structures.
    for code in ("46", "12", "14"):
        Membership.objects.create(user=user, role=Role.COUNTY, county=County.objects.get(code=code))
    give_two_factor(user)
    threshold = settings.REPORTING_THRESHOLD
    attacked = 0
    years = set()
    for publication in Publication.objects.filter(round__kind="LU").select_related("round"):
        round_ = publication.round
        documents = downloads_of(client, None, round_.year)
        client.force_login(user)
        codes = ("12", "14") if round_.year < 2020 else ("46",)
        for code in codes:
            response = client.get(f"/api/resultater/{round_.year}/lu/fylke/{code}.json")
            assert response.status_code == 200, (round_.year, code)
            documents.append(json.loads(response.content))
        client.logout()
        classes = sampled_classes(round_)
        for sample in (None, sample_of(round_, classes)):
            narrow, seen = narrow_joint(documents, classes, threshold, sample)
            leaks = small_groups(round_, narrow, threshold)
            assert leaks == [], f"{round_.year} narrows: {leaks[:5]}"
            attacked += seen
        years.add(round_.year)
    assert years == {2018, 2019, 2020, 2021}
    assert attacked > 20
