"""Survey rounds: one per year and kind, with the calendar of R-C1..R-C5."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.lib.oslo import last_day_before
from portal.models import County
from surveys.models.questionnaires import Questionnaire, SurveyKind


class Round(models.Model):
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("survey"), max_length=3, choices=SurveyKind.choices)
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="rounds"
    )
    qa_starts_on = models.DateField(_("quality assurance starts"))  # R-C1: 1 September
    correction_deadline = models.DateTimeField(_("deadline for corrections in VIGO"))  # R-C2
    reference_date = models.DateField(_("reference date"))  # R-C3: 1 October
    opens_at = models.DateTimeField(_("opens"))  # R-C4: 15 October
    closes_at = models.DateTimeField(_("closes"))  # R-C4: after 20 December
    separate_lbu_from = models.DateField(
        _("LBU may be sent separately from"), null=True, blank=True
    )
    # The last build of the sample (preliminary until frozen); empty before the first build.
    sample_built_at = models.DateTimeField(_("sample built"), null=True, blank=True)
    sample_frozen_at = models.DateTimeField(_("sample frozen"), null=True, blank=True)
    # When the close step ran (LU and LBU): answers given their report classes, response counts
    # kept as tallies, respondents removed. Empty while the round is open.
    anonymised_at = models.DateTimeField(_("anonymised"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "kind"]
        constraints = [models.UniqueConstraint(fields=["year", "kind"], name="one_round_per_kind")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.year}"

    @property
    def is_frozen(self) -> bool:
        return self.sample_frozen_at is not None

    @property
    def last_answer_day(self) -> date:
        """The last day answers are taken, in Norway: closes_at is the first moment after it."""
        return last_day_before(self.closes_at)


class RoundCounty(models.Model):
    """Whether a county takes part in a round. LU and ÅR are mandatory (R-L1, R-L3); LBU is the
    county's choice (R-L2)."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="counties")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="rounds")
    participates = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["round", "county"], name="one_choice_per_county")
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.county}: {self.participates}"
