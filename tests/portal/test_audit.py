"""The audit log: one shape for every event, and no way to change or delete an entry."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from portal.accounts.access import get_county_or_404
from portal.audit.models import AppendOnly
from portal.audit.record import audit_record
from portal.models import AuditAction, AuditEntry

pytestmark = pytest.mark.django_db


def test_an_entry_takes_user_address_and_organisation_from_the_request(county_a_admin, county_a):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.7")
    request.user = county_a_admin
    request.session = {}  # type: ignore[assignment]  # a dict stands in for the session
    get_county_or_404(request, county_a.code)

    entry = audit_record(
        AuditAction.VIEW_IDENTIFIED, request=request, target="Kvalitetsrapport", detail={"n": 3}
    )

    entry.refresh_from_db()
    assert entry.user == county_a_admin
    assert entry.email == county_a_admin.email
    assert entry.county == county_a
    assert entry.training_office is None
    assert entry.address == "192.0.2.7"
    assert (entry.action, entry.target, entry.detail) == (
        "view_identified",
        "Kvalitetsrapport",
        {"n": 3},
    )


def test_a_failed_login_keeps_the_address_typed(rf):
    request = rf.post("/konto/login/", REMOTE_ADDR="2001:db8::1")
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    entry = audit_record(AuditAction.LOGIN_FAILED, request=request, email="ukjent@example.test")
    assert entry.user is None
    assert entry.email == "ukjent@example.test"
    assert entry.address == "2001:db8::1"


def test_the_portal_refuses_to_change_or_delete_an_entry(national_admin):
    entry = audit_record(AuditAction.LOGIN, user=national_admin)
    entry.target = "endret"
    with pytest.raises(AppendOnly):
        entry.save()
    with pytest.raises(AppendOnly):
        entry.delete()
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(target="endret")
    with pytest.raises(AppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert AuditEntry.objects.get(pk=entry.pk).target == ""


def test_the_database_refuses_changes_made_around_the_portal(national_admin):
    if connection.vendor != "postgresql":
        pytest.skip("the trigger is PostgreSQL's")
    entry = audit_record(AuditAction.LOGIN, user=national_admin)
    for statement in (
        "UPDATE portal_auditentry SET target = 'x' WHERE id = %s",
        "DELETE FROM portal_auditentry WHERE id = %s",
    ):
        with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement, [entry.pk])
    assert AuditEntry.objects.filter(pk=entry.pk, target="").exists()


def test_deleting_a_user_keeps_their_entries(outsider):
    audit_record(AuditAction.LOGIN, user=outsider)
    email = outsider.email
    outsider.delete()
    entry = AuditEntry.objects.get(email=email)
    assert entry.user_id is not None
