"""The portal's one settings module. Every value that differs between machines comes from the
environment through the helpers in portal.env, which refuse a bad value at start-up."""

from __future__ import annotations

import logging
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-demo-key-only-for-debug-" + "x" * 32

# A keyed pseudonym replaces every identity number; losing this key makes the register unable
# to recognise people across extracts, so it is separate from SECRET_KEY and must be kept.
PSEUDONYM_KEY = envsecret("PSEUDONYM_KEY") or SECRET_KEY

# Demo mode lets `load_demo` create users with known passwords; never on in production.
DEMO_MODE = envbool("DEMO_MODE", DEBUG)

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "allauth",
    "allauth.account",
    "anymail",
    "portal",
    "registry_import",
    "surveys",
    "dispatch",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "portal.context_processors.portal",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# The embedded default is a SQLite file so the portal can be tried without any server.
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ----------------------------------------------------------------
REDIS_URL = envstr("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Results are kept only for tasks that ask for them (ignore_result=False); the portal's own
# progress and outcomes live in database rows.
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
# Without a broker every task runs in the calling process, so the demo needs no worker.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "Europe/Oslo"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

# Samples are frozen on their reference date (R-C3). Late in the evening, so the extract taken
# that day has normally been imported and is what the frozen sample is built from.
CELERY_BEAT_SCHEDULE = {
    "freeze-due-samples": {
        "task": "surveys.tasks.freeze_due_samples",
        "schedule": crontab(hour=23, minute=30),
    },
    # Retention of personal data (surveys/services/retention.py), at night.
    "purge-personal-data": {
        "task": "surveys.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=15),
    },
    # Anonymous answers of open rounds re-written in random order (surveys/services/answering.py).
    "mix-anonymous-answers": {
        "task": "surveys.tasks.mix_anonymous_answers",
        "schedule": crontab(hour=2, minute=45),
    },
}

# --- Retention of personal data -------------------------------------------------------------
# Respondents' names, contact data, links and drafts go this many days after a round closes;
# identified ÅR answers (R-L3) this many years after. Anonymous answers and counts stay.
RETENTION_DAYS_AFTER_CLOSE = envint("RETENTION_DAYS_AFTER_CLOSE", 60)
IDENTIFIED_ANSWER_RETENTION_YEARS = envint("IDENTIFIED_ANSWER_RETENTION_YEARS", 5)

# --- Results and response rates -------------------------------------------------------------
# The smallest group whose LU or LBU figures are shown or stored in a form that tells one group
# from another (R-L7): results, response rates and the report classes of anonymous answers.
REPORTING_THRESHOLD = envint("REPORTING_THRESHOLD", 5)
if REPORTING_THRESHOLD < 2:
    raise ImproperlyConfigured("REPORTING_THRESHOLD must be at least 2")

# The share answering "yes" to a follow-up question (bullying, harassment, discrimination)
# above which the follow-up list shows it (R-P6), in per cent; the page lets the user change it.
REPORTING_FOLLOW_UP_PERCENT = envint("REPORTING_FOLLOW_UP_PERCENT", 5)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_ADAPTER = "portal.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Users are created by an administrator for a known address, so no verification round-trip.
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_FORMS = {
    "login": "portal.forms.LoginForm",
    "reset_password": "portal.forms.ResetPasswordForm",
    "reset_password_from_key": "portal.forms.ResetPasswordKeyForm",
    "change_password": "portal.forms.ChangePasswordForm",
}
# Telling a stranger whether an address has an account helps nobody in a closed portal.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# --- E-mail ---------------------------------------------------------------------------------
# Any anymail provider: EMAIL_BACKEND=anymail.backends.<esp>.EmailBackend and its settings as
# ANYMAIL_<NAME> variables (ANYMAIL_MAILGUN_API_KEY=... becomes ANYMAIL["MAILGUN_API_KEY"]).
EMAIL_BACKEND = envstr(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "Yrkesopplæringsportalen <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL


def _anymail_settings() -> dict[str, str]:
    import os

    prefix = "ANYMAIL_"
    return {
        key[len(prefix) :]: envsecret(key)
        for key in os.environ
        if key.startswith(prefix) and not key.endswith("_FILE")
    }


ANYMAIL = _anymail_settings()

# --- SMS ------------------------------------------------------------------------------------
TWILIO_ACCOUNT_SID = envstr("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = envsecret("TWILIO_AUTH_TOKEN")
TWILIO_MESSAGING_SERVICE_SID = envstr("TWILIO_MESSAGING_SERVICE_SID")
# "twilio" sends for real; "record" keeps what would have been sent in the database.
SMS_BACKEND = envstr("SMS_BACKEND", "twilio" if TWILIO_ACCOUNT_SID else "record")
if SMS_BACKEND not in {"twilio", "record"}:
    raise ImproperlyConfigured(f"SMS_BACKEND={SMS_BACKEND!r} must be 'twilio' or 'record'")
if SMS_BACKEND == "twilio" and not (TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN):
    raise ImproperlyConfigured("SMS_BACKEND=twilio needs TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN")

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "nb"
LANGUAGES = [
    ("nb", "Norsk bokmål"),
    ("nn", "Norsk nynorsk"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "portal_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SECURE = False  # set below with the other secure-cookie flags
USE_I18N = True
TIME_ZONE = "Europe/Oslo"
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
# Hashed file names need collectstatic first; the demo and the tests serve from the sources.
STATIC_MANIFEST = envbool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
MEDIA_ROOT = VAR_DIR / "media"

# --- Security -------------------------------------------------------------------------------
# HTTPS is on by default in production; the tests and the demo run on plain http.
HTTPS = envbool("HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
# The container health check calls /healthz over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
if envbool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_COOKIE_AGE", 8 * 3600)
X_FRAME_OPTIONS = "DENY"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Register import ------------------------------------------------------------------------
# Synthetic identity numbers (test persons, birth month + 80) are accepted only where there are
# no real people: in demo mode and the tests, never by default in production.
ALLOW_SYNTHETIC_IDS = envbool("ALLOW_SYNTHETIC_IDS", DEMO_MODE)

# --- Services the test suite must find ------------------------------------------------------
# Under REQUIRE_SERVICES=1 (CI) a missing PostgreSQL, Redis or Chromium fails the tests.
REQUIRE_SERVICES = envbool("REQUIRE_SERVICES", False)

# --- Logging --------------------------------------------------------------------------------
LOG_LEVEL = envstr("LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in logging.getLevelNamesMapping():
    raise ImproperlyConfigured(f"LOG_LEVEL={LOG_LEVEL!r} is not a logging level")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"level": "INFO"}},
}
