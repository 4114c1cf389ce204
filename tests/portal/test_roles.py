"""Roles inside an organisation (portal.accounts.access): administrator, sender and reader, the
ÅR answers given explicitly, set in the user administration and written to the audit log."""

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from portal.accounts.access import Need, Scope
from portal.accounts.user_admin import access_grant, membership_change
from portal.lib.oslo import oslo_today
from portal.models import Access, AuditAction, AuditEntry, Membership, Role, User
from tests import register_rows as rows
from tests.conftest import PASSWORD, give_two_factor

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def portal_address(settings):
    """E-mails sent outside a request link to SITE_URL."""
    settings.SITE_URL = "http://testserver"


def _member(email: str, access: str, ar_answers: bool = False, **organisation) -> User:
    user = User.objects.create_user(email, PASSWORD)
    Membership.objects.create(user=user, access=access, ar_answers=ar_answers, **organisation)
    if organisation.get("role") == Role.COUNTY:
        give_two_factor(user)
    return user


@pytest.fixture
def county_reader(county_a) -> User:
    return _member("leser@vestland.test", Access.READER, role=Role.COUNTY, county=county_a)


@pytest.fixture
def county_sender(county_a) -> User:
    return _member("sender@vestland.test", Access.SENDER, role=Role.COUNTY, county=county_a)


def test_a_membership_made_without_a_role_is_an_administrators(county_a_admin):
    assert county_a_admin.memberships.get().access == Access.ADMINISTRATOR


def test_each_role_gives_what_the_table_says(county_a):
    reader = Scope(role=Role.COUNTY, county=county_a, access=Access.READER)
    sender = Scope(role=Role.COUNTY, county=county_a, access=Access.SENDER)
    admin = Scope(role=Role.COUNTY, county=county_a)
    assert reader.may(Need.RESULTS) and not reader.may(Need.SEND)
    assert not reader.may(Need.PERSONAL_DATA) and not reader.may(Need.AR_ANSWERS)
    assert sender.may(Need.SEND) and sender.may(Need.RESULTS)
    assert not sender.may(Need.PERSONAL_DATA) and not sender.may(Need.USERS)
    needs = (Need.MEMBER, Need.RESULTS, Need.SEND, Need.PERSONAL_DATA, Need.USERS, Need.AR_ANSWERS)
    assert all(admin.may(need) for need in needs)
    given = Scope(role=Role.COUNTY, county=county_a, access=Access.READER, ar_answers=True)
    assert given.may(Need.AR_ANSWERS) and not given.may(Need.PERSONAL_DATA)


PERSONAL_PAGES = ("county_quality", "county_samples_latest", "county_ar_answers", "county_users")


def test_a_reader_gets_403_on_personal_data_pages_and_sees_no_link_to_them(
    client, county_a, county_reader
):
    rows.rounds(oslo_today().year)
    client.force_login(county_reader)
    for name in PERSONAL_PAGES:
        assert client.get(reverse(name, args=[county_a.code])).status_code == 403, name
    page = client.get(reverse("county_dashboard", args=[county_a.code]))
    assert page.status_code == 200
    html = page.content.decode()
    for name in (*PERSONAL_PAGES, "county_dispatches_latest", "county_response_rates"):
        assert f'href="{reverse(name, args=[county_a.code])}"' not in html, name
    assert f'href="{reverse("county_results", args=[county_a.code])}"' in html


def test_a_sender_sees_dispatches_and_response_rates_but_no_personal_data(
    client, county_a, county_sender
):
    rows.rounds(oslo_today().year)
    client.force_login(county_sender)
    html = client.get(reverse("county_dashboard", args=[county_a.code])).content.decode()
    assert f'href="{reverse("county_dispatches_latest", args=[county_a.code])}"' in html
    assert f'href="{reverse("county_response_rates", args=[county_a.code])}"' in html
    assert f'href="{reverse("county_samples_latest", args=[county_a.code])}"' not in html
    assert client.get(reverse("county_response_rates", args=[county_a.code])).status_code == 200
    assert client.get(reverse("county_samples_latest", args=[county_a.code])).status_code == 403


def test_the_ar_answers_are_seen_by_a_reader_given_them(client, county_a):
    rows.rounds(oslo_today().year)
    reader = _member(
        "ar@vestland.test", Access.READER, ar_answers=True, role=Role.COUNTY, county=county_a
    )
    client.force_login(reader)
    assert client.get(reverse("county_ar_answers", args=[county_a.code])).status_code == 200
    html = client.get(reverse("county_dashboard", args=[county_a.code])).content.decode()
    assert f'href="{reverse("county_ar_answers", args=[county_a.code])}"' in html
    assert client.get(reverse("county_quality", args=[county_a.code])).status_code == 403


def test_the_administrator_sets_a_role_and_the_ar_flag_and_it_is_logged(
    client, county_a, county_a_admin, county_reader
):
    membership = county_reader.memberships.get()
    client.force_login(county_a_admin)
    url = reverse("county_user", args=[county_a.code, county_reader.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="m{membership.pk}-access"' in page.content.decode()
    response = client.post(
        url,
        {
            "action": "role",
            "membership": membership.pk,
            f"m{membership.pk}-access": Access.SENDER,
            f"m{membership.pk}-ar_answers": "on",
        },
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.access, membership.ar_answers) == (Access.SENDER, True)
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_CHANGED)
    assert entry.user == county_a_admin
    assert entry.detail["before"] == {"access": "reader", "ar_answers": False}
    assert entry.detail["after"] == {"access": "sender", "ar_answers": True}
    assert county_reader.email in entry.target


def test_an_unchanged_role_writes_nothing_and_nobody_changes_their_own(
    county_a, county_a_admin, county_reader
):
    by = Scope(role=Role.COUNTY, county=county_a)
    membership = county_reader.memberships.get()
    assert not membership_change(
        membership=membership,
        access=Access.READER,
        ar_answers=False,
        by=by,
        acting=county_a_admin,
    )
    assert not AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_CHANGED).exists()
    with pytest.raises(PermissionDenied):
        membership_change(
            membership=county_a_admin.memberships.get(),
            access=Access.READER,
            ar_answers=False,
            by=by,
            acting=county_a_admin,
        )
    assert county_a_admin.memberships.get().access == Access.ADMINISTRATOR


def test_a_county_cannot_change_a_role_in_another_county(county_b, county_a_admin, county_reader):
    with pytest.raises(PermissionDenied):
        membership_change(
            membership=county_reader.memberships.get(),
            access=Access.ADMINISTRATOR,
            ar_answers=True,
            by=Scope(role=Role.COUNTY, county=county_b),
            acting=county_a_admin,
        )
    assert county_reader.memberships.get().access == Access.READER


def test_a_user_added_as_reader_gets_the_role_and_the_log_says_so(
    client, county_a, county_a_admin, django_capture_on_commit_callbacks
):
    from django.core import mail

    client.force_login(county_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("county_users", args=[county_a.code]),
            {
                "email": "ny.leser@vestland.test",
                "full_name": "Ny Leser",
                "organisation": f"fylke-{county_a.code}",
                "access": Access.READER,
            },
        )
    assert response.status_code == 302
    membership = Membership.objects.get(user__email="ny.leser@vestland.test")
    assert (membership.access, membership.ar_answers) == (Access.READER, False)
    entry = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_ADDED)
    assert entry.detail["access"] == "reader"
    # The account mail goes the way it always did (portal.accounts.mails).
    assert [m.to for m in mail.outbox] == [["ny.leser@vestland.test"]]


def test_existing_callers_grant_administrators(county_a, office_a):
    grant = access_grant(
        email="kontor.leder@okvest.test",
        target=Scope(role=Role.OFFICE, office=office_a),
        by=Scope(role=Role.COUNTY, county=county_a),
        queue_mail=False,
    )
    assert grant.user.memberships.get().access == Access.ADMINISTRATOR


def test_the_role_form_is_in_norwegian(client, county_a, county_a_admin, county_reader):
    client.force_login(county_a_admin)
    html = client.get(
        reverse("county_user", args=[county_a.code, county_reader.pk]),
        HTTP_ACCEPT_LANGUAGE="nb",
    ).content.decode()
    assert "Lagre rolle" in html
    assert "Leser" in html
