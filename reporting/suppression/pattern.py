"""Which figures of one table are hidden: primary suppression by the threshold and secondary
suppression so that no hidden count can be worked out, or narrowed to an interval smaller than
the threshold, from everything the structure publishes.

1. Primary: every cell (shown or phantom) with 1 to threshold − 1 answers.
2. A fast pass over the relations: wherever a relation holds a primary, its hidden members
   (the residual included) must hold at least the threshold together, one more when a single
   answer is among them (its owner knows it and could subtract it). Small, little-used cells are
   hidden first; a whole parent only when its children cannot make up the mass.
3. An audit that settles it: for every primary, two linear programs (minimise and maximise its
   count subject to every shown figure and non-negativity; the attacker's method) give the
   interval an attacker can pin it to. While it is narrower than the threshold, the cheapest
   shown cell among those that bind the interval (non-zero dual value) is hidden too.

Nothing here knows about questions or pages: cells, values and relations only."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from reporting.suppression.audit import audit_run, cost, spread_enough
from reporting.suppression.linked_tables import Structure


@dataclass
class Pattern:
    hidden: set[int]  # cell ids shown as "*" (phantoms are hidden by nature and not listed)
    primary: set[int]  # cell ids (phantoms included) hidden by the threshold itself


def pattern_compute(
    structure: Structure,
    class_values: Sequence[int],
    *,
    threshold: int,
    forced: Iterable[int] = (),
    upper_bounds: dict[int, int] | None = None,
    value_counts: np.ndarray | None = None,
    class_upper: Sequence[int] | np.ndarray | None = None,
) -> Pattern:
    """The suppression pattern of one table. `class_values`: the count per inner cell (answers
    to the question). `forced`: cells hidden whatever their count (the unit's number of answers
    is hidden). `upper_bounds`: cell id → a published bound on its count (the unit's number of
    answers), which the attacker may use too. `value_counts`: inner cells × answer values, when
    every shown cell also shows how many gave each answer; the audit then bounds each hidden
    count value by value, as an attacker with the distributions would. `class_upper`: per
    inner cell, the most it can be as an attacker who knows the sample sees it (the people
    sampled in the report class)."""
    values = structure.values(class_values)
    cells = structure.cells
    primary = {i for i, v in enumerate(values) if 0 < v < threshold}
    hidden = {i for i in primary if not cells[i].is_phantom}
    hidden.update(i for i in forced if not cells[i].is_phantom)
    sensitive = set(primary)
    _relation_pass(structure, values, threshold, hidden, sensitive)
    counts = [np.asarray(class_values, dtype=float)]
    ceilings = None if class_upper is None else np.asarray(class_upper, dtype=float)
    audit_run(structure, counts, threshold, hidden, primary, upper_bounds or {}, ceilings)
    if value_counts is not None and value_counts.shape[1] > 1:
        by_value = [
            np.asarray(value_counts[:, v], dtype=float) for v in range(value_counts.shape[1])
        ]
        # Hiding more only takes equations away from the attacker (a hidden cell's published
        # bound is looser than its shown count), so no count interval narrows: the count audit
        # above still holds.
        audit_run(structure, by_value, threshold, hidden, primary, {}, ceilings)
    return Pattern(hidden=hidden, primary=primary)


def _is_hidden(structure: Structure, hidden: set[int], cell: int) -> bool:
    return cell in hidden or structure.cells[cell].is_phantom


def _relation_pass(
    structure: Structure,
    values: Sequence[int],
    threshold: int,
    hidden: set[int],
    sensitive: set[int],
) -> None:
    changed = True
    while changed:
        changed = False
        for relation in structure.relations:
            if _is_hidden(structure, hidden, relation.parent):
                continue
            members = list(relation.children)
            if relation.residual is not None:
                members.append(relation.residual)
            hidden_members = [m for m in members if _is_hidden(structure, hidden, m)]
            if not any(m in sensitive for m in hidden_members):
                continue
            while True:
                mass = sum(values[m] for m in hidden_members)
                singles = any(values[m] == 1 for m in hidden_members)
                if len(hidden_members) >= 2 and mass - (1 if singles else 0) >= threshold:
                    break
                candidates = [m for m in relation.children if m not in hidden and values[m] > 0]
                if not candidates:
                    hidden.add(relation.parent)
                    sensitive.add(relation.parent)
                    changed = True
                    break
                pick = min(candidates, key=lambda m: cost(structure, values, m))
                hidden.add(pick)
                hidden_members.append(pick)
                changed = True



def item_pattern_compute(
    structure: Structure,
    joint: Structure,
    item_values: Sequence[int],
    answers_values: Sequence[int],
    answers_hidden: set[int],
    *,
    threshold: int,
    class_upper: Sequence[int] | np.ndarray | None = None,
    value_counts: np.ndarray | None = None,
) -> Pattern:
    """The pattern of an item's table, the answers table's pattern settled: a unit whose
    answers are hidden hides the item too, and the audit reads the item together with the
    answers, as an attacker does: every inner cell's count is at most its answers, so the
    people who skipped the item add up across groups.

    That attacker's programs (`joint`, from `joint_structure(structure)`) are twice the size
    of one table's, so each primary is first settled by tables that attacker cannot tell from
    the true one, found on one table at a time: the answers varied with the item's true skips
    kept (`answers_settled`), then the skips varied with the true answers kept (the audit of
    the skips table, which hides more where that is not enough). Only a primary neither
    settles is audited jointly. Each settles less than the joint programs would, never more,
    so the pattern may hide a little more than needed, never less."""
    values = structure.values(item_values)
    cells = structure.cells
    primary = {i for i, v in enumerate(values) if 0 < v < threshold}
    hidden = {i for i in primary if not cells[i].is_phantom}
    hidden.update(i for i in answers_hidden if not cells[i].is_phantom)
    _relation_pass(structure, values, threshold, hidden, set(primary))
    items = np.asarray(item_values, dtype=float)
    answers = np.asarray(answers_values, dtype=float)
    skipped = answers - items
    count = len(cells)
    upper = None if class_upper is None else np.asarray(class_upper, dtype=float)
    hideable = {i for i in range(count) if not cells[i].is_phantom}
    # Every shown cell shows how many gave each answer: the attacker has one system per answer
    # value. Hiding more for the skips below only takes equations away from these.
    if value_counts is not None and value_counts.shape[1] > 1:
        by_value = [
            np.asarray(value_counts[:, v], dtype=float) for v in range(value_counts.shape[1])
        ]
        audit_run(structure, by_value, threshold, hidden, primary, {}, upper)
    settled = answers_settled(
        structure,
        answers_values,
        answers_hidden,
        skipped,
        {i for i in primary if i in answers_hidden or cells[i].is_phantom},
        threshold=threshold,
        class_upper=upper,
    )
    short = primary - settled
    if skipped.sum() * 2 < answers.sum():
        # The skips table: a skips figure is shown where both the item's and the answers' are,
        # so hiding an item cell hides its skips cell (the same cell id). (A question most
        # people skip, asked only after a given answer, goes straight to the joint programs:
        # with the true answers kept, its skips could hardly vary.)
        short = audit_run(
            structure,
            [skipped],
            threshold,
            hidden,
            short,
            {},
            answers,
            hideable=hideable,
            sample_upper=upper,
            cost_values=values,
        )
    if short:
        hidden = _joint_audit(
            joint, items, skipped, hidden, answers_hidden, short, threshold, upper, hideable
        )
    return Pattern(hidden=hidden, primary=primary)


def _joint_audit(
    joint: Structure,
    items: np.ndarray,
    skipped: np.ndarray,
    hidden: set[int],
    answers_hidden: set[int],
    short: set[int],
    threshold: int,
    upper: np.ndarray | None,
    hideable: set[int],
) -> set[int]:
    """The joint programs for the primaries nothing else settled; the item's hidden cells."""
    count = (len(joint.cells) - len(joint.classes) // 2) // 3  # see joint_structure
    joint_hidden = (
        hidden
        | {count + i for i in answers_hidden}
        | {2 * count + i for i in hidden | answers_hidden}
    )
    ceilings = None
    bounds: dict[int, int] = {}
    if upper is not None:
        ceilings = np.concatenate([upper, upper])
        # The answers of each inner cell (its item count and its skips) are at most its sample.
        bounds = {3 * count + i: int(u) for i, u in enumerate(upper)}
    audit_run(
        joint,
        [np.concatenate([items, skipped])],
        threshold,
        joint_hidden,
        short,
        bounds,
        ceilings,
        hideable=hideable,
        companions={i: 2 * count + i for i in range(count)},
    )
    return {i for i in joint_hidden if i < count}


def answers_settled(
    structure: Structure,
    answers_values: Sequence[int],
    answers_hidden: set[int],
    skipped: Sequence[int] | np.ndarray,
    cells: set[int],
    *,
    threshold: int,
    class_upper: Sequence[int] | np.ndarray | None = None,
) -> set[int]:
    """The hidden `cells` of an item an attacker cannot narrow below the threshold even when
    reading it with the answers table. `skipped`: per inner cell, the people who skipped the
    item. Why it holds: take any answers table an attacker cannot tell from the true one in
    which every inner cell holds at least its skips; the item's true skips subtracted from it
    give an item table the attacker cannot tell from the true item table either (it agrees with
    every shown item, answers and skips figure, and no count is negative, nor above the
    sample). So a hidden item count spreads at least as far as the answers of its cell do over
    such tables, and cells where that is enough need no joint program."""
    hidden_answers = {c for c in cells if c in answers_hidden or structure.cells[c].is_phantom}
    return spread_enough(
        structure,
        np.asarray(answers_values, dtype=float),
        threshold,
        set(answers_hidden),
        hidden_answers,
        None if class_upper is None else np.asarray(class_upper, dtype=float),
        np.asarray(skipped, dtype=float),
    )
