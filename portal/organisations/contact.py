from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


def unreachable(prefix: str = "") -> Q:
    """Who the surveys cannot reach at all: neither a valid e-mail nor a valid mobile (R-S5).
    The one definition of "unreachable" every page and count uses; `prefix` names the relation
    holding the contact fields ("apprentice__")."""
    return Q(**{f"{prefix}email_valid": False, f"{prefix}mobile_valid": False})


class ContactFields(models.Model):
    """E-mail and mobile as the register gave them. An invalid value is kept (flagged) rather
    than dropped, so the county's quality report can show what to correct in VIGO (R-S5)."""

    email = models.CharField(_("e-mail"), max_length=254, blank=True)
    email_valid = models.BooleanField(_("e-mail is valid"), default=False)
    # E.164 (+4791234567) when valid, otherwise the value as given.
    mobile = models.CharField(_("mobile"), max_length=32, blank=True)
    mobile_valid = models.BooleanField(_("mobile is valid"), default=False)

    class Meta:
        abstract = True

    @property
    def reachable(self) -> bool:
        return self.email_valid or self.mobile_valid
