"""Helpers shared by the test suite (`World`, the demo registry with plans, is in `.world`)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from typing import Any

import pytest
import time_machine

JST = dt.timezone(dt.timedelta(hours=9))

# CI sets this so that a test needing Chromium or PostgreSQL fails instead of skipping.
REQUIRE_ALL = os.environ.get("SAISEI_REQUIRE_ALL") == "1"


def unavailable(reason: str) -> None:
    """Skip on a machine that lacks something; fail in CI, where nothing may be missing."""
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (SAISEI_REQUIRE_ALL=1: CI must not skip this test)")
    pytest.skip(reason)


def skip_on_sqlite(reason: str) -> None:
    """Skip a test that needs PostgreSQL on a run that was not given one.

    CI runs the suite on SQLite without DATABASE_URL, and again with DATABASE_URL naming
    PostgreSQL; under SAISEI_REQUIRE_ALL a DATABASE_URL that names any other database fails the
    test instead, so a run meant to cover it cannot skip it.
    """
    if REQUIRE_ALL and os.environ.get("DATABASE_URL"):
        pytest.fail(
            f"{reason}, and DATABASE_URL does not name one "
            "(SAISEI_REQUIRE_ALL=1: CI must not skip this test)"
        )
    skipped = pytest.skip.Exception(reason, _use_item_location=True)  # reported at the test
    skipped.saisei_sqlite_run = True  # type: ignore[attr-defined]  # see require_all
    raise skipped


def skipped_on_sqlite_run(exception: BaseException) -> bool:
    """The one skip SAISEI_REQUIRE_ALL lets through: `skip_on_sqlite`'s."""
    return getattr(exception, "saisei_sqlite_run", False) is True


def needs_postgresql(reason: str) -> None:
    """For tests of concurrent writers: SQLite's shared in-memory test database refuses a second
    writer ("table is locked") instead of making it wait."""
    from django.db import connection

    if connection.vendor != "postgresql":
        skip_on_sqlite(reason)


def chromium_path() -> str:
    path = os.environ.get("SAISEI_CHROMIUM") or shutil.which("chromium")
    if not path:
        unavailable("needs Debian's chromium (apt-get install chromium)")
    assert path is not None
    return path


def at(day: dt.date) -> Any:
    """Travel to noon, Japan time, on a legal date (the clock stands still there)."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=JST), tick=False
    )
