"""The answered counts of the response-rate pages, hidden by the suppression of published
results (R-L7): the function the surveys' hook (surveys/rate_disclosure.py) is filled with in
reporting/hooks.py.

- While the round takes answers: the scope's report classes (a county's or an office's) as one
  linked structure of the units the pages show, suppressed by pattern_compute with each class's
  and each cell's invited count as a ceiling on its answers (whoever sees the pages saw the
  sample and knows the class rule).
  A hidden count is "*" whether it is under the threshold or hidden to protect one: a mark
  that told the two apart would tell the attacker which hidden counts are small.
- From the last day to answer on: the figures of the round's results. Once published they are
  read from the publication; before, they are computed as publishing computes the answers'
  pattern (the round's classes nationally, the unit types of the survey, pattern_compute).

The pattern is kept in the cache per round, scope and counts, so a page pays for the linear
programs only when an answer has come in since."""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable

import numpy as np
from django.conf import settings
from django.core.cache import cache
from django.db.models import Count

from reporting.counting import class_key
from reporting.items import ANSWERS
from reporting.models import Publication, ResultUnit
from reporting.services.publishing import UNIT_TYPES_OF, answers_pattern_compute
from reporting.suppression import pattern_compute, structure_build
from reporting.suppression.linked_tables import UNIT_TYPES, Cell
from surveys.models import AnonymousResponse
from surveys.rate_disclosure import Answered, ClassCount, RateQuestion, UnitKey

_CACHE_SECONDS = 60 * 60 * 24
# The unit types of each scope's pages.
_SCOPE_TYPES = {"county": ("C", "CO", "CM", "CT"), "office": ("O", "OM", "OT")}
_DIM_COLUMNS = {
    "county": "county_id",
    "office": "office_id",
    "company": "company_id",
    "trade": "trade_id",
    "kind": "kind",
}


def rates_disclosure(question: RateQuestion) -> dict[UnitKey, Answered]:
    """The answered count of every unit of the question's scope as the pages may show it."""
    if question.final:
        return _final(question)
    return _cached(question, "live", lambda: _live(question))


def _digest(classes: tuple[ClassCount, ...]) -> str:
    text = repr(
        sorted(
            (tuple("" if v is None else str(v) for v in c.key), c.sampled, c.answered)
            for c in classes
        )
    )
    return hashlib.sha256(text.encode()).hexdigest()


def _cached(
    question: RateQuestion, mode: str, compute: Callable[[], dict[UnitKey, Answered]]
) -> dict[UnitKey, Answered]:
    scope = question.scope if mode == "live" else ("nation", 0)
    key = (
        f"rates-pattern:{question.round.pk}:{mode}:{scope[0]}:{scope[1]}:"
        f"{settings.REPORTING_THRESHOLD}:{_digest(question.classes)}"
    )
    found = cache.get(key)
    if found is None:
        found = {unit: a.n for unit, a in compute().items()}
        cache.set(key, found, _CACHE_SECONDS)
    return {unit: Answered(n) for unit, n in found.items()}


def _live(question: RateQuestion) -> dict[UnitKey, Answered]:
    kind = question.round.kind
    sampled: dict[tuple, int] = defaultdict(int)
    answered: dict[tuple, int] = defaultdict(int)
    for count in question.classes:
        key = class_key(question.round, *count.key)
        sampled[key] += count.sampled
        answered[key] += count.answered
    types = [t for t in _SCOPE_TYPES[question.scope[0]] if t in UNIT_TYPES_OF[kind]]
    structure = structure_build(sampled, types)
    classes = structure.classes
    # Whoever sees the pages saw the sample and knows the class rule: each class's invited
    # bounds its answers, and so does each cell's. A class that is no cell of its own is one
    # here, hidden by nature, so that the audit knows its bound.
    single = {cell.members for cell in structure.cells}
    structure.cells.extend(Cell((i,)) for i in range(len(classes)) if (i,) not in single)
    invited = structure.values([sampled[c] for c in classes])
    counts = [answered[c] for c in classes]
    k = settings.REPORTING_THRESHOLD
    pattern = pattern_compute(
        structure,
        counts,
        threshold=k,
        # A group of fewer than K invited says of its members whether anyone has answered,
        # even at none: hidden whatever its count.
        forced={i for i, n in enumerate(invited) if n < k},
        upper_bounds=dict(enumerate(invited)),
    )
    values = structure.values(counts)
    return {
        unit: Answered(None if cell in pattern.hidden else values[cell])
        for unit, cell in structure.cell_of_unit.items()
    }


def _final(question: RateQuestion) -> dict[UnitKey, Answered]:
    publication = Publication.objects.filter(round=question.round).first()
    if publication is not None:
        return _published(publication, question)
    return _cached(question, "final", lambda: _as_published(question))


def _published(publication: Publication, question: RateQuestion) -> dict[UnitKey, Answered]:
    scope_type, scope_id = question.scope
    rows = ResultUnit.objects.filter(
        publication=publication, unit_type__in=_SCOPE_TYPES[scope_type]
    ).filter(**{_DIM_COLUMNS[scope_type]: scope_id})
    found: dict[UnitKey, Answered] = {}
    for unit_type, *columns, figures in rows.values_list(
        "unit_type", *_DIM_COLUMNS.values(), "figures"
    ):
        by_dim = dict(zip(_DIM_COLUMNS, columns, strict=True))
        unit = (unit_type, tuple(by_dim[d] for d in UNIT_TYPES[unit_type]))
        answers = figures.get(ANSWERS, {})
        found[unit] = Answered(None if answers.get("h") else answers.get("n"))
    return found


def _as_published(question: RateQuestion) -> dict[UnitKey, Answered]:
    """The answers' pattern as publishing makes it (reporting/services/publishing.py): the
    round's classes, sampled or answered, nationally; the answers counted from the anonymous
    answers; the survey's unit types; answers_pattern_compute."""
    round_ = question.round
    answered: dict[tuple, int] = defaultdict(int)
    rows = (
        AnonymousResponse.objects.filter(round=round_)
        .values_list("county_id", "training_office_id", "company_id", "trade_id", "apprentice_kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    for *key, n in rows:
        answered[class_key(round_, *key)] += n
    sampled: dict[tuple, int] = defaultdict(int)
    for count in question.classes:
        sampled[class_key(round_, *count.key)] += count.sampled
    keys = set(answered) | set(sampled)
    structure = structure_build(keys, UNIT_TYPES_OF[round_.kind])
    counts = [answered.get(k, 0) for k in structure.classes]
    pattern = answers_pattern_compute(
        structure,
        np.array(counts, dtype=np.int64),
        np.array([sampled.get(k, 0) for k in structure.classes], dtype=np.int64),
        settings.REPORTING_THRESHOLD,
    )
    values = structure.values(counts)
    return {
        unit: Answered(None if cell in pattern.hidden else values[cell])
        for unit, cell in structure.cell_of_unit.items()
    }
