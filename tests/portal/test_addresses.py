"""Addresses are identities (portal.accounts.addresses): access is granted, activated (R-A3) and
logged
in to only through an address the user proved or the login address the portal set; nobody adds
or changes an address; the activation link proves the address, so a new administrator sets up
two-factor login at once."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.internal.flows.add import validate_can_add_authenticator
from django.core import mail
from django.core.management import CommandError, call_command
from django.urls import reverse

from demo.portal_users import DEMO_LOGINS, load_demo_users
from portal.accounts.access import Scope
from portal.accounts.user_admin import access_grant, office_manager_activate
from portal.models import Membership, Role, TrainingOffice, User
from tests.conftest import totp_code

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Nytt-og-langt-passord-2026"
ATTACKER_PASSWORD = "angriperens-eget-passord-77"
NEW_COUNTY_ADMIN = "ny.fylkesadmin@vestland.test"
REFUSED = "En bruker har lagt {} til på kontoen sin uten å bekrefte adressen"


@pytest.fixture(autouse=True)
def portal_address(settings):
    settings.SITE_URL = "http://testserver"


def activation_link(message) -> str:
    return re.search(r"http://testserver(/konto/password/reset/key/\S+)", message.body).group(1)


def unproved_claim(user: User, email: str) -> EmailAddress:
    """An address the user added to their account themselves and never confirmed (possible
    while the address page was open, or from an identity provider)."""
    return EmailAddress.objects.create(user=user, email=email, primary=False, verified=False)


def county_grant(client, county_a, email: str):
    return client.post(
        reverse("county_users", args=[county_a.code]),
        {"email": email, "full_name": "Ny Fylkesadmin", "organisation": f"fylke-{county_a.code}"},
    )


# --- The attack: every address operation against someone else's address ----------------------


ADDRESS_ACTIONS = ("action_add", "action_primary", "action_remove", "action_send")


def test_an_office_user_cannot_take_another_users_address_or_one_about_to_be_granted(
    client, office_a_admin, county_a_admin, national_admin, county_a,
    django_capture_on_commit_callbacks,
):
    client.force_login(office_a_admin)
    for address in (national_admin.email, NEW_COUNTY_ADMIN):
        for action in ADDRESS_ACTIONS:
            response = client.post("/konto/email/", {"email": address, action: ""})
            assert response.status_code == 404, (address, action)
        assert client.get("/konto/email/").status_code == 404
        assert client.get("/konto/confirm-email/abc123/").status_code == 404
    assert not EmailAddress.objects.filter(user=office_a_admin).exists()

    client.force_login(county_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert county_grant(client, county_a, NEW_COUNTY_ADMIN).status_code == 302
    newcomer = User.objects.get(email=NEW_COUNTY_ADMIN)
    assert newcomer != office_a_admin
    assert newcomer.memberships.get().county == county_a
    assert [m.role for m in office_a_admin.memberships.all()] == [Role.OFFICE]
    assert [m.to for m in mail.outbox] == [[NEW_COUNTY_ADMIN]]


def test_an_address_a_user_only_claimed_does_not_log_in_to_their_account(
    client, office_a_admin, national_admin
):
    office_a_admin.set_password(ATTACKER_PASSWORD)
    office_a_admin.save()
    unproved_claim(office_a_admin, national_admin.email)
    response = client.post(
        reverse("account_login"), {"login": national_admin.email, "password": ATTACKER_PASSWORD}
    )
    assert response.status_code == 200
    assert "_auth_user_id" not in client.session


# --- Granting: refused for a user's unproved claim, landing on the right user otherwise -------


def test_the_county_page_refuses_an_address_a_user_claimed_unproved(
    client, county_a_admin, office_a_admin, county_a
):
    unproved_claim(office_a_admin, NEW_COUNTY_ADMIN)
    client.force_login(county_a_admin)
    response = county_grant(client, county_a, NEW_COUNTY_ADMIN)
    assert response.status_code == 200
    assert REFUSED.format(NEW_COUNTY_ADMIN) in response.content.decode()
    assert not User.objects.filter(email=NEW_COUNTY_ADMIN).exists()
    assert not office_a_admin.memberships.filter(role=Role.COUNTY).exists()


def test_the_user_page_refuses_a_grant_while_another_user_claims_the_address(
    client, county_a_admin, office_a_admin, outsider, county_a
):
    unproved_claim(outsider, office_a_admin.email)
    client.force_login(county_a_admin)
    url = reverse("county_user", args=[county_a.code, office_a_admin.pk])
    response = client.post(
        url, {"action": "grant", "organisation": f"fylke-{county_a.code}"}, follow=True
    )
    assert response.status_code == 200
    assert REFUSED.format(office_a_admin.email) in response.content.decode()
    assert not Membership.objects.filter(role=Role.COUNTY, county=county_a).exclude(
        user=county_a_admin
    ).exists()


def test_grant_access_refuses_an_address_a_user_claimed_unproved(office_a_admin, county_a):
    unproved_claim(office_a_admin, NEW_COUNTY_ADMIN)
    with pytest.raises(CommandError, match=REFUSED.format(NEW_COUNTY_ADMIN)):
        call_command("grant_access", NEW_COUNTY_ADMIN, "--county", county_a.code)
    assert not Membership.objects.filter(role=Role.COUNTY, county=county_a).exists()


def test_ar_activation_skips_an_office_whose_address_a_user_claimed_unproved(
    county_a, office_a_admin, django_capture_on_commit_callbacks
):
    from demo.portal_users import valid_orgnr

    office = TrainingOffice.objects.create(
        orgnr=valid_orgnr(97000501),
        name="Opplæringskontoret Fjord",
        county=county_a,
        manager_name="Dagny Leder",
        email="dagligleder@fjord.test",
        email_valid=True,
    )
    unproved_claim(office_a_admin, office.email)
    with django_capture_on_commit_callbacks(execute=True):
        assert office_manager_activate(office=office, county=county_a) is None
    assert not Membership.objects.filter(training_office=office).exists()
    assert mail.outbox == []


def test_a_second_grant_to_a_user_the_portal_made_lands_on_them(county_a, office_a):
    by = Scope(role=Role.COUNTY, county=county_a)
    first = access_grant(email=NEW_COUNTY_ADMIN, target=by, by=by)
    second = access_grant(
        email=NEW_COUNTY_ADMIN, target=Scope(role=Role.OFFICE, office=office_a), by=by
    )
    assert first.created and not second.created and second.user == first.user
    assert first.user.memberships.count() == 2
    # The portal's own claim: primary and not yet proved, the only row.
    row = EmailAddress.objects.get(email=NEW_COUNTY_ADMIN)
    assert (row.user, row.primary, row.verified) == (first.user, True, False)


def test_a_grant_to_an_address_a_user_proved_adds_the_membership(county_a, outsider):
    EmailAddress.objects.create(user=outsider, email="kari@ny.test", primary=False, verified=True)
    by = Scope(role=Role.COUNTY, county=county_a)
    grant = access_grant(email="Kari@Ny.test", target=by, by=by)
    assert grant.user == outsider and not grant.created and grant.added
    assert User.objects.filter(email__iexact="kari@ny.test").count() == 0


def test_grant_access_makes_the_user_with_the_portals_claim_and_sends_the_activation(
    county_a, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("grant_access", NEW_COUNTY_ADMIN, "--county", county_a.code)
    user = User.objects.get(email=NEW_COUNTY_ADMIN)
    assert user.memberships.get().county == county_a
    row = EmailAddress.objects.get(user=user)
    assert (row.email, row.primary, row.verified) == (NEW_COUNTY_ADMIN, True, False)
    assert [m.to for m in mail.outbox] == [[NEW_COUNTY_ADMIN]]
    assert "/konto/password/reset/key/" in mail.outbox[0].body


# --- The activation link proves the address ---------------------------------------------------


def test_a_new_county_admin_goes_from_the_invitation_to_two_factor_and_the_county_page(
    client, county_a_admin, county_a, django_capture_on_commit_callbacks
):
    client.force_login(county_a_admin)
    with django_capture_on_commit_callbacks(execute=True):
        assert county_grant(client, county_a, NEW_COUNTY_ADMIN).status_code == 302
    client.logout()
    (invitation,) = mail.outbox
    assert invitation.to == [NEW_COUNTY_ADMIN]

    form_url = client.get(activation_link(invitation))["Location"]
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user = User.objects.get(email=NEW_COUNTY_ADMIN)
    row = EmailAddress.objects.get(user=user)
    assert (row.email, row.primary, row.verified) == (NEW_COUNTY_ADMIN, True, True)

    response = client.post(
        reverse("account_login"), {"login": NEW_COUNTY_ADMIN, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302
    county_page = reverse("county_dashboard", args=[county_a.code])
    assert client.get(county_page)["Location"] == reverse("mfa_index")
    reauthenticated = client.post(reverse("account_reauthenticate"), {"password": NEW_PASSWORD})
    assert reauthenticated.status_code == 302
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    assert client.get(county_page).status_code == 200


def test_proving_the_login_address_drops_the_users_own_unproved_claims(office_a_admin):
    from portal.accounts.addresses import address_prove

    unproved_claim(office_a_admin, "annen@adresse.test")
    address_prove(office_a_admin)
    rows = EmailAddress.objects.filter(user=office_a_admin)
    assert [(r.email, r.primary, r.verified) for r in rows] == [
        (office_a_admin.email, True, True)
    ]
    validate_can_add_authenticator(office_a_admin)


def test_the_demo_users_have_proved_addresses(office_a):
    for _ in range(2):  # and again, as `load_demo` run twice
        load_demo_users(office_a)
    for login in DEMO_LOGINS:
        user = User.objects.get(email=login.email)
        rows = EmailAddress.objects.filter(user=user)
        assert [(r.email, r.primary, r.verified) for r in rows] == [(login.email, True, True)]
        assert user.check_password("demo-passord-2026")
        validate_can_add_authenticator(user)
