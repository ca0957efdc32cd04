"""Named personas for every test: the people the permission rules are about.

`personas` builds the same organisations and accounts as the demo, with unusable
passwords (tests sign in with force_login; Argon2 hashing would slow every test).
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterator

import pytest
import time_machine
from django.test import Client
from hypothesis import HealthCheck, settings

from tests.support.personas import Personas, build_personas

# Under SAISEI_REQUIRE_ALL=1 every skip but the SQLite runs' by-design ones fails (CI).
from tests.support.require_all import (  # noqa: F401 (hooks, found by name)
    pytest_make_collect_report,
    pytest_runtest_makereport,
)

# Hypothesis's timing checks measure the machine, not the code: on a loaded two-core machine
# (a suite beside another) one slow draw failed a property test that passes. Tests assert
# behaviour; timings live in the benchmarks (`make bench`).
settings.register_profile("saisei", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("saisei")


@pytest.fixture(autouse=True, scope="session")
def _suite_clock() -> Iterator[None]:
    """`SAISEI_TEST_TODAY=YYYY-MM-DD` (or an ISO instant) runs the whole suite as if then.

    No test may depend on the day it runs: CI runs on whatever day it is. Sweeping
    the suite over several days (year ends, a leap day, months after a fixture's
    pinned dates) is how that is checked; see the README.
    """
    value = os.environ.get("SAISEI_TEST_TODAY")
    if not value:
        yield
        return
    if "T" in value:  # an instant, e.g. 2026-12-31T15:30:00+00:00 (already 1 January in Japan)
        start = dt.datetime.fromisoformat(value)
    else:
        start = dt.datetime.combine(dt.date.fromisoformat(value), dt.time(10, 0), tzinfo=dt.UTC)
    with time_machine.travel(start, tick=True):
        yield


@pytest.fixture
def personas(db: None) -> Personas:
    return build_personas()


@pytest.fixture
def client_for(personas: Personas) -> Callable[[str | None], Client]:
    """A browser-like client signed in as the named persona (None: anonymous)."""

    def make(name: str | None) -> Client:
        client = Client()
        if name is not None:
            client.force_login(personas.user(name))
        return client

    return make


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Each test starts with an empty cache: an anonymous search another test cached (or a
    choice list) must not answer for this one."""
    from django.core.cache import cache

    cache.clear()
    yield
