"""What the benchmarks share: the project on the import path, Django set up for measuring, and
a PostgreSQL database of their own beside the one DATABASE_URL names."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class BenchDatabase(NamedTuple):
    name: str
    url: str
    maintenance_url: str  # the server's "postgres" database, to create and drop it from


def bench_database(name: str | None, suffix: str, refusal: str) -> BenchDatabase | None:
    """The bench database beside DATABASE_URL's, named `name` or <name>_<suffix>; None (after
    printing `refusal`) when DATABASE_URL is not PostgreSQL, whose figures alone mean anything
    for production."""
    url = os.environ.get("DATABASE_URL", "")
    if urlsplit(url).scheme not in {"postgres", "postgresql", "pgsql"}:
        print(refusal, file=sys.stderr)
        return None
    parts = urlsplit(url)
    name = name or f"{parts.path.lstrip('/') or 'portal'}_{suffix}"
    return BenchDatabase(
        name=name,
        url=urlunsplit(parts._replace(path=f"/{name}")),
        maintenance_url=urlunsplit(parts._replace(path="/postgres")),
    )


def bench_environment(url: str) -> dict[str, str]:
    """This process's environment pointed at the bench database, set for measuring; also the
    environment of any child process that measures. It is applied to this process too."""
    env = os.environ | {
        "DATABASE_URL": url,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-secret-key-" + "b" * 40),
        "PSEUDONYM_KEY": os.environ.get("PSEUDONYM_KEY", "bench-only-pseudonym-key-" + "p" * 40),
        "DEBUG": "0",  # with DEBUG on Django keeps every query in memory
        "DEMO_MODE": "1",  # synthetic identity numbers are accepted
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)  # everything runs in-process; no broker needed
    os.environ.update(env)
    os.environ.pop("REDIS_URL", None)
    return env


def django_setup(defaults: dict[str, str] | None = None) -> None:
    """Sets Django up, with `defaults` for environment variables that are not set."""
    for name, value in (defaults or {}).items():
        os.environ.setdefault(name, value)

    import django

    django.setup()


def recreate_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))


def drop_database(maintenance_url: str, name: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(maintenance_url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@contextmanager
def django_on_bench_database(
    db: BenchDatabase, *, keep: bool, fresh: bool = True, environ: dict[str, str] | None = None
) -> Iterator[None]:
    """Django set up on the bench database, made anew unless `fresh` is false, with `environ`
    on top of the measuring environment; the database is dropped afterwards unless `keep`."""
    if fresh:
        recreate_database(db.maintenance_url, db.name)
    bench_environment(db.url)
    os.environ.update(environ or {})
    django_setup()
    from django.db import connections

    try:
        yield
    finally:
        connections.close_all()
        if not keep:
            drop_database(db.maintenance_url, db.name)
