"""Who sees what in Django's admin. Its login is allauth's (portal/admin.py), with the portal's
rate limits and, where enabled, two-factor login. Register data (people, contracts, imports)
is shown there only to staff who also hold the national role: is_staff alone lets someone into
the admin, not into the register."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from portal.accounts.access import user_scopes
from portal.models import Role


def holds_national_role(request: HttpRequest) -> bool:
    return any(scope.role == Role.NATIONAL for scope in user_scopes(request))


if TYPE_CHECKING:
    from django.contrib.admin import ModelAdmin

    _AdminBase = ModelAdmin[Any]  # what the mixin is mixed into, for its super() calls
else:
    _AdminBase = object


class NationalOnlyAdminMixin(_AdminBase):
    """For ModelAdmins of register data: invisible to staff without the national role."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return holds_national_role(request) and super().has_module_permission(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return holds_national_role(request) and super().has_view_permission(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return holds_national_role(request) and super().has_change_permission(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return holds_national_role(request) and super().has_add_permission(request, *args)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return holds_national_role(request) and super().has_delete_permission(request, obj)
