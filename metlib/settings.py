"""Settings for MetLib Circle, every knob read from the environment.

The README lists each variable with its default. With nothing set the project runs
for a first look: a SQLite file, tasks run in-process, mail printed to the console.
"""

import json
import logging
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from django.utils.translation import to_locale

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def envbool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {value!r}")


def envint(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}") from None


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set: set it to a long random string, or set DEBUG=1 for development."
        )
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105

SITE_URL = env("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", SITE_URL)

INSTALLED_APPS = [
    "metlib",
    "cohorts",
    "nominations",
    "sessions.apps.CalendarConfig",  # label "calendar": Django owns "sessions",
    "certificates",
    "circle",
    "demo",
    "modeltranslation",  # before the admin, whose forms it extends
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "django_countries",
    "allauth",
    "allauth.account",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "metlib.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The calendar feed (polled by calendar apps, cookie-less) stops here.
    "sessions.feed_middleware.FeedShortcutMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "metlib.upload_limits.UploadLimitMiddleware",
    "metlib.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = env("ROOT_URLCONF", "metlib.urls")
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "metlib.wsgi.application"

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
                "django.template.context_processors.tz",
                "metlib.context_processors.layout",
            ],
            # {% url %} that remembers what it reversed (metlib/reversing.py), and
            # {% translate "literal" %} that remembers its text per language
            "builtins": ["metlib.templatetags.urls"],
            "libraries": {
                "i18n": "metlib.templatetags.remembered_i18n",
                "static": "metlib.templatetags.remembered_static",
            },
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'metlib.sqlite3'}")
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL,
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    (BASE_DIR / "var").mkdir(exist_ok=True)
    # SQLite cannot hold a connection open across threads usefully; keep it simple.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif envbool("DATABASE_PREPARED_STATEMENTS", True):
    # Parameters bound by the server, and a statement run five times on a connection kept
    # (DATABASE_CONN_MAX_AGE) prepared once: PostgreSQL then neither parses nor plans it again.
    # The dashboard's one statement went from 5.1 to 2.4 ms. Turn it off behind a pooler in
    # transaction mode (PgBouncer without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        server_side_binding=True, prepare_threshold=envint("DATABASE_PREPARE_THRESHOLD", 5)
    )
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: it pays off for long analytical queries, never for a page's. The
    # planner turns it on by estimated cost, and the dashboard's statement crossed the line
    # with a few thousand mails in the outbox: 86 ms of compiling on every visit.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    options["options"] = f"{options.get('options', '')} -c jit=off".strip()
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "metlib.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "metlib"),
            # A Redis that does not answer makes pages slower (metlib/cache.py goes on without
            # it), never hang: a second at most to connect or to answer.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
elif DEBUG:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
else:
    # Rate limits (allauth's lock-out) and sessions must be counted and kept in one place for
    # every web process: an in-memory cache is each process's own, so with two workers the
    # lock-out came after ten failures, not five. Without Redis, production uses a table in
    # PostgreSQL (made by metlib's migrations), and metlib/apps.py says so at start.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "metlib_cache",
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "metlib"),
        }
    }
# Pages kept rendered until a change (calendar feeds, the blank nomination form; see
# metlib/generations.py) need a cache every process shares: a change made in one process must
# retire what the others kept. The in-memory cache is each process's own, so without Redis
# nothing is kept (tests, one process, turn it on).
CACHE_SHARED = bool(REDIS_URL)

# Sessions are read from the cache and written through to the database: one query fewer on
# every signed-in request, and nothing lost when the cache is flushed.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "metlib.User"
# Django's and allauth's backends, reading the signed-in person by one statement.
AUTHENTICATION_BACKENDS = [
    "metlib.auth_backends.ModelBackend",
    "metlib.auth_backends.AccountBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# How many nominations one account may start for one call (the form cannot mail strangers in
# bulk); a library that needs more writes to the call's contact.
NOMINATIONS_PER_ACCOUNT = envint("NOMINATIONS_PER_ACCOUNT", 5)
# Our page for a form sent without a valid token: says why and keeps what was typed.
CSRF_FAILURE_VIEW = "metlib.csrf_views.csrf_failure"
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"

ACCOUNT_ADAPTER = "metlib.accounts.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
# A password is optional (no star): nominators who come once a year sign in with an emailed
# code; the sign-up page (templates/account/signup.html) keeps the password folded away.
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_ENABLED = True
ACCOUNT_LOGIN_BY_CODE_TIMEOUT = envint("ACCOUNT_LOGIN_BY_CODE_TIMEOUT", 15 * 60)
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = env("ACCOUNT_EMAIL_SUBJECT_PREFIX", "[MetLib Circle] ")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if SITE_URL.startswith("https://") else "http"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_RATE_LIMITS_DISABLED = envbool("ACCOUNT_RATE_LIMITS_DISABLED", False)
if ACCOUNT_RATE_LIMITS_DISABLED:
    ACCOUNT_RATE_LIMITS = False
# Otherwise allauth's own rate limits apply (login, login failures, codes, signup, resets).

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en"
# IFLA's working languages: every one a person may choose in their profile.
PLANNED_LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("de", _("German")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("zh-hans", _("Chinese")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]


def _has_catalogue(code: str) -> bool:
    return (LOCALE_PATHS[0] / to_locale(code) / "LC_MESSAGES" / "django.po").is_file()


# A language is offered only when its catalogue is there: English (the source), and each one
# whose locale/<code>/LC_MESSAGES/django.po exists. tests/i18n keeps those catalogues whole.
LANGUAGES = [
    (code, name)
    for code, name in PLANNED_LANGUAGES
    if code == LANGUAGE_CODE or _has_catalogue(code)
]
USE_I18N = True
# The call's texts may be given in any planned language: one column per language, fixed here
# so that a catalogue coming or going never changes the database.
MODELTRANSLATION_LANGUAGES = tuple(code for code, _name in PLANNED_LANGUAGES)
MODELTRANSLATION_DEFAULT_LANGUAGE = LANGUAGE_CODE
USE_TZ = True
TIME_ZONE = env("TIME_ZONE", "UTC")

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # whitenoise warns about a missing folder
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded and generated files (certificates, signatures, preparation) go through Django's
# storage API. Another backend is a setting away: e.g. MEDIA_STORAGE=storages.backends.s3.S3Storage
# (django-storages, installed by the operator) with MEDIA_STORAGE_OPTIONS as a JSON object.
STORAGES = {
    "default": {
        "BACKEND": env("MEDIA_STORAGE", "django.core.files.storage.FileSystemStorage"),
        "OPTIONS": json.loads(env("MEDIA_STORAGE_OPTIONS", "{}")),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ----------------------------------------------------------------------------------
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "MetLib Circle <noreply@localhost>")
SERVER_EMAIL = env("SERVER_EMAIL", DEFAULT_FROM_EMAIL)
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH")
if env("EMAIL_BACKEND"):
    EMAIL_BACKEND = env("EMAIL_BACKEND")
elif EMAIL_HOST:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
elif EMAIL_FILE_PATH:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
else:
    EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
EMAIL_PORT = envint("EMAIL_PORT", 25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = envbool("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = envint("EMAIL_TIMEOUT", 30)
OUTBOX_MAX_ATTEMPTS = envint("OUTBOX_MAX_ATTEMPTS", 8)
# Candidates' confirmation requests: so the nomination form cannot be used to mail strangers.
CANDIDATE_REQUESTS_PER_ADDRESS = envint("CANDIDATE_REQUESTS_PER_ADDRESS", 3)
CANDIDATE_REQUESTS_PER_DAY = envint("CANDIDATE_REQUESTS_PER_DAY", 10)

# --- Celery ---------------------------------------------------------------------------------
CELERY_TASK_ALWAYS_EAGER = not env("CELERY_BROKER_URL")
# Running tasks in the web process is worth a warning at start, except where it is the plan.
WARN_EAGER_TASKS = True
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "memory://")
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": envint("CELERY_VISIBILITY_TIMEOUT", 3600)}
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE = {
    "outbox-sweep": {"task": "metlib.sweep_outbox", "schedule": 60.0},
    "forget-sent-secrets": {"task": "metlib.forget_sent_secrets", "schedule": 3600.0},
    "resume-publications": {"task": "nominations.resume_publications", "schedule": 300.0},
    "reminder-scan": {"task": "calendar.scan_reminders", "schedule": 300.0},
    "resume-certificate-batches": {"task": "certificates.resume_batches", "schedule": 120.0},
}

# --- Security -------------------------------------------------------------------------------
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if envbool("TRUST_X_FORWARDED_PROTO", False) else None
)
_production = not DEBUG
SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", _production)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if _production else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = envbool("SECURE_HSTS_INCLUDE_SUBDOMAINS", _production)
SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", False)
# Preloading binds the whole domain and takes months to undo, so it is the operator's opt-in
# (SECURE_HSTS_PRELOAD=1), not a default; check --deploy need not ask for it (security.W021).
SILENCED_SYSTEM_CHECKS = [
    "security.W021",
    # "i18n" and "static" name two tag libraries each on purpose: ours
    # (metlib/templatetags/remembered_i18n.py and remembered_static.py, TEMPLATES'
    # "libraries") take the place of Django's. A test runs this check and allows no other
    # label twice.
    "templates.W003",
]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", _production)
CSRF_COOKIE_SECURE = envbool("CSRF_COOKIE_SECURE", _production)
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# No inline script or style anywhere: pages load our own static files only. Images may be
# data: URIs (QR codes, charts). An empty CSP_DISABLE is the safe default.
CSP: dict[str, tuple[str, ...]] = (
    {}
    if envbool("CSP_DISABLE", False)
    else {
        "default-src": ("'self'",),
        "script-src": ("'self'",),
        "style-src": ("'self'",),
        "img-src": ("'self'", "data:"),
        "font-src": ("'self'",),
        "connect-src": ("'self'",),
        "object-src": ("'none'",),
        "base-uri": ("'self'",),
        "form-action": ("'self'",),
        "frame-ancestors": ("'none'",),
    }
)
# Request bodies (every limit is listed in docs/deploy.md). A form without files may send
# 2.5 MB; a multipart body (with files) UPLOAD_MAX_BYTES when signed in, and much less from a
# visitor, whom no page asks for a file (metlib/upload_limits.py). The proxy's limit should
# match UPLOAD_MAX_BYTES.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_BYTES", 12 * 1024 * 1024)
ANONYMOUS_UPLOAD_MAX_BYTES = envint("ANONYMOUS_UPLOAD_MAX_BYTES", 64 * 1024)

# --- Logging --------------------------------------------------------------------------------
# Django configures its own handlers (the development server's among them) before LOGGING;
# configure_logging puts the redacting filter on every one of them.
LOGGING_CONFIG = "metlib.log_redaction.configure_logging"
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "filters": {"redact": {"()": "metlib.log_redaction.RedactingFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact"],
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # WeasyPrint logs a dozen progress lines per PDF at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
logging.captureWarnings(True)
