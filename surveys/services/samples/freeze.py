"""Building, freezing and refreshing samples over a survey year.

A preliminary sample may be rebuilt any number of times during quality assurance (R-C1), and
after every import. On the reference date the sample is built a last time and frozen (R-C3),
from an extract imported on or after that date: until one has arrived the round waits for it,
and the freeze runs when it comes (the import announces itself, `samples_after_import`). After
the freeze the sample's membership never changes: a newer import only refreshes the
respondents' contact data (`samples_refresh_contacts`)."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date, datetime
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from portal.lib.oslo import oslo_today
from registry_import.selectors import extract_imported_since
from surveys.models import Respondent, RespondentRole, Round
from surveys.selectors import kind_order
from surveys.services.report_classes import report_classes_assign
from surveys.services.samples.store import SampleSummary, build_round

logger = logging.getLogger("surveys.services.samples")

CONTACT_FIELDS = ("name", "email", "email_valid", "mobile", "mobile_valid")


class SampleFrozen(ValidationError):
    """The sample is frozen: who is in it can no longer change."""


class WaitingForExtract(ValidationError):
    """The reference date has come, but no extract has been imported since (R-C3)."""


def _lock(round_: Round) -> Round:
    """Serialise builds of one round: two at once would each replace the other's rows."""
    return Round.objects.select_for_update().get(pk=round_.pk)


def samples_build(round_: Round) -> SampleSummary:
    """Build the round's preliminary sample from the register, replacing any earlier build of
    it in one transaction. Refused once the sample is frozen."""
    with transaction.atomic():
        round_ = _lock(round_)
        if round_.is_frozen:
            raise SampleFrozen(
                _("The sample of %(round)s is frozen and cannot be built again."),
                params={"round": round_},
                code="frozen",
            )
        return build_round(round_)


def waiting_message(round_: Round) -> str:
    return _(
        "%(round)s is waiting for the 1 October extract: no register extract has been imported "
        "on or after the reference date, %(date)s. The sample is frozen when it arrives."
    ) % {"round": round_, "date": date_format(round_.reference_date, "SHORT_DATE_FORMAT")}


def samples_freeze(round_: Round, *, now: datetime | None = None) -> SampleSummary:
    """Build the round's sample a last time and freeze it (R-C3).

    Refused before the reference date, when the register does not yet show the final state;
    while no extract has been imported on or after it (WaitingForExtract); and for a sample
    already frozen."""
    now = now or timezone.now()
    with transaction.atomic():
        round_ = _lock(round_)
        if round_.is_frozen:
            raise SampleFrozen(
                _("The sample of %(round)s is already frozen."), params={"round": round_}
            )
        if oslo_today(now) < round_.reference_date:
            raise ValidationError(
                _("The sample of %(round)s can only be frozen from its reference date."),
                params={"round": round_},
            )
        if extract_imported_since(round_.reference_date) is None:
            raise WaitingForExtract(waiting_message(round_), code="waiting")
        summary = build_round(round_, now=now)
        report_classes_assign(round_)
        round_.sample_frozen_at = now
        round_.save(update_fields=["sample_frozen_at"])
        summary.frozen = True
        return summary


def _in_order(rounds: Iterable[Round]) -> list[Round]:
    return sorted(rounds, key=lambda r: (r.year, kind_order(r.kind)))


def rounds_to_freeze(today: date) -> list[Round]:
    """Rounds whose reference date has come and whose sample is not yet frozen, LU, LBU and ÅR
    of each year in that order."""
    return _in_order(
        Round.objects.filter(sample_frozen_at__isnull=True, reference_date__lte=today)
    )


def rounds_waiting_for_extract(today: date) -> list[Round]:
    """The rounds due to be frozen that wait for an extract imported since their reference
    date."""
    return [r for r in rounds_to_freeze(today) if extract_imported_since(r.reference_date) is None]


def samples_freeze_due(now: datetime | None = None) -> list[SampleSummary]:
    """Freeze every sample whose reference date has come and whose extract has arrived (the
    scheduled task, and every import). A round still waiting for its extract is left."""
    now = now or timezone.now()
    today = oslo_today(now)
    frozen = []
    for round_ in rounds_to_freeze(today):
        if extract_imported_since(round_.reference_date) is None:
            logger.warning("%s waits for the 1 October extract", round_)
        else:
            frozen.append(samples_freeze(round_, now=now))
    return frozen


def samples_after_import(now: datetime | None = None) -> dict[str, int]:
    """What a successful register import means for the samples.

    Rounds whose reference date has come and that waited for this extract are frozen from it;
    frozen samples of rounds that have not closed get the new contact data (membership never
    changes after the freeze); preliminary samples of rounds in quality assurance (R-C1, up to
    and including the reference date) are rebuilt, so the county checks the register as it now
    is. LBU is built before ÅR, so ÅR's links to it are made as ÅR is built. Returns the number
    of samples frozen, respondents refreshed and samples rebuilt."""
    now = now or timezone.now()
    today = oslo_today(now)
    frozen = samples_freeze_due(now)
    refreshed = 0
    for round_ in Round.objects.filter(sample_frozen_at__isnull=False, closes_at__gt=now):
        refreshed += samples_refresh_contacts(round_)
    rebuilt = 0
    in_quality_assurance = Round.objects.filter(
        sample_frozen_at__isnull=True, qa_starts_on__lte=today, reference_date__gte=today
    )
    for round_ in _in_order(in_quality_assurance):
        samples_build(round_)
        rebuilt += 1
    return {"frozen": len(frozen), "refreshed": refreshed, "rebuilt": rebuilt}


def samples_refresh_contacts(round_: Round) -> int:
    """Copy the register's current name and contact data onto the round's respondents.

    Who is in the sample does not change: each respondent keeps the apprentice, leader or
    office it was built from, and only its name, e-mail and mobile (with their validity) are
    read again. A respondent whose person has left the register keeps what it had, and one
    whose personal data were deleted stays deleted. Returns the number of respondents changed."""
    respondents = Respondent.objects.filter(round=round_, personal_data_deleted_at__isnull=True)
    sources = {
        RespondentRole.APPRENTICE: _contacts(
            respondents, "apprentice", ("first_name", "last_name"), "apprentice_id"
        ),
        RespondentRole.LEADER: _contacts(
            respondents,
            "professional_leader",
            ("first_name", "last_name"),
            "professional_leader_id",
        ),
        RespondentRole.OFFICE: _contacts(
            respondents, "training_office", ("manager_name",), "training_office_id"
        ),
    }
    changed: list[Respondent] = []
    for pk, role, apprentice_id, leader_id, office_id, *contact in respondents.values_list(
        "pk",
        "role",
        "apprentice_id",
        "professional_leader_id",
        "training_office_id",
        *CONTACT_FIELDS,
    ).order_by():
        source_id = {
            RespondentRole.APPRENTICE: apprentice_id,
            RespondentRole.LEADER: leader_id,
            RespondentRole.OFFICE: office_id,
        }[role]
        current = sources[role].get(source_id)
        if current is not None and tuple(current) != tuple(contact):
            changed.append(Respondent(pk=pk, **dict(zip(CONTACT_FIELDS, current, strict=True))))
    Respondent.objects.bulk_update(changed, CONTACT_FIELDS, batch_size=500)
    return len(changed)


def _contacts(
    respondents: QuerySet[Respondent], relation: str, name_fields: Iterable[str], id_field: str
) -> dict[int, tuple]:
    """The current name and contact data (in CONTACT_FIELDS order) of the people behind the
    respondents, by their id."""
    model = cast(type[Model], Respondent._meta.get_field(relation).related_model)
    name_fields = tuple(name_fields)
    rows = (
        model._default_manager.filter(id__in=respondents.values(id_field))
        .values_list("id", *name_fields, "email", "email_valid", "mobile", "mobile_valid")
        .order_by()
    )
    found: dict[int, tuple] = {}
    for pk, *values in rows:
        names, contact = values[: len(name_fields)], values[len(name_fields) :]
        found[pk] = (" ".join(n for n in names if n).strip(), *contact)
    return found
