"""Checking a sample list before the deadline (R-C2, R-S5): the whole list of a round as the
county (or a training office, its own respondents) will send to, with each respondent's
contact data, so that a wrong but well-formed address shows too, not only a missing one.

- LU: every apprentice in the sample, with trade, company, office, e-mail, mobile and whether
  the survey can reach them (`portal.organisations.contact`, the one definition).
- LBU: every company's professional leader, and why that leader was chosen (the ranking of the
  samples, surveys.services.samples.rules.leader_choices, in words).
- ÅR: the training offices and companies, with the contact who answers for each.

The list is the round's respondents (their contact data is refreshed from every extract), so
what is checked is what will be sent. Rows are a lazy queryset; the cells are the same on the
page and in the downloads."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.models import County, TrainingOffice
from portal.organisations.contact import unreachable
from surveys.annual_reports import UNIT_TYPES, ar_units, unit_name, unit_orgnr, unit_type
from surveys.models import Respondent, RespondentRole, Round, SurveyKind
from surveys.quality import contact_status
from surveys.services.samples.rules import LeaderChoice, LeaderReason, leader_choices

# Filter of the office: a training office's id, or this for the rows without one.
NO_OFFICE = "ingen"


def reachable_text(respondent: Respondent) -> str:
    return _("Yes") if respondent.reachable else _("No")


def leader_reason_text(choice: LeaderChoice | None, respondent: Respondent) -> str:
    """Why the company's professional leader is the one asked, in plain words."""
    if choice is None or choice.leader_id != respondent.professional_leader_id:
        return _("Chosen from an earlier extract; the register has changed since.")
    words = {
        LeaderReason.ONLY: _("The company's only professional leader in the register."),
        LeaderReason.MOST_APPRENTICES: _(
            "Professional leader of the most apprentices with a running contract (%(apprentices)s)."
        ),
        LeaderReason.MOST_CONTRACTS: _(
            "Professional leader of as many apprentices as another leader (%(apprentices)s), "
            "and of the most running contracts (%(contracts)s)."
        ),
        LeaderReason.LOWEST_REGISTER_ID: _(
            "As many apprentices (%(apprentices)s) and running contracts (%(contracts)s) as "
            "another leader: the one with the lowest number in the register."
        ),
        LeaderReason.NONE_NAMED: _(
            "None of the company's %(candidates)s professional leaders is named on a running "
            "contract: the one with the lowest number in the register."
        ),
    }
    return words[choice.reason] % {
        "apprentices": choice.apprentices,
        "contracts": choice.contracts,
        "candidates": choice.candidates,
    }


@dataclass(frozen=True)
class CheckList:
    """One round's list as one county or office sees it: a table on the page and a download."""

    round: Round
    headers: Sequence[Promise]
    rows: QuerySet[Respondent]
    # The cells of some rows; it reads what it needs for those rows only (the LBU reasons).
    cells_of: Callable[[Sequence[Respondent]], list[list[Any]]]

    def all_cells(self) -> list[list[Any]]:
        return self.cells_of(list(self.rows))

    @property
    def unreachable(self) -> int:
        return self.rows.filter(unreachable()).count()


LU_HEADERS = [
    gettext_lazy("Apprentice"),
    gettext_lazy("Trade"),
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Training office"),
    gettext_lazy("E-mail"),
    gettext_lazy("E-mail status"),
    gettext_lazy("Mobile"),
    gettext_lazy("Mobile status"),
    gettext_lazy("Can be reached"),
]
LBU_HEADERS = [
    gettext_lazy("Training company"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Training office"),
    gettext_lazy("Professional leader"),
    gettext_lazy("E-mail"),
    gettext_lazy("E-mail status"),
    gettext_lazy("Mobile"),
    gettext_lazy("Mobile status"),
    gettext_lazy("Can be reached"),
    gettext_lazy("Why this leader"),
]
AR_HEADERS = [
    gettext_lazy("Unit"),
    gettext_lazy("Organisation number"),
    gettext_lazy("Type"),
    gettext_lazy("Training office"),
    gettext_lazy("Answered by"),
    gettext_lazy("E-mail"),
    gettext_lazy("E-mail status"),
    gettext_lazy("Mobile"),
    gettext_lazy("Mobile status"),
    gettext_lazy("Can be reached"),
]


def _office_name(respondent: Respondent) -> str:
    return respondent.training_office.name if respondent.training_office else ""


def _contact(respondent: Respondent) -> list[Any]:
    return [
        respondent.email,
        contact_status(respondent.email, respondent.email_valid),
        respondent.mobile,
        contact_status(respondent.mobile, respondent.mobile_valid),
        reachable_text(respondent),
    ]


def _lu_cells(rows: Sequence[Respondent]) -> list[list[Any]]:
    return [
        [
            r.name,
            r.trade.name if r.trade else "",
            r.company.name if r.company else "",
            r.company.orgnr if r.company else "",
            _office_name(r),
            *_contact(r),
        ]
        for r in rows
    ]


def _lbu_cells_of(round_: Round) -> Callable[[Sequence[Respondent]], list[list[Any]]]:
    def cells(rows: Sequence[Respondent]) -> list[list[Any]]:
        choices = leader_choices(
            round_.reference_date, {r.company_id for r in rows if r.company_id is not None}
        )
        return [
            [
                r.company.name if r.company else "",
                r.company.orgnr if r.company else "",
                _office_name(r),
                r.name,
                *_contact(r),
                leader_reason_text(choices.get(r.company_id or 0), r),
            ]
            for r in rows
        ]

    return cells


def _ar_cells(rows: Sequence[Respondent]) -> list[list[Any]]:
    return [
        [
            unit_name(r),
            unit_orgnr(r),
            str(UNIT_TYPES[unit_type(r)]),
            _office_name(r) if r.role != RespondentRole.OFFICE else "",
            r.name,
            *_contact(r),
        ]
        for r in rows
    ]


def _respondents(
    round_: Round, county: County | None, office: TrainingOffice | None
) -> QuerySet[Respondent]:
    """The round's respondents the county or the office may see: the county its own (ÅR as
    the ÅR answers, surveys.annual_reports.ar_units), the office those it follows up, and in
    ÅR its own managing director too."""
    if county is None and office is None:
        return Respondent.objects.none()
    if round_.kind == SurveyKind.AR:
        return ar_units(round_, county=county, office=office, with_office=True)
    respondents = Respondent.objects.filter(round=round_)
    if county is not None:
        respondents = respondents.filter(county=county)
    else:
        respondents = respondents.filter(training_office=office)
    respondents = respondents.select_related("company", "training_office", "trade")
    if round_.kind == SurveyKind.LU:
        return respondents.order_by("company__name", "name", "pk")
    return respondents.order_by("company__name", "pk")


def check_list(
    round_: Round,
    *,
    county: County | None = None,
    office: TrainingOffice | None = None,
    office_filter: str = "",
    only_unreachable: bool = False,
) -> CheckList:
    """The round's list for the county or the office, filtered on one training office (its id,
    or NO_OFFICE for those without) and on those who cannot be reached."""
    rows = _respondents(round_, county, office)
    if office_filter == NO_OFFICE:
        rows = rows.filter(training_office__isnull=True)
    elif office_filter.isdigit():
        rows = rows.filter(training_office_id=int(office_filter))
    if only_unreachable:
        rows = rows.filter(unreachable())
    if round_.kind == SurveyKind.LU:
        return CheckList(round_, LU_HEADERS, rows, _lu_cells)
    if round_.kind == SurveyKind.LBU:
        return CheckList(round_, LBU_HEADERS, rows, _lbu_cells_of(round_))
    return CheckList(round_, AR_HEADERS, rows, _ar_cells)


def offices_in_list(round_: Round, county: County) -> list[tuple[int, str]]:
    """(id, name) of the training offices of the county's rows in the round: the filter's
    choices."""
    rows: Iterable[tuple[int, str]] = (
        _respondents(round_, county, None)
        .filter(training_office__isnull=False)
        .values_list("training_office_id", "training_office__name")
        .order_by("training_office__name", "training_office_id")
        .distinct()
    )
    return list(dict.fromkeys(rows))
