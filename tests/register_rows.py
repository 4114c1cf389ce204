"""Register rows built directly with the ORM, for tests that must not depend on the importer:
small helpers with the defaults a test does not care about, so each test shows only what its
rule depends on. Every row gets its own register id, organisation number and contact details."""

from __future__ import annotations

import itertools
from datetime import date, datetime
from typing import Any

from demo.portal_users import valid_orgnr
from portal.lib.oslo import OSLO
from portal.models import Company, County, TrainingOffice
from registry_import.models import (
    Apprentice,
    Contract,
    ContractKind,
    ContractStatus,
    ImportRun,
    ImportStatus,
    ProfessionalLeader,
    Trade,
)
from surveys.models import Questionnaire, Round, SurveyKind
from surveys.services.rounds import round_create

YEAR = 2025
REFERENCE = date(YEAR, 10, 1)
# Training since this day is exactly 11 months on the reference date (not in LU);
# one day earlier is 11 months and a day (in LU).
EXACTLY_11_MONTHS = date(YEAR - 1, 11, 1)
MORE_THAN_11_MONTHS = date(YEAR - 1, 10, 31)
LONG_AGO = date(YEAR - 2, 8, 15)
PLANNED_END = date(YEAR + 1, 8, 15)

_numbers = itertools.count(1)


def questionnaires(version: int = 2020) -> None:
    for kind in SurveyKind:
        Questionnaire.objects.get_or_create(
            kind=kind, version=version, defaults={"source_file": f"{kind}.toml"}
        )


def rounds(year: int = YEAR) -> dict[str, Round]:
    questionnaires()
    return {kind: round_create(year=year, kind=kind) for kind in SurveyKind}


def trade(code: str = "ELELE3----", name: str = "Elektrikerfaget") -> Trade:
    return Trade.objects.get_or_create(code=code, defaults={"name": name})[0]


def office(county: County, *, name: str = "", nor: bool = True, **fields: Any) -> TrainingOffice:
    n = next(_numbers)
    defaults = {
        "manager_name": f"Daglig Leder {n}",
        "email": f"kontor{n}@example.test",
        "email_valid": True,
    }
    return TrainingOffice.objects.create(
        orgnr=valid_orgnr(93000000 + n * 10),
        name=name or f"Opplæringskontor {n}",
        county=county,
        nor_registered=nor,
        **(defaults | fields),
    )


def company(
    county: County,
    *,
    name: str = "",
    nlr: bool = True,
    office: TrainingOffice | None = None,
    **fields: Any,
) -> Company:
    n = next(_numbers)
    return Company.objects.create(
        orgnr=valid_orgnr(94000000 + n * 10),
        name=name or f"Bedrift {n} AS",
        county=county,
        training_office=office,
        nlr_registered=nlr,
        **fields,
    )


def leader(company: Company, register_id: str = "", **fields: Any) -> ProfessionalLeader:
    n = next(_numbers)
    defaults = {
        "first_name": "Faglig",
        "last_name": f"Leder {n}",
        "email": f"leder{n}@example.test",
        "email_valid": True,
        "mobile": f"+47410{n:05d}",
        "mobile_valid": True,
    }
    return ProfessionalLeader.objects.create(
        register_id=register_id or f"FL{n:05d}", company=company, **(defaults | fields)
    )


def apprentice(**fields: Any) -> Apprentice:
    n = next(_numbers)
    defaults = {
        "first_name": "Lærling",
        "last_name": f"Nummer {n}",
        "email": f"laerling{n}@example.test",
        "email_valid": True,
        "mobile": f"+47400{n:05d}",
        "mobile_valid": True,
    }
    return Apprentice.objects.create(pseudonym=f"p{n:08d}", **(defaults | fields))


def contract(
    person: Apprentice,
    company: Company,
    *,
    start: date = LONG_AGO,
    end: date = PLANNED_END,
    status: str = ContractStatus.RUNNING,
    trade_: Trade | None = None,
    leader: ProfessionalLeader | None = None,
    county: County | None = None,
    office: TrainingOffice | None = None,
    kind: str = ContractKind.APPRENTICE,
    in_register: bool = True,
) -> Contract:
    """A contract, by default running since long before the reference date, through the
    company's own training office."""
    n = next(_numbers)
    return Contract.objects.create(
        register_id=f"K{n:06d}",
        apprentice=person,
        kind=kind,
        status=status,
        start_date=start,
        end_date=end,
        trade=trade_ or trade(),
        company=company,
        training_office=office if office is not None else company.training_office,
        professional_leader=leader,
        county=county or company.county,
        in_register=in_register,
    )


def ended(
    person: Apprentice, company: Company, *, status: str = ContractStatus.COMPLETED, **fields: Any
) -> Contract:
    """A contract completed (or terminated) before the reference date: not running on it."""
    return contract(person, company, status=status, end=date(YEAR, 6, 30), **fields)


def extract_imported(at: datetime | date = REFERENCE, **fields: Any) -> ImportRun:
    """The record of an extract imported at the time given (a day means noon in Norway), as
    the 1 October extract would leave one (R-C3)."""
    if not isinstance(at, datetime):
        at = datetime(at.year, at.month, at.day, 12, tzinfo=OSLO)
    defaults = {"status": ImportStatus.SUCCEEDED, "started_at": at, "survey_year": at.year}
    return ImportRun.objects.create(finished_at=at, **(defaults | fields))
