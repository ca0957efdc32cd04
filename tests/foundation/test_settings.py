from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from saisei.config.env import cache_config, database_config, env_bool, env_int, env_list


def test_env_bool_reads_the_usual_spellings() -> None:
    assert env_bool("X", False, environ={"X": "yes"}) is True
    assert env_bool("X", True, environ={"X": "0"}) is False
    assert env_bool("X", True, environ={}) is True


def test_a_malformed_boolean_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="DEBUG must be a boolean"):
        env_bool("DEBUG", False, environ={"DEBUG": "ture"})


def test_a_malformed_integer_names_the_variable() -> None:
    with pytest.raises(ImproperlyConfigured, match="PORT must be an integer"):
        env_int("PORT", 1, environ={"PORT": "80a"})
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        env_int("N", 1, minimum=1, environ={"N": "0"})


def test_a_list_with_an_empty_item_is_refused() -> None:
    assert env_list("H", [], environ={"H": "a.example, b.example"}) == ["a.example", "b.example"]
    with pytest.raises(ImproperlyConfigured, match="no empty items"):
        env_list("H", [], environ={"H": "a.example,,b"})


def test_without_database_url_the_database_is_an_sqlite_file() -> None:
    config = database_config(None, sqlite_path="/data/saisei.sqlite3")
    assert config["ENGINE"] == "django.db.backends.sqlite3"
    assert config["NAME"] == "/data/saisei.sqlite3"


def test_a_postgres_url_selects_postgresql() -> None:
    config = database_config("postgres://u:p@db.example:5433/saisei", sqlite_path="x")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["HOST"], config["PORT"], config["NAME"]) == ("db.example", 5433, "saisei")


def test_an_unsupported_database_url_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config("mysql://u@h/db", sqlite_path="x")
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_config("nonsense", sqlite_path="x")


@pytest.mark.parametrize(
    ("url", "backend", "location"),
    [
        (None, "locmem.LocMemCache", "saisei"),
        ("locmem://", "locmem.LocMemCache", "saisei"),
        ("db://", "db.DatabaseCache", "saisei_cache"),
        ("redis://cache.example:6379/0", "redis.RedisCache", "redis://cache.example:6379/0"),
        ("memcached://cache.example:11211", "memcached.PyMemcacheCache", "cache.example:11211"),
    ],
)
def test_cache_url_selects_the_cache_several_servers_share(url, backend, location) -> None:
    config = cache_config(url)
    assert config["BACKEND"] == f"django.core.cache.backends.{backend}"
    assert config["LOCATION"] == location


def test_an_unsupported_cache_url_is_refused() -> None:
    with pytest.raises(ImproperlyConfigured, match="CACHE_URL"):
        cache_config("mongodb://h/db")


def _run_saisei(
    args: list[str], env: dict[str, str], tmp_path: object
) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing the test run itself set may leak into the checked process.
    dropped = {"DATABASE_URL", "SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE"}
    base = {k: v for k, v in os.environ.items() if k not in dropped}
    base.update({"SAISEI_DATA_DIR": str(tmp_path)})
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "saisei", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_production_without_secret_key_is_a_clear_startup_error(tmp_path: object) -> None:
    result = _run_saisei(
        ["check"], {"SAISEI_ENV": "production", "ALLOWED_HOSTS": "saisei.example"}, tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set when SAISEI_ENV=production" in result.stderr


def test_production_settings_pass_the_deployment_checks(tmp_path: object) -> None:
    result = _run_saisei(
        ["check", "--deploy", "--fail-level", "DEBUG"],
        {
            "SAISEI_ENV": "production",
            "ALLOWED_HOSTS": "saisei.example",
            "SECRET_KEY": "k9" * 20 + "-production-test-key-with-enough-entropy-0123456789",
            "SAISEI_AUDIT_CHECKPOINT_KEY": "c7" * 16 + "-audit-checkpoint-test-key",
        },
        tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


def test_a_malformed_environment_variable_stops_startup(tmp_path: object) -> None:
    result = _run_saisei(["check"], {"DEBUG": "maybe"}, tmp_path)
    assert result.returncode != 0
    assert "DEBUG must be a boolean" in result.stderr


def test_a_gunicorn_worker_puts_what_it_loaded_out_of_the_collectors_reach() -> None:
    import gc

    from saisei.config import gunicorn

    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    try:
        gunicorn.post_worker_init(object())
        assert gc.get_freeze_count() > 0
    finally:
        gc.unfreeze()


def test_the_plan_number_letters_are_a_json_object_of_letters_to_names() -> None:
    from saisei.config.env import env_letter_map

    assert env_letter_map("X", environ={}) is None
    assert env_letter_map("X", environ={"X": '{"F": ["chugoku_shikoku", "shikoku"]}'}) == {
        "F": ["chugoku_shikoku", "shikoku"]
    }
    for bad in ("[]", '{"ab": ["x"]}', '{"A": "hokkaido"}', "{", '{"a": ["x"]}'):
        with pytest.raises(ImproperlyConfigured, match="X must be"):
            env_letter_map("X", environ={"X": bad})
