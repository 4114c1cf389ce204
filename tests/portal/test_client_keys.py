"""Behind the proxy every rate limit counts the client the proxy names, and the cache holds
keyed hashes, never an address or its plain hash."""

import hashlib
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.urls import reverse

from portal.lib.client import client_address, client_key
from portal.lib.keyed import keyed_hash
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

PROXY, ATTACKER, OWNER = "10.0.0.2", "203.0.113.66", "198.51.100.7"


@pytest.fixture(autouse=True)
def _fresh_limits():
    cache.clear()
    yield
    cache.clear()


def through_proxy(client: Client, address: str, forged: str = "") -> dict[str, str]:
    """The headers one proxy sends: it appends the address it got the request from to
    whatever X-Forwarded-For the client sent."""
    forwarded = f"{forged}, {address}" if forged else address
    return {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": forwarded}


def login(client: Client, email: str, password: str, **meta: Any) -> Any:
    return client.post(reverse("account_login"), {"login": email, "password": password}, **meta)


def locked(response) -> bool:
    return "For mange mislykkede forsøk" in response.content.decode()


def test_client_address_takes_the_entry_as_many_from_the_right_as_there_are_proxies():
    request = RequestFactory().get(
        "/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"6.6.6.6, {ATTACKER}, 10.0.0.1"
    )
    with override_settings(BEHIND_PROXY=0):
        assert client_address(request) == PROXY  # the header is the client's own words
    with override_settings(BEHIND_PROXY=1):
        assert client_address(request) == "10.0.0.1"
    with override_settings(BEHIND_PROXY=2):
        assert client_address(request) == ATTACKER
    # Fewer entries than proxies: not from behind them all, so it counts as the proxy.
    with override_settings(BEHIND_PROXY=4):
        assert client_address(request) == PROXY
    # Something that is no address (a misconfigured proxy) counts as the proxy too.
    garbled = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="unknown")
    with override_settings(BEHIND_PROXY=1):
        assert client_address(garbled) == PROXY


@override_settings(BEHIND_PROXY=1)
def test_ten_wrong_logins_from_one_client_behind_the_proxy_block_only_that_client(
    office_a_admin,
):
    attacker = Client()
    for i in range(10):
        # Made-up accounts, so only the per-address limit ("10/m/ip") counts them; each with
        # another forged X-Forwarded-For in front of what the proxy appends.
        made_up = f"finnes-ikke-{i}@example.test"
        wrong = login(attacker, made_up, "feil", **through_proxy(attacker, ATTACKER, f"1.2.3.{i}"))
        assert not locked(wrong)
    again = login(
        attacker, office_a_admin.email, PASSWORD, **through_proxy(attacker, ATTACKER, "9.9.9.9")
    )
    assert locked(again)

    owner = Client()
    response = login(owner, office_a_admin.email, PASSWORD, **through_proxy(owner, OWNER))
    assert response.status_code == 302
    assert "_auth_user_id" in owner.session


def test_without_a_proxy_x_forwarded_for_does_not_move_the_key(office_a_admin):
    attacker = Client()
    for i in range(10):
        meta = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": f"198.51.100.{i}"}
        login(attacker, f"finnes-ikke-{i}@example.test", "feil", **meta)
    meta = {"REMOTE_ADDR": ATTACKER, "HTTP_X_FORWARDED_FOR": OWNER}
    assert locked(login(attacker, office_a_admin.email, PASSWORD, **meta))
    # The key is the keyed hash of REMOTE_ADDR, whatever the header says.
    request = RequestFactory().get("/", REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=OWNER)
    assert client_key(request) == keyed_hash("client", ATTACKER)[:32]


def test_the_keyed_hash_of_an_address_is_no_plain_hash_and_changes_with_the_secret_key():
    for value in (ATTACKER, "leder@okvest.test"):
        plain = hashlib.sha256(value.encode()).hexdigest()
        hashed = keyed_hash("client", value)
        assert hashed != plain and plain[:32] not in hashed
        with override_settings(SECRET_KEY="another-secret-key-" + "y" * 40):
            assert keyed_hash("client", value) != hashed
    request = RequestFactory().get("/", REMOTE_ADDR=ATTACKER)
    assert client_key(request) != hashlib.sha256(ATTACKER.encode()).hexdigest()[:32]


def cache_keys() -> list[str]:
    """Every key the cache holds now, as the cache's server or a dump of it shows them."""
    store: Any = cache._cache  # type: ignore[attr-defined]  # the backend's own store
    backend = store if hasattr(store, "get_client") else None
    if backend is not None:  # Redis
        return [key.decode() for key in backend.get_client().keys("*")]
    return list(store.keys())  # local memory


@override_settings(BEHIND_PROXY=1)
def test_the_cache_holds_no_address_nor_its_plain_hash(client, office_a_admin):
    meta = through_proxy(client, ATTACKER)
    for _ in range(3):
        login(client, office_a_admin.email, "feil", **meta)
    client.post(reverse("account_reset_password"), {"email": office_a_admin.email}, **meta)
    client.get("/s/" + "a" * 26 + "/", **meta)  # a wrong personal link
    keys = cache_keys()
    assert any(key.split(":", 2)[-1].startswith("allauth:rl:") for key in keys), keys
    assert any("respond-miss:" in key for key in keys), keys
    email = office_a_admin.email
    forbidden = {
        ATTACKER,
        email,
        hashlib.sha256(ATTACKER.encode()).hexdigest()[:32],
        hashlib.sha256(email.encode()).hexdigest()[:32],
    }
    for key in keys:
        for value in forbidden:
            assert value not in key, key
    assert settings.CACHES["default"]["KEY_FUNCTION"] == "portal.lib.keyed.cache_key"
