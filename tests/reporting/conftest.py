from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest

from tests.support import at
from tests.support.world import World, build_world

FILED = dt.date(2025, 6, 2)  # a Monday, after the 2025 amendment


@pytest.fixture
def world(personas) -> World:
    """The demo registry as it stood on FILED: the committee's certification covers it."""
    with at(FILED):
        return build_world(personas)


@pytest.fixture
def active_plan(world) -> Iterator[Any]:
    """A Class II plan filed and accepted on 2025-06-02, active since."""
    with at(FILED):
        plan = world.plan_in("active")
    assert plan.filed_on == FILED
    yield plan
