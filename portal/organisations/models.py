"""Counties, training offices and training companies: the organisations every app refers to."""

from __future__ import annotations

from datetime import date

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from portal.organisations.contact import ContactFields
from portal.organisations.structure import counterparts
from portal.organisations.validators import normalise_orgnr, validate_orgnr


class CountyQuerySet(models.QuerySet["County"]):
    def existing_on(self, day: date) -> CountyQuerySet:
        return self.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=day)).filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=day)
        )

    def existing_in(self, year: int) -> CountyQuerySet:
        """The counties of year Y's structure (every change took effect on 1 January)."""
        return self.existing_on(date(year, 1, 1))


class Statsforvalter(models.Model):
    """A statsforvalter office (statsforvalterembete) and, through County.statsforvalter, the
    counties it serves (portal/organisations/data/statsforvalters.py)."""

    code = models.SlugField(_("key"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("statsforvalter")
        verbose_name_plural = _("statsforvalters")

    def __str__(self) -> str:
        return self.name


class County(models.Model):
    code = models.CharField(_("county number"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    predecessors = models.ManyToManyField(
        "self", symmetrical=False, related_name="successors", blank=True
    )
    # Whom training offices and companies ask about ÅR (shown on the help page); kept by the
    # county's administrators.
    contact_name = models.CharField(_("contact for Årlig rapportering"), max_length=200, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    contact_phone = models.CharField(_("contact telephone"), max_length=32, blank=True)
    # The statsforvalter whose administrators manage the county's administrators (R-A2); only
    # the counties of the current structure have one.
    statsforvalter = models.ForeignKey(
        Statsforvalter,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="counties",
        verbose_name=_("statsforvalter"),
    )

    objects = CountyQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def exists_in(self, year: int) -> bool:
        day = date(year, 1, 1)
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_to is None or self.valid_to >= day
        )

    def in_year(self, year: int) -> list[County]:
        """What this county was part of, or made up of, in year Y: itself while it existed,
        its successors after it ended and its predecessors before it began. The county history
        answers it (portal.organisations.structure.counterparts); the rows are only loaded here."""
        codes = counterparts(self.code, year)
        if codes == (self.code,):
            return [self]
        return list(County.objects.filter(code__in=codes).order_by("code"))


class TrainingOffice(ContactFields):
    """A training office. The contact fields are the managing director's (daglig leder), who
    answers ÅR for the office (R-S3)."""

    orgnr = models.CharField(
        _("organisation number"), max_length=9, unique=True, validators=[validate_orgnr]
    )
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="training_offices", verbose_name=_("county")
    )
    manager_name = models.CharField(_("managing director"), max_length=200, blank=True)
    # False when NOR does not have the office registered correctly: left out of samples (R-S4).
    nor_registered = models.BooleanField(_("registered in NOR"), default=True)
    # False once a newer register extract no longer has the office; kept for history.
    in_register = models.BooleanField(_("in the register"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("training office")
        verbose_name_plural = _("training offices")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.orgnr = normalise_orgnr(self.orgnr)
        super().save(*args, **kwargs)


class Company(models.Model):
    orgnr = models.CharField(
        _("organisation number"), max_length=9, unique=True, validators=[validate_orgnr]
    )
    name = models.CharField(_("name"), max_length=200)
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="companies", verbose_name=_("county")
    )
    municipality = models.CharField(_("municipality number"), max_length=4, blank=True)
    # False when NLR does not have the company registered correctly: left out of samples (R-S4).
    nlr_registered = models.BooleanField(_("registered in NLR"), default=True)
    in_register = models.BooleanField(_("in the register"), default=True)
    training_office = models.ForeignKey(
        TrainingOffice,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_companies",
        verbose_name=_("training office"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("training company")
        verbose_name_plural = _("training companies")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.orgnr = normalise_orgnr(self.orgnr)
        super().save(*args, **kwargs)

    @property
    def is_independent(self) -> bool:
        return self.training_office_id is None
