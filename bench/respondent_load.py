"""Respondents under load: every respondent page against /healthz, on the production stack.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/respondent_load.py

Makes a PostgreSQL database of its own beside DATABASE_URL's (<name>_respondent_load), loads the
questionnaire files, opens an LU round with RESPONDENTS apprentices, each with a link, and opens
each link once to get its session cookie (and CSRF cookie and form key), as a phone does. Then it
starts gunicorn with the production configuration (portal/gunicorn_conf.py, DEBUG off, 2
workers) and drives it with wrk, CONNECTIONS connections for SECONDS seconds per page: first
/healthz (the baseline: the same stack, one query), then each respondent page, GET and POST,
spread over the respondents by a wrk Lua script.

Prints for each page the requests per second, the ratio to /healthz and the 99th percentile
latency, and the queries each page makes (measured in-process beforehand). Targets: every
respondent page at least 25 % of /healthz's rate, p99 under 150 ms, at most 3 queries per GET,
page weight (HTML and CSS) under 30 KB. Exits 1 when one is missed.

Options (environment): BENCH_SECONDS (10), BENCH_CONNECTIONS (50), BENCH_RESPONDENTS (200),
BENCH_PORT (8208), BENCH_KEEP=1 keeps the database. Needs `wrk` (Debian: apt-get install wrk).
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

from _setup import ROOT, bench_database, bench_environment, drop_database, recreate_database

SECONDS = int(os.environ.get("BENCH_SECONDS", "10"))
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "50"))
RESPONDENTS = int(os.environ.get("BENCH_RESPONDENTS", "200"))
PORT = int(os.environ.get("BENCH_PORT", "8208"))
WORKERS = 2
MIN_RATIO = 0.25
MAX_P99_MS = 150.0
MAX_GET_QUERIES = 3
MAX_PAGE_BYTES = 30 * 1024


@dataclass
class Session:
    cookie: str  # the Cookie header
    csrf: str
    key: str  # the form key of the respondent's pages


@dataclass
class Result:
    name: str
    rate: float
    p99_ms: float
    errors: int


def main() -> int:
    if shutil.which("wrk") is None:
        print("Refused: wrk is not installed (Debian: apt-get install wrk).", file=sys.stderr)
        return 2
    db = bench_database(
        None,
        "respondent_load",
        "Refused: the benchmark needs PostgreSQL (DATABASE_URL=postgres://...).",
    )
    if db is None:
        return 2
    recreate_database(db.maintenance_url, db.name)
    env = bench_environment(db.url) | {
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "GUNICORN_WORKERS": str(WORKERS),
        "GUNICORN_BIND": f"127.0.0.1:{PORT}",
        "PYTHONPATH": str(ROOT),
    }
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.update(env)
        import django

        django.setup()
        section, queries, weight = prepare()
        server = start_gunicorn(env)
        try:
            sessions = [open_session(token) for token in TOKENS]
            results = drive(section, sessions)
        finally:
            stop(server)
    finally:
        if os.environ.get("BENCH_KEEP") != "1":
            drop_database(db.maintenance_url, db.name)
    return report(results, queries, weight)


TOKENS: list[str] = []
ANSWERS: dict[str, str] = {}


def _answer_for(question) -> str:
    """A valid answer in the form the page posts it."""
    if question.type == "scale":
        return "4"
    if question.type == "yes_no":
        return "yes"
    if question.type in ("single", "multiple"):
        return question.choices[0]["code"]
    if question.type == "number":
        return str(question.min_value or 1)
    return "Bra"


def prepare() -> tuple[int, dict[str, int], int]:
    """The round and its respondents; queries per page and page weight measured in-process."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils import timezone

    from portal.models import County
    from portal.organisations.data.counties import load_counties
    from surveys.models import SurveyKind
    from surveys.services.links import links_issue
    from surveys.services.questionnaires import questionnaire_for, questionnaires_load
    from tests.surveys.factories import respondent_make, round_make

    if not County.objects.exists():
        load_counties(County)
    questionnaires_load()
    year = timezone.now().year
    round_ = round_make(questionnaire_for(SurveyKind.LU, year), year=year)
    county = County.objects.get(code="46")
    respondents = [respondent_make(round_, county) for _ in range(RESPONDENTS)]
    TOKENS.extend(links_issue(respondents).values())
    section = 1
    from surveys.services.answering import survey_load

    questions = survey_load(respondents[0]).sections[section - 1].questions
    ANSWERS.update({f"q-{q.code}": _answer_for(q) for q in questions})

    client = Client()
    client.get(reverse("respond_link", args=[TOKENS[0]]))
    queries: dict[str, int] = {}
    weight = 0
    for name, path in pages(section):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)
        queries[name] = len(captured)
        weight = max(weight, len(response.content))
    css = (ROOT / "static" / "css" / "portal.css").stat().st_size
    css += (ROOT / "surveys" / "static" / "surveys" / "respond.css").stat().st_size
    return section, queries, weight + css


def pages(section: int) -> list[tuple[str, str]]:
    return [
        ("GET /s/start/ (information letter)", "/s/start/"),
        (f"GET /s/del/{section}/ (a part)", f"/s/del/{section}/"),
        ("GET /s/send-inn/ (the last page)", "/s/send-inn/"),
    ]


def start_gunicorn(env: dict[str, str]) -> subprocess.Popen:
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:portal.gunicorn_conf",
            "--access-logfile",
            "/dev/null",
            "portal.wsgi:application",
        ],
        cwd=ROOT,
        env=env,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            status, _headers, _body = request("GET", "/healthz")
            if status == 200:
                return server
        except OSError:
            pass
        time.sleep(0.3)
    stop(server)
    raise RuntimeError("gunicorn did not answer /healthz within 60 s")


def stop(server: subprocess.Popen) -> None:
    if server.poll() is None:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)


def request(method: str, path: str, headers: dict[str, str] | None = None, body: str = ""):
    conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    try:
        conn.request(method, path, body=body or None, headers=headers or {})
        response = conn.getresponse()
        return response.status, response.getheaders(), response.read()
    finally:
        conn.close()


def open_session(token: str) -> Session:
    """Opens the link as a phone does: the session cookie, then a page for CSRF and form key."""
    jar = SimpleCookie()
    status, headers, _ = request("GET", f"/s/{token}/")
    assert status == 302, status
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    status, headers, body = request("GET", "/s/del/1/", {"Cookie": cookie})
    assert status == 200, status
    for name, value in headers:
        if name.lower() == "set-cookie":
            jar.load(value)
    html = body.decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    key = re.search(r'name="respondent" value="([^"]+)"', html).group(1)
    cookie = "; ".join(f"{k}={m.value}" for k, m in jar.items())
    return Session(cookie=cookie, csrf=csrf, key=key)


def _lua(method: str, path: str, sessions: list[Session], bodies: list[str] | None) -> str:
    """A wrk script sending each request as the next respondent."""

    def quoted(text: str) -> str:
        return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'

    cookies = ",\n".join(quoted(s.cookie) for s in sessions)
    lines = [f"local cookies = {{\n{cookies}\n}}"]
    if bodies is not None:
        lines.append("local bodies = {\n" + ",\n".join(quoted(b) for b in bodies) + "\n}")
    lines.append("local i = 0")
    lines.append("request = function()")
    lines.append("  i = i % #cookies + 1")
    lines.append('  local headers = {["Cookie"] = cookies[i]}')
    if bodies is not None:
        lines.append('  headers["Content-Type"] = "application/x-www-form-urlencoded"')
        lines.append(f"  return wrk.format({quoted(method)}, {quoted(path)}, headers, bodies[i])")
    else:
        lines.append(f"  return wrk.format({quoted(method)}, {quoted(path)}, headers)")
    lines.append("end")
    return "\n".join(lines) + "\n"


def wrk(name: str, path: str, script: str | None = None) -> Result:
    command = [
        "wrk",
        "--latency",
        "-t",
        "2",
        "-c",
        str(CONNECTIONS),
        "-d",
        f"{SECONDS}s",
        "--timeout",
        "10s",
    ]
    with tempfile.TemporaryDirectory() as folder:
        if script is not None:
            lua = Path(folder) / "load.lua"
            lua.write_text(script)
            command += ["-s", str(lua)]
        command.append(f"http://127.0.0.1:{PORT}{path}")
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p99 = _milliseconds(re.search(r"^\s*99%\s+([\d.]+\w+)", output, re.MULTILINE).group(1))
    errors_match = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = int(errors_match.group(1)) if errors_match else 0
    socket_errors = re.search(r"Socket errors: (.*)", output)
    if socket_errors:
        print(f"  {name}: socket errors: {socket_errors.group(1)}")
    return Result(name, rate, p99, errors)


def _milliseconds(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def drive(section: int, sessions: list[Session]) -> list[Result]:
    results = [wrk("GET /healthz (baseline)", "/healthz")]
    for name, path in pages(section):
        results.append(wrk(name, path, _lua("GET", path, sessions, None)))
    # Saving a part and going on (POST, redirect to the next part), as each respondent.
    bodies = [
        urlencode(
            {
                "csrfmiddlewaretoken": s.csrf,
                "respondent": s.key,
                "action": "next",
                **ANSWERS,
            }
        )
        for s in sessions
    ]
    path = f"/s/del/{section}/"
    results.append(wrk(f"POST {path} (save and go on)", path, _lua("POST", path, sessions, bodies)))
    return results


def report(results: list[Result], queries: dict[str, int], weight: int) -> int:
    baseline = results[0]
    failed = False
    print(
        f"\nRespondent pages under load: gunicorn {WORKERS} workers, production settings, "
        f"PostgreSQL; wrk {CONNECTIONS} connections, {SECONDS} s per page, "
        f"{RESPONDENTS} respondents.\n"
    )
    print(f"{'page':44} {'req/s':>9} {'of /healthz':>12} {'p99 ms':>8} {'errors':>7}")
    for result in results:
        ratio = result.rate / baseline.rate if baseline.rate else 0.0
        miss = ""
        if result is not baseline and (
            ratio < MIN_RATIO or result.p99_ms >= MAX_P99_MS or result.errors
        ):
            miss = "  MISSED"
            failed = True
        print(
            f"{result.name:44} {result.rate:9.0f} {ratio:11.0%} {result.p99_ms:8.1f} "
            f"{result.errors:7d}{miss}"
        )
    print(f"\nTargets: ≥ {MIN_RATIO:.0%} of /healthz, p99 < {MAX_P99_MS:.0f} ms, no errors.")
    print("Queries per GET (at most 3):")
    for name, count in queries.items():
        flag = "" if count <= MAX_GET_QUERIES else "  MISSED"
        failed |= count > MAX_GET_QUERIES
        print(f"  {name:44} {count}{flag}")
    flag = "" if weight < MAX_PAGE_BYTES else "  MISSED"
    failed |= weight >= MAX_PAGE_BYTES
    print(f"Largest page with its CSS: {weight / 1024:.1f} KB (under 30 KB){flag}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
