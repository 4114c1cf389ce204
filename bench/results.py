"""Benchmark of the report portal on national data (PostgreSQL).

    DATABASE_URL=postgres://user@host:5432/portal .venv/bin/python bench/results.py

Builds a database of its own (<name>_results beside the one DATABASE_URL names) with YEARS
(default 10) closed and published national LU rounds of about 14,000 answers each (30+
questions) and LBU rounds, on the county structure of each year, then measures:

- publishing one national LU round (target under 30 s);
- a county's results page and the national results page, median server time with Django's
  test client (targets under 200 ms and 300 ms), and the county's pages of the counties side by
  side and of one index's answers by option (under 200 ms);
- a county's PDF report (target under 3 s);

each beside the time PostgreSQL takes for the single raw SQL aggregate of the same means (the
indexes' means over the round's anonymous answers, straight from the JSON), measured in the same
run, and the ratio. Exits 1 when a target is missed. --keep leaves the database for a rerun
(--reuse skips building it)."""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from _setup import bench_database, django_on_bench_database

TARGETS = {"publish": 30.0, "county": 0.200, "national": 0.300, "pdf": 3.0}
LU_SAMPLED = 24_000  # about 14,000 answers at the usual response rate
LBU_SAMPLED = 9_000


def build(years: list[int], rng: random.Random) -> None:
    from django.conf import settings

    from bench.populations.national import people_of_year, population_create
    from demo.synthetic_results import closed_round_ensure, round_fill, skew
    from reporting.services.publishing import round_publish
    from surveys.services.questionnaires import questionnaires_load

    questionnaires_load()
    population = population_create(rng=rng, year=years[-1])
    levels = skew(rng, [("trade", t.pk) for t in population.trades], 0.25)
    for year in years:
        for kind, size in (("LU", LU_SAMPLED), ("LBU", LBU_SAMPLED)):
            started = time.perf_counter()
            round_ = closed_round_ensure(year, kind)
            people = people_of_year(population, year, kind=kind, size=size, rng=rng)
            answers = round_fill(
                round_,
                people,
                k=settings.REPORTING_THRESHOLD,
                rng=rng,
                level=levels,
                response_rate=0.58,
            )
            filled = time.perf_counter() - started
            round_publish(round_id=round_.pk)
            print(
                f"  {kind} {year}: {answers} answers, written in {filled:.1f} s, published in "
                f"{time.perf_counter() - started - filled:.1f} s",
                flush=True,
            )


def raw_means_sql(round_id: int, county_id: int | None) -> float:
    """The baseline: PostgreSQL computing the mean of every index question over the round's
    answers (of one county, or all) in a single aggregate, timed."""
    from django.db import connection

    from surveys.models import Question, Round

    round_ = Round.objects.get(pk=round_id)
    codes = list(
        Question.objects.filter(
            questionnaire=round_.questionnaire, index__isnull=False
        ).values_list("code", flat=True)
    )
    columns = ", ".join(f"avg(NULLIF(answers->>'{c}', 'dk')::numeric)" for c in codes)
    where = "round_id = %s" + (" AND county_id = %s" if county_id else "")
    params = [round_id] + ([county_id] if county_id else [])
    sql = f"SELECT {columns} FROM surveys_anonymousresponse WHERE {where}"  # noqa: S608
    times = []
    with connection.cursor() as cursor:
        for _ in range(7):
            started = time.perf_counter()
            cursor.execute(sql, params)
            cursor.fetchall()
            times.append(time.perf_counter() - started)
    return statistics.median(times)


def median_request(client, url: str, count: int) -> float:
    times = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (url, response.status_code)
    return statistics.median(times)


def measure(requests: int) -> bool:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.test import Client
    from django.test.utils import setup_test_environment

    from portal.models import County, Membership, Role, User
    from reporting.models import Publication
    from reporting.scopes import ResultScope
    from reporting.services.pdf_reports import pdf_build
    from reporting.services.publishing import round_publish

    setup_test_environment()
    latest = (
        Publication.objects.filter(round__kind="LU")
        .select_related("round")
        .order_by("-round__year")
        .first()
    )
    year = latest.round.year
    county = County.objects.get(code="46")
    ok = True

    started = time.perf_counter()
    round_publish(round_id=latest.round_id)
    publish = time.perf_counter() - started
    raw_all = raw_means_sql(latest.round_id, None)
    raw_county = raw_means_sql(latest.round_id, county.pk)
    print(
        f"Publishing the national LU {year} round ({latest.answers} answers): {publish:.1f} s "
        f"(target < {TARGETS['publish']:.0f} s); raw SQL means {raw_all * 1000:.1f} ms, "
        f"ratio {publish / raw_all:.0f}×"
    )
    ok &= publish < TARGETS["publish"]

    user, _ = User.objects.get_or_create(email="bench@bench.test")
    Membership.objects.get_or_create(user=user, role=Role.COUNTY, county=county)
    national, _ = User.objects.get_or_create(email="bench-national@bench.test")
    Membership.objects.get_or_create(user=national, role=Role.NATIONAL)
    for admin in (user, national):  # county and national administrators log in with two factors
        if not Authenticator.objects.filter(user=admin).exists():
            TOTP.activate(admin, generate_totp_secret())
    client = Client()
    client.force_login(user)
    for name, path in (
        ("County results page", f"/fylke/{county.code}/resultater/{year}/lu/"),
        ("Counties side by side", f"/fylke/{county.code}/resultater/{year}/lu/fylkene/"),
        (
            "Answers by option of one index",
            f"/fylke/{county.code}/resultater/{year}/lu/sporsmal/indeks-trivsel/fordeling/",
        ),
    ):
        median_request(client, path, 3)
        page_time = median_request(client, path, requests)
        print(
            f"{name} ({path}): median {page_time * 1000:.0f} ms over {requests} "
            f"(target < {TARGETS['county'] * 1000:.0f} ms); raw SQL means of the county "
            f"{raw_county * 1000:.1f} ms, ratio {page_time / raw_county:.1f}×"
        )
        ok &= page_time < TARGETS["county"]
    client.force_login(national)
    url = f"/nasjonalt/resultater/{year}/lu/"
    median_request(client, url, 3)
    national_time = median_request(client, url, requests)
    print(
        f"National results page ({url}): median {national_time * 1000:.0f} ms "
        f"(target < {TARGETS['national'] * 1000:.0f} ms); raw SQL means {raw_all * 1000:.1f} ms,"
        f" ratio {national_time / raw_all:.1f}×"
    )
    ok &= national_time < TARGETS["national"]
    latest.refresh_from_db()
    started = time.perf_counter()
    pdf = pdf_build(ResultScope.of_county(county), latest)
    pdf_time = time.perf_counter() - started
    print(
        f"County PDF report: {pdf_time:.2f} s, {len(pdf) / 1024:.0f} KB "
        f"(target < {TARGETS['pdf']:.0f} s); raw SQL means of the county "
        f"{raw_county * 1000:.1f} ms, ratio {pdf_time / raw_county:.0f}×"
    )
    ok &= pdf_time < TARGETS["pdf"]
    print(f"Targets: {'met' if ok else 'NOT MET'}")
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=int, default=10)
    parser.add_argument("--database")
    parser.add_argument("--keep", action="store_true")
    parser.add_argument("--reuse", action="store_true", help="measure an existing database")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    database = bench_database(
        args.database,
        "results",
        "Refused: the benchmark needs PostgreSQL (DATABASE_URL=postgres://...).",
    )
    if database is None:
        return 2
    # Pages are measured over plain http with the static files served from their sources.
    environ = {"HTTPS": "0", "STATIC_MANIFEST": "0"}
    with django_on_bench_database(
        database, keep=args.keep, fresh=not args.reuse, environ=environ
    ):
        from django.core.management import call_command

        from portal.lib.oslo import oslo_today

        if not args.reuse:
            call_command("migrate", verbosity=0)
            last = oslo_today().year - 1
            years = list(range(last - args.years + 1, last + 1))
            print(f"Building {args.years} years ({years[0]}–{years[-1]}) of national rounds:")
            build(years, random.Random(args.seed))
        ok = measure(args.requests)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
