"""Settings for the Scopeline web app, driven by environment variables (see ``.env.example``).

The embedded default is SQLite in ``SCOPELINE_DATA_DIR`` (``./var``), one process, no broker;
``DATABASE_URL`` switches to PostgreSQL for production. Nothing secret lives in this file: the
secret key comes from ``SECRET_KEY`` (or ``SECRET_KEY_FILE``), or is generated once into the
data directory for a self-hosted single machine.
"""

from __future__ import annotations

from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.core.management.utils import get_random_secret_key

from scopeline.web.env import env_bool, env_int, env_list, env_str

# Lets forms and admin classes be subscripted (ModelForm[Client]) at run time, as mypy sees them.
django_stubs_ext.monkeypatch()

WEB_DIR = Path(__file__).resolve().parent
PACKAGE_DIR = WEB_DIR.parent
DATA_DIR = Path(env_str("SCOPELINE_DATA_DIR", str(Path.cwd() / "var"))).resolve()

DEBUG = env_bool("SCOPELINE_DEBUG", False)
HTTPS = env_bool("SCOPELINE_HTTPS", False)
SITE_URL = env_str("SCOPELINE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")


def _secret_key() -> str:
    key = env_str("SECRET_KEY")
    if key:
        return key
    # A single self-hosted machine: generate once, keep it beside the database.
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(get_random_secret_key(), encoding="utf-8")
        path.chmod(0o600)
    return path.read_text(encoding="utf-8").strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "whitenoise.runserver_nostatic",
    # Before django.contrib.admin, whose registration/ templates would otherwise win.
    "scopeline.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "scopeline.accounts",
    "scopeline.clients",
    "scopeline.projects",
    "scopeline.inbox",
    "scopeline.changeorders",
    "scopeline.dashboard",
    "scopeline.health",
    "scopeline.timeimport",
    "scopeline.intake",
    "scopeline.api",
    "scopeline.backup",
    # Background work (issue 8): the database queue of the default task engine ("rq" adds
    # django_rq below, for `manage.py rqworker` and its admin pages).
    "django_tasks_db",
    # The API's docs page (Swagger UI) from its own static files, not from a CDN.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "scopeline.accounts.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "scopeline.changeorders.middleware.PortalPrivacyMiddleware",
]

ROOT_URLCONF = "scopeline.web.urls"
WSGI_APPLICATION = "scopeline.web.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "scopeline.accounts.context_processors.workspace",
            ],
        },
    }
]

# -- database -----------------------------------------------------------------------------
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("SCOPELINE_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(DATA_DIR / "scopeline.sqlite3"),
            "OPTIONS": {
                # Writers wait for each other instead of failing with "database is locked".
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# -- accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# -- languages and time ------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", "English"),
    ("fi", "Suomi"),
    ("ro", "Română"),
    ("zh-hant", "繁體中文"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = env_str("SCOPELINE_TIME_ZONE", "UTC")
USE_TZ = True

# -- static files: served by WhiteNoise from the app itself, no CDN ---------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or not env_bool("SCOPELINE_STATIC_MANIFEST", True)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# -- uploaded and received files (e-mail intake: raw messages and attachments) ----------------
# Served only through views that check the workspace (no MEDIA_URL).
MEDIA_ROOT = Path(env_str("SCOPELINE_MEDIA_DIR", str(DATA_DIR / "media"))).resolve()
INTAKE_MAX_EMAIL_BYTES = env_int("SCOPELINE_INTAKE_MAX_EMAIL_MB", 25) * 1024 * 1024
INTAKE_MAX_ATTACHMENT_BYTES = env_int("SCOPELINE_INTAKE_MAX_ATTACHMENT_MB", 10) * 1024 * 1024
INTAKE_MAX_ATTACHMENTS = 20
INTAKE_IMAP_TIMEOUT = 30

# -- mail -------------------------------------------------------------------------------------
# Django 6.1's MAILERS (the EMAIL_* settings are deprecated). Without EMAIL_HOST, mail is
# printed to the console, which suits `make run` on one machine.
_email_host = env_str("EMAIL_HOST")
MAILERS = {
    "default": (
        {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _email_host,
                "port": env_int("EMAIL_PORT", 25),
                "username": env_str("EMAIL_HOST_USER") or None,
                "password": env_str("EMAIL_HOST_PASSWORD") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", False),
                "timeout": 20,
            },
        }
        if _email_host
        else {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    )
}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Scopeline <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# -- background work ------------------------------------------------------------------------
# Django's tasks framework. "database": the queue is a table in the app's own database and
# `manage.py db_worker` runs it (`make run` starts one); no broker. "rq": RQ on Redis
# (REDIS_URL), drained by any number of `manage.py rqworker --with-scheduler default`
# processes on any number of machines. "immediate": run inline, in the caller (tests, one-off
# scripts). docs/architecture.md, "Background work", says how to write a task.
TASKS_ENGINE = env_str("SCOPELINE_TASKS", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
TASK_QUEUES = ["default"]
_TASK_BACKENDS = {
    "database": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES},
    "rq": {
        "BACKEND": "scopeline.web.rq_backend.RQBackend",
        "QUEUES": TASK_QUEUES,
        "OPTIONS": {
            "job_timeout": env_int("SCOPELINE_TASK_TIMEOUT", 300),
            "result_ttl": env_int("SCOPELINE_TASK_RESULT_TTL", 86400),
        },
    },
    "immediate": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"},
}
if TASKS_ENGINE not in _TASK_BACKENDS:
    raise ImproperlyConfigured(
        f"SCOPELINE_TASKS must be one of {', '.join(_TASK_BACKENDS)}, not {TASKS_ENGINE!r}"
    )
TASKS = {"default": _TASK_BACKENDS[TASKS_ENGINE]}
if TASKS_ENGINE == "rq":
    INSTALLED_APPS.append("django_rq")
# Queues of the "rq" engine, read by django_rq (and its `rqworker` command).
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 300} for name in TASK_QUEUES}
RQ = {"WORKER_CLASS": "scopeline.web.rq_backend.Worker"}

# -- security ---------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("SCOPELINE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = env_int("SCOPELINE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS and env_bool("SCOPELINE_HSTS_PRELOAD", False)
# Preloading is a separate, hard-to-undo commitment (hstspreload.org); off unless asked for,
# and then its deploy-check warning is noise, not a finding.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
if env_bool("SCOPELINE_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# The public client portal: requests per minute from one address.
PORTAL_RATE = {
    "GET": env_int("SCOPELINE_PORTAL_GETS_PER_MINUTE", 120),
    "POST": env_int("SCOPELINE_PORTAL_POSTS_PER_MINUTE", 10),
}
# A pasted message is at most this many characters (the triage engine reads the first part).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("SCOPELINE_LOG_LEVEL", "INFO")},
    # WeasyPrint narrates every rendering step at INFO; fontTools every font subset.
    "loggers": {
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
