"""The county's quality report (R-C1, R-S4, R-S5): what the county must correct in VIGO before
the deadline (R-C2) so that the samples taken on 1 October reach everyone they should.

A county sees the contracts it is responsible for (Contract.county) and the people, companies
and offices connected to those contracts, nothing else: a company located in county A with a
contract of county B is B's concern for that contract. Every category is built from
`running_contracts` or `lu_eligible_contracts` of one county, which is what keeps the scope."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from portal.downloads import excel_csv
from portal.models import Company, County, TrainingOffice
from portal.oslo import OSLO
from registry_import.models import (
    ContactChannel,
    Contract,
    ProfessionalLeader,
    UndeliverableContact,
)
from registry_import.selectors import lu_eligible_contracts, running_contracts

# --- The deadline (R-C2) --------------------------------------------------------------------


def correction_deadline(survey_year: int) -> datetime:
    """The deadline for corrections in VIGO of the survey year (R-C2): the LU round's, which the
    national administrator may have moved, or the national default of 30 September 12:00."""
    from surveys.models import Round, SurveyKind
    from surveys.services.rounds import default_calendar

    deadline = (
        Round.objects.filter(year=survey_year, kind=SurveyKind.LU)
        .values_list("correction_deadline", flat=True)
        .first()
    )
    return deadline or default_calendar(survey_year, SurveyKind.LU).correction_deadline


@dataclass(frozen=True)
class Countdown:
    """Time left to the next deadline; `passed` is this year's deadline once it is over."""

    deadline: datetime
    days: int
    hours: int
    passed: datetime | None = None

    @property
    def remaining_text(self) -> str:
        # Bokmål, nynorsk and English share the plural rule n != 1.
        days = _("%(count)s day") if self.days == 1 else _("%(count)s days")
        hours = _("%(count)s hour") if self.hours == 1 else _("%(count)s hours")
        return _("%(days)s and %(hours)s left") % {
            "days": days % {"count": self.days},
            "hours": hours % {"count": self.hours},
        }


def deadline_countdown(now: datetime) -> Countdown:
    """The countdown to this survey year's deadline, or to next year's once it has passed.

    Whole days and whole hours left, rounded down, so the page never promises more time than
    there is."""
    year = now.astimezone(OSLO).year
    deadline = correction_deadline(year)
    passed = None
    # In UTC: Python subtracts two Oslo times on the wall clock, which is an hour off across a
    # change to or from summer time.
    if now.astimezone(UTC) >= deadline.astimezone(UTC):
        passed = deadline
        deadline = correction_deadline(year + 1)
    left = deadline.astimezone(UTC) - now.astimezone(UTC)
    return Countdown(deadline=deadline, days=left.days, hours=left.seconds // 3600, passed=passed)


# --- The report -----------------------------------------------------------------------------


def contact_status(value: str, valid: bool) -> str:
    """What the register's e-mail address or mobile number is worth: valid, missing or invalid."""
    if valid:
        return _("Valid")
    if not value.strip():
        return _("Missing")
    return _("Invalid")


@dataclass(frozen=True)
class Category:
    """One list of things to correct: a table on the page, a CSV file, a sheet in the workbook."""

    key: str  # used in URLs and file names
    title: Promise
    sheet_title: Promise  # at most 31 characters, no []:*?/\
    description: Promise
    headers: list[Promise]
    rows: QuerySet[Any]
    cells: Callable[[Any], list[Any]]

    def all_cells(self) -> Iterator[list[Any]]:
        for row in self.rows.iterator(chunk_size=2000):
            yield self.cells(row)


class _SubqueryCount(Subquery):
    """How many rows a subquery has, as one scalar: counting this way never joins the outer
    query to the counted rows, so the outer rows are not multiplied."""

    template = "(SELECT COUNT(*) FROM (%(subquery)s) AS counted)"
    output_field = IntegerField()


def _running_count(running: QuerySet[Contract], *link: Q, **lookups: Any) -> _SubqueryCount:
    """Running contracts of the county linked to the outer row."""
    return _SubqueryCount(running.filter(*link, **lookups).order_by().values("pk"))


def _apprentice_cells(contract: Contract) -> list[Any]:
    a = contract.apprentice
    return [
        str(a),
        contract.register_id,
        contract.trade.name,
        contract.company.name,
        contract.company.orgnr,
        contract.training_office.name if contract.training_office else "",
        a.email,
        contact_status(a.email, a.email_valid),
        a.mobile,
        contact_status(a.mobile, a.mobile_valid),
    ]


def _leader_cells(leader: ProfessionalLeader) -> list[Any]:
    return [
        str(leader),
        leader.company.name,
        leader.company.orgnr,
        leader.email,
        contact_status(leader.email, leader.email_valid),
        leader.mobile,
        contact_status(leader.mobile, leader.mobile_valid),
        leader.running_contracts,
    ]


def _company_cells(company: Company) -> list[Any]:
    return [
        company.name,
        company.orgnr,
        company.county.name,
        company.training_office.name if company.training_office else "",
        company.running_contracts,
    ]


def _office_cells(office: TrainingOffice) -> list[Any]:
    return [office.name, office.orgnr, office.county.name, office.running_contracts]


APPRENTICE_HEADERS = [
    gettext_lazy("Apprentice"),
    gettext_lazy("Contract id"),
    gettext_lazy("Trade"),
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Training office"),
    gettext_lazy("E-mail"),
    gettext_lazy("E-mail status"),
    gettext_lazy("Mobile"),
    gettext_lazy("Mobile status"),
]
LEADER_HEADERS = [
    gettext_lazy("Professional leader"),
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("E-mail"),
    gettext_lazy("E-mail status"),
    gettext_lazy("Mobile"),
    gettext_lazy("Mobile status"),
    gettext_lazy("Running contracts led"),
]
COMPANY_HEADERS = [
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Located in"),
    gettext_lazy("Training office"),
    gettext_lazy("Running contracts"),
]
OFFICE_HEADERS = [
    gettext_lazy("Training office"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Located in"),
    gettext_lazy("Running contracts"),
]


def quality_categories(county: County, reference_date: date) -> list[Category]:
    """The county's lists of what to correct, as lazy querysets (nothing is read until a page or
    a download asks). Only rows still in the register are listed."""
    running = running_contracts(reference_date, county)

    apprentices = (
        lu_eligible_contracts(reference_date, county)
        .filter(Q(apprentice__email_valid=False) | Q(apprentice__mobile_valid=False))
        .select_related("apprentice", "trade", "company", "training_office")
        .order_by("company__name", "apprentice__last_name", "apprentice__first_name", "pk")
    )

    # The leaders who can be chosen for LBU and ÅR (R-S2, R-S3): those registered for a company
    # with a running contract of the county, and those named on such a contract.
    leaders = (
        ProfessionalLeader.objects.filter(in_register=True)
        .filter(
            Q(company_id__in=running.values("company_id"))
            | Q(pk__in=running.values("professional_leader_id"))
        )
        .select_related("company")
        .annotate(running_contracts=_running_count(running, professional_leader=OuterRef("pk")))
        .order_by("company__name", "last_name", "first_name", "pk")
    )
    unreachable = leaders.filter(email_valid=False, mobile_valid=False)
    half_reachable = leaders.filter(
        Q(email_valid=True, mobile_valid=False) | Q(email_valid=False, mobile_valid=True)
    )

    companies = (
        Company.objects.filter(in_register=True)
        .filter(Exists(running.filter(company=OuterRef("pk"))))
        .select_related("county", "training_office")
        .annotate(running_contracts=_running_count(running, company=OuterRef("pk")))
        .order_by("name", "pk")
    )
    without_leader = companies.exclude(
        Exists(ProfessionalLeader.objects.filter(company=OuterRef("pk"), in_register=True))
    ).exclude(
        Exists(
            running.filter(
                company=OuterRef("pk"),
                professional_leader__isnull=False,
                professional_leader__in_register=True,
            )
        )
    )
    not_in_nlr = companies.filter(nlr_registered=False)

    # An office has the county's contracts it follows up, and those of its member companies.
    office_link = Q(training_office=OuterRef("pk")) | Q(company__training_office=OuterRef("pk"))
    not_in_nor = (
        TrainingOffice.objects.filter(in_register=True, nor_registered=False)
        .filter(Exists(running.filter(office_link)))
        .select_related("county")
        .annotate(running_contracts=_running_count(running, office_link))
        .order_by("name", "pk")
    )

    return [
        Category(
            key="laerlinger",
            title=gettext_lazy("Apprentices in the LU sample without a valid e-mail or mobile"),
            sheet_title=gettext_lazy("Apprentices"),
            description=gettext_lazy(
                "Apprentices and candidates who will be in the sample of Lærlingundersøkelsen "
                "(more than 11 months in training on the reference date) but lack a valid "
                "e-mail address or a valid mobile number. Without both, invitations or "
                "reminders cannot reach them."
            ),
            headers=APPRENTICE_HEADERS,
            rows=apprentices,
            cells=_apprentice_cells,
        ),
        Category(
            key="faglige-ledere",
            title=gettext_lazy("Professional leaders who cannot be reached"),
            sheet_title=gettext_lazy("Professional leaders"),
            description=gettext_lazy(
                "Professional leaders of companies with running contracts who have neither a "
                "valid e-mail address nor a valid mobile number: Lærebedriftsundersøkelsen and "
                "Årlig rapportering cannot reach them."
            ),
            headers=LEADER_HEADERS,
            rows=unreachable,
            cells=_leader_cells,
        ),
        Category(
            key="faglige-ledere-delvis",
            title=gettext_lazy("Professional leaders missing an e-mail or a mobile"),
            sheet_title=gettext_lazy("Leaders, one missing"),
            description=gettext_lazy(
                "Professional leaders with either a valid e-mail address or a valid mobile "
                "number, not both: they get the invitation, but not every reminder."
            ),
            headers=LEADER_HEADERS,
            rows=half_reachable,
            cells=_leader_cells,
        ),
        Category(
            key="bedrifter-uten-faglig-leder",
            title=gettext_lazy("Companies with running contracts but no professional leader"),
            sheet_title=gettext_lazy("Companies without leader"),
            description=gettext_lazy(
                "Neither the contracts nor the company name a professional leader, so no one "
                "can answer Lærebedriftsundersøkelsen or Årlig rapportering for the company."
            ),
            headers=COMPANY_HEADERS,
            rows=without_leader,
            cells=_company_cells,
        ),
        Category(
            key="bedrifter-utenfor-nlr",
            title=gettext_lazy("Companies with running contracts not registered in NLR"),
            sheet_title=gettext_lazy("Companies not in NLR"),
            description=gettext_lazy(
                "Companies that are not correctly registered in NLR are left out of the "
                "extract, and with them their apprentices."
            ),
            headers=COMPANY_HEADERS,
            rows=not_in_nlr,
            cells=_company_cells,
        ),
        Category(
            key="kontor-utenfor-nor",
            title=gettext_lazy("Training offices with running contracts not registered in NOR"),
            sheet_title=gettext_lazy("Offices not in NOR"),
            description=gettext_lazy(
                "Training offices that are not correctly registered in NOR are left out of "
                "the extract."
            ),
            headers=OFFICE_HEADERS,
            rows=not_in_nor,
            cells=_office_cells,
        ),
        _undeliverable_category(running, leaders),
    ]


UNDELIVERABLE_HEADERS = [
    gettext_lazy("Address or number"),
    gettext_lazy("Channel"),
    gettext_lazy("Reason"),
    gettext_lazy("Recorded"),
]


def _undeliverable_cells(contact: UndeliverableContact) -> list[Any]:
    return [
        contact.value,
        contact.get_channel_display(),
        contact.reason,
        date_format(contact.recorded_at.astimezone(OSLO), "SHORT_DATE_FORMAT"),
    ]


def _undeliverable_category(
    running: QuerySet[Contract], leaders: QuerySet[ProfessionalLeader]
) -> Category:
    """Addresses and numbers that messages could not be delivered to, held by the county's
    apprentices, professional leaders or training offices: the import keeps them invalid until
    VIGO has another value."""
    offices = TrainingOffice.objects.filter(
        Exists(running.filter(Q(training_office=OuterRef("pk"))))
    )
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
    return Category(
        key="ikke-levert",
        title=gettext_lazy("Addresses and numbers that messages could not be delivered to"),
        sheet_title=gettext_lazy("Undeliverable"),
        description=gettext_lazy(
            "E-mail addresses that bounced and mobile numbers that do not exist or cannot get "
            "SMS. They stay invalid, also after new imports, until VIGO has another value."
        ),
        headers=UNDELIVERABLE_HEADERS,
        rows=UndeliverableContact.objects.filter(condition).order_by("value", "pk"),
        cells=_undeliverable_cells,
    )


# --- Downloads ------------------------------------------------------------------------------


def category_csv(category: Category) -> bytes:
    """The whole category as CSV the way Excel in Norway opens it."""
    return excel_csv(category.headers, category.all_cells())


def _text_cell(sheet: Any, value: Any, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        # Stored as text, so a value starting with "=" is never taken for a formula.
        cell.data_type = "s"
    if bold:
        cell.font = Font(bold=True)
    return cell


def _append(sheet: Any, values: Iterable[Any], bold: bool = False) -> None:
    sheet.append([_text_cell(sheet, v, bold) for v in values])


def quality_workbook(
    county: County, reference_date: date, categories: list[Category], countdown: Countdown
) -> bytes:
    """Every category in one workbook: an overview sheet, then one sheet per category."""
    workbook = Workbook(write_only=True)
    overview = workbook.create_sheet(_("Overview"))
    overview.column_dimensions["A"].width = 60
    overview.column_dimensions["B"].width = 24
    _append(overview, [_("Quality report"), str(county)], bold=True)
    _append(overview, [_("Reference date"), date_format(reference_date, "SHORT_DATE_FORMAT")])
    deadline = countdown.passed or countdown.deadline
    _append(
        overview,
        [
            _("Deadline for corrections in VIGO"),
            date_format(deadline.astimezone(OSLO), "SHORT_DATETIME_FORMAT"),
        ],
    )
    _append(overview, [])
    for category in categories:
        _append(overview, [str(category.title), category.rows.count()])

    for category in categories:
        sheet = workbook.create_sheet(str(category.sheet_title)[:31])
        sheet.freeze_panes = "A2"
        for index in range(len(category.headers)):
            sheet.column_dimensions[chr(ord("A") + index)].width = 24
        _append(sheet, [str(h) for h in category.headers], bold=True)
        for cells in category.all_cells():
            _append(sheet, cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
