"""Django settings for Saisei, read from the environment.

SAISEI_ENV=development (default) or production. Production turns on every secure
setting, so `saisei check --deploy` reports nothing, and refuses to start without a
SECRET_KEY and ALLOWED_HOSTS. Tests run on these same settings: nothing here is
production-only in a way the test suite never exercises.
"""

from __future__ import annotations

from pathlib import Path

from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from saisei.config.env import (
    DEVELOPMENT_SECRET_KEY,
    cache_config,
    database_config,
    env_bool,
    env_choice,
    env_int,
    env_letter_map,
    env_list,
    env_optional,
    env_str,
    production_secret_key,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent

SAISEI_ENV = env_choice("SAISEI_ENV", ("development", "production"), "development")
PRODUCTION = SAISEI_ENV == "production"

DATA_DIR = Path(env_str("SAISEI_DATA_DIR", str(Path.cwd() / "var"))).resolve()
# SQLite creates its file but not the folder: a fresh clone has no var/ yet.
try:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
except OSError as exc:
    raise ImproperlyConfigured(f"SAISEI_DATA_DIR {DATA_DIR} cannot be created: {exc}") from None

if PRODUCTION:
    SECRET_KEY = production_secret_key(env_optional("SECRET_KEY"))
    DEBUG = env_bool("DEBUG", False)
    if DEBUG:
        raise ImproperlyConfigured("DEBUG must not be on when SAISEI_ENV=production.")
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", [])
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when SAISEI_ENV=production.")
else:
    # A fixed development key: sessions survive restarts of `make run`; never used in production.
    SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
    DEBUG = env_bool("DEBUG", True)
    ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]", "testserver"])

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "csp",
    "saisei.core",
    "saisei.accounts",
    "saisei.audit",
    "saisei.portal",
    "saisei.obligations",
    "saisei.api",
    "saisei.products",
    "saisei.registry",
    "saisei.plans",
    "saisei.reporting",
    "saisei.oversight",
]

MIDDLEWARE = [
    # Outermost: every API error leaves with the standard body, whatever produced it.
    "saisei.core.middleware.ApiErrorBodyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # After the language and the user are known (the 413 page shows both) and before any
    # view-phase code (CSRF) reads the body.
    "saisei.core.middleware.RequestSizeLimitMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "saisei.core.middleware.DomainErrorMiddleware",
    # Last, so its view hook runs after the CSRF check and it wraps only the view: the hidden
    # idempotency_key of a creating form makes a double submission create one record.
    "saisei.api.idempotency.IdempotentFormMiddleware",
]

if PRODUCTION:
    # Static files are served by the app itself in production (collected by `saisei collectstatic`);
    # in development runserver serves them from the package.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

ROOT_URLCONF = "saisei.config.urls"
CSRF_FAILURE_VIEW = "saisei.core.views.csrf_failure"
WSGI_APPLICATION = "saisei.config.wsgi.application"

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
                "saisei.core.context_processors.site",
            ],
            # {% field %} renders one form field (label, help, errors) on every form's page.
            "builtins": ["saisei.core.templatetags.fields", "saisei.core.templatetags.language"],
        },
    },
]

DATABASES = {
    "default": database_config(
        env_optional("DATABASE_URL"), sqlite_path=str(DATA_DIR / "saisei.sqlite3")
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# What is the same for every visitor (README: Production, "Several app servers").
CACHES = {"default": cache_config(env_optional("CACHE_URL"))}
# How long an anonymous search's results are kept (0: not cached).
SAISEI_SEARCH_CACHE_SECONDS = env_int("SAISEI_SEARCH_CACHE_SECONDS", 60, minimum=0)

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = "portal:home"

# Argon2 first: new and updated passwords are hashed with it; the others only verify old hashes.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Failed logins per username (and per client address) within the window before refusing more.
LOGIN_THROTTLE_MAX_FAILURES = env_int("LOGIN_THROTTLE_MAX_FAILURES", 5, minimum=1)
LOGIN_THROTTLE_MAX_FAILURES_PER_IP = env_int("LOGIN_THROTTLE_MAX_FAILURES_PER_IP", 20, minimum=1)
LOGIN_THROTTLE_WINDOW_SECONDS = env_int("LOGIN_THROTTLE_WINDOW_SECONDS", 900, minimum=1)

# Audit checkpoints (saisei.audit.checkpoint; README "The audit trail"): an HMAC of the audit
# chain's head, appended by `saisei audit checkpoint` to a file outside the database. The key
# must be one that whoever can write the database cannot read; the directory belongs on
# storage they cannot write.
AUDIT_CHECKPOINT_DIR = Path(
    env_str("SAISEI_AUDIT_CHECKPOINT_DIR", str(DATA_DIR / "audit-checkpoints"))
).resolve()
AUDIT_CHECKPOINT_KEY = env_optional("SAISEI_AUDIT_CHECKPOINT_KEY") or ""
if PRODUCTION and (len(AUDIT_CHECKPOINT_KEY) < 32 or AUDIT_CHECKPOINT_KEY == SECRET_KEY):
    raise ImproperlyConfigured(
        "SAISEI_AUDIT_CHECKPOINT_KEY must be set to at least 32 characters, different from "
        "SECRET_KEY, when SAISEI_ENV=production "
        '(generate one with: python -c "import secrets; print(secrets.token_urlsafe(48))").'
    )
if not AUDIT_CHECKPOINT_KEY:
    # Development only (refused above in production): checkpoints of a local database.
    AUDIT_CHECKPOINT_KEY = "saisei-development-only-audit-checkpoint-key-7d41c09e"

LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "saisei_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
# Instants are stored in UTC; legal dates are computed in Japan time by saisei.law.
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The site-wide stylesheet lives beside the base template, outside any one app.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "saisei@localhost")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# A strict Content-Security-Policy on every response (django-csp): scripts and styles only from
# this site's static files, so no inline script, handler or style attribute runs; no plugins; no
# framing; forms post only here. The API docs add data: images on their two views only
# (saisei.api.docs).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}

# Request bodies: over SAISEI_MAX_REQUEST_BYTES (JSON, forms) or, for multipart uploads such as
# CSV files, over SAISEI_MAX_UPLOAD_BYTES, the answer is 413 with the standard error body or a
# translated page (saisei.core.middleware.RequestSizeLimitMiddleware). A multipart body's
# non-file fields still count against the request limit.
SAISEI_MAX_REQUEST_BYTES = env_int("SAISEI_MAX_REQUEST_BYTES", 2 * 1024 * 1024, minimum=1024)
SAISEI_MAX_UPLOAD_BYTES = env_int("SAISEI_MAX_UPLOAD_BYTES", 10 * 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = SAISEI_MAX_REQUEST_BYTES

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365, minimum=0)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    if env_bool("SECURE_PROXY_SSL_HEADER", False):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Overrides for rules that domain.md marks uncertain (a JSON file); read by saisei.law.
SAISEI_LAW_OVERRIDES = env_optional("SAISEI_LAW_OVERRIDES")
# The Regional Bureau a plan number's letter appears to name (domain.md §1.11, uncertain):
# replaces saisei.plans.services.public_list.NUMBER_LETTER_BUREAUS when set.
SAISEI_PLAN_NUMBER_BUREAUS = env_letter_map("SAISEI_PLAN_NUMBER_BUREAUS")

NINJA_PAGINATION_PER_PAGE = 50
NINJA_MAX_PER_PAGE_SIZE = 500
NINJA_PAGINATION_MAX_LIMIT = 500

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
