"""Seals every stored two-factor key under the current SECRET_KEY: after a rotation (the old key
in SECRET_KEY_FALLBACKS), and for keys stored before sealing began."""

from __future__ import annotations

from typing import Any

from allauth.mfa.models import Authenticator
from django.core.management.base import BaseCommand
from django.db import transaction

from portal.accounts.secret_box import reseal

# The fields of Authenticator.data that allauth passes through the adapter's encrypt().
_SEALED_FIELDS = {
    Authenticator.Type.TOTP: ("secret",),
    Authenticator.Type.RECOVERY_CODES: ("seed", "migrated_codes"),
}


class Command(BaseCommand):
    help = (
        "Seal every stored two-factor key under the current SECRET_KEY (after rotating it, "
        "with the old key still in SECRET_KEY_FALLBACKS)."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        changed = 0
        with transaction.atomic():
            authenticators = Authenticator.objects.select_for_update().filter(
                type__in=list(_SEALED_FIELDS)
            )
            for authenticator in authenticators:
                data = dict(authenticator.data)
                for field in _SEALED_FIELDS[authenticator.type]:
                    value = data.get(field)
                    if isinstance(value, str):
                        data[field] = reseal(value)
                    elif isinstance(value, list):
                        data[field] = [reseal(v) for v in value]
                authenticator.data = data
                authenticator.save(update_fields=["data"])
                changed += 1
        self.stdout.write(f"Sealed the keys of {changed} authenticators under the current key.")
