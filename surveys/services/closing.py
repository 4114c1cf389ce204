"""The close step of an LU or LBU round: where the link between people and answers is cut.

While a round is open the portal must know who has answered, so reminders go only to those who
have not (R-D7). The first run of the scheduled task after `closes_at` (also `manage.py
close_rounds`) ends that, in one transaction:

1. the response counts are kept as tallies per report class (sampled, answered), a class where
   everyone or nobody answered merged with its answers into the county's rest, and answers per
   county in periods of at least K (surveys/services/tallies.py), which is all response rates
   need afterwards;
2. `round_closing` is sent, so the apps above delete whatever of theirs ties a respondent of the
   round to it (dispatch's messages);
3. the round's respondents are deleted, with their links, drafts (those of gathering codes
   included), consent and answered times, and ÅR respondents stop continuing to them (R-D9);
   their report classes go too, the tallies carrying the same dimensions;
4. `Round.anonymised_at` is set.

After the commit every anonymous answer of the round is written again, all in one transaction
and in random order, so neither their place in the table nor the transaction that wrote them says
anything; the tables that held the round's people and its answers as first written are rewritten
so the deleted rows leave the database files (surveys/services/rewrite.py); then `round_closed`
is sent (reporting publishes the results).

This is where LU and LBU personal data go; retention (surveys/services/retention.py) still
handles ÅR. Runs are logged as counts only."""

from __future__ import annotations

import logging
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from portal.lib.oslo import oslo_today
from surveys.models import (
    CodeDraft,
    Draft,
    ReportClass,
    Respondent,
    RespondentLink,
    ResponseTally,
    Round,
    SurveyKind,
)
from surveys.services.anonymous import anonymous_answers_mix
from surveys.services.rewrite import personal_tables_rewrite, transaction_id_now
from surveys.services.tallies import answers_move, classes_to_merge, tally_days_write
from surveys.signals import round_closed, round_closing

logger = logging.getLogger(__name__)

CLOSED_KINDS = (SurveyKind.LU, SurveyKind.LBU)
# All of a closed round's answers are re-written in one transaction.
MIX_ALL = 10**9


class NotClosable(Exception):
    """The round is ÅR, still open, or already through its close step."""


@dataclass(frozen=True)
class CloseSummary:
    round_id: int
    kind: str
    year: int
    respondents: int
    answered: int
    tallies: int

    def __str__(self) -> str:
        return (
            f"{self.kind} {self.year}: {self.respondents} respondents removed, "
            f"{self.answered} had answered, {self.tallies} tallies kept"
        )


def round_close(round_: Round, *, now: datetime | None = None) -> CloseSummary:
    """Runs the close step of one LU or LBU round whose closing time has passed."""
    now = now or timezone.now()
    with transaction.atomic():
        round_ = Round.objects.select_for_update().get(pk=round_.pk)
        if round_.kind not in CLOSED_KINDS:
            raise NotClosable("ÅR answers are identified (R-L3); ÅR has no close step")
        if round_.anonymised_at is not None:
            raise NotClosable("the round has been closed already")
        if now < round_.closes_at:
            raise NotClosable("the round is still open")
        tallies, respondents, answered = _tallies_write(round_)
        round_closing.send(sender=Round, round=round_)
        Respondent.objects.filter(continues_to__round=round_).update(continues_to=None)
        CodeDraft.objects.filter(link__respondent__round=round_).delete()
        RespondentLink.objects.filter(respondent__round=round_).delete()
        Draft.objects.filter(respondent__round=round_).delete()
        Respondent.objects.filter(round=round_).delete()
        ReportClass.objects.filter(round=round_).delete()
        round_.anonymised_at = now
        round_.save(update_fields=["anonymised_at"])
        round_id = round_.pk
        transaction.on_commit(lambda: _after_close(round_id))
    summary = CloseSummary(round_.pk, round_.kind, round_.year, respondents, answered, tallies)
    logger.info("Round closed: %s", summary)
    return summary


def _after_close(round_id: int) -> None:
    round_ = Round.objects.get(pk=round_id)
    anonymous_answers_mix(round_, batch_size=MIX_ALL)
    # Taken after the close and the mix have committed: once no transaction older than this
    # one is left, no snapshot can still see the rows they deleted.
    personal_tables_rewrite(after=transaction_id_now())
    round_closed.send(sender=Round, round_id=round_id)


def rounds_to_close(now: datetime | None = None) -> list[Round]:
    now = now or timezone.now()
    return list(
        Round.objects.filter(
            kind__in=CLOSED_KINDS, closes_at__lte=now, anonymised_at__isnull=True
        ).order_by("closes_at", "pk")
    )


def rounds_close_due(*, now: datetime | None = None) -> list[CloseSummary]:
    """Closes every LU and LBU round whose closing time has passed (the scheduled task)."""
    now = now or timezone.now()
    return [round_close(r, now=now) for r in rounds_to_close(now)]


# --- Tallies --------------------------------------------------------------------------------


def _tallies_write(round_: Round) -> tuple[int, int, int]:
    """One tally per report class, classes where everyone or nobody answered merged into their
    county's rest with their answers, and answers per county in periods of at least K
    (surveys/services/tallies.py). A respondent without a class (a round never frozen) counts
    in its county's rest, as its answer was stored. Returns the numbers of tallies,
    respondents and answers."""
    classes = {c.pk: c for c in ReportClass.objects.filter(round=round_)}
    counts: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    days: dict[int, Counter[date]] = defaultdict(Counter)
    respondents = 0
    for class_id, county_id, answered_at in (
        Respondent.objects.filter(round=round_)
        .values_list("report_class_id", "county_id", "answered_at")
        .order_by()
        .iterator(chunk_size=5000)
    ):
        cls = classes.get(class_id)
        key = _key(cls.dimensions if cls is not None else {"county_id": county_id})
        respondents += 1
        counts[key][0] += 1
        if answered_at is not None:
            counts[key][1] += 1
            days[county_id][oslo_today(answered_at)] += 1
    rest_of = {
        dict(key)["county_id"]: _key({"county_id": dict(key)["county_id"]}) for key in counts
    }
    moved = classes_to_merge(counts, rest_of, random.SystemRandom())
    answers_move(round_, moved)
    for old, new in moved.items():
        totals = counts.pop(old)
        counts[new] = [counts[new][i] + totals[i] for i in (0, 1)]
    keys = sorted(counts, key=repr)
    tallies = ResponseTally.objects.bulk_create(
        [
            ResponseTally(
                round=round_, **dict(key), sampled=counts[key][0], answered=counts[key][1]
            )
            for key in keys
        ],
        batch_size=1000,
    )
    tally_days_write(round_, days)
    return len(tallies), respondents, sum(a for _s, a in counts.values())


def _key(dimensions: dict[str, object]) -> tuple:
    full = {
        "county_id": None,
        "training_office_id": None,
        "company_id": None,
        "trade_id": None,
        "apprentice_kind": "",
    } | dimensions
    return tuple(full.items())
