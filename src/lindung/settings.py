"""Lindung settings, configured by environment variables (see README, "Konfigurasi")."""

from __future__ import annotations

import datetime as dt
import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
BASE_DIR = PACKAGE_DIR.parent.parent
DATA_DIR = Path(os.environ.get("LINDUNG_DATA_DIR", BASE_DIR / "var"))
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated on first run and kept in DATA_DIR."""
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("DEBUG")


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks_db",
    "axes",
    "lindung.core",
    "lindung.regions",
    "lindung.accounts",
    "lindung.audit",
    "lindung.registry",
    "lindung.programs",
    "lindung.contributions",
    "lindung.claims",
    "lindung.outreach",
    "lindung.monitoring",
    "lindung.imports",
    "lindung.api",
    "lindung.reports",
    "lindung.notifications",
    "lindung.demo",  # above every domain app: the demo data and `lindung demo-data`
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "lindung.core.middleware.SecurityHeadersMiddleware",  # after static files: no-store
    "django.contrib.sessions.middleware.SessionMiddleware",
    "lindung.core.middleware.LanguageMiddleware",
    "lindung.core.middleware.HostileInputMiddleware",  # before a session or user is loaded
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "lindung.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "lindung.core.middleware.ScopeDeniedMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The throttle backend first: a locked-out user name is refused before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "lindung.accounts.backends.LoginThrottleBackend",
    "lindung.accounts.backends.RegionModelBackend",
]

ROOT_URLCONF = "lindung.urls"
WSGI_APPLICATION = "lindung.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "lindung.accounts.context_processors.user_scope",
            ],
            "builtins": ["lindung.core.templatetags.lindung"],
        },
    }
]

# SQLite by default (a file in DATA_DIR); PostgreSQL in production via DATABASE_URL.
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{DATA_DIR / 'lindung.sqlite3'}"),
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE takes the write lock at BEGIN, so a quota check and its insert cannot
        # interleave with another writer (the web server and the task worker share the file).
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "lindung.accounts.validators.UsernameInPasswordValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, "").strip() or default)


# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user name
# from one address that pair is locked for LOGIN_LOCKOUT_MINUTES, and even the right password
# is refused meanwhile. The lock is not extended by attempts made during it, so the minutes the
# login page names hold. An administrator unlocks in the admin ("Upaya akses") or with
# `lindung axes_reset_username NAME`.
AXES_FAILURE_LIMIT = _env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=_env_int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_LOCKOUT_CALLABLE = "lindung.accounts.views.login_locked_out"
AXES_CLIENT_IP_CALLABLE = "lindung.accounts.throttle.client_ip"
AXES_VERBOSE = False  # no banner on every `lindung` command
# Reverse proxies (nginx) in front of Lindung whose X-Forwarded-For names the client's address.
TRUSTED_PROXY_COUNT = _env_int("TRUSTED_PROXY_COUNT", 0)

# A session ends after SESSION_IDLE_MINUTES without a request and SESSION_MAX_HOURS after login
# whatever the activity (accounts.middleware.SessionLifetimeMiddleware); the cookie and the
# stored session expire with the idle time too.
SESSION_IDLE_TIMEOUT = dt.timedelta(minutes=_env_int("SESSION_IDLE_MINUTES", 30))
SESSION_ABSOLUTE_TIMEOUT = dt.timedelta(hours=_env_int("SESSION_MAX_HOURS", 12))
SESSION_COOKIE_AGE = int(SESSION_IDLE_TIMEOUT.total_seconds())

# API tokens expire after API_TOKEN_DAYS unless created with another lifetime.
API_TOKEN_DAYS = _env_int("API_TOKEN_DAYS", 90)
API_TOKEN_MAX_DAYS = 366
# Requests one API token may send per minute (then 429 with Retry-After); 0 turns it off.
API_RATE_LIMIT = _env_int("API_RATE_LIMIT", 300)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = os.environ.get("TIME_ZONE", "Asia/Makassar")  # WITA: Kalimantan Timur
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True
FORMAT_MODULE_PATH = ["lindung.core.formats"]

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on a missing root before collectstatic
STATICFILES_DIRS = [
    ("vendor/pico", BASE_DIR / "node_modules" / "@picocss" / "pico" / "css"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
STATICFILES_DIRS = [(p, d) for p, d in STATICFILES_DIRS if d.exists()]
# Serve from the finders too, so tests and a fresh `lindung serve` work before collectstatic.
WHITENOISE_USE_FINDERS = True
MEDIA_ROOT = DATA_DIR / "media"
# `lindung backup` writes here unless given --output; `lindung restore` keeps a backup of what
# it replaces here too.
BACKUP_DIR = Path(os.environ.get("BACKUP_DIR", DATA_DIR / "cadangan"))

TASKS = {
    "default": {
        "BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

# Limits every uploaded spreadsheet is checked against before it is parsed (core/uploads.py
# `Limits` holds the defaults and every other key): e.g. UPLOAD_MAX_ROWS=300000.
UPLOAD_LIMITS = {
    key: int(os.environ[var])
    for key, var in (
        ("max_bytes", "UPLOAD_MAX_BYTES"),
        ("max_rows", "UPLOAD_MAX_ROWS"),
        ("max_cells", "UPLOAD_MAX_CELLS"),
        ("parse_memory_mb", "UPLOAD_PARSE_MEMORY_MB"),
    )
    if os.environ.get(var)
}
# A running import silent this long (no heartbeat) counts as dead when its process cannot be
# checked directly (core/liveness.py); then it is marked failed.
IMPORT_STALE_SECONDS = int(os.environ.get("IMPORT_STALE_SECONDS", "900"))

# --- HTTPS and browser security (README: "PostgreSQL in production", nginx) ---------------------
# SECURE_COOKIES=1 says "served over HTTPS" (nginx terminates TLS): cookies only over HTTPS, HSTS
# for a year, and plain-HTTP requests redirected. Each can be set on its own. Behind nginx on
# the same host gunicorn already takes the scheme from nginx's X-Forwarded-Proto (its
# forwarded_allow_ips is 127.0.0.1); SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto makes Django
# trust that header itself, for a proxy elsewhere - only when the proxy alone can reach Lindung
# and always sets the header.
HTTPS = _env_bool("SECURE_COOKIES")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", HTTPS)
SECURE_HSTS_SECONDS = int(
    os.environ.get("SECURE_HSTS_SECONDS", "").strip() or (31_536_000 if HTTPS else 0)
)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = _env_bool("SECURE_HSTS_PRELOAD")
if _proxy_header := os.environ.get("SECURE_PROXY_SSL_HEADER", "").strip():
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _proxy_header.upper().replace("-", "_"), "https")
# Preloading is a decision for the owner of the registrable domain (paserkab.go.id), submitted
# at hstspreload.org; Lindung runs on one of its sub-domains. Without SECURE_HSTS_PRELOAD the
# check that recommends it stays quiet.
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (Django's own middleware): scripts, styles, images and fonts only from
# Lindung itself - no CDN, no inline script (behaviour lives in static/lindung/lindung.js; htmx
# is configured in base.html not to inject a style element or evaluate code). Inline style
# *attributes* stay allowed: the progress bars set their width with one.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "style-src-attr": [CSP.UNSAFE_INLINE],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "filters": {"expected_refusals": {"()": "lindung.core.log_filters.ExpectedRefusalFilter"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # django-axes logs every successful login at INFO; failures and lockouts are WARNING.
    # An expected 403/404 is one warning line, without a traceback.
    "loggers": {"axes": {"level": "WARNING"}, "django.request": {"filters": ["expected_refusals"]}},
}
