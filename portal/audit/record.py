"""Writing to the audit log (portal.models.AuditEntry). Every app records its events through
`audit_record`, so the log has one shape: logins, user and access changes, dispatches,
downloads and every view of identified data (ÅR answers, quality reports, respondent lists)."""

from __future__ import annotations

import logging
from typing import Any

from django.http import HttpRequest

from portal.accounts.access import Scope
from portal.lib.client import client_address
from portal.models import AuditEntry, County, TrainingOffice, User

logger = logging.getLogger(__name__)


def audit_record(
    action: str,
    *,
    request: HttpRequest | None = None,
    user: User | None = None,
    email: str = "",
    scope: Scope | None = None,
    county: County | None = None,
    office: TrainingOffice | None = None,
    target: str = "",
    detail: dict[str, Any] | None = None,
) -> AuditEntry:
    """Appends one entry. With a request, the user, the client's address and the organisation
    the request acts for (`request.scope`, set by portal.accounts.access) are taken from it unless
    given.
    `target` says in words what was acted on; `detail` holds ids and counts, never answers or
    contact data."""
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    if scope is None and request is not None:
        scope = getattr(request, "scope", None)
    if scope is not None and county is None and office is None:
        county, office = scope.county, scope.office
    entry = AuditEntry(
        action=action,
        user=user,
        email=email or (user.email if user is not None else ""),
        county=county,
        training_office=office,
        target=target[:300],
        detail=detail or {},
        address=(client_address(request) or None) if request is not None else None,
    )
    entry.save()
    return entry
