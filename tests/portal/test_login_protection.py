"""The login's protections: the admin goes through the portal's login, failed logins lock an
account only from the address they came from, a completed reset lifts the lock, and the reset
mail leaves from a task so known and unknown addresses answer alike."""

import re
import statistics
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.test.testcases import TestCase
from django.urls import reverse

from portal.models import Membership, Role
from registry_import.models import Trade
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ATTACKER, OWNER = "203.0.113.66", "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def login(client, email, password, address):
    return client.post(
        reverse("account_login"), {"login": email, "password": password}, REMOTE_ADDR=address
    )


def locked(response) -> bool:
    return "For mange mislykkede forsøk" in response.content.decode()


# --- The admin ------------------------------------------------------------------------------


def test_the_admin_login_is_the_portal_login(client, national_admin):
    response = client.get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert "next=" in response["Location"]
    # Its own form does not take passwords: fifteen tries change nothing and log no one in.
    for _ in range(15):
        tried = client.post("/admin/login/", {"username": national_admin.email, "password": "feil"})
        assert tried.status_code == 302
        assert tried["Location"].startswith(reverse("account_login"))
    right = client.post("/admin/login/", {"username": national_admin.email, "password": PASSWORD})
    assert right.status_code == 302 and "_auth_user_id" not in client.session


def test_wrong_passwords_on_the_way_to_the_admin_meet_the_portal_limit(client, national_admin):
    national_admin.is_staff = True
    national_admin.save()
    for _ in range(5):
        login(client, national_admin.email, "feil", ATTACKER)
    assert locked(login(client, national_admin.email, PASSWORD, ATTACKER))


def test_staff_without_the_national_role_see_no_register_data_in_the_admin(
    client, county_a_admin, national_admin
):
    Trade.objects.create(code="ELELE3----", name="Elektrikerfaget")
    county_a_admin.is_staff = county_a_admin.is_superuser = True
    county_a_admin.save()
    client.force_login(county_a_admin)
    index = client.get("/admin/").content.decode()
    for model in ("contract", "apprentice", "professionalleader", "importrun", "company"):
        assert f"/admin/registry_import/{model}/" not in index
        assert f"/admin/portal/{model}/" not in index
    for path in (
        "/admin/registry_import/contract/",
        "/admin/registry_import/apprentice/",
        "/admin/registry_import/professionalleader/",
        "/admin/registry_import/trade/",
        "/admin/portal/company/",
    ):
        assert client.get(path).status_code == 403, path

    national_admin.is_staff = True
    national_admin.is_superuser = True
    national_admin.save()
    client.force_login(national_admin)
    assert client.get("/admin/registry_import/contract/").status_code == 200
    assert "/admin/registry_import/contract/" in client.get("/admin/").content.decode()
    assert Membership.objects.filter(user=national_admin, role=Role.NATIONAL).exists()


# --- Lockout per account and address ----------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_only_from_that_address(client, office_a_admin):
    for _ in range(5):
        assert not locked(login(client, office_a_admin.email, "feil-passord", ATTACKER))
    assert locked(login(client, office_a_admin.email, PASSWORD, ATTACKER))
    # The owner, somewhere else, logs in.
    from django.test import Client

    owner = Client()
    response = login(owner, office_a_admin.email, PASSWORD, OWNER)
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


def test_a_completed_password_reset_lifts_the_lock(client, county_a_admin):
    for _ in range(5):
        login(client, county_a_admin.email, "feil-passord", ATTACKER)
    assert locked(login(client, county_a_admin.email, PASSWORD, ATTACKER))

    with TestCase.captureOnCommitCallbacks(execute=True):
        client.post(reverse("account_reset_password"), {"email": county_a_admin.email})
    path = re.search(r"https?://testserver(\S+)", str(mail.outbox[0].body)).group(1)
    page = client.get(path, follow=True)
    action = page.redirect_chain[-1][0] if page.redirect_chain else path
    new = "et-helt-nytt-passord-2026"
    assert client.post(action, {"password1": new, "password2": new}).status_code == 302

    response = login(client, county_a_admin.email, new, ATTACKER)
    assert not locked(response)
    assert response.status_code == 302


# --- The reset mail leaves from a task --------------------------------------------------------


def test_no_mail_is_sent_in_the_request_known_or_unknown(client, county_a_admin):
    for email in (county_a_admin.email, "ukjent@ingen.test"):
        with TestCase.captureOnCommitCallbacks(execute=False) as queued:
            response = client.post(reverse("account_reset_password"), {"email": email})
        assert response.status_code == 302
        assert mail.outbox == []  # nothing sent while the request was answered
        assert len(queued) == 1  # the same work for both: one task queued
    assert mail.outbox == []


def test_known_and_unknown_addresses_answer_in_about_the_same_time(client, county_a_admin):
    def timed(email):
        started = time.perf_counter()
        with TestCase.captureOnCommitCallbacks(execute=False):
            client.post(reverse("account_reset_password"), {"email": email})
        return time.perf_counter() - started

    known, unknown = [], []
    for i in range(6):
        cache.clear()  # the reset form's own rate limit
        known.append(timed(county_a_admin.email))
        unknown.append(timed(f"ukjent{i}@ingen.test"))
    # Generous: the machine is shared. Sending in the request took far longer than this.
    assert abs(statistics.median(known) - statistics.median(unknown)) < 0.05
