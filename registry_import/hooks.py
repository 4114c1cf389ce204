"""What the register import hooks into the base, all of it here and nowhere else: its page in
the national navigation, and when the extract the register holds was imported (the pages'
"register as of"). Called once, from RegistryImportConfig.ready()."""

from django.db.models.signals import post_delete, post_save
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from portal.front.panels import NavEntry, nav_register
from portal.models import Role
from portal.organisations.register_extract import extract_time_register
from registry_import.models import ImportRun
from registry_import.selectors import extract_time_forget, last_extract_imported_at


def connect() -> None:
    nav_register(
        NavEntry(
            "register_import",
            _("Register import"),
            lambda scope: reverse("import_list"),
            roles=frozenset({Role.NATIONAL}),
            priority=20,
        )
    )
    extract_time_register(last_extract_imported_at)
    post_save.connect(
        extract_time_forget, sender=ImportRun, dispatch_uid="registry_import_extract_saved"
    )
    post_delete.connect(
        extract_time_forget, sender=ImportRun, dispatch_uid="registry_import_extract_deleted"
    )
