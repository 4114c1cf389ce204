"""Response counts of a closed LU or LBU round, kept when the respondents are removed.

After its close step (Round.anonymised_at set) a round's LU and LBU respondents no longer
exist; what response rates need is kept here, per report class: the same county, training
office, company, trade and apprentice kind that the round's anonymous answers carry (a
dimension left empty was generalised away because its group was too small to keep). A tally
therefore never tells more about who answered than the answers themselves do."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import County
from surveys.models.report_classes import ReportDimensions
from surveys.models.rounds import Round


class ResponseTally(ReportDimensions):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tallies")
    sampled = models.PositiveIntegerField(_("sampled"))
    answered = models.PositiveIntegerField(_("answered"))

    class Meta:
        indexes = [models.Index(fields=["round", "county"])]
        verbose_name = _("response tally")
        verbose_name_plural = _("response tallies")

    def __str__(self) -> str:
        return f"{self.round} {self.answered}/{self.sampled}"


class ResponseTallyDay(models.Model):
    """Answers of one county in a period of days ending on `day` (the day after the county's
    previous row to `day`), for the curves of the front page, last year's figure on the same
    date and the reminder planner. Each period holds at least REPORTING_THRESHOLD answers
    (surveys/services/tallies.py), so no day's count can be set against the identified ÅR
    answers of that day; a county with fewer answers in all has one row."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="tally_days")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    answered = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "county", "day"], name="one_period_per_day")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.county_id} to {self.day}: {self.answered}"
