import pytest
from django.conf import settings

from portal import health

pytestmark = pytest.mark.django_db


def test_it_reports_the_database_and_broker(client):
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
