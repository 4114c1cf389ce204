"""The session table holds keyed hashes of the session keys: a copy of it logs nobody in, while
the cookies keep working through login, logout, flush and clearsessions."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.core.cache import cache
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse

from portal.accounts.sessions import SessionStore, stored_key
from tests.conftest import PASSWORD, totp_code

pytestmark = pytest.mark.django_db

COOKIE = settings.SESSION_COOKIE_NAME


def log_in_with_two_factors(client: Client, user) -> None:
    response = client.post(reverse("account_login"), {"login": user.email, "password": PASSWORD})
    assert response["Location"] == reverse("mfa_authenticate")
    code = totp_code()
    cache.delete(f"allauth.mfa.totp.used?user={user.pk}&code={code}")
    assert client.post(reverse("mfa_authenticate"), {"code": code}).status_code == 302


def opens(client: Client, path: str) -> bool:
    response = client.get(path)
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("account_login")), response["Location"]
        return False
    assert response.status_code == 200
    return True


def test_a_stored_session_key_used_as_cookie_opens_no_page(county_a_admin, county_a):
    admin = Client()
    before_login = admin.get(reverse("account_login"))
    assert before_login.status_code == 200
    log_in_with_two_factors(admin, county_a_admin)
    pages = [
        reverse("county_dashboard", args=[county_a.code]),
        reverse("county_quality", args=[county_a.code]),
    ]
    assert all(opens(admin, path) for path in pages)

    cookie = admin.cookies[COOKIE].value
    stored = list(Session.objects.values_list("session_key", flat=True))
    assert stored and cookie not in stored
    assert stored_key(cookie) in stored
    for key in stored:
        thief = Client()
        thief.cookies[COOKIE] = key
        assert not any(opens(thief, path) for path in pages)
    # The real cookie still opens them.
    assert all(opens(admin, path) for path in pages)


def test_login_logout_flush_exists_and_clearsessions_work_on_the_stored_keys(county_a_admin):
    client = Client()
    client.get(reverse("account_login"))
    client.session.save()  # a session before login, to see cycle_key replace it
    anonymous = client.session.session_key
    client.cookies[COOKIE] = anonymous
    log_in_with_two_factors(client, county_a_admin)
    cookie = client.cookies[COOKIE].value
    assert cookie != anonymous
    assert not Session.objects.filter(session_key=stored_key(anonymous)).exists()
    assert SessionStore().exists(cookie) and not SessionStore().exists(stored_key(cookie))

    client.post(reverse("account_logout"))
    assert not Session.objects.filter(session_key=stored_key(cookie)).exists()
    thief = Client()
    thief.cookies[COOKIE] = cookie
    assert "_auth_user_id" not in thief.session

    store = SessionStore()
    store["x"] = 1
    store.save()
    key = store.session_key
    assert Session.objects.filter(session_key=stored_key(key)).exists()
    store.flush()
    assert not Session.objects.filter(session_key=stored_key(key)).exists()

    expired = SessionStore()
    expired.set_expiry(-60)
    expired.save()
    assert Session.objects.filter(session_key=stored_key(expired.session_key)).exists()
    call_command("clearsessions")
    assert not Session.objects.filter(session_key=stored_key(expired.session_key)).exists()


def test_a_rotated_secret_key_keeps_sessions_and_moves_them_to_the_new_key(county_a_admin):
    old = settings.SECRET_KEY
    client = Client()
    client.force_login(county_a_admin)
    cookie = client.cookies[COOKIE].value
    under_old = stored_key(cookie)
    with override_settings(SECRET_KEY="rotated-secret-key-" + "z" * 40, SECRET_KEY_FALLBACKS=[old]):
        assert client.session.get("_auth_user_id") == str(county_a_admin.pk)
        assert Session.objects.filter(session_key=stored_key(cookie)).exists()
        assert not Session.objects.filter(session_key=under_old).exists()
