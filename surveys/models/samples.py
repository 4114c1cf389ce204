"""Who a round goes to (its sample) and who was left out, and why."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Company, County, TrainingOffice
from portal.organisations.contact import ContactFields
from registry_import.models import Apprentice, Contract, ProfessionalLeader, Trade
from surveys.models.report_classes import ReportClass
from surveys.models.rounds import Round


class RespondentRole(models.TextChoices):
    APPRENTICE = "apprentice", _("Apprentice or training candidate")
    LEADER = "leader", _("Professional leader")
    OFFICE = "office", _("Managing director of a training office")


class Respondent(ContactFields):
    """One person asked to answer one round. The dimensions (county, office, company, trade,
    apprentice kind) say where the person is; an LU or LBU answer keeps only those of the
    respondent's report class. LU and LBU respondents are deleted by the round's close step
    (surveys/services/closing.py); ÅR respondents lose their personal data by retention."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="respondents")
    role = models.CharField(max_length=20, choices=RespondentRole.choices)
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="respondents")
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="respondents"
    )
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, null=True, blank=True, related_name="respondents"
    )
    trade = models.ForeignKey(Trade, on_delete=models.PROTECT, null=True, blank=True)
    apprentice_kind = models.CharField(max_length=20, blank=True)
    apprentice = models.ForeignKey(Apprentice, on_delete=models.SET_NULL, null=True, blank=True)
    professional_leader = models.ForeignKey(
        ProfessionalLeader, on_delete=models.SET_NULL, null=True, blank=True
    )
    contract = models.ForeignKey(Contract, on_delete=models.SET_NULL, null=True, blank=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    # ÅR → LBU in the same link for companies (R-D9).
    continues_to = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="continued_from"
    )
    # LU and LBU: set when the sample is frozen; what the respondent's anonymous answer carries.
    report_class = models.ForeignKey(
        ReportClass,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="respondents",
    )
    # The respondent's own language (nb, nn or en) for messages and pages; blank: none chosen,
    # the sender's choice for the dispatch applies.
    language = models.CharField(_("language"), max_length=5, blank=True, db_default="")
    answered_at = models.DateTimeField(null=True, blank=True)
    consent_given_at = models.DateTimeField(null=True, blank=True)  # LBU only (R-L5)
    personal_data_deleted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["round", "county"])]

    def __str__(self) -> str:
        return f"{self.round} {self.get_role_display()} {self.pk}"


class ExclusionReason(models.TextChoices):
    NOT_IN_NLR = "not_in_nlr", _("The company is not registered in NLR")
    NOT_IN_NOR = "not_in_nor", _("The training office is not registered in NOR")
    NO_LEADER = "no_leader", _("The company has no professional leader")
    TOO_SHORT = "too_short", _("In training for 11 months or less on the reference date")
    NO_RUNNING_CONTRACT = "no_running", _("No running contract on the reference date")
    COUNTY_NOT_PARTICIPATING = "county_out", _("The county does not run this survey this year")


class Exclusion(models.Model):
    """A unit or person left out of a sample, with the reason, so the county can see it."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="exclusions")
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="exclusions")
    reason = models.CharField(max_length=20, choices=ExclusionReason.choices)
    company = models.ForeignKey(Company, on_delete=models.CASCADE, null=True, blank=True)
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, blank=True
    )
    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["round", "county"])]

    def __str__(self) -> str:
        return f"{self.round} {self.get_reason_display()}"
