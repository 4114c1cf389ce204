import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envcount, envint, envlist, envsecret

# Set by the test command or the browser tests; production never has them.
TEST_ONLY_VARIABLES = {"HTTPS", "STATIC_MANIFEST", "DEMO_MODE", "DJANGO_ALLOW_ASYNC_UNSAFE"}

PRODUCTION_ENV = {
    "DEBUG": "0",
    "SECRET_KEY": "k" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH",
    "PSEUDONYM_KEY": "p" * 20 + "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGH",
    "ALLOWED_HOSTS": "portal.example.no",
    "DATABASE_URL": "postgres://portal@db.example.no/portal",
    "REDIS_URL": "redis://redis.example.no:6379/0",
}


def run_manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in TEST_ONLY_VARIABLES}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_is_clean_with_production_settings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "SECRET_KEY must be set when DEBUG is off" in result.stderr


def test_production_refuses_to_start_without_its_own_pseudonym_key():
    result = run_manage("check", env={**PRODUCTION_ENV, "PSEUDONYM_KEY": ""})
    assert result.returncode != 0
    assert "PSEUDONYM_KEY must be set when DEBUG is off" in result.stderr
    # With DEBUG on (the demo) a fixed demo key is used.
    demo = run_manage("check", env={**PRODUCTION_ENV, "PSEUDONYM_KEY": "", "DEBUG": "1"})
    assert demo.returncode == 0, demo.stderr


def test_a_bad_boolean_stops_start_up_with_its_name():
    result = run_manage("check", env={**PRODUCTION_ENV, "DEBUG": "kanskje"})
    assert result.returncode != 0
    assert "DEBUG='kanskje' is not a boolean" in result.stderr


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("X_BOOL", "ja")
    monkeypatch.setenv("X_INT", "42")
    monkeypatch.setenv("X_LIST", "a.no, b.no,,")
    secret = tmp_path / "secret"
    secret.write_text("hemmelig\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert envbool("X_BOOL") is True
    assert envint("X_INT", 0) == 42
    assert envlist("X_LIST") == ["a.no", "b.no"]
    assert envsecret("X_SECRET") == "hemmelig"
    monkeypatch.setenv("X_INT", "førti")
    with pytest.raises(ImproperlyConfigured, match="X_INT='førti' is not a whole number"):
        envint("X_INT", 0)


def test_the_number_of_proxies_is_a_count_and_a_boolean_keeps_its_old_meaning(monkeypatch):
    for raw, count in (("2", 2), ("1", 1), ("yes", 1), ("0", 0), ("nei", 0), ("", 3)):
        monkeypatch.setenv("X_PROXIES", raw)
        assert envcount("X_PROXIES", 3) == count
    monkeypatch.setenv("X_PROXIES", "-1")
    with pytest.raises(ImproperlyConfigured, match="X_PROXIES='-1' is not a count"):
        envcount("X_PROXIES", 0)
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.BEHIND_PROXY)",
        env={**PRODUCTION_ENV, "BEHIND_PROXY": "2"},
    )
    assert result.stdout.strip().splitlines()[-1] == "2", result.stderr


def test_the_portal_speaks_bokmal_in_oslo_time():
    assert settings.LANGUAGE_CODE == "nb"
    assert settings.TIME_ZONE == "Europe/Oslo"
    assert [code for code, _ in settings.LANGUAGES] == ["nb", "nn", "en"]


def test_without_redis_tasks_run_in_process_and_the_log_says_so():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != "REDIS_URL"}
    env["DATABASE_URL"] = "sqlite:///:memory:"
    clean = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    result = subprocess.run(
        [
            sys.executable,
            "manage.py",
            "shell",
            "-c",
            "from django.conf import settings; print(settings.CELERY_TASK_ALWAYS_EAGER)",
        ],
        cwd=settings.BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().endswith("True")
    assert "background tasks run in-process" in result.stderr
