"""Decisions on the follow-up list (R-P6: the results as a standing item where targets are set
and measures found and prioritised): what a county or a training office decided to do about one
finding, who does it, by when, and how far it has come. Shown beside the same index the year
after."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import County, TrainingOffice
from surveys.models import SurveyKind


class DecisionStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_WAY = "under_way", _("Under way")
    DONE = "done", _("Done")
    DROPPED = "dropped", _("Dropped")


class Decision(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))  # the year of the results
    kind = models.CharField(_("survey"), max_length=3, choices=SurveyKind.choices)
    item = models.CharField(_("index or question"), max_length=80)  # the published item's code
    finding = models.CharField(_("finding"), max_length=300)  # as the list said it then
    measure = models.TextField(_("measure"), max_length=1000)
    owner = models.CharField(_("responsible"), max_length=200, blank=True)
    due = models.DateField(_("due date"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=DecisionStatus.choices, default=DecisionStatus.PLANNED
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("follow-up decision")
        verbose_name_plural = _("follow-up decisions")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(county__isnull=True, office__isnull=False)
                | models.Q(county__isnull=False, office__isnull=True),
                name="decision_of_one_organisation",
            ),
        ]
        indexes = [models.Index(fields=["county", "office", "year", "kind"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.item}: {self.measure[:40]}"
