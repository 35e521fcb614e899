"""civport settings: one module, read from the environment.

Every value comes from an environment variable (see the README's table); a bad value stops the
process at start-up with a message naming the variable. With nothing set, the portal runs on the
embedded defaults: SQLite, local-memory cache and Celery tasks run in-process.
"""

import ipaddress
from pathlib import Path

import environ
from csp.constants import NONCE as CSP_NONCE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from kombu import Queue

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)


_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def _int(name, default, *, minimum=None):
    raw = env.str(name, default=None)
    if raw is None:
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be an integer, got {raw!r}") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, got {value}")
    return value


def _positive_int(name, default):
    return _int(name, default, minimum=1)


def _bool(name, default):
    # environ's own bool() reads any unknown word as False; a typo must not silently disable
    # a security setting.
    raw = env.str(name, default=None)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be one of {_TRUE + _FALSE}, got {raw!r}")


def _choice(name, default, choices):
    value = env.str(name, default=default)
    if value not in choices:
        raise ImproperlyConfigured(f"{name} must be one of {choices}, got {value!r}")
    return value


CIVPORT_ENV = _choice("CIVPORT_ENV", "development", ("development", "production"))
PRODUCTION = CIVPORT_ENV == "production"
DEBUG = _bool("DJANGO_DEBUG", False)
if PRODUCTION and DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off when CIVPORT_ENV=production")
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when CIVPORT_ENV=production")
    SECRET_KEY = "civport-development-only-key-never-used-in-production-6f1c0e9a2b7d4c3e"
elif PRODUCTION and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("DJANGO_SECRET_KEY must be at least 50 characters long")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "import_export",
    "django_filters",
    "django_htmx",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "civport",
    "campaigns",
    "assessments",
    "awards",
    # The demo and scale data (seed_demo, seed_scale): built on all the apps above, no models.
    "seeding",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # The client's address for the audit log, before any middleware that may write an entry
    # (the idle logout, the forced password change).
    "civport.middleware.RequestContextMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "civport.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After the session and user are known (no body read yet), before anything reads the body.
    "civport.middleware.RequestSizeLimitMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the user and the messages, before any view: an idle session is logged out first.
    "civport.sessions.IdleTimeoutMiddleware",
    # The second factor before anything else, the forced password change included.
    "civport.twofactor.TwoFactorMiddleware",
    # A password a manager reset is changed before anything else (campaigns' account profile).
    "campaigns.middleware.PasswordChangeRequiredMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civport.urls"
WSGI_APPLICATION = "civport.wsgi.application"

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
                "civport.context_processors.session",
                "campaigns.context_processors.navigation",
                "assessments.context_processors.navigation",
                "awards.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
try:
    _database = env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
except (ImproperlyConfigured, ValueError) as exc:
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if _database.get("ENGINE") not in (
    "django.db.backends.postgresql",
    "django.db.backends.sqlite3",
):
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://) or SQLite")
if PRODUCTION and _database["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL when CIVPORT_ENV=production")
DATABASES = {"default": _database}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 0, minimum=0)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery -----------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL and not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
    raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://")

if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env.str("CIVPORT_CACHE_PREFIX", default="civport"),
            # A short timeout keeps pages serving when Redis is unreachable.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# The in-process broker is named with its host: kombu warns "No hostname was supplied" otherwise.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = _bool("CELERY_TASK_ALWAYS_EAGER", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SOFT_TIME_LIMIT = 300
CELERY_TASK_TIME_LIMIT = 360
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Longer than the longest task so a late-acknowledged task is not redelivered while running.
    "visibility_timeout": 3600,
    # A dead broker must be reported (and /healthz answer) within seconds, not hang a request.
    "socket_connect_timeout": 2,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# default: everything else; imports: spreadsheet imports; pdf: certificates and decisions, so a
# big batch of PDFs never delays an import or a reminder. Tasks are routed by name.
CIVPORT_CELERY_QUEUES = ("default", "imports", "pdf")
CELERY_TASK_QUEUES = [Queue(name, routing_key=name) for name in CIVPORT_CELERY_QUEUES]
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "*import*": {"queue": "imports"},
    "*certificate*": {"queue": "pdf"},
    "*pdf*": {"queue": "pdf"},
}
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# --- Auth -----------------------------------------------------------------------------------
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "civport.passwords.CharacterClassesValidator", "OPTIONS": {"min_classes": 3}},
    {"NAME": "civport.passwords.NotUserNameValidator"},
    {
        "NAME": "civport.passwords.PasswordHistoryValidator",
        "OPTIONS": {"count": _positive_int("CIVPORT_PASSWORD_HISTORY", 5)},
    },
]
# Who must log in with two factors: "all", "roles" (the national office, provincial officers
# and the admin's users) or "offered" (nobody must; the embedded default). Production: at least
# "roles".
CIVPORT_TWO_FACTOR = env.str("CIVPORT_TWO_FACTOR", default="roles" if PRODUCTION else "offered")
if CIVPORT_TWO_FACTOR not in ("offered", "roles", "all"):
    raise ImproperlyConfigured(
        f"CIVPORT_TWO_FACTOR must be offered, roles or all, got {CIVPORT_TWO_FACTOR!r}"
    )
if PRODUCTION and CIVPORT_TWO_FACTOR == "offered":
    raise ImproperlyConfigured("CIVPORT_TWO_FACTOR cannot be 'offered' in production")
OTP_TOTP_ISSUER = "共建文明口岸"
# A password older than this many days must be changed at the next login (0: never).
CIVPORT_PASSWORD_MAX_AGE_DAYS = _int("CIVPORT_PASSWORD_MAX_AGE_DAYS", 90, minimum=0)
# An account unused this many days is disabled by the daily civport.dormant_accounts_sweep, its
# holder having been told CIVPORT_DORMANT_NOTICE_DAYS before (civport.dormant).
CIVPORT_DORMANT_DAYS = _positive_int("CIVPORT_DORMANT_DAYS", 90)
CIVPORT_DORMANT_NOTICE_DAYS = _positive_int("CIVPORT_DORMANT_NOTICE_DAYS", 7)
if CIVPORT_DORMANT_NOTICE_DAYS >= CIVPORT_DORMANT_DAYS:
    raise ImproperlyConfigured("CIVPORT_DORMANT_NOTICE_DAYS must be less than CIVPORT_DORMANT_DAYS")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "campaigns:home"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = _positive_int("CIVPORT_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = _positive_int("CIVPORT_LOGIN_COOLOFF_MINUTES", 30) / 60
# A lockout holds the pair (user name, client address): wrong passwords sent from one address
# cannot lock the account's owner out everywhere else.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "civport.client.client_address"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_VERBOSE = False
AXES_ENABLED = _bool("CIVPORT_LOGIN_LOCKOUT", True)

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("CIVPORT_STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env.str("CIVPORT_MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Audit log archives (manage.py audit_archive, civport.auditchain): where the files go and the
# HMAC-SM3 key that signs them (default: derived from DJANGO_SECRET_KEY).
CIVPORT_AUDIT_ARCHIVE_DIR = Path(
    env.str("CIVPORT_AUDIT_ARCHIVE_DIR", default=str(BASE_DIR / "audit-archive"))
)
CIVPORT_AUDIT_ARCHIVE_KEY = env.str("CIVPORT_AUDIT_ARCHIVE_KEY", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "CIVPORT_STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage",
        )
    },
}
# An uploaded file above this is written to a temporary file instead of being held in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A form's fields other than its files (Django counts these alone): far above the largest form.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
CIVPORT_IMPORT_MAX_BYTES = _positive_int("CIVPORT_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
CIVPORT_IMPORT_MAX_ROWS = _positive_int("CIVPORT_IMPORT_MAX_ROWS", 20000)
# A sheet is refused when a value lies beyond this column, or when the area from A1 to its last
# row and column holding a value (what reading it allocates) passes this many cells.
CIVPORT_IMPORT_MAX_COLUMNS = _positive_int("CIVPORT_IMPORT_MAX_COLUMNS", 100)
CIVPORT_IMPORT_MAX_CELLS = _positive_int("CIVPORT_IMPORT_MAX_CELLS", 1_000_000)
# Files up to this many rows are imported within the request; larger ones by a Celery task.
CIVPORT_IMPORT_INLINE_ROWS = _positive_int("CIVPORT_IMPORT_INLINE_ROWS", 500)
# A score matrix of more rows than this is made in the background only (civport.jobs).
CIVPORT_EXPORT_INLINE_ROWS = _positive_int("CIVPORT_EXPORT_INLINE_ROWS", 2000)
# Evidence and other uploaded files: largest file accepted.
CIVPORT_UPLOAD_MAX_BYTES = _positive_int("CIVPORT_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# The largest request body; civport.middleware.RequestSizeLimitMiddleware refuses a longer one
# with 413 before reading it. Enough for the most files one form takes (ten evidence files of an
# activity or a rectification) or one import, with the form's fields and the multipart framing.
# The HTTPS proxy gets the same limit (nginx: client_max_body_size). Without a login no page takes
# a file, and the limit there is DATA_UPLOAD_MAX_MEMORY_SIZE.
CIVPORT_REQUEST_MAX_BYTES = _int(
    "CIVPORT_REQUEST_MAX_BYTES",
    max(10 * CIVPORT_UPLOAD_MAX_BYTES, CIVPORT_IMPORT_MAX_BYTES) + 2 * DATA_UPLOAD_MAX_MEMORY_SIZE,
    # At least one upload of the largest size with its form.
    minimum=max(CIVPORT_UPLOAD_MAX_BYTES, CIVPORT_IMPORT_MAX_BYTES) + DATA_UPLOAD_MAX_MEMORY_SIZE,
)
CIVPORT_DEMO_PASSWORD = env.str("CIVPORT_DEMO_PASSWORD", default="Civport-demo-2026")
# The portal's public address, printed in documents that leave it (the QR code of a certificate
# points to its verification page there).
CIVPORT_PUBLIC_URL = env.str("CIVPORT_PUBLIC_URL", default="http://127.0.0.1:8000").rstrip("/")
if not CIVPORT_PUBLIC_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("CIVPORT_PUBLIC_URL must start with http:// or https://")
# The award round's deadline reminders start this many days before a deadline.
CIVPORT_AWARD_REMINDER_DAYS = _positive_int("CIVPORT_AWARD_REMINDER_DAYS", 7)

# --- E-mail ---------------------------------------------------------------------------------
try:
    _email = env.email_url("EMAIL_URL", default="consolemail://")
except (ImproperlyConfigured, ValueError) as exc:
    raise ImproperlyConfigured(f"EMAIL_URL is not a valid e-mail URL: {exc}") from None
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
# A forgotten password is reset by e-mail link only where the portal really sends e-mail;
# otherwise the user's superior office resets it.
CIVPORT_PASSWORD_RESET_BY_EMAIL = _bool(
    "CIVPORT_PASSWORD_RESET_BY_EMAIL", env.str("EMAIL_URL", default=None) is not None
)
EMAIL_HOST = _email.get("EMAIL_HOST") or "localhost"
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER") or ""
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = bool(_email.get("EMAIL_USE_TLS"))
EMAIL_USE_SSL = bool(_email.get("EMAIL_USE_SSL"))
if "EMAIL_FILE_PATH" in _email:
    EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="civport <noreply@civport.local>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -------------------------------------------------------------------------------
SECURE_HSTS_SECONDS = _int("DJANGO_SECURE_HSTS_SECONDS", 31536000 if PRODUCTION else 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HSTS_SECONDS > 0
SECURE_HSTS_PRELOAD = SECURE_HSTS_SECONDS > 0
SECURE_SSL_REDIRECT = _bool("DJANGO_SECURE_SSL_REDIRECT", PRODUCTION)
SESSION_COOKIE_SECURE = _bool("DJANGO_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _positive_int("CIVPORT_SESSION_SECONDS", 8 * 3600)
# A session with no request for this long is logged out; the page warns a minute before.
CIVPORT_IDLE_MINUTES = _int("CIVPORT_IDLE_MINUTES", 30, minimum=2)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Every script is a static file of the portal's own (a rare inline one, e.g. an admin widget's,
# carries the request's nonce); no eval (htmx's allowEval is off in base.html). Styles allow
# inline: Django's admin, django-import-export and the progress bars' widths use style attributes,
# and a style cannot run code. data: images are Bootstrap's SVG icons in its stylesheet.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", CSP_NONCE],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
X_FRAME_OPTIONS = "DENY"
if _bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")


def _networks(name):
    entries = [entry.strip() for entry in env.str(name, default="").split(",") if entry.strip()]
    for entry in entries:
        try:
            ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ImproperlyConfigured(
                f"{name} must be comma-separated IP addresses or networks, got {entry!r}"
            ) from None
    return entries


# X-Forwarded-For is believed only from these (civport/client.py): the client address behind them
# is what the rate limits, the login lockout and the audit log use.
CIVPORT_TRUSTED_PROXIES = _networks("CIVPORT_TRUSTED_PROXIES")

# --- Logging --------------------------------------------------------------------------------
CIVPORT_LOG_LEVEL = _choice(
    "CIVPORT_LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
)
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": CIVPORT_LOG_LEVEL},
    # WeasyPrint reports every step of every PDF at INFO.
    "loggers": {"axes": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = True
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = True

PAGE_SIZE = _positive_int("CIVPORT_PAGE_SIZE", 25)
# A list's spreadsheet (civport.listing) holds at most this many rows; a longer list is narrowed
# by its filters first.
CIVPORT_EXPORT_MAX_ROWS = _positive_int("CIVPORT_EXPORT_MAX_ROWS", 20000)

ADMIN_SITE_HEADER = _("civport administration")
