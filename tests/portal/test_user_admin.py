"""User administration (R-A2..R-A5): who manages whom, invitations through allauth's password
reset, deactivation, one person with several memberships, and the activation of an office's
managing director when the county sends ÅR (R-A3)."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from portal.accounts.access import Scope
from portal.accounts.user_admin import (
    access_grant,
    grantable_scopes,
    managed_users,
    office_manager_activate,
)
from portal.models import AuditAction, AuditEntry, County, Membership, Role, TrainingOffice, User
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nytt-og-langt-passord-2026"


def users_url(scope_name: str, request) -> str:
    if scope_name == "national":
        return reverse("national_users")
    if scope_name.startswith("county"):
        county = request.getfixturevalue(scope_name.replace("county", "county_"))
        return reverse("county_users", args=[county.code])
    office = request.getfixturevalue(scope_name.replace("office", "office_"))
    return reverse("office_users", args=[office.orgnr])


def activation_link(message) -> str:
    return re.search(r"http://testserver(/konto/password/reset/key/\S+)", message.body).group(1)


@pytest.fixture(autouse=True)
def portal_address(settings):
    """E-mails sent outside a request link to SITE_URL."""
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def office_a_colleague(office_a):
    user = User.objects.create_user("kollega@okvest.test", PASSWORD)
    Membership.objects.create(user=user, role=Role.OFFICE, training_office=office_a)
    return user


# --- Who may manage whom ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "page", "status"),
    [
        ("national_admin", "national", 200),
        ("national_admin", "countya", 404),
        ("national_admin", "officea", 404),
        ("county_a_admin", "countya", 200),
        ("county_a_admin", "countyb", 404),
        ("county_a_admin", "national", 404),
        ("county_a_admin", "officea", 404),
        ("county_b_admin", "countya", 404),
        ("office_a_admin", "officea", 200),
        ("office_a_admin", "officeb", 404),
        ("office_a_admin", "countya", 404),
        ("outsider", "national", 404),
        ("outsider", "countya", 404),
        ("outsider", "officea", 404),
    ],
)
def test_each_role_reaches_only_its_own_user_administration(
    client, request, persona, page, status, office_b
):
    client.force_login(request.getfixturevalue(persona))
    url = users_url(page, request)
    assert client.get(url).status_code == status
    assert client.post(url, {"email": "x@y.test"}).status_code in (
        {200, 302} if status == 200 else {404}
    )


def test_anonymous_visitors_are_sent_to_log_in(client, county_a):
    response = client.get(reverse("county_users", args=[county_a.code]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_county_manages_its_administrators_and_its_offices_users_only(
    county_a, county_b, office_a, office_b, county_a_admin, county_b_admin, office_a_admin
):
    other_office_user = User.objects.create_user("leder@okost.test", PASSWORD)
    Membership.objects.create(user=other_office_user, role=Role.OFFICE, training_office=office_b)
    scope = Scope(role=Role.COUNTY, county=county_a)
    assert set(managed_users(scope)) == {county_a_admin, office_a_admin}
    keys = {s.key for s in grantable_scopes(scope)}
    assert keys == {f"fylke-{county_a.code}", f"kontor-{office_a.orgnr}"}


def test_the_national_level_manages_county_administrators_of_every_county_and_old_county(
    county_a, county_a_admin, county_b_admin, office_a_admin, national_admin
):
    scope = Scope(role=Role.NATIONAL)
    assert set(managed_users(scope)) == {county_a_admin, county_b_admin}
    keys = {s.key for s in grantable_scopes(scope)}
    assert "fylke-12" in keys and "fylke-46" in keys  # Hordaland (old) and Vestland (R-A5)
    assert not any(k.startswith("kontor-") for k in keys)


def test_a_user_of_another_organisation_is_404_on_the_users_page(
    client, county_a_admin, county_b_admin, county_a
):
    client.force_login(county_a_admin)
    url = reverse("county_user", args=[county_a.code, county_b_admin.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "deactivate"}).status_code == 404
    county_b_admin.refresh_from_db()
    assert county_b_admin.is_active


def test_an_office_admin_cannot_grant_access_to_the_county(office_a_admin, office_a, county_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        access_grant(
            email="ny@okvest.test",
            target=Scope(role=Role.COUNTY, county=county_a),
            by=Scope(role=Role.OFFICE, office=office_a),
        )
    assert not User.objects.filter(email="ny@okvest.test").exists()


# --- Adding a user, the invitation and the activation -----------------------------------------


def test_an_office_admin_adds_a_user_who_chooses_a_password_and_logs_in(
    client, office_a_admin, office_a, django_capture_on_commit_callbacks
):
    client.force_login(office_a_admin)
    url = reverse("office_users", args=[office_a.orgnr])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url,
            {
                "email": " Ny.Kollega@OKVest.test ",
                "full_name": "Ny Kollega",
                "organisation": f"kontor-{office_a.orgnr}",
            },
        )
    assert response.status_code == 302
    user = User.objects.get(email="ny.kollega@okvest.test")
    assert not user.has_usable_password()
    assert user.memberships.get().training_office == office_a
    assert [m.to for m in mail.outbox] == [["ny.kollega@okvest.test"]]
    assert office_a.name in mail.outbox[0].body
    assert "velge passord" in mail.outbox[0].body

    client.logout()
    link = activation_link(mail.outbox[0])
    form_url = client.get(link)["Location"]
    page = client.get(form_url).content.decode()
    assert "Velg nytt passord" in page
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    assert client.post(
        reverse("account_login"), {"login": user.email, "password": NEW_PASSWORD}
    ).status_code == 302
    assert client.get(reverse("home"))["Location"] == reverse(
        "office_dashboard", args=[office_a.orgnr]
    )
    actions = list(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    assert [a for a in actions if a != AuditAction.LOGIN][:3] == [
        AuditAction.USER_CREATED,
        AuditAction.MEMBERSHIP_ADDED,
        AuditAction.INVITATION_SENT,
    ]
    assert AuditAction.PASSWORD_RESET in actions and AuditAction.LOGIN in actions
    created = AuditEntry.objects.get(action=AuditAction.MEMBERSHIP_ADDED)
    assert created.training_office == office_a and created.user == office_a_admin


def test_the_invitation_link_works_once(client, office_a_admin, office_a):
    grant = access_grant(
        email="en@okvest.test",
        target=Scope(role=Role.OFFICE, office=office_a),
        by=Scope(role=Role.OFFICE, office=office_a),
    )
    from portal.accounts.mails import invitation_send

    invitation_send(user=grant.user, organisation=office_a.name, base_url="http://testserver")
    link = activation_link(mail.outbox[-1])
    form_url = client.get(link)["Location"]
    client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    again = client.get(link, follow=True).content.decode()
    assert "Lenken virker ikke" in again


def test_one_person_is_one_user_with_several_memberships(
    county_a_admin, county_a, office_a, django_capture_on_commit_callbacks
):
    person = User.objects.create_user("person@okvest.test", PASSWORD)
    by = Scope(role=Role.COUNTY, county=county_a)
    with django_capture_on_commit_callbacks(execute=True):
        grant = access_grant(
            email="PERSON@okvest.test", target=Scope(role=Role.OFFICE, office=office_a), by=by
        )
        again = access_grant(
            email="person@okvest.test", target=Scope(role=Role.OFFICE, office=office_a), by=by
        )
    assert grant.user == person and not grant.created and grant.added and not grant.invited
    assert not again.added
    assert User.objects.filter(email="person@okvest.test").count() == 1
    # Someone with a password gets a notice, not an activation link.
    assert len(mail.outbox) == 1
    assert "også tilgang" in mail.outbox[0].body
    assert "password/reset/key" not in mail.outbox[0].body


def test_access_to_an_old_county_is_its_own_membership(client, national_admin, county_a_admin):
    hordaland = County.objects.get(code="12")
    client.force_login(national_admin)
    client.post(
        reverse("national_user", args=[county_a_admin.pk]),
        {"action": "grant", "organisation": "fylke-12"},
    )
    assert set(county_a_admin.memberships.values_list("county__code", flat=True)) == {"46", "12"}
    client.force_login(county_a_admin)
    assert client.get(reverse("county_dashboard", args=[hordaland.code])).status_code == 200
    # Access to Hordaland gives no access to Sogn og Fjordane, merged into the same county.
    assert client.get(reverse("county_dashboard", args=["14"])).status_code == 404


# --- Deactivation and removal -------------------------------------------------------------


def test_a_deactivated_user_cannot_log_in_and_can_be_reactivated(
    client, office_a_admin, office_a_colleague, office_a
):
    client.force_login(office_a_admin)
    url = reverse("office_user", args=[office_a.orgnr, office_a_colleague.pk])
    client.post(url, {"action": "deactivate"})
    office_a_colleague.refresh_from_db()
    assert not office_a_colleague.is_active
    assert User.objects.filter(pk=office_a_colleague.pk).exists()  # never deleted

    other = client.__class__()
    response = other.post(
        reverse("account_login"), {"login": office_a_colleague.email, "password": PASSWORD}
    )
    assert "_auth_user_id" not in other.session
    assert response.status_code in (200, 302)
    if response.status_code == 302:
        assert "inactive" in response["Location"]

    client.post(url, {"action": "reactivate"})
    office_a_colleague.refresh_from_db()
    assert office_a_colleague.is_active
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {AuditAction.USER_DEACTIVATED, AuditAction.USER_REACTIVATED} <= actions


def test_a_logged_in_user_is_logged_out_when_deactivated(client, office_a_colleague, office_a):
    client.force_login(office_a_colleague)
    assert client.get(reverse("office_dashboard", args=[office_a.orgnr])).status_code == 200
    User.objects.filter(pk=office_a_colleague.pk).update(is_active=False)
    response = client.get(reverse("office_dashboard", args=[office_a.orgnr]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_a_user_with_access_elsewhere_loses_only_this_organisations_access(
    client, county_a_admin, office_a, office_b, county_a
):
    person = User.objects.create_user("to@kontor.test", PASSWORD)
    here = Membership.objects.create(user=person, role=Role.OFFICE, training_office=office_a)
    Membership.objects.create(user=person, role=Role.OFFICE, training_office=office_b)
    client.force_login(county_a_admin)
    url = reverse("county_user", args=[county_a.code, person.pk])
    page = client.get(url).content.decode()
    assert "ikke deaktivere" in page
    assert office_b.name not in page
    client.post(url, {"action": "deactivate"})
    person.refresh_from_db()
    assert person.is_active
    client.post(url, {"action": "revoke", "membership": here.pk})
    assert list(person.memberships.values_list("training_office", flat=True)) == [office_b.pk]
    assert AuditEntry.objects.filter(action=AuditAction.MEMBERSHIP_REMOVED).count() == 1


def test_an_admin_cannot_deactivate_or_remove_themselves(client, office_a_admin, office_a):
    client.force_login(office_a_admin)
    url = reverse("office_user", args=[office_a.orgnr, office_a_admin.pk])
    own = office_a_admin.memberships.get()
    client.post(url, {"action": "deactivate"})
    client.post(url, {"action": "revoke", "membership": own.pk})
    office_a_admin.refresh_from_db()
    assert office_a_admin.is_active
    assert office_a_admin.memberships.count() == 1


def test_a_new_activation_email_can_be_sent(
    client, office_a_admin, office_a, django_capture_on_commit_callbacks
):
    invited = access_grant(
        email="venter@okvest.test",
        target=Scope(role=Role.OFFICE, office=office_a),
        by=Scope(role=Role.OFFICE, office=office_a),
    ).user
    client.force_login(office_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("office_user", args=[office_a.orgnr, invited.pk]), {"action": "invite"}
        )
    assert [m.to for m in mail.outbox] == [["venter@okvest.test"]]


# --- R-A3: ÅR to an office without a user ------------------------------------------------------


def office_with_email(county, email="dagligleder@okvest.test", valid=True) -> TrainingOffice:
    from demo.portal_users import valid_orgnr

    return TrainingOffice.objects.create(
        orgnr=valid_orgnr(97000501),
        name="Opplæringskontoret Fjord",
        county=county,
        manager_name="Dagny Leder",
        email=email,
        email_valid=valid,
    )


def test_ar_to_an_office_without_users_activates_its_managing_director_once(
    county_a, django_capture_on_commit_callbacks, settings
):
    settings.SITE_URL = "https://undersokelse.example.no"
    office = office_with_email(county_a)
    with django_capture_on_commit_callbacks(execute=True):
        user = office_manager_activate(office=office, county=county_a)
        again = office_manager_activate(office=office, county=county_a)
    assert user is not None and again is None
    assert user.email == "dagligleder@okvest.test" and user.full_name == "Dagny Leder"
    assert user.memberships.get().training_office == office
    assert len(mail.outbox) == 1
    assert "password/reset/key" in mail.outbox[0].body
    assert "https://undersokelse.example.no/konto/password/reset/key/" in mail.outbox[0].body
    entry = AuditEntry.objects.get(action=AuditAction.USER_CREATED)
    assert entry.detail["reason"] == "ar_sent" and entry.county == county_a


def test_ar_activation_needs_a_valid_email_and_the_offices_own_county(county_a, county_b):
    from django.core.exceptions import PermissionDenied

    office = office_with_email(county_a, email="ikke-en-adresse", valid=False)
    assert office_manager_activate(office=office, county=county_a) is None
    with pytest.raises(PermissionDenied):
        office_manager_activate(office=office, county=county_b)
    assert not User.objects.exists()


def test_ar_activation_leaves_an_office_that_already_has_a_user(
    county_a, office_a, office_a_admin
):
    office_a.email, office_a.email_valid = "annen@okvest.test", True
    office_a.save()
    assert office_manager_activate(office=office_a, county=county_a) is None
    assert not User.objects.filter(email="annen@okvest.test").exists()


def test_without_an_address_for_links_nothing_is_granted(county_a, settings):
    from django.core.exceptions import ImproperlyConfigured

    settings.SITE_URL = ""
    office = office_with_email(county_a)
    with pytest.raises(ImproperlyConfigured):
        office_manager_activate(office=office, county=county_a)
    assert not User.objects.exists()
    assert not AuditEntry.objects.exists()
