"""Portal page benchmark: server time and queries of every page a county, a training office and
the national administrator use, at national scale: among them the county's board of its
training offices and the national front page with every county's response rates.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/portal_pages.py

It creates (dropping it first) a database of its own beside the one DATABASE_URL names, called
<name>_bench_pages, migrates it, writes and imports the synthetic national extract
(demo.register.extract), loads the questionnaires, creates the year's rounds, builds and
freezes the three samples, opens the rounds and marks 40 % of every sample answered (spread over
the days since they opened; the answered ÅR units get their identified answers). The county is
the one with most LU respondents, the office the one with most member companies; each
administrator has an authenticator app, as two-factor login requires.

Every page is requested REQUESTS times with Django's test client, in process, after a warm-up;
it prints the median and p95 of the server time and the number of queries, beside the
accessibility statement (a static page through the same middleware) as the baseline measured
in the same run. Targets: every page's median under 150 ms and at most 20 queries. The exit
status is 1 when a target is missed.

Options: --scale national|county|tiny (default national), --requests N (default 20),
--database NAME, --keep (leave the bench database in place).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from _setup import bench_database, django_on_bench_database

MAX_MEDIAN_MS = 150.0
MAX_QUERIES = 20
ANSWERED_SHARE = 0.4
WARM_UP = 3


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="national", choices=["national", "county", "tiny"])
    parser.add_argument("--requests", type=int, default=20)
    parser.add_argument("--database", help="bench database name (default <name>_bench_pages)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    db = bench_database(
        args.database,
        "bench_pages",
        "This benchmark needs PostgreSQL.\nRun it as: "
        "DATABASE_URL=postgres://user@host:5432/portal .venv/bin/python bench/portal_pages.py",
    )
    if db is None:
        return 2
    environ = {"HTTPS": "0", "STATIC_MANIFEST": "0", "ALLOWED_HOSTS": "testserver"}
    with django_on_bench_database(db, keep=args.keep, environ=environ):
        return run(args, db.name)


def prepare(args: argparse.Namespace, name: str) -> int:
    """The register, the open year with 40 % answered; returns the year."""
    from django.core.management import call_command
    from django.utils import timezone

    from demo.register.extract import write_demo_extract
    from registry_import.services import import_extract
    from surveys.models import Round
    from surveys.services.questionnaires import questionnaires_load
    from surveys.services.rounds import rounds_create_year
    from surveys.services.samples import samples_build, samples_freeze

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    year = date.today().year
    with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
        paths = write_demo_extract(
            Path(tmp) / "extract", scale=args.scale, seed=1, reference=date(year, 10, 1)
        )
        import_extract(paths, source="command")
    questionnaires_load()
    rounds_create_year(year)
    now = timezone.now()
    for round_ in Round.objects.filter(year=year):
        samples_build(round_)
        samples_freeze(round_, now=now)
    Round.objects.filter(year=year).update(
        opens_at=now - timedelta(days=20), closes_at=now + timedelta(days=30)
    )
    answer_share(year, now)
    print(
        f"Bench database {name}: register, samples and answers ready in "
        f"{time.perf_counter() - started:.0f} s"
    )
    return year


def answer_share(year: int, now) -> None:
    """Marks 40 % of every round's respondents answered, on the days since the rounds opened;
    answered ÅR units get an identified answer with every question answered."""
    from django.db.models import F
    from django.db.models.functions import Mod

    from surveys.models import IdentifiedResponse, Respondent, Round, SurveyKind
    from surveys.services.answering import respondent_part, survey_load

    for round_ in Round.objects.filter(year=year):
        # Ids mod 10 below 4: 40 %, answered on day (id mod 20) since the opening.
        chosen = Respondent.objects.filter(round=round_).alias(m=Mod(F("id"), 10)).filter(m__lt=4)
        for day in range(20):
            chosen.alias(d=Mod(F("id"), 20)).filter(d=day).update(
                answered_at=round_.opens_at + timedelta(days=day, hours=10)
            )
        if round_.kind != SurveyKind.AR:
            continue
        answers = {}
        rows = []
        for respondent in chosen.select_related("round__questionnaire").iterator():
            part = respondent_part(respondent)
            if part not in answers:
                answers[part] = {q.code: 1 for q in survey_load(respondent).questions}
            rows.append(
                IdentifiedResponse(
                    respondent=respondent,
                    round=round_,
                    county_id=respondent.county_id,
                    training_office_id=respondent.training_office_id,
                    company_id=respondent.company_id,
                    part=part,
                    answers=answers[part],
                    submitted_at=respondent.answered_at or now,
                )
            )
        IdentifiedResponse.objects.bulk_create(rows, batch_size=2000)


def personas():
    """The national, a county and an office administrator, each with an authenticator app."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.db.models import Count

    from portal.models import Membership, Role, TrainingOffice, User
    from surveys.models import Respondent, SurveyKind

    county_id = (
        Respondent.objects.filter(round__kind=SurveyKind.LU)
        .values("county_id")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()["county_id"]
    )
    office = TrainingOffice.objects.annotate(n=Count("member_companies")).order_by("-n").first()
    users = {}
    for key, fields in {
        "national": {"role": Role.NATIONAL},
        "county": {"role": Role.COUNTY, "county_id": county_id},
        "office": {"role": Role.OFFICE, "training_office": office},
    }.items():
        user = User.objects.create_user(f"{key}@bench.test", None)
        Membership.objects.create(user=user, **fields)
        TOTP.activate(user, generate_totp_secret())
        users[key] = user
    # A few colleagues for the user lists and entries for the audit pages.
    for n in range(30):
        colleague = User.objects.create_user(f"kollega{n}@bench.test", None)
        Membership.objects.create(user=colleague, role=Role.OFFICE, training_office=office)
    return users, users["county"].memberships.get().county, office


def pages(county, office, year: int) -> dict[str, list[str]]:
    from django.urls import reverse

    from surveys.models import Respondent, RespondentRole, SurveyKind

    code, orgnr = county.code, office.orgnr
    unit = (
        Respondent.objects.filter(round__kind=SurveyKind.AR, county=county)
        .exclude(role=RespondentRole.OFFICE)
        .order_by("pk")
        .first()
    )
    member = (
        Respondent.objects.filter(round__kind=SurveyKind.AR, training_office=office)
        .exclude(role=RespondentRole.OFFICE)
        .order_by("pk")
        .first()
    )
    rates = reverse("county_response_rates", args=[code])
    office_rates = reverse("office_response_rates", args=[orgnr])
    return {
        "national": [
            reverse("national_dashboard"),
            reverse("national_rounds"),
            reverse("import_list"),
            reverse("national_users"),
            reverse("national_audit"),
            reverse("national_results"),
            reverse("research_projects"),
        ],
        "county": [
            reverse("county_dashboard", args=[code]),
            reverse("county_office_board", args=[code]),
            reverse("county_office_board", args=[code]) + "?sorter=lu-svarprosent",
            rates,
            f"{rates}?undersokelse=lu&etter=bedrift&sorter=prosent&rekkefolge=synkende",
            f"{rates}?undersokelse=lbu&etter=fag",
            f"{rates}?undersokelse=ar&etter=kontor",
            reverse("county_ar_answers", args=[code]),
            reverse("county_ar_answers", args=[code]) + "?status=mangler",
            reverse("county_ar_sheet", args=[code, unit.pk]),
            reverse("county_ar_overview", args=[code]),
            reverse("county_quality", args=[code]),
            reverse("county_samples", args=[code, year]),
            reverse("county_list_check", args=[code, year, "lu"]),
            reverse("county_list_check", args=[code, year, "lbu"]),
            reverse("county_own_words", args=[code, "lu"]),
            reverse("county_support_lookup", args=[code]) + "?q=sen",
            reverse("county_support_person", args=[code, unit.pk]),
            reverse("notification_settings"),
            reverse("county_users", args=[code]),
            reverse("county_audit", args=[code]),
            reverse("county_contact", args=[code]),
            reverse("county_dispatches", args=[code, year]),
            reverse("county_dispatch_new", args=[code, year, "lu"]),
            reverse("county_dispatch_new", args=[code, year, "ar"]),
            reverse("county_results", args=[code]),
            reverse("county_targets", args=[code, year + 1]),
            reverse("help"),
        ],
        "office": [
            reverse("office_dashboard", args=[orgnr]),
            office_rates,
            f"{office_rates}?undersokelse=lu&etter=bedrift",
            reverse("office_ar_answers", args=[orgnr]),
            reverse("office_ar_sheet", args=[orgnr, member.pk]) if member else "",
            reverse("office_annual_report", args=[orgnr]),
            reverse("office_users", args=[orgnr]),
            reverse("office_audit", args=[orgnr]),
            reverse("office_dispatches", args=[orgnr, year]),
            reverse("office_dispatch_new", args=[orgnr, year, "lu"]),
            reverse("office_gathering", args=[orgnr, year]),
            reverse("office_list_check", args=[orgnr, year, "lu"]),
            reverse("office_support_lookup", args=[orgnr]) + "?q=sen",
            reverse("office_results", args=[orgnr]),
        ],
    }


def measure(client, url: str, count: int) -> tuple[int, int, list[float]]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for _ in range(WARM_UP):
        client.get(url, follow=False)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    queries = len(captured)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        client.get(url)
        times.append((time.perf_counter() - started) * 1000)
    return response.status_code, queries, times


def run(args: argparse.Namespace, name: str) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    year = prepare(args, name)
    users, county, office = personas()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server = cursor.fetchone()[0]
    from surveys.models import Respondent

    print(
        f"Portal pages (PostgreSQL {server}, {args.scale} extract, "
        f"{Respondent.objects.count():,} respondents, {int(ANSWERED_SHARE * 100)} % answered; "
        f"county {county}, office {office.name}; {args.requests} requests per page)"
    )
    baseline_client = Client()
    baseline_client.force_login(users["office"])
    _status, base_queries, base_times = measure(baseline_client, "/tilgjengelighet/", args.requests)
    baseline = statistics.median(base_times)
    print(f"  baseline: accessibility statement, {base_queries} queries, median {baseline:.1f} ms")
    ok = True
    for persona, urls in pages(county, office, year).items():
        client = Client()
        client.force_login(users[persona])
        for url in filter(None, urls):
            status, queries, times = measure(client, url, args.requests)
            median = statistics.median(times)
            p95 = statistics.quantiles(times, n=20)[18] if len(times) >= 2 else median
            met = status == 200 and median < MAX_MEDIAN_MS and queries <= MAX_QUERIES
            ok &= met
            print(
                f"  {'ok ' if met else 'NOT'} {persona:<8} {url:<72} {status} {queries:>3} q  "
                f"median {median:6.1f} ms ({median / baseline:4.1f}× baseline)  p95 {p95:6.1f} ms"
            )
    print(
        f"Targets (every page median < {MAX_MEDIAN_MS:.0f} ms, ≤ {MAX_QUERIES} queries): "
        f"{'met' if ok else 'NOT MET'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
