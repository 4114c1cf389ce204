"""The portal's own navigation entries: users, the audit log and the county's ÅR contact.
Other apps register theirs the same way in their AppConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.access import Scope
from portal.models import Role
from portal.panels import NavEntry, nav_register


def _scoped_url(county_name: str, office_name: str, national_name: str):
    def url(scope: Scope) -> str:
        if scope.county is not None:
            return reverse(county_name, args=[scope.county.code])
        if scope.office is not None:
            return reverse(office_name, args=[scope.office.orgnr])
        return reverse(national_name)

    return url


nav_register(
    NavEntry(
        "users",
        _("Users"),
        _scoped_url("county_users", "office_users", "national_users"),
        priority=80,
    )
)
nav_register(
    NavEntry(
        "audit",
        _("Audit log"),
        _scoped_url("county_audit", "office_audit", "national_audit"),
        priority=85,
    )
)
nav_register(
    NavEntry(
        "county_contact",
        _("Contact for ÅR"),
        lambda scope: reverse("county_contact", args=[scope.county.code]),  # type: ignore[union-attr]  # county role
        roles=frozenset({Role.COUNTY}),
        priority=90,
    )
)
