"""Published results: the count tables every page, PDF and download reads, with the suppression
pattern already applied. Nothing here refers to an answer; a hidden figure is stored without its
numbers, so no output can show it by mistake."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Company, County, TrainingOffice
from registry_import.models import Trade
from surveys.models import Round


class Publication(models.Model):
    round = models.OneToOneField(Round, on_delete=models.CASCADE, related_name="publication")
    published_at = models.DateTimeField(_("published"))
    # Increases with every publication of the round; cached PDFs of an older version are stale.
    version = models.PositiveIntegerField(default=1)
    threshold = models.PositiveSmallIntegerField(_("threshold"))
    answers = models.PositiveIntegerField(_("answers"))

    class Meta:
        ordering = ["-round__year", "round__kind"]
        verbose_name = _("published round")
        verbose_name_plural = _("published rounds")

    def __str__(self) -> str:
        return f"{self.round} v{self.version}"


class UnitType(models.TextChoices):
    NATION = "N", _("Nation")
    NATION_TRADE = "NT", _("Trade, nationally")
    NATION_KIND = "NK", _("Apprentice or candidate, nationally")
    COUNTY = "C", _("County")
    COUNTY_TRADE = "CT", _("Trade in the county")
    COUNTY_KIND = "CK", _("Apprentice or candidate in the county")
    COUNTY_OFFICE = "CO", _("Training office in the county")
    COUNTY_COMPANY = "CM", _("Training company in the county")
    OFFICE = "O", _("Training office")
    OFFICE_TRADE = "OT", _("Trade in the training office")
    OFFICE_KIND = "OK", _("Apprentice or candidate in the training office")
    OFFICE_COMPANY = "OM", _("Member company of the training office")


class ResultUnit(models.Model):
    """The figures of one unit (the nation, a county, a trade in a county, ...) for every item
    of the round: {item: {"n": answers, "c": {value: count}, "t": sum, "q": sum of squares}}
    for a shown figure, {item: {"h": 1}} for a hidden one. Items are question codes,
    "index:<code>" and "answers" ({"n": answered, "s": sampled})."""

    publication = models.ForeignKey(Publication, on_delete=models.CASCADE, related_name="units")
    unit_type = models.CharField(max_length=2, choices=UnitType.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, null=True, related_name="+")
    office = models.ForeignKey(
        TrainingOffice, on_delete=models.PROTECT, null=True, related_name="+"
    )
    company = models.ForeignKey(Company, on_delete=models.PROTECT, null=True, related_name="+")
    trade = models.ForeignKey(Trade, on_delete=models.PROTECT, null=True, related_name="+")
    kind = models.CharField(max_length=20, blank=True)
    figures = models.JSONField(default=dict)

    class Meta:
        indexes = [
            models.Index(fields=["publication", "unit_type", "county"]),
            models.Index(fields=["publication", "unit_type", "office"]),
            models.Index(fields=["unit_type", "county"]),
            models.Index(fields=["unit_type", "office"]),
        ]

    def __str__(self) -> str:
        return f"{self.publication} {self.unit_type}"
