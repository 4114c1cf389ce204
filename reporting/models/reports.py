"""PDF reports, rendered by a task and kept until the round is published again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import County, TrainingOffice
from reporting.models.published import Publication


class PdfStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    RUNNING = "running", _("Being made")
    DONE = "done", _("Ready")
    FAILED = "failed", _("Failed")


class PdfReport(models.Model):
    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="pdfs")
    version = models.PositiveIntegerField()  # the publication's version it was made from
    county = models.ForeignKey(County, on_delete=models.CASCADE, null=True, related_name="+")
    office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, related_name="+"
    )
    language = models.CharField(max_length=5)
    status = models.CharField(max_length=10, choices=PdfStatus.choices, default=PdfStatus.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)  # per cent
    content = models.BinaryField(null=True, editable=False)
    error = models.TextField(blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["publication", "county", "office", "language"])]

    def __str__(self) -> str:
        return f"PDF {self.publication} {self.status}"
