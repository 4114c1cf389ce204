"""Two-factor login (allauth.mfa): required for national and county administrators and for
staff before any page but the account pages, the Django admin included; offered to everyone."""

import io

import pytest
from allauth.mfa.models import Authenticator
from django.core.cache import cache
from django.urls import reverse

from demo.portal_users import load_demo_two_factor
from portal.models import AuditAction, AuditEntry, Membership, Role, User
from tests.conftest import PASSWORD, TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db


@pytest.fixture
def county_admin_without_2fa(county_a):
    user = User.objects.create_user("ny@vestland.test", PASSWORD)
    Membership.objects.create(user=user, role=Role.COUNTY, county=county_a)
    return user


def fresh_code(user, secret: str = TOTP_SECRET) -> str:
    code = totp_code(secret)
    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    return code


def log_in(client, user, secret: str | None = None) -> None:
    """Through allauth's own login: the password, then the code if the user has an app."""
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    if response["Location"] == reverse("mfa_authenticate"):
        response = client.post(
            reverse("mfa_authenticate"), {"code": fresh_code(user, secret or TOTP_SECRET)}
        )
    assert response.status_code == 302


def reauthenticate(client) -> None:
    """allauth asks for the password again before any change of how one logs in."""
    response = client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.parametrize(
    "path",
    ["/fylke/46/", "/fylke/46/brukere/", "/fylke/46/svarprosent/", "/admin/", "/nasjonalt/"],
)
def test_a_county_admin_without_a_second_factor_is_sent_to_set_one_up(
    client, county_admin_without_2fa, path
):
    client.force_login(county_admin_without_2fa)
    response = client.get(path)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_index")


def test_the_setup_page_says_why_and_account_pages_stay_open(client, county_admin_without_2fa):
    log_in(client, county_admin_without_2fa)
    page = client.get(reverse("mfa_index"))
    assert page.status_code == 200
    assert "må logge inn med to faktorer" in page.content.decode()
    assert client.get(reverse("mfa_activate_totp"))["Location"].startswith(
        reverse("account_reauthenticate")
    )
    for path in [reverse("account_reauthenticate"), reverse("help")]:
        assert client.get(path).status_code == 200, path
    reauthenticate(client)
    assert client.get(reverse("mfa_activate_totp")).status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302


def test_htmx_requests_are_redirected_by_header(client, county_admin_without_2fa):
    client.force_login(county_admin_without_2fa)
    response = client.get("/fylke/46/svarprosent/", HTTP_HX_REQUEST="true")
    assert response["HX-Redirect"] == reverse("mfa_index")


def test_staff_need_two_factors_for_the_admin(client, db):
    staff = User.objects.create_superuser("drift@udir.test", PASSWORD)
    client.force_login(staff)
    assert client.get("/admin/")["Location"] == reverse("mfa_index")


def test_an_office_admin_is_offered_but_not_forced(client, office_a_admin, office_a):
    client.force_login(office_a_admin)
    assert client.get(reverse("office_dashboard", args=[office_a.orgnr])).status_code == 200
    body = client.get(reverse("mfa_index")).content.decode()
    assert "Sett opp en autentiseringsapp" in body
    assert "må logge inn med to faktorer" not in body


def test_setting_up_the_app_lets_the_county_admin_in(
    client, county_admin_without_2fa, county_a, django_capture_on_commit_callbacks
):
    log_in(client, county_admin_without_2fa)
    reauthenticate(client)
    page = client.get(reverse("mfa_activate_totp")).content.decode()
    assert 'src="data:image/svg+xml;base64,' in page
    secret = client.session["mfa.totp.secret"]
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("mfa_activate_totp"), {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_view_recovery_codes")
    codes_page = client.get(response["Location"]).content.decode()
    assert "Ubrukte koder: 10 av 10" in codes_page
    assert client.get(reverse("county_dashboard", args=[county_a.code])).status_code == 200
    entry = AuditEntry.objects.filter(action=AuditAction.MFA_CHANGED).first()
    assert entry.user == county_admin_without_2fa and entry.detail["change"] == "added"


def test_login_asks_for_the_code_and_records_a_wrong_one(client, county_a_admin, county_a):
    response = client.post(
        reverse("account_login"), {"login": county_a_admin.email, "password": PASSWORD}
    )
    assert response["Location"] == reverse("mfa_authenticate")
    assert client.get(reverse("county_dashboard", args=[county_a.code])).status_code == 302
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert wrong.status_code == 200
    assert "Koden er feil eller utløpt" in wrong.content.decode()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.user == county_a_admin and failed.detail["method"] == "two_factor"

    done = client.post(reverse("mfa_authenticate"), {"code": fresh_code(county_a_admin)})
    assert done.status_code == 302
    assert client.get(reverse("county_dashboard", args=[county_a.code])).status_code == 200
    login = AuditEntry.objects.get(action=AuditAction.LOGIN)
    assert "mfa" in login.detail["methods"]


def test_a_recovery_code_logs_in_once(client, county_a_admin, county_a):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    code = RecoveryCodes.activate(county_a_admin).get_unused_codes()[0]
    for attempt in range(2):
        client.post(reverse("account_login"), {"login": county_a_admin.email, "password": PASSWORD})
        response = client.post(reverse("mfa_authenticate"), {"code": code})
        assert response.status_code == (302 if attempt == 0 else 200)
        client.logout()


def test_a_county_admin_cannot_turn_off_the_only_second_factor(client, county_a_admin):
    log_in(client, county_a_admin)
    reauthenticate(client)
    response = client.post(reverse("mfa_deactivate_totp"))
    assert response.status_code == 200
    assert "kan ikke slås av" in response.content.decode()
    assert Authenticator.objects.filter(user=county_a_admin, type="totp").exists()


def test_an_office_admin_can_turn_theirs_off(client, office_a_admin):
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(office_a_admin, TOTP_SECRET)
    log_in(client, office_a_admin)
    reauthenticate(client)
    assert client.post(reverse("mfa_deactivate_totp")).status_code == 302
    assert not Authenticator.objects.filter(user=office_a_admin).exists()


def test_the_demo_gives_its_county_and_national_admins_an_authenticator(
    county_a_admin, national_admin
):
    for user, email in ((county_a_admin, "fylke@demo.no"), (national_admin, "nasjonal@demo.no")):
        User.objects.filter(pk=user.pk).update(email=email)
    printed: list[str] = []
    secrets = load_demo_two_factor(printed.append)
    assert set(secrets) == {"fylke@demo.no", "nasjonal@demo.no"}
    county_a_admin.refresh_from_db()
    totp = Authenticator.objects.get(user=county_a_admin, type="totp")
    assert totp.wrap().validate_code(totp_code(secrets["fylke@demo.no"]))
    assert Authenticator.objects.filter(user=county_a_admin, type="recovery_codes").exists()
    text = "\n".join(printed)
    assert secrets["fylke@demo.no"] in text and "recovery codes" in text


def _stored(user, kind: str) -> dict:
    return Authenticator.objects.values_list("data", flat=True).get(user=user, type=kind)


def test_the_two_factor_keys_are_sealed_in_the_database(county_a_admin):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    RecoveryCodes.activate(county_a_admin)
    stored_secret = _stored(county_a_admin, "totp")["secret"]
    assert TOTP_SECRET not in stored_secret and stored_secret.startswith("gAAAAA")
    assert _stored(county_a_admin, "recovery_codes")["seed"].startswith("gAAAAA")
    totp = Authenticator.objects.get(user=county_a_admin, type="totp").wrap()
    assert totp.validate_code(fresh_code(county_a_admin))


def test_a_rotated_secret_key_keeps_the_codes_working_and_mfa_reseal_moves_them(
    county_a_admin, settings
):
    from cryptography.fernet import InvalidToken
    from django.core.management import call_command

    old_key = settings.SECRET_KEY
    settings.SECRET_KEY = "the-new-secret-key-" + "n" * 40
    settings.SECRET_KEY_FALLBACKS = [old_key]
    totp = Authenticator.objects.get(user=county_a_admin, type="totp")
    assert totp.wrap().validate_code(fresh_code(county_a_admin))

    call_command("mfa_reseal", stdout=io.StringIO())
    settings.SECRET_KEY_FALLBACKS = []
    totp.refresh_from_db()
    assert totp.wrap().validate_code(fresh_code(county_a_admin))

    settings.SECRET_KEY = old_key  # a key that never sealed it opens nothing
    with pytest.raises(InvalidToken):
        totp.wrap().validate_code(totp_code(TOTP_SECRET))


def test_keys_stored_before_sealing_still_work_and_are_sealed_by_mfa_reseal(county_a_admin):
    from django.core.management import call_command

    Authenticator.objects.filter(user=county_a_admin, type="totp").update(
        data={"secret": TOTP_SECRET}
    )
    totp = Authenticator.objects.get(user=county_a_admin, type="totp")
    assert totp.wrap().validate_code(fresh_code(county_a_admin))
    call_command("mfa_reseal", stdout=io.StringIO())
    assert _stored(county_a_admin, "totp")["secret"].startswith("gAAAAA")
    totp.refresh_from_db()
    assert totp.wrap().validate_code(fresh_code(county_a_admin))
