"""Targets (R-P5): the result a county or a training office expects for each LU and LBU index,
and for the response rate, set before the round opens."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import County, TrainingOffice
from surveys.models import SurveyKind

# The `index` of the response rate's target, whose value is a percentage (0–100); an index's
# target is a mean on 1–5. No index code has a hyphen.
RESPONSE_RATE = "response-rate"


class Target(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    kind = models.CharField(_("survey"), max_length=3, choices=SurveyKind.choices)
    index = models.CharField(_("index"), max_length=50)
    # A mean on 1–5 for an index, a percentage for the response rate (RESPONSE_RATE).
    value = models.DecimalField(
        _("target"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "kind", "index"],
                condition=models.Q(county__isnull=False),
                name="one_county_target_per_index",
            ),
            models.UniqueConstraint(
                fields=["office", "year", "kind", "index"],
                condition=models.Q(office__isnull=False),
                name="one_office_target_per_index",
            ),
            models.CheckConstraint(
                condition=models.Q(county__isnull=True, office__isnull=False)
                | models.Q(county__isnull=False, office__isnull=True),
                name="target_of_one_organisation",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.year} {self.index}: {self.value}"
