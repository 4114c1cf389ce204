"""The portal's own navigation entries: users, the audit log and the county's ÅR contact.
Other apps register theirs the same way in their AppConfig.ready()."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.front.panels import NavEntry, nav_register
from portal.models import Role

nav_register(
    NavEntry(
        "users",
        _("Users"),
        lambda scope: scope.route("users"),
        priority=80,
    )
)
nav_register(
    NavEntry(
        "audit",
        _("Audit log"),
        lambda scope: scope.route("audit"),
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
