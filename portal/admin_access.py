"""Who sees what in Django's admin. Its login is allauth's (portal/admin.py), with the portal's
rate limits and, where enabled, two-factor login. Register data (people, contracts, imports)
is shown there only to staff who also hold the national role: is_staff alone lets someone into
the admin, not into the register."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from portal.access import user_scopes
from portal.models import Role


def holds_national_role(request: HttpRequest) -> bool:
    return any(scope.role == Role.NATIONAL for scope in user_scopes(request))


class NationalOnlyAdminMixin:
    """For ModelAdmins of register data: invisible to staff without the national role."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return holds_national_role(request) and super().has_module_permission(request)  # type: ignore[misc]

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return holds_national_role(request) and super().has_view_permission(request, obj)  # type: ignore[misc]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return holds_national_role(request) and super().has_change_permission(request, obj)  # type: ignore[misc]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return holds_national_role(request) and super().has_add_permission(request, *args)  # type: ignore[misc]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return holds_national_role(request) and super().has_delete_permission(request, obj)  # type: ignore[misc]
