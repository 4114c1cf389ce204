"""Synthetic closed rounds: made-up answers at the level of report classes, with response
tallies that agree with them, for the demo's history and the benchmarks. Nobody real is in
them; distributions differ by county and trade and drift over the years."""

from __future__ import annotations

import math
import random
import zlib
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction

from portal.lib.oslo import oslo_datetime
from surveys.models import (
    AnonymousResponse,
    Question,
    QuestionType,
    ResponseTally,
    ResponseTallyDay,
    Round,
    SurveyKind,
)
from surveys.services.report_classes import DIMENSIONS, STEPS, Member, report_classes_plan
from surveys.services.rounds import round_create
from surveys.services.tallies import tally_days_write


@dataclass(frozen=True)
class Person:
    """One sampled apprentice (LU) or professional leader (LBU)."""

    county: int
    office: int | None
    company: int | None
    trade: int | None
    kind: str = ""


def report_classes(people: Sequence[Person], kind: str, k: int) -> dict[tuple, list[Person]]:
    """Each person's report class, (county, office, company, trade, kind) → its people, made by
    production's rule (surveys.services.report_classes) so that the history and the attack
    tests see only class shapes a frozen sample can have."""
    members = [
        Member(index, p.county, p.office, p.company, p.trade, p.kind)
        for index, p in enumerate(people)
    ]
    placed: dict[tuple, list[Person]] = defaultdict(list)
    for planned in report_classes_plan(members, STEPS[kind], k):
        dims = planned.dimensions()
        key = tuple(dims[column] for column in ("county_id", *DIMENSIONS))
        # Two steps can describe a class alike: the close step tallies by dimensions, so here too.
        placed[key].extend(people[m.pk] for m in planned.members)
    return dict(placed)


def _clip(value: float) -> int:
    return max(1, min(5, round(value)))


def answers_make(questions: Sequence[Question], level: float, rng: random.Random) -> dict:
    """One respondent's answers: scale answers around `level` (1–5), follow-up signals more
    frequent where the level is low, a few questions skipped."""
    answers: dict = {}
    personal = rng.gauss(0, 0.7)
    for question in questions:
        # Questions differ from each other the same way every year.
        offset = (zlib.crc32(question.code.encode()) % 9 - 4) * 0.12
        if rng.random() < 0.03:
            continue
        if question.type == QuestionType.SCALE:
            if question.allow_dont_know and rng.random() < 0.05:
                answers[question.code] = "dk"
            else:
                answers[question.code] = _clip(rng.gauss(level + offset + personal, 0.8))
        elif question.type == QuestionType.YES_NO:
            if question.follow_up:
                chance = 0.03 + max(0.0, 4.2 - level) * 0.06
                answers[question.code] = rng.random() < chance
            else:
                answers[question.code] = rng.random() < 0.75
        elif question.type == QuestionType.SINGLE:
            codes = [c["code"] for c in question.choices]
            weights = [1.0 / (i + 1) for i in range(len(codes))]
            answers[question.code] = rng.choices(codes, weights)[0]
        elif question.type == QuestionType.MULTIPLE:
            codes = [c["code"] for c in question.choices]
            if rng.random() < 0.3:
                answers[question.code] = sorted(rng.sample(codes, rng.randint(1, 2)))
    return answers


def closed_round_ensure(year: int, kind: str) -> Round:
    """The round of the year and survey, created with the national calendar if missing, and
    marked as having been through its close step."""
    round_ = Round.objects.filter(year=year, kind=kind).first() or round_create(
        year=year, kind=kind
    )
    if round_.anonymised_at is None:
        round_.sample_frozen_at = round_.sample_frozen_at or oslo_datetime(round_.reference_date)
        round_.anonymised_at = round_.closes_at
        round_.save(update_fields=["sample_frozen_at", "anonymised_at"])
    return round_


def round_fill(
    round_: Round,
    people: Iterable[Person],
    *,
    k: int,
    rng: random.Random,
    level: dict[tuple[str, int | None], float] | None = None,
    response_rate: float = 0.6,
) -> int:
    """Writes a closed round's anonymous answers and tallies for `people`, at report-class
    level. `level`: ("county", id) / ("trade", id) → an offset to the mean answer. Returns the
    number of answers."""
    rows = []
    for key, members in report_classes(list(people), round_.kind, k).items():
        answered = sum(1 for _ in members if rng.random() < response_rate)
        rows.append((key, len(members), answered))
    return classes_fill(round_, rows, rng=rng, level=level)


def classes_fill(
    round_: Round,
    rows: Sequence[tuple[tuple, int, int]],
    *,
    rng: random.Random,
    level: dict[tuple[str, int | None], float] | None = None,
) -> int:
    """Writes (replacing) a closed round's answers and tallies from (class, sampled, answered)
    rows; the class is (county id, office id, company id, trade id, kind)."""
    questions = list(
        Question.objects.filter(questionnaire=round_.questionnaire).order_by(
            "section__position", "position"
        )
    )
    level = level or {}
    drift = 0.02 * (round_.year - 2012)
    first_day: date = round_.opens_at.date()
    responses: list[AnonymousResponse] = []
    tallies: list[ResponseTally] = []
    days: dict[int, Counter[date]] = defaultdict(Counter)
    for key, sampled, answered in rows:
        county, office, company, trade, kind = key
        mean = 3.7 + drift + level.get(("county", county), 0.0) + level.get(("trade", trade), 0.0)
        for _ in range(answered):
            responses.append(
                AnonymousResponse(
                    round=round_,
                    county_id=county,
                    training_office_id=office,
                    company_id=company if round_.kind == SurveyKind.LU else None,
                    trade_id=trade,
                    apprentice_kind=kind,
                    answers=answers_make(questions, mean, rng),
                )
            )
            days[county][first_day + timedelta(days=int(rng.expovariate(1 / 12)) % 60)] += 1
        tallies.append(
            ResponseTally(
                round=round_,
                county_id=county,
                training_office_id=office,
                company_id=company,
                trade_id=trade,
                apprentice_kind=kind,
                sampled=sampled,
                answered=answered,
            )
        )
    rng.shuffle(responses)
    with transaction.atomic():
        AnonymousResponse.objects.filter(round=round_).delete()
        ResponseTally.objects.filter(round=round_).delete()
        AnonymousResponse.objects.bulk_create(responses, batch_size=2000)
        ResponseTally.objects.bulk_create(tallies, batch_size=2000)
        ResponseTallyDay.objects.filter(round=round_).delete()
        tally_days_write(round_, days)
    return len(responses)


def skew(rng: random.Random, keys: Iterable, spread: float) -> dict:
    """A fixed random offset per key, for levels that differ by county or trade."""
    return {key: rng.gauss(0, spread) for key in keys}


def zipf_choice(rng: random.Random, items: Sequence, s: float = 1.0):
    weights = [1 / math.pow(i + 1, s) for i in range(len(items))]
    return rng.choices(items, weights)[0]
