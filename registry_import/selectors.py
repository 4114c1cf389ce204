"""Read-only questions about the register, shared by the quality report and the samples.

What "running on the reference date" means is written here once (`running_on`), and so is the
LU rule (R-S1): `lu_eligible_contracts` is what the LU sample is built from, and the county's
quality report checks the contact data of exactly those apprentices (R-S5), so the two can
never disagree about who is in the sample.

A contract is running on the reference date when it had started by then and either the
register still calls it running (a running contract past its planned end date has been
prolonged) or it ended after that date (a contract completed or terminated since was running
on it). The end date is the first day not in the contract. Whether a contract was running is
decided from the dates on the reference date, not from today's status alone."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from typing import Protocol

from dateutil.relativedelta import relativedelta
from django.core.cache import cache
from django.db.models import Q, QuerySet

from portal.lib.oslo import oslo_datetime
from portal.models import County
from registry_import.models import Contract, ContractStatus, ImportRun, ImportStatus

# R-S1: "more than 11 months" in training on the reference date.
LU_MONTHS_IN_TRAINING = 11


class Period(Protocol):
    """Anything with the dates of a contract (a Contract, or a lighter row of one). A `status`
    attribute, when there is one, says whether the register calls the contract running."""

    @property
    def start_date(self) -> date: ...

    @property
    def end_date(self) -> date: ...


_RUNNING = str(ContractStatus.RUNNING)


def running_on(reference_date: date) -> Q:
    """The contracts running on the reference date (see the module's description)."""
    return Q(start_date__lte=reference_date) & (
        Q(status=ContractStatus.RUNNING) | Q(end_date__gt=reference_date)
    )


def training_end(status: str, end_date: date, reference_date: date) -> date:
    """The day a contract's training stops counting on the reference date: the reference date
    itself for a contract the register calls running (whatever its planned end), else its end
    date (a later one is cut to the reference date by the count)."""
    return reference_date if status == _RUNNING else end_date


def reference_date_of(survey_year: int) -> date:
    """The reference date of every sample of survey year Y: 1 October (R-C3)."""
    return date(survey_year, 10, 1)


def lu_threshold_date(reference_date: date) -> date:
    """Eleven calendar months before the reference date: training that started on this day has
    lasted exactly 11 months on the reference date, which is not "more than" 11 months."""
    return reference_date - relativedelta(months=LU_MONTHS_IN_TRAINING)


def days_in_training(contracts: Iterable[Period], reference_date: date) -> int:
    """Days in training up to the reference date over the given contracts.

    Each contract counts from its start date up to (not including) the earlier of its end and
    the reference date, where a contract the register calls running ends on the reference date
    whatever its planned end (it has been prolonged); days covered by more than one contract
    count once, so a change of company with overlapping contracts does not count double."""
    return _days_in_periods(
        [
            (c.start_date, training_end(getattr(c, "status", ""), c.end_date, reference_date))
            for c in contracts
        ],
        reference_date,
    )


def _days_in_periods(periods: list[tuple[date, date]], reference_date: date) -> int:
    if not periods:
        return 0
    if len(periods) == 1:  # the common case, without sorting and merging
        start, end = periods[0]
        return max((min(end, reference_date) - start).days, 0)
    spans = sorted((start, min(end, reference_date)) for start, end in periods)
    total = 0
    current_start, current_end = spans[0]
    for start, end in spans[1:]:
        if start > current_end:
            total += max((current_end - current_start).days, 0)
            current_start, current_end = start, end
        elif end > current_end:
            current_end = end
    return total + max((current_end - current_start).days, 0)


def _threshold_days(reference_date: date) -> int:
    return (reference_date - lu_threshold_date(reference_date)).days


def months_in_training_exceeds_11(contracts: Iterable[Period], reference_date: date) -> bool:
    """R-S1's test for one apprentice or candidate: more than 11 months in training on the
    reference date.

    Pass every contract of the person, whatever its trade and status: time in training as an
    apprentice or candidate is what counts, so earlier completed or terminated contracts count,
    in this trade or another, and a running one counts up to the reference date (see
    `days_in_training`). "More than 11 months" means more days than from 11
    calendar months before the reference date up to it, so with reference date 2026-10-01
    training since 2025-11-01 is not enough and training since 2025-10-31 is."""
    return days_in_training(contracts, reference_date) > _threshold_days(
        reference_date
    )


def running_contracts(reference_date: date, county: County | None = None) -> QuerySet[Contract]:
    """Contracts in the register that are running on the reference date (`running_on`).

    `county` is the county responsible for the contract (Contract.county), not where the
    company is located."""
    contracts = Contract.objects.filter(running_on(reference_date), in_register=True)
    if county is not None:
        contracts = contracts.filter(county=county)
    return contracts


def lu_eligible_contracts(reference_date: date, county: County | None = None) -> QuerySet[Contract]:
    """The running contracts whose apprentice or candidate is in the LU sample (R-S1).

    An apprentice is in the sample when, on the reference date (1 October of the survey year),
    they have a running contract with an NLR-registered company (R-S4) and have been in training
    for more than 11 months (`months_in_training_exceeds_11`): the seed's "vært i lære i mer enn
    11 måneder" is time in training as an apprentice or candidate, so every earlier contract
    counts, in any trade, with any company or county, whether completed or terminated. Only
    contracts still in the register count.

    The result is one row per eligible running contract (an apprentice with running contracts in
    two trades may appear twice), restricted to contracts of `county` when given.

    Cost: one query here plus the returned queryset. Most eligible contracts are recognised in
    SQL (a contract running on the reference date that started before the threshold is more
    than 11 months on its own); only those that started within the last 11 months need their
    history, which is read in one query and summed in Python."""
    threshold_start = lu_threshold_date(reference_date)
    base = running_contracts(reference_date, county).filter(company__nlr_registered=True)
    alone = Q(start_date__lt=threshold_start)
    undecided = base.exclude(alone)
    history = (
        Contract.objects.filter(
            in_register=True,
            start_date__lte=reference_date,
            apprentice_id__in=undecided.values("apprentice_id"),
        )
        .values_list("id", "apprentice_id", "status", "start_date", "end_date")
        .order_by()
    )
    # Grouped by apprentice: (ids of running contracts, periods of all contracts).
    by_person: dict[int, tuple[list[int], list[tuple[date, date]]]] = {}
    for pk, apprentice_id, status, start, end in history:
        group = by_person.get(apprentice_id)
        if group is None:
            group = by_person[apprentice_id] = ([], [])
        if status == _RUNNING or end > reference_date:
            group[0].append(pk)
        group[1].append((start, training_end(status, end, reference_date)))

    # The same test as months_in_training_exceeds_11, on plain tuples: this loop runs for
    # tens of thousands of apprentices nationally.
    threshold = _threshold_days(reference_date)
    eligible_ids: list[int] = []
    for running_ids, periods in by_person.values():
        if running_ids and _days_in_periods(periods, reference_date) > threshold:
            eligible_ids.extend(running_ids)
    # The history spans every county and company; filtering on `base` again keeps only this
    # county's running contracts with registered companies.
    return base.filter(alone | Q(pk__in=eligible_ids))


# --- Extracts -------------------------------------------------------------------------------

_SUCCESSFUL = (ImportStatus.SUCCEEDED, ImportStatus.UNCHANGED)


def extract_imported_since(day: date) -> ImportRun | None:
    """The latest extract imported (not a dry run) on or after the day, in Norway: what a
    sample whose reference date that is may be taken from (R-C3). An extract that changed
    nothing counts too: the register already matched it."""
    return (
        ImportRun.objects.filter(
            status__in=_SUCCESSFUL, dry_run=False, finished_at__gte=oslo_datetime(day)
        )
        .order_by("-finished_at")
        .first()
    )


_EXTRACT_TIME_KEY = "register-extract-imported-at"
_EXTRACT_TIME_SECONDS = 60
_NONE_YET = "none"


def last_extract_imported_at() -> datetime | None:
    """When the extract the register now holds was imported: the end of the latest import that
    succeeded (not a dry run; one that changed nothing counts, the register matched it). Every
    front page shows it, so it is kept in the cache until an import run changes
    (`extract_time_forget`)."""
    found = cache.get(_EXTRACT_TIME_KEY)
    if found is None:
        moment = (
            ImportRun.objects.filter(
                status__in=_SUCCESSFUL, dry_run=False, finished_at__isnull=False
            )
            .order_by("-finished_at")
            .values_list("finished_at", flat=True)
            .first()
        )
        found = _NONE_YET if moment is None else moment
        cache.set(_EXTRACT_TIME_KEY, found, _EXTRACT_TIME_SECONDS)
    return None if found == _NONE_YET else found


def extract_time_forget(**_kwargs: object) -> None:
    """Called whenever an import run is saved or deleted. (A page read between the save and its
    commit keeps the time before it, at most _EXTRACT_TIME_SECONDS.)"""
    cache.delete(_EXTRACT_TIME_KEY)
