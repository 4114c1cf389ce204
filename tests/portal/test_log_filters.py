"""No personal link or reset key reaches a log: Django's loggers and gunicorn's access log."""

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any, cast

import pytest
from django.conf import settings

from portal.log_filters import PLACEHOLDER, TokenFilter, scrub

TOKEN = "k7mq2x9v4nct8hjw3r6pzs5dfa"  # 26 characters of the code alphabet
RESET = "/konto/password/reset/key/1-cw8k2a-3f6d1e9b0c4a7e2d5f8b/"


@pytest.mark.parametrize(
    "line",
    [
        f"GET /s/{TOKEN}/ HTTP/1.1",
        f"Not Found: /s/{TOKEN}/",
        f"Gone: /s/{TOKEN.upper()}/",
        f"/s/{TOKEN[:10]}-{TOKEN[10:]}/",  # typed with a hyphen
        f"GET {RESET} HTTP/1.1",
        f'"https://portal.example.no/s/{TOKEN}/"',
    ],
)
def test_token_shaped_parts_of_paths_are_replaced(line):
    cleaned = scrub(line)
    assert PLACEHOLDER in cleaned
    assert TOKEN not in cleaned.lower()
    assert "3f6d1e9b0c4a7e2d5f8b" not in cleaned


@pytest.mark.parametrize(
    "line",
    [
        "GET /s/start/ HTTP/1.1",
        "POST /s/del/3/ HTTP/1.1",
        "GET /s/kode/ HTTP/1.1",
        "GET /fylke/46/utvalg/2026/lu/utelatt/ HTTP/1.1",
        "Import 12 stopped on an unexpected error",
    ],
)
def test_the_portal_s_own_addresses_are_kept(line):
    assert scrub(line) == line


def test_every_handler_in_the_settings_has_the_token_filter():
    handlers: dict[str, dict[str, Any]] = cast(dict, settings.LOGGING)["handlers"]
    assert handlers
    for name, handler in handlers.items():
        assert "tokens" in handler.get("filters", []), name
    token_filter = cast(dict, settings.LOGGING)["filters"]["tokens"]
    assert token_filter["()"] == "portal.log_filters.TokenFilter"


def test_a_404_for_a_wrong_link_is_logged_without_it(client, caplog, db):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/s/{TOKEN}/").status_code == 404
    records = [r for r in caplog.records if r.name == "django.request"]
    assert records  # Django logs the 404 with its path (the console handler may have cleaned it)
    token_filter = TokenFilter()
    for record in records:
        assert token_filter.filter(record)
        assert TOKEN not in record.getMessage()
        assert f"/s/{PLACEHOLDER}/" in record.getMessage()
        assert record.__dict__.get("request") is None  # its path held the token too


def test_the_production_gunicorn_command_uses_the_scrubbing_access_log():
    root = Path(settings.BASE_DIR)
    for path in (root / "Dockerfile", root / "docker-compose.yml"):
        assert "python:portal.gunicorn_conf" in path.read_text(), path
    from gunicorn.config import Config

    from portal import gunicorn_conf

    config = Config()
    config.set("logger_class", "portal.gunicorn_conf.ScrubbingLogger")
    logger = gunicorn_conf.ScrubbingLogger(config)

    class Response:
        status = "302 Found"
        response_length = 0
        headers = ()
        sent = 0

    class Request:
        headers = ()
        uri = f"/s/{TOKEN}/"
        path = f"/s/{TOKEN}/"
        query = ""
        method = "GET"
        version = (1, 1)

    from datetime import timedelta

    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/s/{TOKEN}/",
        "PATH_INFO": f"/s/{TOKEN}/",
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_REFERER": f"https://x.example/s/{TOKEN}/",
    }
    atoms = logger.atoms(Response(), Request(), environ, timedelta(milliseconds=3))
    line = gunicorn_conf.access_log_format % atoms
    assert TOKEN not in line
    assert f"/s/{PLACEHOLDER}/" in line


def test_gunicorn_loads_the_configuration():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:portal.gunicorn_conf",
            "--check-config",
            "portal.wsgi:application",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=settings.BASE_DIR,
    )
    assert result.returncode == 0, result.stderr
