"""Counting a closed round's anonymous answers per report class: the inner cells of every
published table. The answers are read once, here, and never again after publication."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

from reporting.items import ANSWERS, Item, index_score, score_step
from surveys.models import AnonymousResponse, QuestionType, Round, SurveyKind
from surveys.response_counts import response_counts


@dataclass
class ItemCounts:
    """Per class (rows): answers to the item, count per value, sum and sum of squares."""

    n: np.ndarray
    counts: np.ndarray  # classes × values
    total: np.ndarray
    total_sq: np.ndarray


@dataclass
class RoundCounts:
    classes: list[tuple]
    items: dict[str, ItemCounts] = field(default_factory=dict)
    sampled: np.ndarray | None = None


def class_key(round_: Round, county, office, company, trade, kind) -> tuple:
    if round_.kind == SurveyKind.LBU:
        # LBU answers keep no company and have no apprentice kind.
        return (county, office, None, trade, "")
    return (county, office, company, trade, kind or "")


def round_counts(round_: Round, items: list[Item]) -> RoundCounts:
    rows = AnonymousResponse.objects.filter(round=round_).values_list(
        "county_id", "training_office_id", "company_id", "trade_id", "apprentice_kind", "answers"
    )
    by_class: dict[tuple, list[dict]] = defaultdict(list)
    for *dims, answers in rows.iterator(chunk_size=5000):
        by_class[class_key(round_, *dims)].append(answers)
    sampled_by_class: dict[tuple, int] = defaultdict(int)
    for count in response_counts(round_):
        key = class_key(
            round_,
            count.county_id,
            count.training_office_id,
            count.company_id,
            count.trade_id,
            count.apprentice_kind,
        )
        sampled_by_class[key] += count.sampled
    classes = sorted(
        set(by_class) | set(sampled_by_class),
        key=lambda k: tuple("" if v is None else str(v) for v in k),
    )
    result = RoundCounts(classes=classes)
    result.sampled = np.array([sampled_by_class.get(k, 0) for k in classes], dtype=np.int64)
    size = len(classes)
    for item in items:
        counts = ItemCounts(
            n=np.zeros(size, dtype=np.int64),
            counts=np.zeros((size, max(1, len(item.values))), dtype=np.int64),
            total=np.zeros(size),
            total_sq=np.zeros(size),
        )
        column = {v: j for j, v in enumerate(item.values)}
        for row, key in enumerate(classes):
            _count_class(item, by_class.get(key, []), column, counts, row)
        result.items[item.code] = counts
    return result


def _count_class(
    item: Item, answers_list: list[dict], column: dict[str, int], out: ItemCounts, row: int
) -> None:
    if item.code == ANSWERS:
        out.n[row] = len(answers_list)
        return
    n = 0
    total = total_sq = 0.0
    counts = out.counts[row]
    if item.kind == "index":
        for answers in answers_list:
            score = index_score(answers, item.items)
            if score is None:
                continue
            n += 1
            counts[column[score_step(score)]] += 1
            total += score
            total_sq += score * score
    else:
        question = item.question
        assert question is not None  # an item is an index, a question or the answer count
        code = question.code
        for answers in answers_list:
            value = answers.get(code)
            if value is None or value == "" or value == []:
                continue
            if question.type == QuestionType.MULTIPLE:
                chosen = [column[v] for v in value if v in column]
                if not chosen:
                    continue
                for j in chosen:
                    counts[j] += 1
            elif question.type == QuestionType.YES_NO:
                counts[column["yes" if value else "no"]] += 1
            elif question.type == QuestionType.SCALE:
                key = "dk" if value == "dk" else str(value)
                if key not in column:
                    continue
                counts[column[key]] += 1
                if key != "dk":
                    total += int(key)
                    total_sq += int(key) ** 2
            else:
                if str(value) not in column:
                    continue
                counts[column[str(value)]] += 1
            n += 1
    out.n[row] = n
    out.total[row] = total
    out.total_sq[row] = total_sq
