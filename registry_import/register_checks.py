"""The register queries the county's quality report is built on (R-C1, R-S4, R-S5): what in the
register keeps the samples taken on the reference date from reaching everyone they should.

Each query covers the contracts one county is responsible for (Contract.county) that run on the
reference date, and the people, companies and offices connected to them, nothing else: a company
located in county A with a contract of county B is B's concern for that contract. Each returns a
lazy queryset; the surveys' quality report pages, counts and downloads them."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, F, IntegerField, OuterRef, Q, QuerySet, Subquery

from portal.models import Company, County, TrainingOffice
from portal.organisations.contact import unreachable
from registry_import.models import (
    ContactChannel,
    Contract,
    ProfessionalLeader,
    UndeliverableContact,
)
from registry_import.selectors import lu_eligible_contracts, running_contracts


class _SubqueryCount(Subquery):
    """How many rows a subquery has, as one scalar: counting this way never joins the outer
    query to the counted rows, so the outer rows are not multiplied."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _running_count(running: QuerySet[Contract], *link: Q, **lookups: Any) -> _SubqueryCount:
    """Running contracts of the county linked to the outer row."""
    return _SubqueryCount(running.filter(*link, **lookups).order_by().values("pk"))


def apprentices_without_contact(county: County, reference_date: date) -> QuerySet[Contract]:
    """Contracts of apprentices in the LU sample (R-S1) lacking a valid e-mail, a valid mobile
    or both."""
    return (
        lu_eligible_contracts(reference_date, county)
        .filter(Q(apprentice__email_valid=False) | Q(apprentice__mobile_valid=False))
        .select_related("apprentice", "trade", "company", "training_office")
        .order_by("company__name", "apprentice__last_name", "apprentice__first_name", "pk")
    )


def apprentices_unreachable(county: County, reference_date: date) -> QuerySet[Contract]:
    """Contracts of apprentices in the LU sample (R-S1) the survey cannot reach: neither a valid
    e-mail nor a valid mobile (`unreachable`, the count the samples page gives too)."""
    return apprentices_without_contact(county, reference_date).filter(unreachable("apprentice__"))


def leaders_of_running_companies(
    county: County, reference_date: date
) -> QuerySet[ProfessionalLeader]:
    """The professional leaders who can be chosen for LBU and ÅR (R-S2, R-S3): those of the
    companies with a running contract of the county, with the running contracts each leads."""
    running = running_contracts(reference_date, county)
    return (
        ProfessionalLeader.objects.filter(in_register=True)
        .filter(company_id__in=running.values("company_id"))
        .select_related("company")
        .annotate(running_contracts=_running_count(running, professional_leader=OuterRef("pk")))
        .order_by("company__name", "last_name", "first_name", "pk")
    )


def leaders_unreachable(county: County, reference_date: date) -> QuerySet[ProfessionalLeader]:
    return leaders_of_running_companies(county, reference_date).filter(unreachable())


def leaders_half_reachable(county: County, reference_date: date) -> QuerySet[ProfessionalLeader]:
    return leaders_of_running_companies(county, reference_date).filter(
        Q(email_valid=True, mobile_valid=False) | Q(email_valid=False, mobile_valid=True)
    )


def running_companies(county: County, reference_date: date) -> QuerySet[Company]:
    """Companies with a running contract of the county, with how many."""
    running = running_contracts(reference_date, county)
    return (
        Company.objects.filter(in_register=True)
        .filter(Exists(running.filter(company=OuterRef("pk"))))
        .select_related("county", "training_office")
        .annotate(running_contracts=_running_count(running, company=OuterRef("pk")))
        .order_by("name", "pk")
    )


def companies_without_leader(county: County, reference_date: date) -> QuerySet[Company]:
    """Companies with running contracts that have no professional leader in the register:
    no one can answer LBU or ÅR for them."""
    return running_companies(county, reference_date).exclude(
        Exists(ProfessionalLeader.objects.filter(company=OuterRef("pk"), in_register=True))
    )


def companies_not_in_nlr(county: County, reference_date: date) -> QuerySet[Company]:
    return running_companies(county, reference_date).filter(nlr_registered=False)


def offices_not_in_nor(county: County, reference_date: date) -> QuerySet[TrainingOffice]:
    """Offices not registered in NOR that follow up a running contract of the county, or whose
    member company has one."""
    return offices_of_running_contracts(county, reference_date).filter(nor_registered=False)


def offices_of_running_contracts(
    county: County, reference_date: date
) -> QuerySet[TrainingOffice]:
    """The offices in the register that follow up a running contract of the county, or whose
    member company has one, with how many: those whose managing director answers ÅR (R-S3)
    and activates the office's access."""
    running = running_contracts(reference_date, county)
    office_link = Q(training_office=OuterRef("pk")) | Q(company__training_office=OuterRef("pk"))
    return (
        TrainingOffice.objects.filter(in_register=True)
        .filter(Exists(running.filter(office_link)))
        .select_related("county")
        .annotate(running_contracts=_running_count(running, office_link))
        .order_by("name", "pk")
    )


def offices_unreachable(county: County, reference_date: date) -> QuerySet[TrainingOffice]:
    """Offices whose managing director has neither a valid e-mail nor a valid mobile."""
    return offices_of_running_contracts(county, reference_date).filter(unreachable())


def offices_incomplete_contact(
    county: County, reference_date: date
) -> QuerySet[TrainingOffice]:
    """Offices that can be reached but lack the managing director's name, a valid e-mail or a
    valid mobile."""
    return (
        offices_of_running_contracts(county, reference_date)
        .exclude(unreachable())
        .filter(Q(manager_name="") | Q(email_valid=False) | Q(mobile_valid=False))
    )


def contracts_with_unknown_references(
    county: County, reference_date: date
) -> QuerySet[Contract]:
    """Running contracts that named a training office or professional leader the extract did
    not hold: imported without them, so the office may miss its apprentice and the company
    its leader."""
    return (
        running_contracts(reference_date, county)
        .filter(Q(unknown_training_office__gt="") | Q(unknown_professional_leader__gt=""))
        .select_related("apprentice", "company")
        .order_by("company__name", "register_id")
    )


def contracts_disagreeing_on_office(county: County, reference_date: date) -> QuerySet[Contract]:
    """Running contracts that name a training office other than the one laerebedrifter.csv
    gives their company (or name one for an independent company)."""
    return (
        running_contracts(reference_date, county)
        .filter(training_office__isnull=False)
        .filter(
            Q(company__training_office__isnull=True)
            | ~Q(training_office=F("company__training_office"))
        )
        .select_related("apprentice", "company__training_office", "training_office")
        .order_by("company__name", "register_id")
    )


def undeliverable_contacts(county: County, reference_date: date) -> QuerySet[UndeliverableContact]:
    """Addresses and numbers that messages could not be delivered to, held by the county's
    apprentices with running contracts, the leaders of its companies or the training offices
    following up its contracts: the import keeps them invalid until VIGO has another value."""
    running = running_contracts(reference_date, county)
    leaders = leaders_of_running_companies(county, reference_date)
    offices = TrainingOffice.objects.filter(Exists(running.filter(training_office=OuterRef("pk"))))
    held = {
        ContactChannel.EMAIL: [
            running.values("apprentice__email"),
            leaders.values("email"),
            offices.values("email"),
        ],
        ContactChannel.MOBILE: [
            running.values("apprentice__mobile"),
            leaders.values("mobile"),
            offices.values("mobile"),
        ],
    }
    condition = Q(pk__in=[])
    for channel, sources in held.items():
        for source in sources:
            condition |= Q(channel=channel, value__in=source.order_by())
    return UndeliverableContact.objects.filter(condition).order_by("value", "pk")
