"""Helpers shared by the test suite."""

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
