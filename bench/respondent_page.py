"""Benchmark of a respondent's survey page: database queries, server time and page weight.

    DATABASE_URL=postgres://user@host:5432/portal .venv/bin/python bench/respondent_page.py

Runs against a throw-away test database on the PostgreSQL server of DATABASE_URL (SQLite is
refused: its figures say nothing about production). It loads the questionnaire files, makes an
LU round with one apprentice and measures, with Django's test client, the page of the part with
the most questions: GET, and POST (saving the page and going on), each REQUESTS times. Targets:
at most 10 queries per request, a median under 50 ms, HTML with its CSS under 30 KB."""

from __future__ import annotations

import os
import re
import statistics
import sys
import time

from _setup import django_setup

django_setup(
    {
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "HTTPS": "0",
        "STATIC_MANIFEST": "0",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "PSEUDONYM_KEY": "bench-only-pseudonym-key-" + "x" * 40,
    }
)

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.urls import reverse  # noqa: E402
from django.utils import timezone  # noqa: E402

REQUESTS = int(os.environ.get("BENCH_REQUESTS", "200"))
SUBMISSIONS = 50
WARM_UP = 20
MAX_QUERIES = 10
MAX_MEDIAN_MS = 50.0
MAX_PAGE_BYTES = 30 * 1024


def main() -> int:
    if connection.vendor != "postgresql":
        print("Refused: the benchmark needs PostgreSQL (DATABASE_URL=postgres://...).")
        return 2
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        return run()
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


def setup_respondent() -> tuple[str, int, list, object]:
    from portal.data.counties import load_counties
    from portal.models import County
    from surveys.models import SurveyKind
    from surveys.services.answering import survey_load
    from surveys.services.links import link_issue
    from surveys.services.questionnaires import questionnaire_for, questionnaires_load
    from tests.surveys.factories import respondent_make, round_make

    if not County.objects.exists():
        load_counties(County)
    questionnaires_load()
    year = timezone.now().year
    questionnaire = questionnaire_for(SurveyKind.LU, year)
    round_ = round_make(questionnaire, year=year)
    respondent = respondent_make(round_, County.objects.get(code="46"))
    token = link_issue(respondent)
    survey = survey_load(respondent)
    section = max(survey.sections, key=lambda s: len(s.questions))
    return token, section.number, section.questions, respondent


def answer_for(question) -> object:
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


def measure_submissions(template, questions, number: int) -> tuple[int, list[float]]:
    """Submissions of SUBMISSIONS respondents of the same round (each answers one page)."""
    from surveys.services.links import link_issue
    from tests.surveys.factories import respondent_make

    client = Client()
    data = {"kind": "LU", "action": "next"}
    data.update({f"q-{q.code}": answer_for(q) for q in questions})
    times: list[float] = []
    queries = 0
    for _ in range(SUBMISSIONS):
        token = link_issue(respondent_make(template.round, template.county))
        client.post(reverse("respond_section", args=[token, number]), data)
        send = reverse("respond_send", args=[token])
        with CaptureQueriesContext(connection) as captured:
            start = time.perf_counter()
            response = client.post(send, {"kind": "LU"})
            times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 302, response.status_code
        queries = max(queries, len(captured))
    return queries, times


def timed(call, count: int) -> list[float]:
    times = []
    for _ in range(count):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return times


def run() -> int:
    from surveys.answer_forms import AnswerForm  # noqa: F401  (imported before timing)
    from surveys.services.answering import MIX_SIZE

    token, number, questions, respondent = setup_respondent()
    client = Client()
    url = reverse("respond_section", args=[token, number])
    answers = {"kind": "LU", "action": "next"}
    for question in questions:
        answers[f"q-{question.code}"] = answer_for(question)

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def post():
        response = client.post(url, answers)
        assert response.status_code == 302, response.content.decode()[-3000:]

    for call in (get, post):
        timed(call, WARM_UP)
    # Counted at once: the next request clears the connection's query log.
    with CaptureQueriesContext(connection) as captured:
        get()
    get_queries = len(captured)
    with CaptureQueriesContext(connection) as captured:
        post()
    post_queries = len(captured)
    get_times = timed(get, REQUESTS)
    post_times = timed(post, REQUESTS)

    submit_queries, submit_times = measure_submissions(respondent, questions, number)

    html = client.get(url).content
    css = 0
    for href in re.findall(rb'<link rel="stylesheet" href="([^"]+)"', html):
        response = client.get(href.decode())
        css += len(b"".join(response.streaming_content)) if response.streaming else 0
    page = len(html) + css

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    print(f"Respondent page benchmark (PostgreSQL {server}, Django test client)")
    print(f"  page: part {number} with {len(questions)} questions, {REQUESTS} requests each")
    ok = True
    for label, queries, times in [
        ("GET ", get_queries, get_times),
        ("POST", post_queries, post_times),
    ]:
        median = statistics.median(times)
        p95 = statistics.quantiles(times, n=20)[18]
        print(
            f"  {label}: {queries} queries, median {median:.1f} ms, p95 {p95:.1f} ms, "
            f"max {max(times):.1f} ms"
        )
        ok &= queries <= MAX_QUERIES and median < MAX_MEDIAN_MS
    print(
        f"  submit (LU, mixed with up to {MIX_SIZE} earlier answers): {submit_queries} queries, "
        f"median {statistics.median(submit_times):.1f} ms over {len(submit_times)} respondents"
    )
    ok &= submit_queries <= MAX_QUERIES
    print(
        f"  weight: HTML {len(html) / 1024:.1f} KB + CSS {css / 1024:.1f} KB "
        f"= {page / 1024:.1f} KB (uncompressed)"
    )
    ok &= page < MAX_PAGE_BYTES
    print(
        f"  targets (≤{MAX_QUERIES} queries, median <{MAX_MEDIAN_MS:.0f} ms, "
        f"<{MAX_PAGE_BYTES // 1024} KB): {'met' if ok else 'NOT MET'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
