"""The response rates a county or an office sees, attacked like the published results (R-L7).

Invited counts are shown (the organisation saw its sample); answered counts are hidden by the
results' suppression (surveys.rate_disclosure, filled by reporting/live_rates.py): a group with
fewer than K answers is "*", and so are as many more as it takes that no hidden count can be
worked out from the total and the other rows. Every figure is handed to the independent
attacker (tests/reporting/attack.py, tests/surveys/rate_attack.py) at two levels: the outputs
alone, and the outputs with the sample (each class's invited count as a ceiling on its
answers)."""

from __future__ import annotations

import itertools
import random

import pytest

from surveys.models import Round, SurveyKind
from surveys.rate_disclosure import ClassCount, RateQuestion, answered_disclosed
from tests.reporting.attack import narrow_intervals
from tests.surveys.rate_attack import HIDDEN, narrow_knowing_the_sample, unit_key

K = 5
COUNTY = "46"  # as the downloads name it
COUNTY_ID = 46  # as the classes hold it
DIMS = {"C": (), "CO": ("office",), "CM": ("company",), "CT": ("trade",)}
_round_ids = itertools.count(900000)

Cells = dict[tuple[str | None, str | None, str | None], tuple[int, int]]


def county_view(cells: Cells) -> list[dict]:
    """The county's page and breakdowns as the attacker's documents, through the surveys' hook
    (the report portal's suppression): (office, company, trade) → (invited, answered), each a
    report class; an empty dimension is one the class left out."""
    question = RateQuestion(
        round=Round(pk=next(_round_ids), kind=SurveyKind.LU),
        scope=("county", COUNTY_ID),
        final=False,
        classes=tuple(
            ClassCount((COUNTY_ID, *cell, ""), sampled, answered)
            for cell, (sampled, answered) in cells.items()
        ),
    )
    figures = []
    for (unit_type, values), shown in answered_disclosed(question).items():
        if unit_type not in DIMS:
            continue
        unit = {"type": unit_type, "county": COUNTY}
        unit.update(zip(DIMS[unit_type], values[1:], strict=True))
        figures.append({"item": "answers", "unit": unit, "n": HIDDEN if shown.hidden else shown.n})
    return [{"tables": [{"figures": figures}]}]


def classes_of(cells: Cells) -> list[dict]:
    """The classes the rule and the register say exist."""
    return [
        {"county": COUNTY, "office": office, "company": company, "trade": trade, "kind": None}
        for office, company, trade in sorted(cells, key=str)
    ]


def sampled_of(cells: Cells) -> list[int]:
    return [cells[c][0] for c in sorted(cells, key=str)]


def random_county(rng: random.Random) -> Cells:
    """Classes as the rule makes them: some keep the company, some only the office, some only
    the trade, and the county's rest; each of at least K invited, many with few answers."""
    cells: Cells = {}
    trades = ["T1", "T2", "T3"]
    for o in range(rng.randint(2, 5)):
        office = f"office-{o}"
        for c in range(rng.randint(0, 3)):
            cells[(office, f"{office}-company-{c}", rng.choice(trades))] = _counts(rng)
        for trade in rng.sample(trades, rng.randint(0, 2)):
            cells.setdefault((office, None, trade), _counts(rng))
        cells.setdefault((office, None, None), _counts(rng))
    for trade in rng.sample(trades, rng.randint(0, 2)):
        cells[(None, None, trade)] = _counts(rng)
    cells[(None, None, None)] = _counts(rng)
    return cells


def _counts(rng: random.Random) -> tuple[int, int]:
    sampled = rng.choice([5, 6, 8, 12, 20, 35])
    answered = rng.choice([0, 1, 2, 3, 4, rng.randint(0, sampled), rng.randint(0, sampled)])
    return sampled, min(answered, sampled)


def attack(cells: Cells) -> tuple[list, list, int]:
    """Level 1 (the outputs alone) and level 2 (with the sample)."""
    documents = county_view(cells)
    classes = classes_of(cells)
    outputs, attacked = narrow_intervals(documents, classes, K)
    sample, _ = narrow_knowing_the_sample(documents, classes, K, sampled=sampled_of(cells))
    return outputs, sample, attacked


# Nested tables: a training office's row is the sum of its companies' rows, so a company hidden
# beside a shown sibling would be its office's row minus the sibling (a1 = 13 − 10 = 3).
NESTED: Cells = {
    ("office-a", "a1", "T1"): (8, 3),
    ("office-a", "a2", "T1"): (15, 10),
    ("office-b", "b1", "T2"): (6, 2),
    ("office-b", "b2", "T2"): (30, 20),
}


def test_no_hidden_rate_of_a_county_can_be_narrowed_across_its_breakdowns():
    outputs, sample, attacked = attack(NESTED)
    assert attacked >= 2
    assert outputs == []
    assert sample == []
    shown = {unit_key(f["unit"]): f["n"] for f in county_view(NESTED)[0]["tables"][0]["figures"]}
    cm = ("CM", ("county", COUNTY))
    # The small companies are hidden, and so is enough beside them.
    assert shown[(*cm, ("company", "a1"))] == shown[(*cm, ("company", "b1"))] == HIDDEN
    assert shown[("C", ("county", COUNTY))] == 35


@pytest.mark.parametrize("seed", range(4))
def test_no_hidden_rate_of_a_random_county_can_be_narrowed(seed):
    rng = random.Random(20261207 + seed)
    leaks, sample_leaks, attacked = [], [], 0
    for _ in range(10):
        cells = random_county(rng)
        outputs, sample, n = attack(cells)
        leaks += outputs
        sample_leaks += sample
        attacked += n
    assert leaks == []
    assert sample_leaks == []
    assert attacked > 20  # something to attack


def test_the_attacker_pins_what_the_old_per_table_rule_showed():
    """The attack is real: answered counts shown per group above K invited, as the pages did,
    give the small companies away."""
    figures = [{"item": "answers", "unit": {"type": "C", "county": COUNTY}, "n": 35}]
    for office, company, trade in NESTED:
        answered = NESTED[(office, company, trade)][1]
        figures.append(
            {
                "item": "answers",
                "unit": {"type": "CM", "county": COUNTY, "company": company},
                "n": answered if company != "a1" else HIDDEN,
            }
        )
    figures.append(
        {"item": "answers", "unit": {"type": "CO", "county": COUNTY, "office": "office-a"}, "n": 13}
    )
    narrow, _ = narrow_intervals([{"tables": [{"figures": figures}]}], classes_of(NESTED), K)
    assert [n.unit for n in narrow] == [("CM", ("county", COUNTY), ("company", "a1"))]


def test_the_sample_as_a_ceiling_is_needed(monkeypatch):
    """Level 2 is real: without each class's invited as a ceiling in the audit, an attacker who
    knows the sample narrows hidden counts of random counties."""
    from reporting import live_rates

    real = live_rates.pattern_compute

    def without_ceilings(structure, counts, **kwargs):
        kwargs.pop("upper_bounds", None)
        return real(structure, counts, **kwargs)

    monkeypatch.setattr(live_rates, "pattern_compute", without_ceilings)
    rng = random.Random(20261207)
    found = []
    for _ in range(40):
        found += attack(random_county(rng))[1]
    assert found
