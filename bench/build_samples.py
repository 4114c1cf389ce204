"""Sample benchmark: how long building the national samples (LU, LBU and ÅR) and freezing them
takes on a national register.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/portal .venv/bin/python bench/build_samples.py

It creates (dropping it first) a database of its own beside the one DATABASE_URL names, called
<name>_bench_samples, migrates it, writes the synthetic national extract
(demo.register.extract, about 54,000 contracts and 21,000 companies) and imports it with
registry_import.services.import_extract, loads the questionnaires and creates the rounds of the
extract's year. Then, timed:

1. first build of the three samples (an empty sample table);
2. rebuild of the three from the same register (each replaces its previous build, as during
   quality assurance);
3. rebuild after about 1 % of the apprentices and leaders got a new mobile number;
4. freeze of the three (a last build, then frozen);
5. refresh of the frozen samples' contact data after another 1 % new mobile numbers, as after
   a newer import.

Each step prints its wall time, its number of SQL queries and the counts. Target: building all
three samples under 5 s.

Options: --scale national|county|tiny (default national), --seed N, --database NAME,
--keep (leave the bench database in place).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path

from _setup import bench_database, django_on_bench_database

BUILD_SECONDS = 5


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", default="national", choices=["national", "county", "tiny"])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--database", help="bench database name (default <name>_bench_samples)")
    parser.add_argument("--keep", action="store_true", help="keep the bench database afterwards")
    args = parser.parse_args()

    db = bench_database(
        args.database,
        "bench_samples",
        "This benchmark needs PostgreSQL, where the national samples are built in "
        "production.\nRun it as: DATABASE_URL=postgres://user@host:5432/portal "
        ".venv/bin/python bench/build_samples.py",
    )
    if db is None:
        return 2
    with django_on_bench_database(db, keep=args.keep):
        return run(args, db.name)


def run(args: argparse.Namespace, name: str) -> int:
    from django.core.management import call_command

    from demo.register.extract import write_demo_extract
    from portal.lib.oslo import OSLO
    from registry_import.services import import_extract
    from surveys.models import Round
    from surveys.selectors import kind_order
    from surveys.services.questionnaires import questionnaires_load
    from surveys.services.rounds import rounds_create_year
    from surveys.services.samples import samples_build, samples_freeze, samples_refresh_contacts

    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"Bench database {name}: created and migrated in {time.perf_counter() - started:.1f} s")

    # The latest survey year whose 1 October has come: the extract imported now is its 1 October
    # extract, which the freeze waits for (R-C3).
    today = date.today()
    year = today.year if today >= date(today.year, 10, 1) else today.year - 1
    with tempfile.TemporaryDirectory(prefix="extract-") as tmp:
        started = time.perf_counter()
        paths = write_demo_extract(
            Path(tmp) / "extract", scale=args.scale, seed=args.seed, reference=date(year, 10, 1)
        )
        written = time.perf_counter() - started
        started = time.perf_counter()
        import_run = import_extract(paths, source="command")
        print(
            f"Extract: {args.scale}, seed {args.seed}, written in {written:.1f} s, imported in "
            f"{time.perf_counter() - started:.1f} s ({import_run.status})"
        )
    print_register()

    questionnaires_load()
    rounds_create_year(year)
    rounds = sorted(Round.objects.filter(year=year), key=lambda r: kind_order(r.kind))

    build_times = []
    for label in ("first build", "rebuild, register unchanged", "rebuild, 1 % new mobiles"):
        if label.endswith("mobiles"):
            change_mobiles("+4740000000")
        with counted() as queries:
            started = time.perf_counter()
            summaries = [samples_build(r) for r in rounds]
            seconds = time.perf_counter() - started
        build_times.append(seconds)
        print_step(label, seconds, queries[0], summaries)

    freeze_at = datetime(year, 10, 1, 23, 30, tzinfo=OSLO)
    with counted() as queries:
        started = time.perf_counter()
        summaries = [samples_freeze(r, now=freeze_at) for r in rounds]
        seconds = time.perf_counter() - started
    print_step("freeze", seconds, queries[0], summaries)

    change_mobiles("+4741111111")
    with counted() as queries:
        started = time.perf_counter()
        changed = sum(samples_refresh_contacts(r) for r in rounds)
        seconds = time.perf_counter() - started
    print(
        f"\nrefresh of the frozen samples' contact data after 1 % new mobiles: {seconds:.2f} s, "
        f"{queries[0]} queries, {changed:,} respondents changed"
    )

    met = max(build_times) < BUILD_SECONDS
    print("\nTarget:")
    print(f"  {'met    ' if met else 'NOT MET'}  building all three samples < {BUILD_SECONDS} s")
    return 0 if met else 1


@contextmanager
def counted():
    """Counts the SQL statements run inside the block (without Django's debug cursor)."""
    from django.db import connection

    count = [0]

    def wrapper(execute: Callable, sql, params, many, context):
        count[0] += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(wrapper):
        yield count


def change_mobiles(mobile: str) -> None:
    """What a newer extract does: about 1 % of the apprentices and leaders get a new mobile."""
    from django.db.models import F
    from django.db.models.functions import Mod

    from registry_import.models import Apprentice, ProfessionalLeader

    for model in (Apprentice, ProfessionalLeader):
        model.objects.alias(m=Mod(F("id"), 100)).filter(m=0).update(
            mobile=mobile, mobile_valid=True
        )


def print_register() -> None:
    from portal.models import Company, TrainingOffice
    from registry_import.models import Contract, ProfessionalLeader

    print(
        f"Register: {Contract.objects.count():,} contracts "
        f"({Contract.objects.filter(status='running').count():,} running), "
        f"{Company.objects.count():,} companies, {TrainingOffice.objects.count():,} offices, "
        f"{ProfessionalLeader.objects.count():,} professional leaders"
    )


def print_step(label: str, seconds: float, queries: int, summaries) -> None:
    print(f"\n{label}: {seconds:.2f} s for the three samples, {queries} queries")
    for s in summaries:
        reasons = ", ".join(f"{k} {v:,}" for k, v in sorted(s.exclusions.items())) or "none"
        linked = f", {s.linked_to_lbu:,} linked to LBU" if s.kind == "AR" else ""
        print(
            f"  {s.kind:<4} {s.seconds:6.2f} s  {s.respondents:>7,} respondents "
            f"({s.added:,} added, {s.changed:,} changed, {s.removed:,} removed){linked}; "
            f"left out {s.excluded:,} ({reasons})"
        )


if __name__ == "__main__":
    sys.exit(main())
