"""Samples: who each round goes to, built from the register as of the reference date (R-C3),
and who was left out and why (R-S4), so the county can see it.

One function builds every sample, `samples_build`, applying R-S1..R-S3:

- LU (R-S1): the apprentices and candidates of `lu_eligible_contracts`, the register's one
  statement of the rule. One respondent per apprentice: with several eligible running contracts
  the one that started first is used (then the lowest contract id), so the county, office,
  company and trade of the answer are those of the training that has lasted longest.
- LBU (R-S2): the professional leader of every NLR-registered company with a running contract,
  in the counties that run LBU this year (R-L2). The leader is the one named on most of the
  company's running contracts; a tie goes to the lowest register id. A leader who is no longer
  in the register, or who belongs to another company, does not count. A company none of whose
  running contracts names a leader is left out (`no_leader`): the county corrects the contracts
  in VIGO rather than the portal guessing who should answer.
- ÅR (R-S3): every NOR-registered training office with a running contract (answered by its
  managing director) and every company as in LBU (answered by the same leader), in every
  county (R-L3). A company's ÅR respondent continues to its LBU respondent in the same link
  (R-D9) when its county runs LBU.

A preliminary sample may be rebuilt any number of times; `samples_freeze` builds it a last time
from the register as it is on the reference date and freezes it. After that the sample's
membership never changes: a newer import only refreshes the respondents' contact data
(`samples_refresh_contacts`).

A rebuild replaces the sample in one transaction, but writes only the difference: a respondent
who is still in the sample keeps its row (and id), so an ÅR respondent's link to LBU survives a
rebuild of LBU, and a rebuild from an unchanged register writes no respondent at all. The
exclusions are simply replaced.

National scale (about 50,000 contracts and 21,000 companies) is a handful of queries, dict work
in Python and bulk inserts (COPY on PostgreSQL); nothing is queried per row."""

from __future__ import annotations

import logging
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import NamedTuple

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.models import Company, TrainingOffice
from portal.oslo import OSLO
from registry_import.models import ProfessionalLeader
from registry_import.selectors import lu_eligible_contracts, running_contracts
from surveys.models import (
    Exclusion,
    ExclusionReason,
    Respondent,
    RespondentRole,
    Round,
    RoundCounty,
    SurveyKind,
)
from surveys.services.report_classes import report_classes_assign

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
# LU, LBU, ÅR: building LBU before ÅR lets ÅR's links to LBU be made as ÅR is built.
_SURVEY_ORDER = {kind: i for i, kind in enumerate(SurveyKind)}
CONTACT_FIELDS = ("name", "email", "email_valid", "mobile", "mobile_valid")


class SampleFrozen(ValidationError):
    """The sample is frozen: who is in it can no longer change."""


@dataclass
class SampleSummary:
    round_id: int
    kind: str
    year: int
    respondents: int = 0
    exclusions: dict[str, int] = field(default_factory=dict)
    # ÅR: company respondents taken on to LBU in the same link (R-D9).
    linked_to_lbu: int = 0
    # Respondent rows written by this build (a rebuild writes only what changed).
    added: int = 0
    changed: int = 0
    removed: int = 0
    frozen: bool = False
    seconds: float = 0.0

    @property
    def excluded(self) -> int:
        return sum(self.exclusions.values())

    def __str__(self) -> str:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(self.exclusions.items())) or "none"
        return (
            f"{self.kind} {self.year}: {self.respondents} respondents "
            f"(+{self.added} -{self.removed} ~{self.changed}), "
            f"{self.excluded} excluded ({reasons}), {self.seconds:.2f} s"
        )


class _Respondent(NamedTuple):
    """A respondent as a build produces it: the columns a build decides."""

    role: str
    county_id: int
    training_office_id: int | None = None
    company_id: int | None = None
    trade_id: int | None = None
    apprentice_kind: str = ""
    apprentice_id: int | None = None
    professional_leader_id: int | None = None
    contract_id: int | None = None
    name: str = ""
    email: str = ""
    email_valid: bool = False
    mobile: str = ""
    mobile_valid: bool = False
    continues_to_id: int | None = None

    @property
    def key(self) -> tuple:
        """Who the respondent is, whatever else changes: the apprentice in LU, the company in
        LBU and ÅR, the training office in ÅR."""
        if self.role == RespondentRole.APPRENTICE:
            return (self.role, self.apprentice_id)
        if self.role == RespondentRole.LEADER:
            return (self.role, self.company_id)
        return (self.role, self.training_office_id)


class _Exclusion(NamedTuple):
    county_id: int
    reason: str
    company_id: int | None = None
    training_office_id: int | None = None
    contract_id: int | None = None


RESPONDENT_COLUMNS = _Respondent._fields
EXCLUSION_COLUMNS = _Exclusion._fields


@dataclass
class _Built:
    respondents: list[_Respondent] = field(default_factory=list)
    exclusions: list[_Exclusion] = field(default_factory=list)


# --- Building -------------------------------------------------------------------------------


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
        return _build(round_)


def samples_freeze(round_: Round, *, now: datetime | None = None) -> SampleSummary:
    """Build the round's sample a last time and freeze it (R-C3).

    Refused before the reference date, when the register does not yet show the final state,
    and for a sample already frozen."""
    now = now or timezone.now()
    with transaction.atomic():
        round_ = _lock(round_)
        if round_.is_frozen:
            raise SampleFrozen(
                _("The sample of %(round)s is already frozen."), params={"round": round_}
            )
        if timezone.localtime(now, OSLO).date() < round_.reference_date:
            raise ValidationError(
                _("The sample of %(round)s can only be frozen from its reference date."),
                params={"round": round_},
            )
        summary = _build(round_, now=now)
        report_classes_assign(round_)
        round_.sample_frozen_at = now
        round_.save(update_fields=["sample_frozen_at"])
        summary.frozen = True
        return summary


def _lock(round_: Round) -> Round:
    """Serialise builds of one round: two at once would each replace the other's rows."""
    return Round.objects.select_for_update().get(pk=round_.pk)


def _build(round_: Round, now: datetime | None = None) -> SampleSummary:
    started = time.perf_counter()
    reference_date = round_.reference_date
    if round_.kind == SurveyKind.LU:
        built = _lu(reference_date)
    else:
        units = _CompanyUnits.read(reference_date)
        if round_.kind == SurveyKind.LBU:
            built = _lbu(round_, units)
        else:
            built = _ar(units, lbu_by_company=_lbu_respondents_by_company(round_.year))

    summary = SampleSummary(
        round_id=round_.pk,
        kind=round_.kind,
        year=round_.year,
        respondents=len(built.respondents),
        exclusions=dict(Counter(e.reason for e in built.exclusions)),
    )
    summary.added, summary.changed, summary.removed = _replace_respondents(
        round_, built.respondents
    )
    Exclusion.objects.filter(round=round_).delete()
    _insert(Exclusion, round_, EXCLUSION_COLUMNS, built.exclusions)
    if round_.kind == SurveyKind.LBU:
        _relink_ar_to_lbu(round_.year)
    elif round_.kind == SurveyKind.AR:
        summary.linked_to_lbu = sum(1 for r in built.respondents if r.continues_to_id)

    round_.sample_built_at = now or timezone.now()
    round_.save(update_fields=["sample_built_at"])
    summary.seconds = time.perf_counter() - started
    logger.info("Sample built: %s", summary)
    return summary


def _replace_respondents(round_: Round, rows: list[_Respondent]) -> tuple[int, int, int]:
    """Make the round's respondents exactly `rows`, writing only the difference. Returns the
    numbers added, changed and removed."""
    existing: dict[tuple, tuple[int, _Respondent]] = {}
    for pk, *values in (
        Respondent.objects.filter(round=round_)
        .values_list("pk", *RESPONDENT_COLUMNS)
        .order_by()
        .iterator(chunk_size=BATCH_SIZE)
    ):
        row = _Respondent(*values)
        existing[row.key] = (pk, row)
    wanted = {row.key: row for row in rows}

    removed = [pk for key, (pk, _row) in existing.items() if key not in wanted]
    changed = [
        Respondent(pk=pk, round_id=round_.pk, **wanted[key]._asdict())
        for key, (pk, row) in existing.items()
        if key in wanted and wanted[key] != row
    ]
    added = [row for key, row in wanted.items() if key not in existing]
    if removed:
        # An ÅR respondent may continue to a removed LBU respondent.
        Respondent.objects.filter(continues_to_id__in=removed).update(continues_to=None)
        Respondent.objects.filter(pk__in=removed).delete()
    if changed:
        Respondent.objects.bulk_update(changed, RESPONDENT_COLUMNS, batch_size=500)
    _insert(Respondent, round_, RESPONDENT_COLUMNS, added)
    return len(added), len(changed), len(removed)


def _insert(
    model: type[models.Model], round_: Round, columns: Sequence[str], rows: Iterable[tuple]
) -> None:
    """Insert rows of the round: COPY on PostgreSQL, which takes a national sample in a fraction
    of a second, batched INSERTs elsewhere. Columns left out must be nullable."""
    rows = list(rows)
    if not rows:
        return
    if connection.vendor != "postgresql":
        model.objects.bulk_create(
            (model(round_id=round_.pk, **dict(zip(columns, row, strict=True))) for row in rows),
            batch_size=BATCH_SIZE,
        )
        return
    from psycopg import sql

    meta = model._meta
    names = [meta.get_field("round").column] + [meta.get_field(c).column for c in columns]
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        sql.Identifier(meta.db_table), sql.SQL(", ").join(map(sql.Identifier, names))
    )
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row((round_.pk, *row))


def _lu(reference_date: date) -> _Built:
    """R-S1 through `lu_eligible_contracts`; the other running contracts are recorded as
    exclusions so the county can check them (a wrong start date or an unregistered company)."""
    columns = (
        "id",
        "register_id",
        "apprentice_id",
        "start_date",
        "county_id",
        "training_office_id",
        "company_id",
        "trade_id",
        "kind",
        "apprentice__first_name",
        "apprentice__last_name",
        "apprentice__email",
        "apprentice__email_valid",
        "apprentice__mobile",
        "apprentice__mobile_valid",
    )
    chosen: dict[int, tuple] = {}
    for row in lu_eligible_contracts(reference_date).values_list(*columns).order_by():
        apprentice_id = row[2]
        current = chosen.get(apprentice_id)
        # The earliest start, then the lowest contract id: the same choice on every build.
        if current is None or (row[3], row[1]) < (current[3], current[1]):
            chosen[apprentice_id] = row

    built = _Built()
    for (
        contract_id,
        _register_id,
        apprentice_id,
        _start,
        county_id,
        office_id,
        company_id,
        trade_id,
        kind,
        first_name,
        last_name,
        email,
        email_valid,
        mobile,
        mobile_valid,
    ) in chosen.values():
        built.respondents.append(
            _Respondent(
                role=RespondentRole.APPRENTICE,
                county_id=county_id,
                training_office_id=office_id,
                company_id=company_id,
                trade_id=trade_id,
                apprentice_kind=kind,
                apprentice_id=apprentice_id,
                contract_id=contract_id,
                name=f"{first_name} {last_name}".strip(),
                email=email,
                email_valid=email_valid,
                mobile=mobile,
                mobile_valid=mobile_valid,
            )
        )

    # Running contracts of apprentices who are not in the sample at all. Those of an
    # apprentice who is in it through another contract are simply not the one chosen.
    others = (
        running_contracts(reference_date)
        .values_list(
            "id",
            "apprentice_id",
            "county_id",
            "company_id",
            "training_office_id",
            "company__nlr_registered",
            "company__in_register",
        )
        .order_by()
    )
    for contract_id, apprentice_id, county_id, company_id, office_id, nlr, listed in others:
        if apprentice_id in chosen:
            continue
        reason = ExclusionReason.TOO_SHORT if nlr and listed else ExclusionReason.NOT_IN_NLR
        built.exclusions.append(
            _Exclusion(
                county_id=county_id,
                reason=reason,
                company_id=company_id,
                training_office_id=office_id,
                contract_id=contract_id,
            )
        )
    return built


@dataclass
class _Company:
    id: int
    county_id: int
    training_office_id: int | None
    registered: bool  # in NLR and still in the register (R-S4)
    leader: tuple | None  # (id, name, email, email_valid, mobile, mobile_valid)


@dataclass
class _CompanyUnits:
    """The companies and offices with a running contract on the reference date, each company
    with its professional leader chosen as in R-S2. Shared by LBU and ÅR."""

    companies: list[_Company]
    offices: list[tuple]  # (id, county, nor_registered and in_register, contact...)

    @classmethod
    def read(cls, reference_date: date) -> _CompanyUnits:
        running = running_contracts(reference_date)
        # Running contracts per (company, leader): the leader named on most of them answers.
        counts = (
            running.values_list("company_id", "professional_leader_id")
            .annotate(n=Count("id"))
            .order_by()
        )
        leaders = {
            row[0]: row
            for row in ProfessionalLeader.objects.filter(
                id__in=running.values("professional_leader_id"), in_register=True
            )
            .values_list(
                "id",
                "register_id",
                "company_id",
                "first_name",
                "last_name",
                "email",
                "email_valid",
                "mobile",
                "mobile_valid",
            )
            .order_by()
        }
        # company -> (minus the count, register id, leader id): the smallest key wins, which
        # is the most contracts and, on a tie, the lowest register id (compared as text).
        best: dict[int, tuple[int, str, int]] = {}
        for company_id, leader_id, n in counts:
            leader = leaders.get(leader_id) if leader_id is not None else None
            if leader is None or leader[2] != company_id:
                continue
            key = (-n, leader[1], leader_id)
            if company_id not in best or key < best[company_id]:
                best[company_id] = key

        companies = []
        for company_id, county_id, office_id, nlr, listed in (
            Company.objects.filter(id__in=running.values("company_id"))
            .values_list("id", "county_id", "training_office_id", "nlr_registered", "in_register")
            .order_by("id")
        ):
            leader = None
            if company_id in best:
                row = leaders[best[company_id][2]]
                leader = (row[0], f"{row[3]} {row[4]}".strip(), *row[5:9])
            companies.append(
                _Company(
                    id=company_id,
                    county_id=county_id,
                    training_office_id=office_id,
                    registered=nlr and listed,
                    leader=leader,
                )
            )
        offices = list(
            TrainingOffice.objects.filter(id__in=running.values("training_office_id"))
            .values_list(
                "id",
                "county_id",
                "nor_registered",
                "in_register",
                "manager_name",
                "email",
                "email_valid",
                "mobile",
                "mobile_valid",
            )
            .order_by("id")
        )
        return cls(companies=companies, offices=offices)


def _company_respondent(company: _Company, continues_to_id: int | None = None) -> _Respondent:
    assert company.leader is not None
    leader_id, name, email, email_valid, mobile, mobile_valid = company.leader
    return _Respondent(
        role=RespondentRole.LEADER,
        county_id=company.county_id,
        training_office_id=company.training_office_id,
        company_id=company.id,
        professional_leader_id=leader_id,
        name=name,
        email=email,
        email_valid=email_valid,
        mobile=mobile,
        mobile_valid=mobile_valid,
        continues_to_id=continues_to_id,
    )


def _company_exclusion(company: _Company, reason: str) -> _Exclusion:
    return _Exclusion(
        county_id=company.county_id,
        reason=reason,
        company_id=company.id,
        training_office_id=company.training_office_id,
    )


def _company_reason(company: _Company) -> str | None:
    """Why a company with a running contract cannot be asked, or None when it can."""
    if not company.registered:
        return ExclusionReason.NOT_IN_NLR
    if company.leader is None:
        return ExclusionReason.NO_LEADER
    return None


def _lbu(round_: Round, units: _CompanyUnits) -> _Built:
    opted_out = set(
        RoundCounty.objects.filter(round=round_, participates=False).values_list(
            "county_id", flat=True
        )
    )
    built = _Built()
    for company in units.companies:
        reason = _company_reason(company)
        if reason != ExclusionReason.NOT_IN_NLR and company.county_id in opted_out:
            reason = ExclusionReason.COUNTY_NOT_PARTICIPATING
        if reason is None:
            built.respondents.append(_company_respondent(company))
        else:
            built.exclusions.append(_company_exclusion(company, reason))
    return built


def _ar(units: _CompanyUnits, *, lbu_by_company: dict[int, int]) -> _Built:
    built = _Built()
    for (
        office_id,
        county_id,
        nor_registered,
        listed,
        manager_name,
        email,
        email_valid,
        mobile,
        mobile_valid,
    ) in units.offices:
        if nor_registered and listed:
            built.respondents.append(
                _Respondent(
                    role=RespondentRole.OFFICE,
                    county_id=county_id,
                    training_office_id=office_id,
                    name=manager_name,
                    email=email,
                    email_valid=email_valid,
                    mobile=mobile,
                    mobile_valid=mobile_valid,
                )
            )
        else:
            built.exclusions.append(
                _Exclusion(
                    county_id=county_id,
                    reason=ExclusionReason.NOT_IN_NOR,
                    training_office_id=office_id,
                )
            )
    for company in units.companies:
        reason = _company_reason(company)
        if reason is None:
            built.respondents.append(_company_respondent(company, lbu_by_company.get(company.id)))
        else:
            built.exclusions.append(_company_exclusion(company, reason))
    return built


def _lbu_respondents_by_company(year: int) -> dict[int, int]:
    """The year's LBU respondents by company: where a company's ÅR link continues (R-D9).

    A company of a county that does not run LBU has no LBU respondent and so no link."""
    return dict(
        Respondent.objects.filter(
            round__year=year, round__kind=SurveyKind.LBU, role=RespondentRole.LEADER
        )
        .values_list("company_id", "pk")
        .order_by()
    )


def _relink_ar_to_lbu(year: int) -> int:
    """After LBU was built: point each company's ÅR respondent at its LBU respondent again.

    LBU respondents keep their rows across rebuilds, so this changes only the links of
    companies that came into or left LBU. Returns the number of links changed."""
    lbu = _lbu_respondents_by_company(year)
    changed = [
        Respondent(pk=pk, continues_to_id=lbu.get(company_id))
        for pk, company_id, current in Respondent.objects.filter(
            round__year=year, round__kind=SurveyKind.AR, role=RespondentRole.LEADER
        )
        .values_list("pk", "company_id", "continues_to_id")
        .order_by()
        if lbu.get(company_id) != current
    ]
    Respondent.objects.bulk_update(changed, ["continues_to"], batch_size=500)
    return len(changed)


# --- After the freeze -----------------------------------------------------------------------


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
    model = Respondent._meta.get_field(relation).related_model
    name_fields = tuple(name_fields)
    rows = (
        model.objects.filter(id__in=respondents.values(id_field))
        .values_list("id", *name_fields, "email", "email_valid", "mobile", "mobile_valid")
        .order_by()
    )
    found: dict[int, tuple] = {}
    for pk, *values in rows:
        names, contact = values[: len(name_fields)], values[len(name_fields) :]
        found[pk] = (" ".join(n for n in names if n).strip(), *contact)
    return found


def rounds_to_freeze(today: date) -> list[Round]:
    """Rounds whose reference date has come and whose sample is not yet frozen, LU, LBU and ÅR
    of each year in that order."""
    due = Round.objects.filter(sample_frozen_at__isnull=True, reference_date__lte=today)
    return sorted(due, key=lambda r: (r.year, _SURVEY_ORDER[r.kind]))


def samples_freeze_due(now: datetime | None = None) -> list[SampleSummary]:
    """Freeze every sample whose reference date has come (the scheduled task)."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    return [samples_freeze(round_, now=now) for round_ in rounds_to_freeze(today)]


def samples_after_import(now: datetime | None = None) -> dict[str, int]:
    """What a successful register import means for the samples.

    Frozen samples of rounds that have not closed get the new contact data (membership never
    changes after the freeze); preliminary samples of rounds in quality assurance (R-C1, up to
    and including the reference date) are rebuilt, so the county checks the register as it now
    is. LBU is built before ÅR, so ÅR's links to it are made as ÅR is built. Returns the number of
    respondents refreshed and of samples rebuilt."""
    now = now or timezone.now()
    today = timezone.localtime(now, OSLO).date()
    refreshed = 0
    rebuilt = 0
    for round_ in Round.objects.filter(sample_frozen_at__isnull=False, closes_at__gt=now):
        refreshed += samples_refresh_contacts(round_)
    in_quality_assurance = Round.objects.filter(
        sample_frozen_at__isnull=True, qa_starts_on__lte=today, reference_date__gte=today
    )
    for round_ in sorted(in_quality_assurance, key=lambda r: (r.year, _SURVEY_ORDER[r.kind])):
        samples_build(round_)
        rebuilt += 1
    return {"refreshed": refreshed, "rebuilt": rebuilt}
