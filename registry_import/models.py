"""The apprenticeship register as imported from VIGO/NxR extracts: trades, professional
leaders, apprentices and their contracts, and a record of every import."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from portal.models import Company, County, TrainingOffice
from portal.organisations.contact import ContactFields


class Trade(models.Model):
    code = models.CharField(_("trade code"), max_length=10, unique=True)
    name = models.CharField(_("trade"), max_length=200)

    class Meta:
        ordering = ["name"]
        verbose_name = _("trade")
        verbose_name_plural = _("trades")

    def __str__(self) -> str:
        return self.name


class ProfessionalLeader(ContactFields):
    """A faglig leder: the person responsible for training in one company."""

    register_id = models.CharField(_("register id"), max_length=64, unique=True)
    company = models.ForeignKey(
        Company, on_delete=models.CASCADE, related_name="professional_leaders"
    )
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    in_register = models.BooleanField(_("in the register"), default=True)

    class Meta:
        verbose_name = _("professional leader")
        verbose_name_plural = _("professional leaders")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class Apprentice(ContactFields):
    """A lærling or lærekandidat. The identity number is never stored: `pseudonym` is a keyed
    HMAC of it (settings.PSEUDONYM_KEY), enough to recognise the same person across extracts."""

    pseudonym = models.CharField(max_length=64, unique=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)

    class Meta:
        verbose_name = _("apprentice")
        verbose_name_plural = _("apprentices")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"


class ContractKind(models.TextChoices):
    APPRENTICE = "apprentice", _("Apprentice (lærekontrakt)")
    CANDIDATE = "candidate", _("Training candidate (opplæringskontrakt)")


class ContractStatus(models.TextChoices):
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    TERMINATED = "terminated", _("Terminated")


class Contract(models.Model):
    register_id = models.CharField(_("contract id"), max_length=64, unique=True)
    apprentice = models.ForeignKey(Apprentice, on_delete=models.CASCADE, related_name="contracts")
    kind = models.CharField(_("kind"), max_length=20, choices=ContractKind.choices)
    status = models.CharField(_("status"), max_length=20, choices=ContractStatus.choices)
    start_date = models.DateField(_("start"))
    end_date = models.DateField(_("end"))
    trade = models.ForeignKey(Trade, on_delete=models.PROTECT, related_name="contracts")
    company = models.ForeignKey(Company, on_delete=models.PROTECT, related_name="contracts")
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.PROTECT, null=True, blank=True, related_name="contracts"
    )
    professional_leader = models.ForeignKey(
        ProfessionalLeader,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="contracts",
    )
    county = models.ForeignKey(
        County, on_delete=models.PROTECT, related_name="contracts", verbose_name=_("county")
    )
    # A contract missing from a newer extract is kept, marked as no longer in the register.
    in_register = models.BooleanField(_("in the register"), default=True)
    # The training office or professional leader the extract named but did not hold: the
    # contract is kept without them, and the county's quality report lists it for correction.
    unknown_training_office = models.CharField(
        _("training office not in the extract"), max_length=64, blank=True
    )
    unknown_professional_leader = models.CharField(
        _("professional leader not in the extract"), max_length=64, blank=True
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["county", "status"]),
            models.Index(fields=["company", "status"]),
        ]

    def __str__(self) -> str:
        return self.register_id


class ImportStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Imported")
    UNCHANGED = "unchanged", _("Unchanged: same extract as before")
    DRY_RUN = "dry_run", _("Checked (dry run), nothing saved")
    REFUSED = "refused", _("Refused")
    FAILED = "failed", _("Failed")


class ImportRun(models.Model):
    """One attempt to import an extract: who, when, which files, what it found and did.

    `files` is a list of {"name", "sha256", "rows"}; `counts` maps each file to
    {"new", "changed", "unchanged", "gone", "skipped", "invalid_email", "invalid_mobile",
    "mapped"} (mapped: rows whose county number was placed on the survey year's structure);
    `warnings` and `errors` are lists of {"file", "line", "column", "value", "message"}. No
    identity number is ever put in any of them."""

    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True
    )
    source = models.CharField(max_length=20, default="command")  # "command" or "upload"
    # The survey year whose reference date the extract is for: its units are placed on that
    # year's county structure (R-P4).
    survey_year = models.PositiveSmallIntegerField(_("survey year"), null=True, blank=True)
    dry_run = models.BooleanField(default=False)
    status = models.CharField(
        max_length=20, choices=ImportStatus.choices, default=ImportStatus.QUEUED
    )
    extract_sha256 = models.CharField(max_length=64, blank=True)
    files = models.JSONField(default=list)
    counts = models.JSONField(default=dict)
    warnings = models.JSONField(default=list)
    errors = models.JSONField(default=list)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.get_status_display()}"


class ContactChannel(models.TextChoices):
    EMAIL = "email", _("E-mail")
    MOBILE = "mobile", _("Mobile")


class UndeliverableContact(models.Model):
    """An e-mail address or mobile number a message could not be delivered to (a bounce, a
    number that does not exist). The import keeps such a value invalid until the register has
    another one, and the county's quality report lists it for correction in VIGO."""

    channel = models.CharField(_("channel"), max_length=10, choices=ContactChannel.choices)
    value = models.CharField(_("address or number"), max_length=254)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded"))

    class Meta:
        ordering = ["-recorded_at"]
        verbose_name = _("undeliverable address or number")
        verbose_name_plural = _("undeliverable addresses and numbers")
        constraints = [
            models.UniqueConstraint(fields=["channel", "value"], name="one_undeliverable_value")
        ]

    def __str__(self) -> str:
        return f"{self.channel} {self.value}"
