"""Project wiring for Samråd. Every setting that differs between machines comes from the environment.

See `.env.example` for the variables and `docs/operations.md` for production values.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
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
    "samrad.analysis",
    "samrad.library",
    "samrad.reports",
    "samrad.archive",
    "samrad.publishing",
    "samrad.api",
    # django-ninja's templates and static files: the API docs' Swagger UI is served from /static/ninja/. After
    # samrad.api, whose templates/ninja/swagger.html takes the place of ninja's.
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samrad.ui.middleware.ChosenLanguageMiddleware",
    # Refuses a query string over DATA_UPLOAD_MAX_NUMBER_FIELDS before anything reads it (a 400, never a 500).
    "samrad.api.middleware.QueryLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Pages for a signed-in person (drafts, receipts, personal data) are private and never stored by caches.
    "samrad.ui.cache.PrivatePagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # htmx requests without a session: a 401 the page understands, never the login page as a fragment.
    "samrad.ui.htmx.HtmxLoginRequiredMiddleware",
    # Last, so that every header above applies to its 413 page; it answers before any view reads the body.
    "samrad.documents.uploads.UploadLimitMiddleware",
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
# The longest a grant link (the registry's link in an invitation, valid until the deadline) may live, in seconds.
LOGIN_LINK_GRANT_MAX_AGE = env.int("LOGIN_LINK_GRANT_MAX_AGE", default=60 * 60 * 24 * 60)
SESAME_TOKEN_NAME = "sesame"  # noqa: S105 - the query parameter name, not a secret
# Login-link limits (accounts.services.login_link_request). Rates are "count/period": "5/h", "300/h", "10/15m".
# Mails to one address; over it nothing more is sent while the newest link is unused and valid (the page answers
# the same). LOGIN_LINK_RATE is the older name of this setting.
LOGIN_LINK_MAILS_PER_ADDRESS = env.str(
    "LOGIN_LINK_MAILS_PER_ADDRESS", default=env.str("LOGIN_LINK_RATE", default="5/h")
)
# Requests from one client for one address; over it, as above.
LOGIN_LINK_CLIENT_ADDRESS_RATE = env.str("LOGIN_LINK_CLIENT_ADDRESS_RATE", default="3/h")
# Requests from one client (IP address; IPv6 per /64) for any address: high, since a whole office shares one
# outgoing address; over it the client is asked to wait (HTTP 429).
LOGIN_LINK_CLIENT_RATE = env.str("LOGIN_LINK_CLIENT_RATE", default="300/h")
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
# Two queues: "mail" (e-mail delivery, hence login links) and "default" (everything else: text extraction,
# reminders, search indexing, ...). Run a worker for each (`manage.py run_worker mail`, `run_worker default`)
# so that no job, however long, holds up mail. See docs/decisions/0002-task-queue.md.
TASK_QUEUES = ["default", "mail"]
# The longest a job on "default" may run (seconds) and one on "mail". RQ kills a job that overruns (its
# job_timeout); the database queue has no such timeout, so there every job bounds itself (see ADR 0002) and a
# job still "running" after twice this long is marked failed by the periodic `notifications.task_sweep`.
TASK_TIME_LIMIT = env.int("TASK_TIME_LIMIT", default=15 * 60)
MAIL_TASK_TIME_LIMIT = env.int("MAIL_TASK_TIME_LIMIT", default=2 * 60)
TASK_BACKEND = env.str("TASK_BACKEND", default="database")
if TASK_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": TASK_QUEUES}}
elif TASK_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    _task_redis_url = env.str("TASK_REDIS_URL", default=REDIS_URL or "redis://127.0.0.1:6379/0")
    RQ_QUEUES = {
        "default": {"URL": _task_redis_url, "DEFAULT_TIMEOUT": TASK_TIME_LIMIT},
        "mail": {"URL": _task_redis_url, "DEFAULT_TIMEOUT": MAIL_TASK_TIME_LIMIT},
    }
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": TASK_QUEUES}}
elif TASK_BACKEND == "immediate":
    TASKS = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend", "QUEUES": TASK_QUEUES}}
else:
    raise ImproperlyConfigured(f"TASK_BACKEND must be database, rq or immediate, not {TASK_BACKEND!r}.")
# How often the scheduler looks for periodic work that is due (seconds).
SCHEDULER_TICK = env.int("SCHEDULER_TICK", default=30)

# --- Text extraction: each file is read in a child process with these limits (samrad.documents.limits) -----
# Wall-clock seconds; the child is killed when they pass. What was read before is kept, flagged "cut off".
EXTRACTION_TIME_LIMIT = env.int("EXTRACTION_TIME_LIMIT", default=5 * 60)
# Processor seconds (RLIMIT_CPU), and memory (RLIMIT_AS, bytes beyond what the reader library needs to start).
EXTRACTION_CPU_LIMIT = env.int("EXTRACTION_CPU_LIMIT", default=5 * 60)
EXTRACTION_MEMORY_LIMIT = env.int("EXTRACTION_MEMORY_LIMIT", default=1024 * 1024 * 1024)
# Pages read and characters kept at most per file.
EXTRACTION_MAX_PAGES = env.int("EXTRACTION_MAX_PAGES", default=5000)
EXTRACTION_MAX_CHARS = env.int("EXTRACTION_MAX_CHARS", default=20_000_000)
# A run whose heartbeat is older than this (seconds) lost its worker; the sweep queues the file again, up to
# EXTRACTION_MAX_ATTEMPTS runs, then marks it failed. A file queued but never started is queued again after
# EXTRACTION_QUEUE_GRACE seconds.
EXTRACTION_LEASE = env.int("EXTRACTION_LEASE", default=2 * 60)
EXTRACTION_MAX_ATTEMPTS = env.int("EXTRACTION_MAX_ATTEMPTS", default=3)
EXTRACTION_QUEUE_GRACE = env.int("EXTRACTION_QUEUE_GRACE", default=15 * 60)
if EXTRACTION_TIME_LIMIT + 60 > TASK_TIME_LIMIT:
    raise ImproperlyConfigured("TASK_TIME_LIMIT must exceed EXTRACTION_TIME_LIMIT by at least 60 seconds.")

# --- Consultations ------------------------------------------------------------------------------------------
# Pattern of generated reference numbers (diarienummer): {year} and {seq} are filled in.
CONSULTATION_REFERENCE_PATTERN = env.str("CONSULTATION_REFERENCE_PATTERN", default="SAM {year}/{seq:04d}")

# --- Uploads -------------------------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = env.int("IMPORT_MAX_BYTES", default=10 * 1024 * 1024)
# The largest document or attachment accepted (bytes).
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=25 * 1024 * 1024)
# What a form may add to its file (its text fields and the multipart framing). A request declaring more than
# the largest file plus this is answered 413 unread; a file growing past its limit while it streams in is
# dropped there and then (samrad.documents.uploads).
UPLOAD_FORM_OVERHEAD = env.int("UPLOAD_FORM_OVERHEAD", default=DATA_UPLOAD_MAX_MEMORY_SIZE + 64 * 1024)
FILE_UPLOAD_HANDLERS = [
    "samrad.documents.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Security headers --------------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Behind a TLS-terminating proxy that sets X-Forwarded-Proto, requests it received over https count as secure.
BEHIND_TLS_PROXY = env.bool("BEHIND_TLS_PROXY", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_TLS_PROXY else None
# Production is https only: plain http is redirected (the health check excepted, for load balancers that probe
# the backend directly) and browsers are told to use https for a year (HSTS, sent only over https). The demo
# (DEBUG on) and the tests run on plain http with both off.
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^halsa/$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 60 * 60)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
# The preload flag only takes effect once the registrable domain is submitted to the browsers' preload list.
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
# Content security policy (Django's own, django.middleware.csp): only this site's own scripts, styles, fonts and
# images; no inline script or style, no plugins, no framing. Templates put every script and style in static files.
# With DEBUG on it only reports (Django's debug pages carry inline styles and scripts).
CONTENT_SECURITY_POLICY = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "object-src": [CSP.NONE],
}
SECURE_CSP = {} if DEBUG else CONTENT_SECURITY_POLICY
SECURE_CSP_REPORT_ONLY = CONTENT_SECURITY_POLICY if DEBUG else {}

# --- Audit log anchoring (docs/operations.md, "Audit log") -------------------------------------------------------
# The key that seals every audit event (an HMAC): keep it outside the database and its backups. Unset, a key derived
# from SECRET_KEY is used (and `check --deploy` warns). Keys replaced earlier stay in AUDIT_CHAIN_OLD_KEYS.
AUDIT_CHAIN_KEY = env.str("AUDIT_CHAIN_KEY", default="")
AUDIT_CHAIN_OLD_KEYS = env.list("AUDIT_CHAIN_OLD_KEYS", default=[])
# An append-only file the chain head is exported to every AUDIT_ANCHOR_INTERVAL seconds (unset: no export).
AUDIT_ANCHOR_FILE = env.str("AUDIT_ANCHOR_FILE", default="")
AUDIT_ANCHOR_INTERVAL = env.int("AUDIT_ANCHOR_INTERVAL", default=60 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # PDF rendering reports every step and font at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
