"""The county's quality report (R-C1, R-S4, R-S5): what the county must correct in VIGO before
the deadline (R-C2) so that the samples taken on the reference date reach everyone they should.

The report is about who the samples will reach, so it uses the rounds' own calendar: the
reference date of the round each list is about (also when the national administrator has
moved it), and the LU round's correction deadline. The lists themselves are the register's
queries (registry_import.register_checks); this module gives them titles, headers and cells,
and the downloads."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from portal.lib.downloads import sheet_append
from portal.lib.oslo import OSLO
from portal.models import Company, County, TrainingOffice
from registry_import import register_checks
from registry_import.models import Contract, ProfessionalLeader, UndeliverableContact
from surveys.models import Round, SurveyKind
from surveys.services.rounds import default_calendar

# --- The deadline (R-C2) --------------------------------------------------------------------


def correction_deadline(survey_year: int) -> datetime:
    """The deadline for corrections in VIGO of the survey year (R-C2): the LU round's, which the
    national administrator may have moved, or the national default of 30 September 12:00."""
    return correction_deadlines([survey_year])[survey_year]


def correction_deadlines(survey_years: list[int]) -> dict[int, datetime]:
    """correction_deadline of each year, in one query."""
    moved = dict(
        Round.objects.filter(year__in=survey_years, kind=SurveyKind.LU)
        .exclude(correction_deadline__isnull=True)
        .values_list("year", "correction_deadline")
    )
    return {
        year: moved.get(year) or default_calendar(year, SurveyKind.LU).correction_deadline
        for year in survey_years
    }


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
    deadlines = correction_deadlines([year, year + 1])
    deadline = deadlines[year]
    passed = None
    # In UTC: Python subtracts two Oslo times on the wall clock, which is an hour off across a
    # change to or from summer time.
    if now.astimezone(UTC) >= deadline.astimezone(UTC):
        passed = deadline
        deadline = deadlines[year + 1]
    left = deadline.astimezone(UTC) - now.astimezone(UTC)
    return Countdown(deadline=deadline, days=left.days, hours=left.seconds // 3600, passed=passed)


@dataclass(frozen=True)
class ReferenceDates:
    """The reference dates the report checks against: the LU round's for the apprentices, the
    ÅR round's for the companies, offices and leaders (LBU asks the same leaders)."""

    lu: date
    units: date


def quality_reference_dates(
    survey_year: int, rounds: list[Round] | None = None
) -> ReferenceDates:
    """The rounds' reference dates of the survey year, or the national default (1 October,
    R-C3) for a round not yet created. `rounds`: the year's rounds when already read."""
    if rounds is None:
        found = Round.objects.filter(year=survey_year, kind__in=[SurveyKind.LU, SurveyKind.AR])
        dates = dict(found.values_list("kind", "reference_date").order_by())
    else:
        dates = {r.kind: r.reference_date for r in rounds if r.year == survey_year}
    default = default_calendar(survey_year, SurveyKind.LU).reference_date
    return ReferenceDates(
        lu=dates.get(SurveyKind.LU, default), units=dates.get(SurveyKind.AR, default)
    )


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
    headers: Sequence[Promise]
    rows: QuerySet[Any]
    cells: Callable[[Any], list[Any]]

    def all_cells(self) -> Iterator[list[Any]]:
        for row in self.rows.iterator(chunk_size=2000):
            yield self.cells(row)


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
        leader.running_contracts,  # type: ignore[attr-defined]  # annotated by the query
    ]


def _company_cells(company: Company) -> list[Any]:
    return [
        company.name,
        company.orgnr,
        company.county.name,
        company.training_office.name if company.training_office else "",
        company.running_contracts,  # type: ignore[attr-defined]  # annotated by the query
    ]


def _office_contact_cells(office: TrainingOffice) -> list[Any]:
    return [
        office.name,
        office.orgnr,
        office.county.name,
        office.manager_name or _("Missing"),
        office.email,
        contact_status(office.email, office.email_valid),
        office.mobile,
        contact_status(office.mobile, office.mobile_valid),
        office.running_contracts,  # type: ignore[attr-defined]  # annotated by the query
    ]


def _office_cells(office: TrainingOffice) -> list[Any]:
    running = office.running_contracts  # type: ignore[attr-defined]  # annotated by the query
    return [office.name, office.orgnr, office.county.name, running]


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
OFFICE_CONTACT_HEADERS = [
    gettext_lazy("Training office"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Located in"),
    gettext_lazy("Managing director"),
    gettext_lazy("E-mail"),
    gettext_lazy("E-mail status"),
    gettext_lazy("Mobile"),
    gettext_lazy("Mobile status"),
    gettext_lazy("Running contracts"),
]
OFFICE_HEADERS = [
    gettext_lazy("Training office"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Located in"),
    gettext_lazy("Running contracts"),
]


def _reference_cells(contract: Contract) -> list[Any]:
    return [
        str(contract.apprentice),
        contract.register_id,
        contract.company.name,
        contract.company.orgnr,
        contract.unknown_training_office,
        contract.unknown_professional_leader,
    ]


def _disagreement_cells(contract: Contract) -> list[Any]:
    member_of = contract.company.training_office
    return [
        str(contract.apprentice),
        contract.register_id,
        contract.company.name,
        contract.company.orgnr,
        member_of.name if member_of else _("None (independent company)"),
        contract.training_office.name if contract.training_office else "",
    ]


REFERENCE_HEADERS = [
    gettext_lazy("Apprentice"),
    gettext_lazy("Contract id"),
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Training office not in the extract"),
    gettext_lazy("Professional leader not in the extract"),
]
DISAGREEMENT_HEADERS = [
    gettext_lazy("Apprentice"),
    gettext_lazy("Contract id"),
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Training office in laerebedrifter.csv"),
    gettext_lazy("Training office on the contract"),
]


def quality_categories(county: County, dates: ReferenceDates) -> list[Category]:
    """The county's lists of what to correct, as lazy querysets (nothing is read until a page or
    a download asks). Only rows still in the register are listed."""
    return [
        *_contact_categories(county, dates),
        *_office_contact_categories(county, dates.units),
        *_register_categories(county, dates.units),
        _undeliverable_category(county, dates.units),
    ]


def _contact_categories(county: County, dates: ReferenceDates) -> list[Category]:
    """Respondents the surveys cannot reach, or not by every channel."""
    units = dates.units
    checks = register_checks
    return [
        Category(
            key="laerlinger-kan-ikke-naas",
            title=gettext_lazy(
                "Apprentices in the LU sample who cannot be reached (neither a valid e-mail nor "
                "a valid mobile)"
            ),
            sheet_title=gettext_lazy("Apprentices unreachable"),
            description=gettext_lazy(
                "Apprentices and candidates who will be in the sample of Lærlingundersøkelsen "
                "but have neither a valid e-mail address nor a valid mobile number: no "
                "invitation reaches them. The samples page counts the same people."
            ),
            headers=APPRENTICE_HEADERS,
            rows=checks.apprentices_unreachable(county, dates.lu),
            cells=_apprentice_cells,
        ),
        Category(
            key="laerlinger",
            title=gettext_lazy(
                "Apprentices in the LU sample missing a valid e-mail, a valid mobile or both"
            ),
            sheet_title=gettext_lazy("Apprentices"),
            description=gettext_lazy(
                "Apprentices and candidates who will be in the sample of Lærlingundersøkelsen "
                "(more than 11 months in training on the reference date) but lack a valid "
                "e-mail address or a valid mobile number. Without both, invitations or "
                "reminders cannot reach them."
            ),
            headers=APPRENTICE_HEADERS,
            rows=checks.apprentices_without_contact(county, dates.lu),
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
            rows=checks.leaders_unreachable(county, units),
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
            rows=checks.leaders_half_reachable(county, units),
            cells=_leader_cells,
        ),
    ]


def _office_contact_categories(county: County, units: date) -> list[Category]:
    """Training offices whose managing director ÅR and the office's activation cannot reach,
    or not by every channel."""
    checks = register_checks
    return [
        Category(
            key="kontor-kan-ikke-naas",
            title=gettext_lazy("Training offices whose managing director cannot be reached"),
            sheet_title=gettext_lazy("Offices unreachable"),
            description=gettext_lazy(
                "Training offices with running contracts whose managing director has neither a "
                "valid e-mail address nor a valid mobile number: Årlig rapportering and the "
                "office's access to the portal cannot reach them."
            ),
            headers=OFFICE_CONTACT_HEADERS,
            rows=checks.offices_unreachable(county, units),
            cells=_office_contact_cells,
        ),
        Category(
            key="kontor-kontaktdata",
            title=gettext_lazy(
                "Training offices missing a managing director, an e-mail or a mobile"
            ),
            sheet_title=gettext_lazy("Offices, contact missing"),
            description=gettext_lazy(
                "Training offices with running contracts that can be reached, but whose "
                "managing director's name, valid e-mail address or valid mobile number is "
                "missing: Årlig rapportering and the office's activation need all three."
            ),
            headers=OFFICE_CONTACT_HEADERS,
            rows=checks.offices_incomplete_contact(county, units),
            cells=_office_contact_cells,
        ),
    ]


def _register_categories(county: County, units: date) -> list[Category]:
    """Units and contracts the register holds wrongly or leaves out."""
    checks = register_checks
    return [
        Category(
            key="bedrifter-uten-faglig-leder",
            title=gettext_lazy("Companies with running contracts but no professional leader"),
            sheet_title=gettext_lazy("Companies without leader"),
            description=gettext_lazy(
                "The register has no professional leader for the company, so no one can answer "
                "Lærebedriftsundersøkelsen or Årlig rapportering for it."
            ),
            headers=COMPANY_HEADERS,
            rows=checks.companies_without_leader(county, units),
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
            rows=checks.companies_not_in_nlr(county, units),
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
            rows=checks.offices_not_in_nor(county, units),
            cells=_office_cells,
        ),
        Category(
            key="ukjente-henvisninger",
            title=gettext_lazy(
                "Contracts naming a training office or professional leader not in the extract"
            ),
            sheet_title=gettext_lazy("Unknown office or leader"),
            description=gettext_lazy(
                "The contract names a training office or professional leader that the extract "
                "does not hold. The contract was imported without it: the office does not see "
                "the apprentice, and the leader cannot be chosen for the company."
            ),
            headers=REFERENCE_HEADERS,
            rows=checks.contracts_with_unknown_references(county, units),
            cells=_reference_cells,
        ),
        Category(
            key="ulikt-kontor",
            title=gettext_lazy(
                "Contracts whose training office differs from the company's membership"
            ),
            sheet_title=gettext_lazy("Office differs"),
            description=gettext_lazy(
                "The contract names a training office other than the one laerebedrifter.csv "
                "gives the company, or names one for an independent company. Both offices "
                "answer Årlig rapportering; correct the one that is wrong."
            ),
            headers=DISAGREEMENT_HEADERS,
            rows=checks.contracts_disagreeing_on_office(county, units),
            cells=_disagreement_cells,
        ),
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


def _undeliverable_category(county: County, reference_date: date) -> Category:
    return Category(
        key="ikke-levert",
        title=gettext_lazy("Addresses and numbers that messages could not be delivered to"),
        sheet_title=gettext_lazy("Undeliverable"),
        description=gettext_lazy(
            "E-mail addresses that bounced and mobile numbers that do not exist or cannot get "
            "SMS. They stay invalid, also after new imports, until VIGO has another value."
        ),
        headers=UNDELIVERABLE_HEADERS,
        rows=register_checks.undeliverable_contacts(county, reference_date),
        cells=_undeliverable_cells,
    )


# --- Downloads ------------------------------------------------------------------------------


def quality_workbook(
    county: County, dates: ReferenceDates, categories: list[Category], countdown: Countdown
) -> bytes:
    """Every category in one workbook: an overview sheet, then one sheet per category."""
    workbook = Workbook(write_only=True)
    overview = workbook.create_sheet(_("Overview"))
    overview.column_dimensions["A"].width = 60
    overview.column_dimensions["B"].width = 24
    sheet_append(overview, [_("Quality report"), str(county)], bold=True)
    sheet_append(overview, [_("Reference date"), date_format(dates.lu, "SHORT_DATE_FORMAT")])
    if dates.units != dates.lu:
        sheet_append(
            overview,
            [_("Reference date of ÅR and LBU"), date_format(dates.units, "SHORT_DATE_FORMAT")],
        )
    deadline = countdown.passed or countdown.deadline
    sheet_append(
        overview,
        [
            _("Deadline for corrections in VIGO"),
            date_format(deadline.astimezone(OSLO), "SHORT_DATETIME_FORMAT"),
        ],
    )
    sheet_append(overview, [])
    for category in categories:
        sheet_append(overview, [str(category.title), category.rows.count()])

    for category in categories:
        sheet = workbook.create_sheet(str(category.sheet_title)[:31])
        sheet.freeze_panes = "A2"
        for index in range(len(category.headers)):
            sheet.column_dimensions[chr(ord("A") + index)].width = 24
        sheet_append(sheet, [str(h) for h in category.headers], bold=True)
        for cells in category.all_cells():
            sheet_append(sheet, cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
