"""Who is in each sample, by the rules R-S1..R-S4, read from the register as of the reference
date (R-C3). Nothing here writes: each rule returns the respondents and the exclusions of its
sample (`Built`), which `store` makes the round's.

- LU (R-S1): the apprentices and candidates of `lu_eligible_contracts`, the register's one
  statement of the rule. One respondent per apprentice: with several eligible contracts the one
  that started first (then the lowest contract id), so the county, office, company and trade
  of the answer are those of the training that has lasted longest.
- LBU (R-S2): the professional leader of every NLR-registered company with a contract running
  on the reference date, in the counties that run LBU this year (R-L2).
- ÅR (R-S3): every NOR-registered training office with a member company with a running contract
  (answered by its managing director), and every company as in LBU (answered by the same
  leader), in every county (R-L3).

The leader of a company (R-S2, R-S3) is the one with the most apprentices: among the company's
professional leaders in the register, the one named on the running contracts of the most
distinct apprentices; on a tie the one named on the most running contracts, then the lowest
register id. A leader named on a contract but registered for another company does not count
for this one. A company without any leader in the register is left out (`no_leader`).
`leader_choices` tells, by the same ranking, which of these decided for a company, so the county
can check the leader on the list (surveys/list_check.py).

The company's respondent carries a trade, because LBU is reported by trade: the company's trade
with the most distinct apprentices with a running contract, on a tie the lowest trade code.

Membership of a training office (R-S3, R-L4) is one definition: a company belongs to the office
laerebedrifter.csv gives it, or, when it gives none, to the office named on most of its running
contracts (the lowest id on a tie); an office answers ÅR when a company belongs to it or a
running contract names it. Where the contracts and laerebedrifter.csv disagree, the county's
quality report shows it.

National scale (about 50,000 contracts and 21,000 companies) is a handful of queries and dict
work in Python; nothing is queried per row."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from portal.models import Company, TrainingOffice
from registry_import.models import ProfessionalLeader, Trade
from registry_import.selectors import lu_eligible_contracts, running_contracts
from surveys.models import ExclusionReason, RespondentRole


class Respondent(NamedTuple):
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


class Exclusion(NamedTuple):
    county_id: int
    reason: str
    company_id: int | None = None
    training_office_id: int | None = None
    contract_id: int | None = None


@dataclass
class Built:
    respondents: list[Respondent] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)


# --- LU (R-S1) ------------------------------------------------------------------------------


def lu_sample(reference_date: date) -> Built:
    """R-S1 through `lu_eligible_contracts`; the other running contracts are recorded as
    exclusions so the county can check them (a wrong start date or an unregistered company)."""
    columns = (
        "id",
        "register_id",
        "apprentice_id",
        "start_date",
        "county_id",
        "training_office_id",
        "company__training_office_id",
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
    built = Built(exclusions=_lu_exclusions(reference_date, chosen))
    for (
        contract_id,
        _register_id,
        apprentice_id,
        _start,
        county_id,
        office_id,
        member_of,
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
            Respondent(
                role=RespondentRole.APPRENTICE,
                county_id=county_id,
                # The office following the contract up, or else the company's own.
                training_office_id=office_id or member_of,
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
    return built


def _lu_exclusions(reference_date: date, chosen: dict[int, tuple]) -> list[Exclusion]:
    """Running contracts of apprentices who are not in the sample at all. Those of an
    apprentice who is in it through another contract are simply not the one chosen."""
    exclusions = []
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
        exclusions.append(
            Exclusion(
                county_id=county_id,
                reason=reason,
                company_id=company_id,
                training_office_id=office_id,
                contract_id=contract_id,
            )
        )
    return exclusions


# --- The companies and offices of LBU and ÅR (R-S2, R-S3) -----------------------------------


@dataclass
class Unit:
    """A company with a running contract, with what its respondent needs."""

    id: int
    county_id: int
    training_office_id: int | None
    registered: bool  # in NLR and still in the register (R-S4)
    leader: tuple | None  # (id, name, email, email_valid, mobile, mobile_valid)
    trade_id: int | None


@dataclass
class CompanyUnits:
    """The companies and offices with a running contract on the reference date, each company
    with its leader and trade chosen as in R-S2. Shared by LBU and ÅR."""

    companies: list[Unit]
    offices: list[tuple]  # (id, county, nor_registered, in_register, contact...)

    @classmethod
    def read(cls, reference_date: date) -> CompanyUnits:
        running = running_contracts(reference_date)
        # Per company: the apprentices and contracts of each named leader, the apprentices of
        # each trade, and the offices its contracts name.
        led: dict[tuple[int, int], set[int]] = defaultdict(set)
        led_contracts: Counter[tuple[int, int]] = Counter()
        trained: dict[tuple[int, int], set[int]] = defaultdict(set)
        named_offices: dict[int, Counter[int]] = defaultdict(Counter)
        for company_id, leader_id, apprentice_id, trade_id, office_id in running.values_list(
            "company_id",
            "professional_leader_id",
            "apprentice_id",
            "trade_id",
            "training_office_id",
        ).order_by():
            if leader_id is not None:
                led[(company_id, leader_id)].add(apprentice_id)
                led_contracts[(company_id, leader_id)] += 1
            trained[(company_id, trade_id)].add(apprentice_id)
            if office_id is not None:
                named_offices[company_id][office_id] += 1

        companies = list(
            Company.objects.filter(id__in=running.values("company_id"))
            .values_list("id", "county_id", "training_office_id", "nlr_registered", "in_register")
            .order_by("id")
        )
        leaders = _leaders_by_company(running, led, led_contracts)
        trades = _trades_by_company(trained)

        units: list[Unit] = []
        for company_id, county_id, member_of, nlr, listed in companies:
            office_id = member_of
            if office_id is None and named_offices.get(company_id):
                counts = named_offices[company_id]
                office_id = min(counts, key=lambda o: (-counts[o], o))
            units.append(
                Unit(
                    id=company_id,
                    county_id=county_id,
                    training_office_id=office_id,
                    registered=nlr and listed,
                    leader=leaders.get(company_id),
                    trade_id=trades.get(company_id),
                )
            )
        office_ids = {u.training_office_id for u in units if u.training_office_id} | {
            office_id for counts in named_offices.values() for office_id in counts
        }
        offices = list(
            TrainingOffice.objects.filter(id__in=office_ids)
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
        return cls(companies=units, offices=offices)


def _leaders_by_company(running, led, led_contracts) -> dict[int, tuple]:
    """Each company's leader (see the module's description): (id, name, contact...)."""
    return {
        company_id: ranked[0][1]
        for company_id, ranked in _leaders_ranked(running, led, led_contracts).items()
    }


def _leaders_ranked(running, led, led_contracts) -> dict[int, list[tuple]]:
    """Each company's professional leaders in the register, the chosen one first: a list of
    (key, (id, name, contact...)), where the key is (-apprentices, -running contracts, register
    id, id) and the lowest key is chosen."""
    ranked: dict[int, list[tuple]] = defaultdict(list)
    rows = (
        ProfessionalLeader.objects.filter(
            in_register=True, company_id__in=running.values("company_id")
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
    )
    for leader_id, register_id, company_id, first, last, *contact in rows:
        apprentices = len(led.get((company_id, leader_id), ()))
        key = (-apprentices, -led_contracts[(company_id, leader_id)], register_id, leader_id)
        ranked[company_id].append((key, (leader_id, f"{first} {last}".strip(), *contact)))
    for candidates in ranked.values():
        candidates.sort(key=lambda candidate: candidate[0])
    return ranked


class LeaderReason:
    """Why a company's leader was chosen (R-S2): what decided between the candidates."""

    ONLY = "only"  # the company's only professional leader in the register
    MOST_APPRENTICES = "most_apprentices"  # named for more apprentices than any other
    MOST_CONTRACTS = "most_contracts"  # as many apprentices, more running contracts
    LOWEST_REGISTER_ID = "lowest_register_id"  # as many of both: the lowest register id
    NONE_NAMED = "none_named"  # no leader named on a running contract: the lowest register id


@dataclass(frozen=True)
class LeaderChoice:
    """The leader chosen for a company, why, and the figures that decided it."""

    leader_id: int
    reason: str
    apprentices: int
    contracts: int
    candidates: int


def leader_choices(reference_date: date, company_ids: Iterable[int]) -> dict[int, LeaderChoice]:
    """The leader each of the companies gets on the reference date, by the same ranking as the
    samples (`_leaders_ranked`), with the reason (LeaderReason): what the county checks."""
    running = running_contracts(reference_date).filter(company_id__in=list(company_ids))
    led: dict[tuple[int, int], set[int]] = defaultdict(set)
    led_contracts: Counter[tuple[int, int]] = Counter()
    for company_id, leader_id, apprentice_id in running.values_list(
        "company_id", "professional_leader_id", "apprentice_id"
    ).order_by():
        if leader_id is not None:
            led[(company_id, leader_id)].add(apprentice_id)
            led_contracts[(company_id, leader_id)] += 1
    choices = {}
    for company_id, ranked in _leaders_ranked(running, led, led_contracts).items():
        (apprentices, contracts, *_rest), (leader_id, *_leader) = ranked[0]
        if len(ranked) == 1:
            reason = LeaderReason.ONLY
        elif apprentices == 0 and contracts == 0:
            reason = LeaderReason.NONE_NAMED
        elif apprentices < ranked[1][0][0]:
            reason = LeaderReason.MOST_APPRENTICES
        elif contracts < ranked[1][0][1]:
            reason = LeaderReason.MOST_CONTRACTS
        else:
            reason = LeaderReason.LOWEST_REGISTER_ID
        choices[company_id] = LeaderChoice(
            leader_id=leader_id,
            reason=reason,
            apprentices=-apprentices,
            contracts=-contracts,
            candidates=len(ranked),
        )
    return choices


def _trades_by_company(trained: dict[tuple[int, int], set[int]]) -> dict[int, int]:
    """Each company's trade with the most apprentices (the lowest trade code on a tie)."""
    codes = dict(
        Trade.objects.filter(id__in={trade_id for _c, trade_id in trained}).values_list(
            "id", "code"
        )
    )
    best: dict[int, tuple] = {}
    for (company_id, trade_id), apprentices in trained.items():
        key = (-len(apprentices), codes.get(trade_id, ""), trade_id)
        if company_id not in best or key < best[company_id]:
            best[company_id] = key
    return {company_id: key[2] for company_id, key in best.items()}


def company_respondent(unit: Unit, continues_to_id: int | None = None) -> Respondent:
    assert unit.leader is not None
    leader_id, name, email, email_valid, mobile, mobile_valid = unit.leader
    return Respondent(
        role=RespondentRole.LEADER,
        county_id=unit.county_id,
        training_office_id=unit.training_office_id,
        company_id=unit.id,
        trade_id=unit.trade_id,
        professional_leader_id=leader_id,
        name=name,
        email=email,
        email_valid=email_valid,
        mobile=mobile,
        mobile_valid=mobile_valid,
        continues_to_id=continues_to_id,
    )


def _company_exclusion(unit: Unit, reason: str) -> Exclusion:
    return Exclusion(
        county_id=unit.county_id,
        reason=reason,
        company_id=unit.id,
        training_office_id=unit.training_office_id,
    )


def _company_reason(unit: Unit) -> str | None:
    """Why a company with a running contract cannot be asked, or None when it can."""
    if not unit.registered:
        return ExclusionReason.NOT_IN_NLR
    if unit.leader is None:
        return ExclusionReason.NO_LEADER
    return None


def lbu_sample(units: CompanyUnits, *, opted_out: set[int]) -> Built:
    """R-S2 in the counties that run LBU; `opted_out` are the counties that do not (R-L2)."""
    built = Built()
    for unit in units.companies:
        reason = _company_reason(unit)
        if reason != ExclusionReason.NOT_IN_NLR and unit.county_id in opted_out:
            reason = ExclusionReason.COUNTY_NOT_PARTICIPATING
        if reason is None:
            built.respondents.append(company_respondent(unit))
        else:
            built.exclusions.append(_company_exclusion(unit, reason))
    return built


def ar_sample(units: CompanyUnits, *, lbu_by_company: dict[int, int]) -> Built:
    """R-S3: offices and companies. A company's respondent continues to its LBU respondent in
    the same link (R-D9) when there is one (`lbu_by_company`)."""
    built = Built()
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
                Respondent(
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
                Exclusion(
                    county_id=county_id,
                    reason=ExclusionReason.NOT_IN_NOR,
                    training_office_id=office_id,
                )
            )
    for unit in units.companies:
        reason = _company_reason(unit)
        if reason is None:
            built.respondents.append(company_respondent(unit, lbu_by_company.get(unit.id)))
        else:
            built.exclusions.append(_company_exclusion(unit, reason))
    return built
