"""Reading the audit log: an organisation's administrators see their own organisation's
entries (and the account events of the organisation's users: logins, failed two-factor codes,
password changes); the national administrator sees every entry. Also the export for ops."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date, timedelta

from django.db.models import Q, QuerySet

from portal.accounts.access import Scope
from portal.lib.oslo import OSLO, oslo_datetime
from portal.models import AuditEntry, Membership, Role


def audit_entries(
    scope: Scope,
    *,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    email: str = "",
) -> QuerySet[AuditEntry]:
    """The entries the scope may read, newest first, filtered."""
    entries = AuditEntry.objects.all()
    if scope.role != Role.NATIONAL:
        if scope.county is not None:
            own = Q(county=scope.county)
            members = Membership.objects.filter(role=Role.COUNTY, county=scope.county)
        else:
            own = Q(training_office=scope.office)
            members = Membership.objects.filter(role=Role.OFFICE, training_office=scope.office)
        account_events = Q(
            county__isnull=True,
            training_office__isnull=True,
            user_id__in=members.values("user_id"),
        )
        entries = entries.filter(own | account_events)
    return audit_filtered(entries, action=action, since=since, until=until, email=email)


def audit_filtered(
    entries: QuerySet[AuditEntry],
    *,
    action: str = "",
    since: date | None = None,
    until: date | None = None,
    email: str = "",
    county_code: str = "",
    office_orgnr: str = "",
) -> QuerySet[AuditEntry]:
    if action:
        entries = entries.filter(action=action)
    if since is not None:
        entries = entries.filter(at__gte=oslo_datetime(since))
    if until is not None:
        entries = entries.filter(at__lt=oslo_datetime(until + timedelta(days=1)))
    if email:
        entries = entries.filter(email__icontains=email.strip())
    if county_code:
        entries = entries.filter(county__code=county_code)
    if office_orgnr:
        entries = entries.filter(training_office__orgnr=office_orgnr)
    return entries.select_related("county", "training_office").order_by("-at", "-pk")


EXPORT_HEADERS = [
    "time",
    "action",
    "email",
    "user_id",
    "county",
    "training_office",
    "target",
    "address",
    "detail",
]


def audit_export_rows(entries: QuerySet[AuditEntry]) -> Iterator[list[str]]:
    """One row per entry, oldest first, for `manage.py audit_export`."""
    for entry in entries.order_by("at", "pk").iterator(chunk_size=2000):
        yield [
            entry.at.astimezone(OSLO).isoformat(timespec="seconds"),
            entry.action,
            entry.email,
            str(entry.user_id or ""),
            entry.county.code if entry.county else "",
            entry.training_office.orgnr if entry.training_office else "",
            entry.target,
            entry.address or "",
            json.dumps(entry.detail, ensure_ascii=False, sort_keys=True),
        ]
