"""Project wiring for Samråd. Every setting that differs between machines comes from the environment.

See `.env.example` for the variables and `docs/operations.md` for production values.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent  # src/samrad
PROJECT_DIR = BASE_DIR.parent.parent  # repository root

env = environ.Env()
environ.Env.read_env(PROJECT_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
# The example value of .env.example is no secret: with DEBUG off it is refused like a missing key.
EXAMPLE_SECRET_KEY = "change-me-to-50-random-characters"  # noqa: S105 - the placeholder that is refused
if not SECRET_KEY or SECRET_KEY == EXAMPLE_SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a secret value when DEBUG is off (see .env.example). For a development "
            "checkout, `make demo` or `scripts/local-env` writes a .env with DEBUG=1 and a generated key."
        )
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-for-debug"  # used only with DEBUG on

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A refused form gets a page that says what happened and what to do (in the site's layout and language).
CSRF_FAILURE_VIEW = "samrad.ui.errors.csrf_failure"
# Where the platform is reached; used in links that leave the site (e-mail, calendar files).
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
VAR_DIR = Path(env.str("SAMRAD_VAR_DIR", default="") or PROJECT_DIR / "var")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "samrad.ui",
    "samrad.core",
    "samrad.audit",
    "samrad.organisations",
    "samrad.accounts",
    "samrad.notifications",
    "samrad.documents",
    "samrad.consultations",
    "samrad.dialogue",
    "samrad.library",
    "samrad.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samrad.ui.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "samrad.urls"
WSGI_APPLICATION = "samrad.wsgi.application"

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
                "samrad.ui.context_processors.navigation",
            ],
        },
    },
]

# --- Database: SQLite file by default, PostgreSQL (psycopg 3) by DATABASE_URL ----------------------------------
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'samrad.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web process and the worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # A file, not memory, so that a worker process started by a test sees the test database.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-samrad.sqlite3")}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache (rate limits, sessions of the login-link throttle): database by default, Redis by REDIS_URL ----------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "samrad_cache"}}

# --- Authentication ----------------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sesame.backends.ModelBackend",
    # Answers user.has_perm() for the platform's roles (samrad.actors names them); authenticates nobody.
    "samrad.accounts.permissions.RolePermissionBackend",
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
SESAME_MAX_AGE = env.int("LOGIN_LINK_MAX_AGE", default=60 * 60 * 24)  # seconds a login link stays valid
SESAME_ONE_TIME = True
SESAME_TOKEN_NAME = "sesame"  # noqa: S105 - the query parameter name, not a secret
# How many login links one address or one client may ask for per hour.
LOGIN_LINK_RATE = env.str("LOGIN_LINK_RATE", default="5/h")
# Failed staff password logins allowed per client.
PASSWORD_LOGIN_RATE = env.str("PASSWORD_LOGIN_RATE", default="10/15m")
# Behind a proxy, the request header that holds the client's address (e.g. HTTP_X_REAL_IP); REMOTE_ADDR if unset.
CLIENT_IP_HEADER = env.str("CLIENT_IP_HEADER", default="")
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# --- Language and time -------------------------------------------------------------------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", _("Swedish")), ("en", _("English"))]
# Strings of the project-level modules (settings, samrad/*.py); each app keeps its own catalogue.
LOCALE_PATHS: list[Path] = [BASE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Stockholm"
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
NODE_MODULES = PROJECT_DIR / "node_modules"
STATICFILES_DIRS = [
    ("vendor/designsystemet", NODE_MODULES / "@digdir" / "designsystemet-css" / "dist"),
    ("vendor/inter", NODE_MODULES / "@fontsource" / "inter"),
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default="") or VAR_DIR / "media")
# Object storage (S3-compatible) when a bucket is named; local disk otherwise.
AWS_STORAGE_BUCKET_NAME = env.str("S3_BUCKET", default="")
if AWS_STORAGE_BUCKET_NAME:
    default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("S3_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    default_storage = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": default_storage,
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

# --- E-mail: every message goes through the outbox (samrad.notifications) ----------------------------------
EMAIL_BACKEND_PATH = env.str(
    "EMAIL_BACKEND",
    default="django.core.mail.backends.filebased.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
if EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    _mail_options: dict[str, object] = {"file_path": str(VAR_DIR / "mail")}
elif EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    _mail_options = {
        "host": env.str("EMAIL_HOST", default="127.0.0.1"),
        "port": env.int("EMAIL_PORT", default=25),
        "username": env.str("EMAIL_HOST_USER", default=""),
        "password": env.str("EMAIL_HOST_PASSWORD", default=""),
        "use_tls": env.bool("EMAIL_USE_TLS", default=False),
        "use_ssl": env.bool("EMAIL_USE_SSL", default=False),
        "timeout": env.int("EMAIL_TIMEOUT", default=20),
    }
else:
    _mail_options = {}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": _mail_options}}
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Samråd <noreply@samrad.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Outbox retry policy: first retry after OUTBOX_RETRY_BASE seconds, doubling up to OUTBOX_RETRY_MAX.
OUTBOX_RETRY_BASE = env.int("OUTBOX_RETRY_BASE", default=30)
OUTBOX_RETRY_MAX = env.int("OUTBOX_RETRY_MAX", default=60 * 60)
# A message left "sending" longer than this (a worker died mid-send) is picked up again.
OUTBOX_SENDING_LEASE = env.int("OUTBOX_SENDING_LEASE", default=10 * 60)

# --- Background jobs (django.tasks): database queue by default, RQ over Redis at scale ---------------------
TASK_BACKEND = env.str("TASK_BACKEND", default="database")
if TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    RQ_QUEUES = {"default": {"URL": env.str("TASK_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")}}
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
else:
    raise ImproperlyConfigured(f"TASK_BACKEND must be database, rq or immediate, not {TASK_BACKEND!r}.")
# How often the scheduler looks for periodic work that is due (seconds).
SCHEDULER_TICK = env.int("SCHEDULER_TICK", default=30)

# --- Consultations ------------------------------------------------------------------------------------------
# Pattern of generated reference numbers (diarienummer): {year} and {seq} are filled in.
CONSULTATION_REFERENCE_PATTERN = env.str("CONSULTATION_REFERENCE_PATTERN", default="SAM {year}/{seq:04d}")

# --- Uploads -------------------------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# The largest document or attachment accepted (bytes).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)

# --- Security headers --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", False) else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
