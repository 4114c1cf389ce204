"""The audit log: who did what, when, for which organisation. Append-only: rows are never
changed or deleted by the portal (the model refuses it, and on PostgreSQL a trigger refuses it
for anyone writing SQL)."""

from __future__ import annotations

from typing import Any, NoReturn

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import County, TrainingOffice


class AuditAction(models.TextChoices):
    LOGIN = "login", _("Logged in")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logged out")
    PASSWORD_RESET = "password_reset", _("Password reset")
    PASSWORD_CHANGED = "password_changed", _("Password changed")
    MFA_CHANGED = "mfa_changed", _("Two-factor login changed")
    USER_CREATED = "user_created", _("User created")
    USER_CHANGED = "user_changed", _("User changed")
    USER_DEACTIVATED = "user_deactivated", _("User deactivated")
    USER_REACTIVATED = "user_reactivated", _("User reactivated")
    # Recorded when the activation e-mail is queued; ACCOUNT_MAIL_SENT follows once it has gone.
    INVITATION_SENT = "invitation_sent", _("Activation e-mail queued")
    ACCOUNT_MAIL_QUEUED = "account_mail_queued", _("E-mail queued")
    ACCOUNT_MAIL_SENT = "account_mail_sent", _("E-mail sent")
    ACCOUNT_MAIL_FAILED = "account_mail_failed", _("E-mail not sent")
    FAILURES_RETRIED = "failures_retried", _("Failed messages sent again")
    MEMBERSHIP_ADDED = "membership_added", _("Access granted")
    MEMBERSHIP_REMOVED = "membership_removed", _("Access removed")
    MEMBERSHIP_CHANGED = "membership_changed", _("Role changed")
    DISPATCH_CREATED = "dispatch_created", _("Dispatch ordered")
    DISPATCH_CANCELLED = "dispatch_cancelled", _("Dispatch cancelled")
    DOWNLOAD = "download", _("Download")
    VIEW_IDENTIFIED = "view_identified", _("Viewed identified data")
    IMPORT_STARTED = "import_started", _("Register import started")
    RESULTS_PUBLISHED = "results_published", _("Results published")
    RESEARCH_EXPORT = "research_export", _("Research export")
    AR_REOPENED = "ar_reopened", _("ÅR answers opened again for correction")


class AppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditQuerySet(models.QuerySet["AuditEntry"]):
    def update(self, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit entries cannot be changed")

    def delete(self) -> NoReturn:
        raise AppendOnly("audit entries cannot be deleted")


class AuditEntry(models.Model):
    """One event. The people and organisations are referred to without database constraints, so
    an entry outlives whatever it names; `email` keeps who it was even then."""

    at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)
    action = models.CharField(_("action"), max_length=40, choices=AuditAction.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("user"),
    )
    # The user's address, or the address typed at a failed login.
    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    county = models.ForeignKey(
        County,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("county"),
    )
    training_office = models.ForeignKey(
        TrainingOffice,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("training office"),
    )
    # What was acted on, in words people read ("Lærlingundersøkelsen 2026: respondent list").
    target = models.CharField(_("what"), max_length=300, blank=True)
    detail = models.JSONField(_("details"), default=dict, blank=True)
    address = models.GenericIPAddressField(_("address"), null=True, blank=True)

    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        indexes = [
            models.Index(fields=["county", "-at"]),
            models.Index(fields=["training_office", "-at"]),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.email}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None or kwargs.get("force_update"):
            raise AppendOnly("audit entries cannot be changed")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> NoReturn:
        raise AppendOnly("audit entries cannot be deleted")
