"""Typed access to environment variables.

Every helper fails loudly with the variable's name when a value is malformed: a
misspelt boolean silently read as False is how production ends up in debug mode.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_str(
    name: str, default: str | None = None, *, environ: Mapping[str, str] = os.environ
) -> str:
    value = environ.get(name)
    if value is None or value == "":
        if default is None:
            raise ImproperlyConfigured(f"Environment variable {name} must be set.")
        return default
    return value


def env_optional(name: str, *, environ: Mapping[str, str] = os.environ) -> str | None:
    value = environ.get(name)
    return value if value else None


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] = os.environ) -> bool:
    value = environ.get(name)
    if value is None or value == "":
        return default
    folded = value.strip().lower()
    if folded in _TRUE:
        return True
    if folded in _FALSE:
        return False
    raise ImproperlyConfigured(
        f"Environment variable {name} must be a boolean (1/0, true/false, yes/no, on/off), "
        f"got {value!r}."
    )


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    environ: Mapping[str, str] = os.environ,
) -> int:
    value = environ.get(name)
    if value is None or value == "":
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be an integer, got {value!r}."
        ) from None
    if minimum is not None and number < minimum:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be at least {minimum}, got {number}."
        )
    return number


def env_list(
    name: str, default: list[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    value = environ.get(name)
    if value is None or value.strip() == "":
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if any(item == "" for item in items):
        raise ImproperlyConfigured(
            f"Environment variable {name} must be a comma-separated list with no empty items, "
            f"got {value!r}."
        )
    return items


def env_choice(
    name: str, choices: tuple[str, ...], default: str, *, environ: Mapping[str, str] = os.environ
) -> str:
    value = environ.get(name) or default
    if value not in choices:
        raise ImproperlyConfigured(
            f"Environment variable {name} must be one of {', '.join(choices)}, got {value!r}."
        )
    return value


def database_config(url: str | None, *, sqlite_path: str) -> dict[str, object]:
    """Turn DATABASE_URL into Django's DATABASES['default'].

    Without a URL the database is an SQLite file in the data directory. SQLite runs in
    IMMEDIATE transaction mode so that a transaction takes the write lock when it begins:
    the audit chain reads its head and then appends, and a deferred transaction that
    upgrades from read to write would fail under concurrency instead of waiting.
    """
    import dj_database_url

    if url is None:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": sqlite_path,
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    try:
        config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    except ValueError as exc:
        raise ImproperlyConfigured(f"DATABASE_URL is malformed: {exc}") from None
    engine = str(config.get("ENGINE", ""))
    if engine.endswith("sqlite3"):
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        config["CONN_MAX_AGE"] = 0
    elif not engine.endswith("postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL must name an sqlite:// or postgres:// database, got engine {engine!r}."
        )
    return config


def cache_config(url: str | None) -> dict[str, object]:
    """Turn CACHE_URL into Django's CACHES['default'].

    Without a URL each process keeps its own cache in memory (what one server needs). Several
    app servers share one: `db://` (a table in the same database; run `saisei createcachetable`
    once), `redis://host:6379/0` (Django's Redis backend; install the `redis` package) or
    `memcached://host:11211` (install `pymemcache`). What is cached is the same for every
    visitor (the anonymous search pages, choice lists), so a per-process cache is never wrong,
    only a little later to follow a change than a shared one (its entries expire in seconds).
    """
    if not url or url == "locmem://":
        return {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "saisei",
            "OPTIONS": {"MAX_ENTRIES": 5000},
        }
    scheme = url.split("://", 1)[0]
    if scheme == "db":
        return {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": "saisei_cache",
        }
    if scheme in ("redis", "rediss"):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    if scheme == "memcached":
        return {
            "BACKEND": "django.core.cache.backends.memcached.PyMemcacheCache",
            "LOCATION": url.split("://", 1)[1],
        }
    raise ImproperlyConfigured(
        f"CACHE_URL must be locmem://, db://, redis://host:port/db or memcached://host:port, "
        f"got {scheme!r}."
    )


# The key `make run` uses when SECRET_KEY is unset; refused in production.
DEVELOPMENT_SECRET_KEY = "django-insecure-saisei-development-only-0f3a9c1e7b2d4e6f8a0b1c2d3e4f5a6b"  # noqa: S105
SECRET_KEY_MIN_LENGTH = 50


def production_secret_key(value: str | None) -> str:
    """SECRET_KEY as production needs it: set, long, varied and not a development key.

    The same thresholds as Django's deployment check (security.W009), but refused at start-up
    rather than reported, because a guessable key lets anyone forge sessions and reset links.
    """
    advice = ' (generate one with: python -c "import secrets; print(secrets.token_urlsafe(64))")'
    if not value:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when SAISEI_ENV=production" + advice + "."
        )
    if value == DEVELOPMENT_SECRET_KEY or value.startswith("django-insecure-"):
        raise ImproperlyConfigured(
            "SECRET_KEY must not be the development key when SAISEI_ENV=production" + advice + "."
        )
    if len(value) < SECRET_KEY_MIN_LENGTH or len(set(value)) < 5:
        raise ImproperlyConfigured(
            f"SECRET_KEY must be at least {SECRET_KEY_MIN_LENGTH} characters with at least 5 "
            f"different ones when SAISEI_ENV=production, got {len(value)} characters" + advice + "."
        )
    return value


def env_letter_map(
    name: str, *, environ: Mapping[str, str] = os.environ
) -> dict[str, list[str]] | None:
    """A JSON object of single capital letters to lists of names (None when unset), e.g.
    {"A": ["hokkaido"], "F": ["chugoku_shikoku", "shikoku"]}."""
    import json

    raw = environ.get(name)
    if raw is None or not raw.strip():
        return None
    try:
        value = json.loads(raw)
    except ValueError:
        value = None
    if not isinstance(value, dict) or not all(
        isinstance(k, str)
        and len(k) == 1
        and k.isupper()
        and isinstance(v, list)
        and all(isinstance(item, str) for item in v)
        for k, v in value.items()
    ):
        raise ImproperlyConfigured(
            f"{name} must be a JSON object of capital letters to lists of names"
        )
    return value
