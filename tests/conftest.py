"""Fixtures shared by every test: the named personas and their organisations, and the real
services (PostgreSQL, Redis, a Celery worker, Chromium) that some tests need."""

from __future__ import annotations

import os
import shutil
import time

import pytest
from django.conf import settings

from demo.portal_users import valid_orgnr
from portal.models import Company, County, Membership, Role, Statsforvalter, TrainingOffice, User
from portal.organisations.data.counties import load_counties
from portal.organisations.data.statsforvalters import load_statsforvalters

PASSWORD = "korrekt-hest-batteri-stift"
# The authenticator-app key of every test administrator whose role requires two-factor login.
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def totp_code(secret: str = TOTP_SECRET) -> str:
    """The code an authenticator app shows now for the key."""
    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    # The current period's code, not the oldest one the tolerance accepts: that one would be
    # refused if the period turned between showing it and the portal checking it.
    counter = int(time.time()) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def give_two_factor(user: User, secret: str = TOTP_SECRET) -> None:
    from allauth.mfa.totp.internal.auth import TOTP

    TOTP.activate(user, secret)


def pytest_configure(config: pytest.Config) -> None:
    # Hashing the personas' passwords the production way costs a third of a second each; the
    # tests check what a password opens, not how hard it is to crack.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    if settings.REQUIRE_SERVICES:
        vendor = settings.DATABASES["default"]["ENGINE"]
        if "postgresql" not in vendor:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but DATABASE_URL is not PostgreSQL")
        if not settings.REDIS_URL:
            raise pytest.UsageError("REQUIRE_SERVICES=1 but REDIS_URL is not set")


def need(condition: bool, what: str) -> None:
    """Skip when a service is missing on a developer's machine; fail under REQUIRE_SERVICES."""
    if condition:
        return
    if settings.REQUIRE_SERVICES:
        pytest.fail(f"{what} is required (REQUIRE_SERVICES=1) but not available")
    pytest.skip(f"{what} is not available")


@pytest.fixture
def counties(db) -> None:
    """The county table comes from a data migration, which a transactional test's flush empties."""
    if not County.objects.exists():
        load_counties(County)
    if not Statsforvalter.objects.exists():
        load_statsforvalters(Statsforvalter, County)


@pytest.fixture
def county_a(counties) -> County:
    return County.objects.get(code="46")  # Vestland


@pytest.fixture
def county_b(counties) -> County:
    return County.objects.get(code="03")  # Oslo


@pytest.fixture
def office_a(county_a) -> TrainingOffice:
    return TrainingOffice.objects.create(
        orgnr=valid_orgnr(97000001), name="Opplæringskontoret Vest", county=county_a
    )


@pytest.fixture
def office_b(county_b) -> TrainingOffice:
    return TrainingOffice.objects.create(
        orgnr=valid_orgnr(97000101), name="Opplæringskontoret Øst", county=county_b
    )


@pytest.fixture
def company_a(county_a, office_a) -> Company:
    return Company.objects.create(
        orgnr=valid_orgnr(98000001),
        name="Vestland Elektro AS",
        county=county_a,
        training_office=office_a,
    )


def _user(email: str, **membership) -> User:
    """A user with the membership; an administrator whose role requires two-factor login
    (portal.accounts.two_factor) has an authenticator app set up with TOTP_SECRET."""
    user = User.objects.create_user(email, PASSWORD)
    if membership:
        Membership.objects.create(user=user, **membership)
        if membership["role"] in (Role.NATIONAL, Role.COUNTY):
            give_two_factor(user)
    return user


@pytest.fixture
def national_admin(db) -> User:
    return _user("nasjonal@udir.test", role=Role.NATIONAL)


@pytest.fixture
def county_a_admin(county_a) -> User:
    return _user("admin@vestland.test", role=Role.COUNTY, county=county_a)


@pytest.fixture
def county_b_admin(county_b) -> User:
    return _user("admin@oslo.test", role=Role.COUNTY, county=county_b)


@pytest.fixture
def office_a_admin(office_a) -> User:
    return _user("leder@okvest.test", role=Role.OFFICE, training_office=office_a)


@pytest.fixture
def outsider(db) -> User:
    return _user("noen@annet.test")


@pytest.fixture
def redis_url() -> str:
    need(bool(settings.REDIS_URL), "Redis (REDIS_URL)")
    return settings.REDIS_URL


@pytest.fixture(autouse=True)
def _questionnaires_read_again():
    """Questionnaires are held in memory per process; a test's rolled-back rows may reuse ids."""
    from surveys.services.answering import questionnaire_questions

    questionnaire_questions.cache_clear()


@pytest.fixture(autouse=True, scope="session")
def _cache_of_this_run_only():
    """Rows of a new test database reuse the ids of an earlier run's, and the pages keep some
    figures a minute under keys with ids in them: on Redis, which outlives a run, each run keeps
    its own keys (every thread's cache, the live server's too, reads the prefix from
    settings)."""
    import uuid

    from django.conf import settings as django_settings
    from django.core.cache import caches

    prefix = f"test-{uuid.uuid4().hex[:12]}"
    django_settings.CACHES["default"]["KEY_PREFIX"] = prefix
    caches["default"].key_prefix = prefix


@pytest.fixture(autouse=True)
def _cache_read_again(_cache_of_this_run_only):
    """Front pages keep figures a minute in the cache, which outlives a test's rolled-back rows
    (whose ids the next test may reuse). The in-process cache is emptied; on Redis, which is
    also the broker, only the extract time is forgotten (PostgreSQL never reuses an id)."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from registry_import.selectors import extract_time_forget

    if isinstance(caches["default"], LocMemCache):
        caches["default"].clear()
    extract_time_forget()


@pytest.fixture(autouse=True)
def _language_of_the_thread_reset():
    """A request through the test client leaves its language active in this thread (as Django's
    own locale middleware does); the next test starts again from bokmål."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def tasks_run_in_process():
    """Tasks run in the test's own process and transaction unless the test starts a real
    worker, so no test leaves messages on the broker for a later test's worker to take."""
    from portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER


@pytest.fixture
def celery_worker_thread(redis_url, transactional_db):
    """A real Celery worker consuming from Redis in a thread of this process."""
    from celery.contrib.testing.worker import start_worker

    from portal.celery import app

    app.conf.task_always_eager = False
    app.control.purge()
    with start_worker(app, perform_ping_check=False, pool="solo", loglevel="WARNING") as worker:
        yield worker


@pytest.fixture(scope="session")
def chromium_path() -> str:
    path = (
        os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    )
    need(path is not None, "Chromium")
    return path
