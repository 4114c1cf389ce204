"""Portal users and their memberships: each membership is one role on one organisation."""

from __future__ import annotations

from typing import ClassVar

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from portal.organisations.models import County, Statsforvalter, TrainingOffice


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **extra) -> User:
        if not email:
            raise ValueError("A user needs an e-mail address")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person. The username is the e-mail address (R-A4); credentials are never shared."""

    email = models.EmailField(_("e-mail address"), unique=True)
    full_name = models.CharField(_("name"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(_("may use the admin site"), default=False)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)
    # E-mail notifications to administrators (failed dispatches, quota, closing, results).
    notifications = models.BooleanField(_("e-mail notifications"), default=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()


class Role(models.TextChoices):
    """The level of the organisation a membership is for (what a member may do there is its
    Access)."""

    NATIONAL = "national", _("National administrator")
    COUNTY = "county", _("County administrator")
    OFFICE = "office", _("Training office administrator")
    STATSFORVALTER = "statsforvalter", _("Statsforvalter administrator")


class Access(models.TextChoices):
    """What a member may do in their organisation (least privilege; portal.accounts.access says
    which pages each may use)."""

    ADMINISTRATOR = "administrator", _("Administrator")
    SENDER = "sender", _("Sender")
    READER = "reader", _("Reader")


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    county = models.ForeignKey(
        County, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    training_office = models.ForeignKey(
        TrainingOffice, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    statsforvalter = models.ForeignKey(
        Statsforvalter,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="memberships",
    )
    # Existing memberships became administrators when roles came; new ones say which.
    access = models.CharField(
        _("role in the organisation"),
        max_length=20,
        choices=Access.choices,
        default=Access.ADMINISTRATOR,
    )
    # The identified ÅR answers: administrators see them, others only when given them.
    ar_answers = models.BooleanField(_("sees the ÅR answers"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_role_matches_organisation",
                condition=(
                    Q(
                        role=Role.NATIONAL,
                        county__isnull=True,
                        training_office__isnull=True,
                        statsforvalter__isnull=True,
                    )
                    | Q(
                        role=Role.COUNTY,
                        county__isnull=False,
                        training_office__isnull=True,
                        statsforvalter__isnull=True,
                    )
                    | Q(
                        role=Role.OFFICE,
                        county__isnull=True,
                        training_office__isnull=False,
                        statsforvalter__isnull=True,
                    )
                    | Q(
                        role=Role.STATSFORVALTER,
                        county__isnull=True,
                        training_office__isnull=True,
                        statsforvalter__isnull=False,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user"], condition=Q(role=Role.NATIONAL), name="one_national_membership"
            ),
            models.UniqueConstraint(fields=["user", "county"], name="one_membership_per_county"),
            models.UniqueConstraint(
                fields=["user", "training_office"], name="one_membership_per_office"
            ),
            models.UniqueConstraint(
                fields=["user", "statsforvalter"], name="one_membership_per_statsforvalter"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_access_display()} – {self.organisation_name}"

    @property
    def organisation_name(self) -> str:
        if self.county is not None:
            return str(self.county)
        if self.training_office is not None:
            return str(self.training_office)
        if self.statsforvalter is not None:
            return str(self.statsforvalter)
        return str(_("Directorate for Education and Training"))
