"""The portal's one settings module. Every value that differs between machines comes from the
environment through the helpers in portal.env, which refuse a bad value at start-up."""

from __future__ import annotations

import logging
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from portal.env import envbool, envcount, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(envstr("VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)
SECRET_KEY = envsecret("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-demo-key-only-for-debug-" + "x" * 32
# Earlier secret keys, while a rotation is under way: sessions, reset links and the two-factor
# keys sealed under them still open (portal.accounts.secret_box; run `manage.py mfa_reseal`, then
# drop).
SECRET_KEY_FALLBACKS = envlist("SECRET_KEY_FALLBACKS")

# A keyed pseudonym replaces every identity number; losing this key makes the register unable
# to recognise people across extracts, so it is separate from SECRET_KEY and must be kept.
# Falling back to SECRET_KEY would orphan every pseudonym the day the secret key is rotated.
PSEUDONYM_KEY = envsecret("PSEUDONYM_KEY")
if not PSEUDONYM_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "PSEUDONYM_KEY must be set when DEBUG is off (its own long random value, kept: "
            "it links people across register extracts)"
        )
    PSEUDONYM_KEY = "insecure-demo-pseudonym-key-only-for-debug-" + "x" * 20

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
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "anymail",
    "portal",
    "registry_import",
    "surveys",
    "dispatch",
    "reporting",
    # Above every app: the demo, which uses them all.
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.front.middleware.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Nothing behind the login and no download is kept by a browser or proxy.
    "portal.front.middleware.NoStoreMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After authentication: national and county administrators (and staff) set up two-factor
    # login before any other page, the Django admin included.
    "portal.front.middleware.TwoFactorRequiredMiddleware",
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
                "portal.front.context_processors.portal",
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
# KEY_FUNCTION: allauth's rate-limit keys reach the cache with a keyed hash of the client's or
# the account's address in place of the address (portal/lib/keyed.py).
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_FUNCTION": "portal.lib.keyed.cache_key",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "KEY_FUNCTION": "portal.lib.keyed.cache_key",
        }
    }

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
# A task not acknowledged within this time is delivered again by Redis; no task is ever
# scheduled further ahead than this (dispatch retries wait at most DISPATCH_RETRY_MAX_SECONDS).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
# The outbox's recovery (the sweeper, the release of scheduled dispatches) has a queue of its
# own, served by a worker of its own (docker-compose.yml: worker-control), so that thousands of
# send tasks queued ahead of it cannot delay it: a sweep sent every 30 s runs within seconds.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {
    "dispatch.tasks.sweep_outbox": {"queue": "control"},
    "dispatch.tasks.release_due_dispatches": {"queue": "control"},
}

# Samples are frozen on their reference date (R-C3). Late in the evening, so the extract taken
# that day has normally been imported and is what the frozen sample is built from.
CELERY_BEAT_SCHEDULE = {
    "freeze-due-samples": {
        "task": "surveys.tasks.freeze_due_samples",
        "schedule": crontab(hour=23, minute=30),
    },
    # The close step of LU and LBU rounds (surveys/services/closing.py): within the hour after
    # a round closes, who answered is forgotten and only counts per report class are kept.
    "close-rounds": {
        "task": "surveys.tasks.close_rounds",
        "schedule": crontab(minute=5),
    },
    # Retention of personal data (surveys/services/retention.py), at night.
    "purge-personal-data": {
        "task": "surveys.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=15),
    },
    # Anonymous answers of open rounds re-written in random order (surveys/services/anonymous.py).
    "mix-anonymous-answers": {
        "task": "surveys.tasks.mix_anonymous_answers",
        "schedule": crontab(hour=2, minute=45),
    },
    # Scheduled dispatches whose time has come are released to the workers (dispatch/).
    "release-due-dispatches": {
        "task": "dispatch.tasks.release_due_dispatches",
        "schedule": 30.0,
    },
    # E-mail notifications to administrators (dispatch/services/notifications.py): each event
    # once per user, however often this runs.
    "send-notifications": {
        "task": "dispatch.tasks.send_notifications",
        "schedule": crontab(minute=20),
    },
    # The outbox sweeper: messages never picked up, or left by a worker that died. With the
    # lease below, a dead worker's messages are back within lease + 30 s.
    "sweep-outbox": {
        "task": "dispatch.tasks.sweep_outbox",
        "schedule": 30.0,
    },
}

# --- Retention of personal data -------------------------------------------------------------
# Respondents' names, contact data, links and drafts go this many days after a round closes;
# identified ÅR answers (R-L3) this many years after. Anonymous answers and counts stay.
RETENTION_DAYS_AFTER_CLOSE = envint("RETENTION_DAYS_AFTER_CLOSE", 60)
IDENTIFIED_ANSWER_RETENTION_YEARS = envint("IDENTIFIED_ANSWER_RETENTION_YEARS", 5)

# --- Respondents ----------------------------------------------------------------------------
# Minutes a respondent's session (surveys/respondent_session.py) lasts after the last page;
# the link from the message opens a new one.
RESPONDENT_SESSION_MINUTES = envint("RESPONDENT_SESSION_MINUTES", 120)

# --- Results and response rates -------------------------------------------------------------
# The smallest group whose LU or LBU figures are shown or stored in a form that tells one group
# from another (R-L7): results, response rates and the report classes of anonymous answers.
REPORTING_THRESHOLD = envint("REPORTING_THRESHOLD", 5)
if REPORTING_THRESHOLD < 2:
    raise ImproperlyConfigured("REPORTING_THRESHOLD must be at least 2")
# The front page warns when a total response rate is behind last year's on the same date by more
# than this many percentage points.
RATE_BEHIND_MARGIN = envint("RATE_BEHIND_MARGIN", 10)

# The share answering "yes" to a follow-up question (bullying, harassment, discrimination)
# above which the follow-up list shows it (R-P6), in per cent; the page lets the user change it.
REPORTING_FOLLOW_UP_PERCENT = envint("REPORTING_FOLLOW_UP_PERCENT", 5)

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "portal.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "portal.accounts.adapters.AuthenticationBackend",
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
ACCOUNT_ADAPTER = "portal.accounts.adapters.AccountAdapter"
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
    "login": "portal.accounts.forms.LoginForm",
    "reset_password": "portal.accounts.forms.ResetPasswordForm",
    "reset_password_from_key": "portal.accounts.forms.ResetPasswordKeyForm",
    "change_password": "portal.accounts.forms.ChangePasswordForm",
    "reauthenticate": "portal.accounts.forms.ReauthenticateForm",
}
# allauth's rate limits. Failed logins: ten a minute from one address, and five in five minutes
# for one account *from one address* (portal.accounts.adapters.AccountAdapter keys them so), so a
# stranger cannot lock the owner out; a completed password reset lifts the lock.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "reset_password": "20/m/ip,5/m/key",
}
# Telling a stranger whether an address has an account helps nobody in a closed portal.
ACCOUNT_EMAIL_UNKNOWN_ACCOUNTS = False
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
ACCOUNT_LOGOUT_REDIRECT_URL = "home"

# Where the portal is reached from outside: put in front of the personal links in messages, of
# Twilio's callbacks, and of links in e-mails sent without a request (the activation e-mail when
# a county sends ÅR). Defaults to https:// and the first of ALLOWED_HOSTS.
SITE_URL = envstr(
    "SITE_URL",
    "http://127.0.0.1:8000" if DEBUG else (f"https://{ALLOWED_HOSTS[0]}" if ALLOWED_HOSTS else ""),
).rstrip("/")

# --- Two-factor login (allauth.mfa) -----------------------------------------------------------
# An authenticator app (TOTP) with recovery codes, or a security key/passkey (WebAuthn). Required
# for national and county administrators (portal.front.middleware), offered to everyone.
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = envstr("MFA_TOTP_ISSUER", "Yrkesopplæringsportalen")
# A code typed in the last seconds of its 30-second period, or from a phone whose clock is a
# little off, is still accepted: one period either side, as RFC 6238 recommends.
MFA_TOTP_TOLERANCE = 1
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_FORMS = {
    "authenticate": "portal.accounts.forms.MFAAuthenticateForm",
    "reauthenticate": "portal.accounts.forms.MFAReauthenticateForm",
    "activate_totp": "portal.accounts.forms.ActivateTOTPForm",
    "add_webauthn": "portal.accounts.forms.AddWebAuthnForm",
}

# --- Single sign-on (allauth.socialaccount, OpenID Connect) ---------------------------------
# One OpenID Connect provider (ID-porten, Feide or the Directorate's own), configured from the
# environment. A login through it is accepted only for a verified e-mail address that belongs to
# an existing, active user; it never creates users (portal.accounts.sso.SocialAccountAdapter).
OIDC_SERVER_URL = envstr("OIDC_SERVER_URL")  # the issuer; its /.well-known/openid-configuration
OIDC_CLIENT_ID = envstr("OIDC_CLIENT_ID")
OIDC_CLIENT_SECRET = envsecret("OIDC_CLIENT_SECRET")
OIDC_PROVIDER_ID = envstr("OIDC_PROVIDER_ID", "sso")  # the path segment of its login URLs
OIDC_PROVIDER_NAME = envstr("OIDC_PROVIDER_NAME", "ID-porten")  # shown on the login button
if any([OIDC_SERVER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET]) and not all(
    [OIDC_SERVER_URL, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET]
):
    raise ImproperlyConfigured(
        "Single sign-on needs OIDC_SERVER_URL, OIDC_CLIENT_ID and OIDC_CLIENT_SECRET together"
    )
SOCIALACCOUNT_ADAPTER = "portal.accounts.sso.SocialAccountAdapter"
MFA_ADAPTER = "portal.accounts.adapters.MFAAdapter"
SOCIALACCOUNT_PROVIDERS: dict = {"openid_connect": {"APPS": []}}
if OIDC_SERVER_URL:
    SOCIALACCOUNT_PROVIDERS["openid_connect"]["APPS"].append(
        {
            "provider_id": OIDC_PROVIDER_ID,
            "name": OIDC_PROVIDER_NAME,
            "client_id": OIDC_CLIENT_ID,
            "secret": OIDC_CLIENT_SECRET,
            "settings": {"server_url": OIDC_SERVER_URL, "oauth_pkce_enabled": True},
        }
    )
# The e-mail comes from the ID provider; nothing is stored about the person beyond the link.
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_QUERY_EMAIL = True

# --- Help and support -----------------------------------------------------------------------
# Shown on the help page linked from every page; a county's own ÅR contact is kept on the county
# (County.contact_email/contact_phone, edited by its administrators).
SUPPORT_TECHNICAL_EMAIL = envstr("SUPPORT_TECHNICAL_EMAIL", "support@demo.no" if DEMO_MODE else "")
SUPPORT_TECHNICAL_PHONE = envstr("SUPPORT_TECHNICAL_PHONE")
SUPPORT_DIRECTORATE_EMAIL = envstr("SUPPORT_DIRECTORATE_EMAIL", "post@udir.no")
SUPPORT_DIRECTORATE_PHONE = envstr("SUPPORT_DIRECTORATE_PHONE")

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

# --- Dispatch -------------------------------------------------------------------------------
# "django" sends e-mail through Django's mail API (EMAIL_BACKEND, e.g. anymail's); "record"
# keeps what would have been sent in the database, shown on a page (demo and tests).
DISPATCH_EMAIL_BACKEND = envstr("DISPATCH_EMAIL_BACKEND", "record" if DEMO_MODE else "django")
if DISPATCH_EMAIL_BACKEND not in {"django", "record"}:
    raise ImproperlyConfigured(
        f"DISPATCH_EMAIL_BACKEND={DISPATCH_EMAIL_BACKEND!r} must be 'django' or 'record'"
    )
# With an anymail ESP that batches: its merge-field syntax, e.g. "%recipient.{}%" (Mailgun),
# "{{{{{}}}}}" (SparkPost), "[[var:{}]]" (Mailjet). Each chunk of e-mails of one text then goes
# out as one API call with per-recipient merge data. Empty: one message per recipient.
DISPATCH_EMAIL_MERGE_FIELD = envstr("DISPATCH_EMAIL_MERGE_FIELD")
# Messages claimed by one task. The task renews its claim (a heartbeat) at least every third
# of the lease while it works the chunk, so a claim older than the lease is a dead worker's and
# the sweeper takes it back: short, so a crash costs a minute or two, not a quarter of an hour.
DISPATCH_CHUNK_SIZE = envint("DISPATCH_CHUNK_SIZE", 500)
DISPATCH_LEASE_SECONDS = envint("DISPATCH_LEASE_SECONDS", 60)
# Transient provider errors: tries per message, with back-off doubling up to the maximum.
DISPATCH_MAX_ATTEMPTS = envint("DISPATCH_MAX_ATTEMPTS", 5)
DISPATCH_RETRY_MAX_SECONDS = envint("DISPATCH_RETRY_MAX_SECONDS", 900)
if CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] <= DISPATCH_RETRY_MAX_SECONDS:
    raise ImproperlyConfigured("DISPATCH_RETRY_MAX_SECONDS must be below the visibility timeout")
# Notifications to administrators: a dispatch that finished with more than this share (percent)
# of its messages failed, and an organisation with this many SMS dispatches left or fewer.
NOTIFY_FAILED_PERCENT = envint("NOTIFY_FAILED_PERCENT", 5)
NOTIFY_SMS_LEFT = envint("NOTIFY_SMS_LEFT", 1)
# A Twilio status callback signed longer ago than this is refused (replay).
TWILIO_CALLBACK_MAX_AGE_SECONDS = envint("TWILIO_CALLBACK_MAX_AGE_SECONDS", 7 * 24 * 3600)

# --- SMS ------------------------------------------------------------------------------------
TWILIO_ACCOUNT_SID = envstr("TWILIO_ACCOUNT_SID")
TWILIO_AUTH_TOKEN = envsecret("TWILIO_AUTH_TOKEN")
TWILIO_MESSAGING_SERVICE_SID = envstr("TWILIO_MESSAGING_SERVICE_SID")
# Only to point the Twilio library at a Twilio-compatible test server; empty in production.
TWILIO_API_BASE_URL = envstr("TWILIO_API_BASE_URL")
# "twilio" sends for real; "record" keeps what would have been sent in the database.
SMS_BACKEND = envstr("SMS_BACKEND", "twilio" if TWILIO_ACCOUNT_SID else "record")
# The recording backends report each recorded message delivered, as a provider's delivery
# webhook would (the demo shows "Levert"); off, recorded messages stay "sent".
DISPATCH_RECORD_DELIVERED = envbool("DISPATCH_RECORD_DELIVERED", True)
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
# WebAuthn wants https; browsers allow it on plain http for localhost (the demo and the tests).
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = not HTTPS
# The container health check calls /healthz over plain http inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# How many trusted proxies stand in front of the portal: 0 when clients reach it directly, 1
# for one TLS proxy. Every rate limit counts the client address the proxies give
# (portal/lib/client.py); with 0, X-Forwarded-For and X-Forwarded-Proto are the client's words.
BEHIND_PROXY = envcount("BEHIND_PROXY", 0)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
# The session table holds a keyed hash of each session key, not the key the cookie carries
# (portal/accounts/sessions.py): a copy of the database logs nobody in.
SESSION_ENGINE = "portal.accounts.sessions"
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

# /healthz answers only "ok" or "error" to the public; the state of the database and broker
# to requests from the machine itself or carrying this token (header X-Health-Token).
HEALTHZ_TOKEN = envsecret("HEALTHZ_TOKEN")

# --- Uploads --------------------------------------------------------------------------------
# Every uploaded file is streamed to disk, and a request whose uploads together pass
# UPLOAD_MAX_BYTES is stopped while it arrives (portal/lib/uploads.py).
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 200 * 1024 * 1024)
FILE_UPLOAD_HANDLERS = [
    "portal.lib.uploads.UploadCapHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_TEMP_DIR = VAR_DIR / "upload-tmp"
FILE_UPLOAD_TEMP_DIR.mkdir(exist_ok=True)

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
    # Every handler passes its lines through the token filter (portal/log_filters.py): no
    # personal link or reset key is ever written to a log.
    "filters": {"tokens": {"()": "portal.log_filters.TokenFilter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["tokens"]}
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django": {"level": "INFO"}},
}
