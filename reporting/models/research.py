"""Research projects and the exports of de-identified answers made for them (R-L8)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from surveys.models import Round


class ResearchProject(models.Model):
    title = models.CharField(_("project"), max_length=200)
    institution = models.CharField(_("institution"), max_length=200)
    researcher_name = models.CharField(_("researcher"), max_length=200)
    researcher_email = models.EmailField(_("researcher's e-mail address"))
    # The date the researcher signed the confidentiality declaration (R-L8).
    declaration_signed_on = models.DateField(_("confidentiality declaration signed"))
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    registered_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        ordering = ["-registered_at"]
        verbose_name = _("research project")
        verbose_name_plural = _("research projects")

    def __str__(self) -> str:
        return self.title


class ResearchExport(models.Model):
    project = models.ForeignKey(ResearchProject, on_delete=models.PROTECT, related_name="exports")
    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="+")
    exported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    exported_at = models.DateTimeField(_("exported"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows"))
    # How many answers had each dimension coarsened away to keep every combination common.
    coarsened = models.JSONField(default=dict)

    class Meta:
        ordering = ["-exported_at"]

    def __str__(self) -> str:
        return f"{self.project} {self.round}"
