"""A sender's own words in its messages: an introduction, a signature and a contact line, per
survey and language, put into the portal's message texts (dispatch/own_words.py). Each dispatch
keeps a copy of the words it was ordered with (Dispatch.own_words), so later edits change
neither what it sends nor what its history shows."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.models import County, TrainingOffice


class OwnWords(models.Model):
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("survey"), max_length=3)
    language = models.CharField(_("language"), max_length=5)
    introduction = models.TextField(_("introduction"), blank=True)
    signature = models.CharField(_("signature"), max_length=200, blank=True)
    contact = models.CharField(_("contact line"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("own words")
        verbose_name_plural = _("own words")
        constraints = [
            models.UniqueConstraint(
                fields=["county", "kind", "language"],
                condition=Q(training_office__isnull=True),
                name="own_words_once_per_county",
            ),
            models.UniqueConstraint(
                fields=["training_office", "kind", "language"],
                condition=Q(county__isnull=True),
                name="own_words_once_per_office",
            ),
            models.CheckConstraint(
                name="own_words_have_one_sender",
                condition=Q(county__isnull=False, training_office__isnull=True)
                | Q(county__isnull=True, training_office__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.county_id or self.training_office_id} {self.kind} {self.language}"
