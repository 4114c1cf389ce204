"""SMS quotas (R-D8), counted in dispatches: one row per sender, round (and so survey) with the
dispatches used. A dispatch takes its unit with a conditional UPDATE in its own transaction, so
no burst of concurrent requests passes the limit."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from portal.models import County, TrainingOffice
from surveys.models import Round


class SmsQuota(models.Model):
    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="sms_quotas")
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, blank=True)
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, blank=True
    )
    used = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round", "county"],
                condition=Q(training_office__isnull=True),
                name="one_sms_quota_per_county",
            ),
            models.UniqueConstraint(
                fields=["round", "training_office"],
                condition=Q(county__isnull=True),
                name="one_sms_quota_per_office",
            ),
            models.CheckConstraint(
                name="sms_quota_has_one_sender",
                condition=Q(county__isnull=False, training_office__isnull=True)
                | Q(county__isnull=True, training_office__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.round} {self.county_id or self.training_office_id}: {self.used}"
