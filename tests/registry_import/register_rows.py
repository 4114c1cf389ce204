"""Register rows built directly with the ORM, for tests that must not depend on the importer."""

from __future__ import annotations

import itertools
from datetime import date

from portal.demo import valid_orgnr
from portal.models import Company, County, TrainingOffice
from registry_import.models import (
    Apprentice,
    Contract,
    ContractKind,
    ContractStatus,
    ProfessionalLeader,
    Trade,
)

_numbers = itertools.count(1)


def _next() -> int:
    return next(_numbers)


def trade(code: str = "ELELE3----", name: str = "Elektrikerfaget") -> Trade:
    return Trade.objects.get_or_create(code=code, defaults={"name": name})[0]


def office(county: County, *, name: str | None = None, nor: bool = True, **extra) -> TrainingOffice:
    n = _next()
    return TrainingOffice.objects.create(
        orgnr=valid_orgnr(93000000 + 10 * n),
        name=name or f"Opplæringskontor {n}",
        county=county,
        nor_registered=nor,
        **extra,
    )


def company(
    county: County,
    *,
    name: str | None = None,
    nlr: bool = True,
    office: TrainingOffice | None = None,
    **extra,
) -> Company:
    n = _next()
    return Company.objects.create(
        orgnr=valid_orgnr(94000000 + 10 * n),
        name=name or f"Lærebedrift {n} AS",
        county=county,
        nlr_registered=nlr,
        training_office=office,
        **extra,
    )


def leader(
    company: Company,
    *,
    first_name: str = "Kari",
    last_name: str | None = None,
    email: str = "kari@bedrift.no",
    email_valid: bool = True,
    mobile: str = "+4791234567",
    mobile_valid: bool = True,
    **extra,
) -> ProfessionalLeader:
    n = _next()
    return ProfessionalLeader.objects.create(
        register_id=f"FL-{n}",
        company=company,
        first_name=first_name,
        last_name=last_name or f"Leder{n}",
        email=email,
        email_valid=email_valid,
        mobile=mobile,
        mobile_valid=mobile_valid,
        **extra,
    )


def apprentice(
    *,
    first_name: str = "Ola",
    last_name: str | None = None,
    email: str = "ola@example.no",
    email_valid: bool = True,
    mobile: str = "+4798765432",
    mobile_valid: bool = True,
) -> Apprentice:
    n = _next()
    return Apprentice.objects.create(
        pseudonym=f"pseudonym-{n:06d}",
        first_name=first_name,
        last_name=last_name or f"Lærling{n}",
        email=email,
        email_valid=email_valid,
        mobile=mobile,
        mobile_valid=mobile_valid,
    )


def contract(
    person: Apprentice,
    company: Company,
    *,
    start: date,
    end: date,
    county: County | None = None,
    status: str = ContractStatus.RUNNING,
    of_trade: Trade | None = None,
    **extra,
) -> Contract:
    n = _next()
    return Contract.objects.create(
        register_id=f"K-{n:06d}",
        apprentice=person,
        kind=ContractKind.APPRENTICE,
        status=status,
        start_date=start,
        end_date=end,
        trade=of_trade or trade(),
        company=company,
        county=county or company.county,
        **extra,
    )
