"""Report classes of LU and LBU respondents (R-L7).

When a round's sample is frozen every LU and LBU respondent is put in a report class: its county,
training office, company, trade and (LU) apprentice kind, with as many of these left empty as it
takes for every class to hold at least REPORTING_THRESHOLD sampled respondents
(surveys/services/report_classes.py). An anonymous answer carries its respondent's class and
nothing finer, so an answer points to a group of at least that many people, never to one."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Company, County, TrainingOffice
from registry_import.models import Trade
from surveys.models.rounds import Round


class ReportDimensions(models.Model):
    """Where a group of respondents is, as far as a report class keeps it: the county always,
    the rest possibly empty (generalised away)."""

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    company = models.ForeignKey(
        Company, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    trade = models.ForeignKey(
        Trade, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    apprentice_kind = models.CharField(max_length=20, blank=True)

    class Meta:
        abstract = True

    @property
    def dimensions(self) -> dict[str, object]:
        """The columns an anonymous answer and a tally take from the class."""
        return {
            "county_id": self.county_id,
            "training_office_id": self.training_office_id,
            "company_id": self.company_id,
            "trade_id": self.trade_id,
            "apprentice_kind": self.apprentice_kind,
        }


class ReportClass(ReportDimensions):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="report_classes")

    class Meta:
        verbose_name = _("report class")
        verbose_name_plural = _("report classes")

    def __str__(self) -> str:
        return f"{self.round} class {self.pk}"
