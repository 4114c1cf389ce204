"""The audit log's account events, its pages (each organisation its own, the national level
all) and `manage.py audit_export`."""

import csv
import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from portal.audit.record import audit_record
from portal.lib.oslo import oslo_today
from portal.models import AuditAction, AuditEntry
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_logins_failed_logins_and_logouts_are_recorded(client, office_a_admin):
    client.post(reverse("account_login"), {"login": "noen@annet.test", "password": "feil"})
    client.post(reverse("account_login"), {"login": office_a_admin.email, "password": PASSWORD})
    client.post(reverse("account_logout"))
    entries = list(AuditEntry.objects.order_by("pk"))
    assert [e.action for e in entries] == [
        AuditAction.LOGIN_FAILED,
        AuditAction.LOGIN,
        AuditAction.LOGOUT,
    ]
    assert entries[0].email == "noen@annet.test" and entries[0].user is None
    assert entries[0].address == "127.0.0.1"
    assert entries[1].user == office_a_admin and entries[1].detail["methods"] == ["password"]


def test_a_password_change_is_recorded(client, office_a_admin):
    client.post(reverse("account_login"), {"login": office_a_admin.email, "password": PASSWORD})
    client.post(
        reverse("account_change_password"),
        {
            "oldpassword": PASSWORD,
            "password1": "Et-nytt-passord-99",
            "password2": "Et-nytt-passord-99",
        },
    )
    assert AuditEntry.objects.filter(
        action=AuditAction.PASSWORD_CHANGED, user=office_a_admin
    ).exists()


@pytest.fixture
def entries(county_a, county_b, office_a, office_b, county_a_admin, office_a_admin, outsider):
    audit_record(AuditAction.DOWNLOAD, user=county_a_admin, county=county_a, target="A-fylke")
    audit_record(AuditAction.DOWNLOAD, user=outsider, county=county_b, target="B-fylke")
    audit_record(
        AuditAction.VIEW_IDENTIFIED, user=office_a_admin, office=office_a, target="A-kontor"
    )
    audit_record(AuditAction.VIEW_IDENTIFIED, user=outsider, office=office_b, target="B-kontor")
    audit_record(AuditAction.LOGIN, user=county_a_admin, target="innlogging-fylke-a")
    audit_record(AuditAction.LOGIN, user=office_a_admin, target="innlogging-kontor-a")
    audit_record(AuditAction.LOGIN, user=outsider, target="innlogging-annen")


@pytest.mark.parametrize(
    ("persona", "url_name", "seen", "unseen"),
    [
        (
            "county_a_admin",
            "county_audit",
            {"A-fylke", "innlogging-fylke-a"},
            {"B-fylke", "A-kontor", "innlogging-kontor-a", "innlogging-annen"},
        ),
        (
            "office_a_admin",
            "office_audit",
            {"A-kontor", "innlogging-kontor-a"},
            {"A-fylke", "B-kontor", "innlogging-fylke-a"},
        ),
        (
            "national_admin",
            "national_audit",
            {"A-fylke", "B-fylke", "A-kontor", "B-kontor", "innlogging-annen"},
            set(),
        ),
    ],
)
def test_each_organisation_reads_its_own_entries(
    client, request, entries, persona, url_name, seen, unseen, county_a, office_a
):
    client.force_login(request.getfixturevalue(persona))
    args = {"county_audit": [county_a.code], "office_audit": [office_a.orgnr]}.get(url_name, [])
    body = client.get(reverse(url_name, args=args)).content.decode()
    for target in seen:
        assert target in body, target
    for target in unseen:
        assert target not in body, target


@pytest.mark.parametrize(
    ("persona", "url_name", "arg"),
    [
        ("county_a_admin", "county_audit", "county_b"),
        ("office_a_admin", "office_audit", "office_b"),
        ("county_a_admin", "national_audit", None),
        ("office_a_admin", "county_audit", "county_a"),
        ("national_admin", "county_audit", "county_a"),
        ("outsider", "office_audit", "office_a"),
    ],
)
def test_another_organisations_log_is_404(client, request, persona, url_name, arg, office_b):
    client.force_login(request.getfixturevalue(persona))
    target = request.getfixturevalue(arg) if arg else None
    args = [] if target is None else [getattr(target, "code", None) or target.orgnr]
    assert client.get(reverse(url_name, args=args)).status_code == 404


def test_the_log_filters_by_event_and_date(client, national_admin, entries):
    old = AuditEntry(action=AuditAction.DOWNLOAD, target="gammel", email="x@y.test")
    old.at = timezone.now() - timedelta(days=40)
    old.save()
    client.force_login(national_admin)
    since = (oslo_today() - timedelta(days=1)).isoformat()
    body = client.get(
        reverse("national_audit"), {"action": "download", "since": since}
    ).content.decode()
    assert "A-fylke" in body and "B-fylke" in body
    assert "gammel" not in body and "A-kontor" not in body


def test_audit_export_writes_csv_filtered_by_period_and_county(entries, county_a, tmp_path):
    out = io.StringIO()
    call_command("audit_export", "--county", county_a.code, stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue()), delimiter=";"))
    assert rows[0][:3] == ["time", "action", "email"]
    assert [r[6] for r in rows[1:]] == ["A-fylke"]
    assert rows[1][4] == county_a.code

    path = tmp_path / "logg.csv"
    today = oslo_today().isoformat()
    call_command("audit_export", "--from", today, "--to", today, "--output", str(path))
    written = path.read_bytes().decode("utf-8-sig")
    assert written.count("\r\n") == 1 + AuditEntry.objects.count()
    tomorrow = (oslo_today() + timedelta(days=1)).isoformat()
    out = io.StringIO()
    call_command("audit_export", "--from", tomorrow, stdout=out)
    assert out.getvalue().count("\n") == 1  # the header only


def test_audit_export_refuses_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("audit_export", "--from", "2026-13-01")


def test_views_of_identified_data_write_an_entry_per_view(client, county_a_admin, county_a):
    client.force_login(county_a_admin)
    from tests.surveys.factories import ar_questionnaire, round_make

    round_make(ar_questionnaire())
    client.get(reverse("county_ar_answers", args=[county_a.code]))
    client.get(reverse("county_ar_answers", args=[county_a.code]))
    views = AuditEntry.objects.filter(action=AuditAction.VIEW_IDENTIFIED)
    assert views.count() == 2
    assert all(e.county == county_a and e.user == county_a_admin for e in views)


def test_opening_and_downloading_the_quality_report_are_logged(client, county_a_admin, county_a):
    client.force_login(county_a_admin)
    client.get(reverse("county_quality", args=[county_a.code]))
    client.get(reverse("county_quality_xlsx", args=[county_a.code]))
    logged = AuditEntry.objects.exclude(action=AuditAction.LOGIN).order_by("pk")
    assert [(e.action, e.county) for e in logged] == [
        (AuditAction.VIEW_IDENTIFIED, county_a),
        (AuditAction.DOWNLOAD, county_a),
    ]
