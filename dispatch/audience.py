"""Who a sender may reach in a round: one selector per rule of docs/domain.md.

A county is responsible for the contracts whose `county` it is (the respondent's county in LU),
for the training offices located in it and for the independent companies located in it. A
training office is responsible for its own apprentices, whatever their county, and for its
member companies. Nothing outside these querysets can get a message from the sender."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from portal.accounts.access import Organisation, Scope
from portal.models import County, Role, TrainingOffice
from surveys.models import Respondent, RespondentRole, Round, SurveyKind


@dataclass(frozen=True)
class Sender(Organisation):
    """A county or a training office acting as the sender of dispatches."""

    county: County | None = None
    office: TrainingOffice | None = None

    @classmethod
    def of(cls, scope: Scope) -> Sender:
        if scope.role == Role.COUNTY:
            return cls(county=scope.county)
        if scope.role == Role.OFFICE:
            return cls(office=scope.office)
        raise ValueError("only counties and training offices send")

    @property
    def is_county(self) -> bool:
        return self.county is not None

    @property
    def name(self) -> str:
        if self.county is not None:
            return _("%(county)s county authority") % {"county": self.county.name}
        return self.org_name

    @property
    def filter(self) -> dict:
        """Dispatch (or quota) rows of this sender."""
        if self.county is not None:
            return {"county": self.county, "training_office": None}
        return {"county": None, "training_office": self.office}


def _round(round_: Round) -> QuerySet[Respondent]:
    return Respondent.objects.filter(round=round_)


# --- LU -------------------------------------------------------------------------------------


def lu_county(round_: Round, county: County) -> QuerySet[Respondent]:
    """R-D1, R-D4: the apprentices whose contract the county is responsible for, those of
    independent companies and of training offices in other counties included."""
    return _round(round_).filter(role=RespondentRole.APPRENTICE, county=county)


def lu_office(round_: Round, office: TrainingOffice) -> QuerySet[Respondent]:
    """R-D2, R-D3: the office's own apprentices, whatever county is responsible for them."""
    return _round(round_).filter(role=RespondentRole.APPRENTICE, training_office=office)


# --- ÅR (with LBU in the same link, R-D9) ---------------------------------------------------


def ar_county(round_: Round, county: County) -> QuerySet[Respondent]:
    """R-D1, R-D10: training offices located in the county and independent companies located
    in it. Member companies get ÅR from their training office."""
    respondents = _round(round_).filter(county=county)
    offices = respondents.filter(role=RespondentRole.OFFICE)
    independent = respondents.filter(role=RespondentRole.LEADER, training_office__isnull=True)
    return offices | independent


def ar_office(round_: Round, office: TrainingOffice) -> QuerySet[Respondent]:
    """R-D2, R-D9, R-D10: the office's member companies (each continues to LBU in its link)."""
    return _round(round_).filter(role=RespondentRole.LEADER, training_office=office)


# --- LBU on its own, from separate_lbu_from (R-C5, R-D12) ------------------------------------


def lbu_county(round_: Round, county: County) -> QuerySet[Respondent]:
    """R-D11: the professional leaders of the county's companies, independent and member."""
    return _round(round_).filter(role=RespondentRole.LEADER, county=county)


def lbu_office(round_: Round, office: TrainingOffice) -> QuerySet[Respondent]:
    """R-D11: the professional leaders of the office's member companies."""
    return _round(round_).filter(role=RespondentRole.LEADER, training_office=office)


_SELECTORS: dict[tuple[str, bool], Callable[[Round, Any], QuerySet[Respondent]]] = {
    (SurveyKind.LU, True): lu_county,
    (SurveyKind.LU, False): lu_office,
    (SurveyKind.AR, True): ar_county,
    (SurveyKind.AR, False): ar_office,
    (SurveyKind.LBU, True): lbu_county,
    (SurveyKind.LBU, False): lbu_office,
}


def audience(round_: Round, sender: Sender) -> QuerySet[Respondent]:
    """Everyone the sender may reach in the round."""
    selector = _SELECTORS[(round_.kind, sender.is_county)]
    return selector(round_, sender.county if sender.is_county else sender.office)
