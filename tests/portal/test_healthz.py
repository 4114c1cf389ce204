import pytest
from django.conf import settings

from portal import health

pytestmark = pytest.mark.django_db


PUBLIC = "203.0.113.9"


def test_the_public_answer_is_only_ok_or_not(client, settings):
    settings.HEALTHZ_TOKEN = "s3cret-health-token"
    response = client.get("/healthz", REMOTE_ADDR=PUBLIC)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    # Through the proxy on the same machine it is still the public's answer.
    proxied = client.get("/healthz", HTTP_X_FORWARDED_FOR=PUBLIC)
    assert proxied.json() == {"status": "ok"}
    wrong = client.get("/healthz", REMOTE_ADDR=PUBLIC, HTTP_X_HEALTH_TOKEN="guess")
    assert wrong.json() == {"status": "ok"}


def test_details_with_the_token_from_anywhere(client, settings):
    settings.HEALTHZ_TOKEN = "s3cret-health-token"
    response = client.get("/healthz", REMOTE_ADDR=PUBLIC, HTTP_X_HEALTH_TOKEN="s3cret-health-token")
    assert response.json()["database"] == "ok"


def test_a_failure_is_503_for_the_public_without_saying_what(client, redis_url, monkeypatch):
    from portal.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz", REMOTE_ADDR=PUBLIC)
    assert response.status_code == 503
    assert response.json() == {"status": "error"}


def test_it_reports_the_database_and_broker_to_the_machine_itself(client):
    response = client.get("/healthz")
    body = response.json()
    assert body["database"] == "ok"
    expected_broker = "ok" if settings.REDIS_URL else "in-process"
    assert body["broker"] == expected_broker
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]


def test_an_unreachable_broker_is_reported_as_503(client, redis_url, monkeypatch):
    from portal.celery import app

    monkeypatch.setattr(app.conf, "broker_url", "redis://127.0.0.1:1/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"].startswith("error")


def test_a_database_failure_is_reported(monkeypatch):
    class Broken:
        def __enter__(self):
            raise OSError("connection refused")

        def __exit__(self, *exc):
            return False

    monkeypatch.setattr(health.connection, "cursor", lambda: Broken())
    assert health.database_state() == "error: OSError"
