"""Single sign-on end to end: the portal (a live server) logs people in through a real OpenID
Connect provider (django-oauth-toolkit, tests/oidc_provider) started in a subprocess on a free
port, with a real HTTP client following every redirect between the two."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
from allauth.socialaccount.models import SocialAccount
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from portal.models import AuditAction, AuditEntry, Membership, Role, User

pytestmark = [pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID = "portal-test-client"
CLIENT_SECRET = "portal-test-secret-0123456789"
PROVIDER_ID = "testidp"
PEOPLE: list[dict[str, Any]] = [
    {"username": "kari", "email": "kari@okvest.test", "password": "kari-passord-123"},
    {"username": "ola", "email": "ola@ukjent.test", "password": "ola-passord-123"},
    {
        "username": "per",
        "email": "per@okvest.test",
        "password": "per-passord-123",
        "verified": False,
    },
    {"username": "sluttet", "email": "sluttet@okvest.test", "password": "sluttet-passord-1"},
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rsa_key_pem() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.fixture(scope="module")
def provider(live_server, tmp_path_factory):
    """The ID provider's issuer URL, running until the module's tests are done."""
    port = free_port()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.oidc_provider.settings",
        "OIDC_TEST_DB": str(tmp_path_factory.mktemp("oidc") / "provider.sqlite3"),
        "OIDC_TEST_KEY": rsa_key_pem(),
        "OIDC_TEST_SETUP": json.dumps(
            {
                "client_id": CLIENT_ID,
                "client_secret": CLIENT_SECRET,
                "redirect_uri": f"{live_server.url}/konto/oidc/{PROVIDER_ID}/login/callback/",
                "users": PEOPLE,
            }
        ),
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.oidc_provider.run", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline()  # blocks until the provider has migrated and listens
        if line.strip() != "ready":
            pytest.fail(f"the OIDC provider did not start: {line}{process.stderr.read()}")
        yield f"http://127.0.0.1:{port}/o"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def sso(provider, settings):
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "APPS": [
                {
                    "provider_id": PROVIDER_ID,
                    "name": "Test-ID",
                    "client_id": CLIENT_ID,
                    "secret": CLIENT_SECRET,
                    "settings": {"server_url": provider, "oauth_pkce_enabled": True},
                }
            ]
        }
    }
    return provider


def csrf_from(html: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)


def sso_login(live_server, person: dict) -> requests.Response:
    """What a browser does: the portal's login page, its button, the provider's login form, and
    every redirect back; returns the last response."""
    http = requests.Session()
    page = http.get(f"{live_server.url}{reverse('account_login')}", timeout=10)
    assert "Logg inn med Test-ID" in page.text
    action = re.search(r'<form method="post" action="([^"]*/oidc/[^"]+)"', page.text).group(1)
    at_provider = http.post(
        urljoin(page.url, action.replace("&amp;", "&")),
        data={"csrfmiddlewaretoken": csrf_from(page.text)},
        headers={"Referer": page.url},
        timeout=10,
    )
    assert at_provider.url.startswith("http://127.0.0.1:") and "/login/" in at_provider.url
    return http.post(
        at_provider.url,
        data={
            "csrfmiddlewaretoken": csrf_from(at_provider.text),
            "username": person["username"],
            "password": person["password"],
            "next": re.search(r'name="next" value="([^"]*)"', at_provider.text)
            .group(1)
            .replace("&amp;", "&"),
        },
        headers={"Referer": at_provider.url},
        timeout=30,
    )


@pytest.fixture
def kari(office_a):
    user = User.objects.create_user("kari@okvest.test", None, full_name="Kari")
    Membership.objects.create(user=user, role=Role.OFFICE, training_office=office_a)
    return user


def test_a_user_logs_in_through_the_id_provider_by_verified_email(sso, live_server, kari, office_a):
    landed = sso_login(live_server, PEOPLE[0])
    assert landed.status_code == 200
    assert landed.url == f"{live_server.url}{reverse('office_dashboard', args=[office_a.orgnr])}"
    assert office_a.name in landed.text
    assert kari.socialaccount_set.get().provider == PROVIDER_ID
    login = AuditEntry.objects.get(action=AuditAction.LOGIN, user=kari)
    assert "socialaccount" in login.detail["methods"]
    # The second time the link is already there.
    again = sso_login(live_server, PEOPLE[0])
    assert again.url.endswith(reverse("office_dashboard", args=[office_a.orgnr]))
    assert kari.socialaccount_set.count() == 1


def test_an_unknown_email_is_refused_and_no_user_is_created(sso, live_server, kari):
    refused = sso_login(live_server, PEOPLE[1])
    assert refused.status_code == 403
    assert "Ingen aktiv bruker i portalen har e-postadressen" in refused.text
    assert not User.objects.filter(email="ola@ukjent.test").exists()
    failed = AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED)
    assert failed.email == "ola@ukjent.test" and failed.detail["reason"] == "no_user"


def test_an_unverified_email_is_refused_even_for_an_existing_user(sso, live_server, office_a):
    per = User.objects.create_user("per@okvest.test", None)
    Membership.objects.create(user=per, role=Role.OFFICE, training_office=office_a)
    refused = sso_login(live_server, PEOPLE[2])
    assert refused.status_code == 403
    assert "bekreftet e-postadresse" in refused.text
    assert not SocialAccount.objects.filter(user=per).exists()
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).detail["reason"] == "unverified"


def test_a_deactivated_user_is_refused(sso, live_server, office_a):
    gone = User.objects.create_user("sluttet@okvest.test", None, is_active=False)
    Membership.objects.create(user=gone, role=Role.OFFICE, training_office=office_a)
    refused = sso_login(live_server, PEOPLE[3])
    assert refused.status_code == 403
    assert not SocialAccount.objects.filter(user=gone).exists()
    assert AuditEntry.objects.get(action=AuditAction.LOGIN_FAILED).detail["reason"] == "no_user"


def test_without_configuration_there_is_no_sso_button(client, db):
    assert "Logg inn med" not in client.get(reverse("account_login")).content.decode()


def test_a_half_configured_provider_stops_start_up():
    env = {
        **os.environ,
        "OIDC_SERVER_URL": "https://idporten.example.no",
        "OIDC_CLIENT_ID": "portal",
        "DJANGO_SETTINGS_MODULE": "portal.settings",
    }
    env.pop("OIDC_CLIENT_SECRET", None)
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "OIDC_CLIENT_SECRET" in result.stderr
