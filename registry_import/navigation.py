"""The register's pages in the organisations' navigation (portal.front.panels)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.front.panels import NavEntry, nav_register
from portal.models import Role

nav_register(
    NavEntry(
        "register_import",
        _("Register import"),
        lambda scope: reverse("import_list"),
        roles=frozenset({Role.NATIONAL}),
        priority=20,
    )
)
