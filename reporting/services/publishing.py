"""Publishing a closed LU or LBU round: its anonymous answers become count tables per unit with
the suppression pattern applied, once. From then on every page, PDF and download reads only
these tables (reporting.models.ResultUnit)."""

from __future__ import annotations

import logging
import os
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from typing import Any

import numpy as np
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.audit.record import audit_record
from portal.lib.bulk import rows_insert
from portal.models import AuditAction, User
from reporting.counting import RoundCounts, round_counts
from reporting.items import ANSWERS, items_of
from reporting.models import PdfReport, Publication, ResultUnit
from reporting.suppression import (
    Pattern,
    Structure,
    item_pattern_compute,
    joint_structure,
    pattern_compute,
    structure_build,
)
from reporting.suppression.linked_tables import UNIT_TYPES
from surveys.models import Round, SurveyKind
from surveys.signals import results_published

logger = logging.getLogger(__name__)

UNIT_TYPES_OF: dict[str, tuple[str, ...]] = {
    SurveyKind.LU: tuple(UNIT_TYPES),
    SurveyKind.LBU: ("N", "NT", "C", "CT", "CO", "O", "OT"),
}
_DIM_FIELDS = {
    "county": "county_id",
    "office": "office_id",
    "company": "company_id",
    "trade": "trade_id",
    "kind": "kind",
}


def round_publish(*, round_id: int, user: User | None = None) -> Publication:
    """Publishes (or publishes again) a round whose close step has run."""
    round_ = Round.objects.select_related("questionnaire").get(pk=round_id)
    if round_.kind not in UNIT_TYPES_OF:
        raise ValidationError(_("Only LU and LBU results are published."))
    if round_.anonymised_at is None:
        raise ValidationError(
            _(
                "%(round)s has not been closed yet; while a round is open only response rates "
                "are shown."
            )
            % {"round": round_}
        )
    started = time.perf_counter()
    threshold = settings.REPORTING_THRESHOLD
    items = items_of(round_.questionnaire)
    counts = round_counts(round_, items)
    structure = structure_build(counts.classes, UNIT_TYPES_OF[round_.kind])
    figures = _figures(structure, counts, [i.code for i in items], threshold)
    units = [
        (unit[0], figures[cell], _unit_fields(unit))
        for unit, cell in structure.cell_of_unit.items()
    ]
    answers = int(counts.items[ANSWERS].n.sum())
    with transaction.atomic():
        publication, created = Publication.objects.select_for_update().get_or_create(
            round=round_,
            defaults={"published_at": timezone.now(), "threshold": threshold, "answers": answers},
        )
        if not created:
            publication.version += 1
            publication.published_at = timezone.now()
            publication.threshold = threshold
            publication.answers = answers
            publication.save()
            publication.units.all().delete()
            PdfReport.objects.filter(publication=publication).delete()
        rows_insert(
            ResultUnit,
            ("publication_id", "unit_type", *_UNIT_COLUMNS, "figures"),
            (
                (
                    publication.pk,
                    unit_type,
                    *(fields.get(c, _EMPTY.get(c)) for c in _UNIT_COLUMNS),
                    figures,
                )
                for unit_type, figures, fields in units
            ),
        )
        transaction.on_commit(
            partial(
                results_published.send,
                sender=Publication,
                round_id=round_.pk,
                version=publication.version,
            )
        )
        audit_record(
            AuditAction.RESULTS_PUBLISHED,
            user=user,
            target=str(round_),
            detail={
                "round": round_.pk,
                "version": publication.version,
                "answers": answers,
                "units": len(units),
            },
        )
    logger.info(
        "Published %s (version %s): %s answers, %s units, %.1f s",
        round_,
        publication.version,
        answers,
        len(units),
        time.perf_counter() - started,
    )
    return publication


# The dimensions of a unit as ResultUnit's columns; a dimension a unit type lacks is empty.
_UNIT_COLUMNS = tuple(_DIM_FIELDS.values())
_EMPTY = {"kind": ""}


def _unit_fields(unit: tuple) -> dict[str, Any]:
    unit_type, values = unit
    fields: dict[str, Any] = {}
    for dim, value in zip(UNIT_TYPES[unit_type], values, strict=True):
        fields[_DIM_FIELDS[dim]] = value
    return fields


def _overlapping(code: str, counts: RoundCounts) -> bool:
    item = counts.items[code]
    return bool((item.counts.sum(axis=1) != item.n).any())


def answers_pattern_compute(
    structure: Structure, answered: np.ndarray, sampled: np.ndarray, threshold: int
) -> Pattern:
    """The pattern of the answers table, as published and as the response rates show it from
    the last day to answer. The county saw its sample while the round was open, and the class
    rule is public: the people sampled per report class bound every count."""
    ceilings = np.maximum(sampled, answered)
    return pattern_compute(
        structure, answered.tolist(), threshold=threshold, class_upper=ceilings
    )


def _figures(
    structure: Structure, counts: RoundCounts, item_codes: list[str], threshold: int
) -> list[dict[str, Any]]:
    """Per cell, the figures of every item; hidden ones without numbers."""
    cells = structure.cells
    members = [np.array(c.members, dtype=np.int64) for c in cells]
    result: list[dict[str, Any]] = [{} for _ in cells]
    answers = counts.items[ANSWERS]
    answers_values = [int(answers.n[m].sum()) for m in members]
    sampled = counts.sampled if counts.sampled is not None else np.zeros(len(structure.classes))
    ceilings = np.maximum(sampled, answers.n)
    answers_pattern = answers_pattern_compute(structure, answers.n, sampled, threshold)
    for cell in range(len(cells)):
        if cells[cell].is_phantom:
            continue
        if cell in answers_pattern.hidden:
            result[cell][ANSWERS] = {"h": 1}
        else:
            result[cell][ANSWERS] = {
                "n": answers_values[cell],
                "s": int(sampled[members[cell]].sum()),
            }
    joint = joint_structure(structure)
    codes = [code for code in item_codes if code != ANSWERS]

    def item_pattern(code: str):
        item = counts.items[code]
        return item_pattern_compute(
            structure,
            joint,
            item.n.tolist(),
            answers.n.tolist(),
            answers_pattern.hidden,
            threshold=threshold,
            class_upper=ceilings,
            # Choices of a multiple-choice question overlap; their counts are not a partition.
            value_counts=None if _overlapping(code, counts) else item.counts,
        )

    # Each item's pattern is its own problem; the solver works outside Python's lock, so the
    # machine's cores share them. The items most people skip take longest: they start first.
    skips = {code: int((answers.n - counts.items[code].n).sum()) for code in codes}
    by_cost = sorted(codes, key=lambda code: -skips[code])
    with ThreadPoolExecutor(max_workers=min(4, os.cpu_count() or 1)) as pool:
        patterns = dict(zip(by_cost, pool.map(item_pattern, by_cost), strict=True))
    for code in codes:
        item = counts.items[code]
        pattern = patterns[code]
        for cell in range(len(cells)):
            if cells[cell].is_phantom:
                continue
            if cell in pattern.hidden:
                result[cell][code] = {"h": 1}
                continue
            m = members[cell]
            figure: dict[str, Any] = {
                "n": int(item.n[m].sum()),
                "c": [int(v) for v in item.counts[m].sum(axis=0)],
            }
            total = float(item.total[m].sum())
            # An index's mean needs the sum of its respondents' scores; a question's mean and
            # spread follow from its counts.
            if total and code.startswith("index:"):
                figure["t"] = round(total, 6)
                figure["q"] = round(float(item.total_sq[m].sum()), 6)
            result[cell][code] = figure
    return result
