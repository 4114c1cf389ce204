"""Whose results a page shows: the nation, a county or a training office, with the units of
its breakdowns and the names of its routes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from portal.accounts.access import Organisation
from portal.models import County, TrainingOffice

# The breakdowns each level shows: (unit type, what it is broken down by).
BREAKDOWNS = {
    "national": [("C", _("County")), ("NT", _("Trade")), ("NK", _("Apprentice or candidate"))],
    "county": [
        ("CT", _("Trade")),
        ("CO", _("Training office")),
        ("CM", _("Training company")),
        ("CK", _("Apprentice or candidate")),
    ],
    "office": [
        ("OT", _("Trade")),
        ("OM", _("Member company")),
        ("OK", _("Apprentice or candidate")),
    ],
}


@dataclass(frozen=True)
class ResultScope(Organisation):
    county: County | None = None
    office: TrainingOffice | None = None

    @classmethod
    def national(cls) -> ResultScope:
        return cls()

    @classmethod
    def of_county(cls, county: County) -> ResultScope:
        return cls(county=county)

    @classmethod
    def of_office(cls, office: TrainingOffice) -> ResultScope:
        return cls(office=office)

    @property
    def unit_type(self) -> str:
        return {"national": "N", "county": "C", "office": "O"}[self.level]

    @property
    def unit_filter(self) -> dict:
        if self.level == "county":
            return {"unit_type": "C", "county": self.county}
        if self.level == "office":
            return {"unit_type": "O", "office": self.office}
        return {"unit_type": "N"}

    @property
    def breakdowns(self) -> Sequence[tuple[str, str | Promise]]:
        return BREAKDOWNS[self.level]

    @property
    def label(self) -> str:
        return self.org_name or str(_("The whole country"))

    def url(self, name: str, *args) -> str:
        """The scope's own route of that name (county_results, office_results, ...)."""
        return self.route(name, *args)
