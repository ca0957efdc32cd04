from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
import time_machine

from tests.plans.helpers import World, build_world

JST = dt.timezone(dt.timedelta(hours=9))
FILED = dt.date(2025, 6, 2)  # a Monday, after the 2025 amendment


def at(day: dt.date) -> Any:
    """Travel to noon, Japan time, on a legal date."""
    return time_machine.travel(
        dt.datetime(day.year, day.month, day.day, 12, tzinfo=JST), tick=False
    )


@pytest.fixture
def world(personas) -> World:
    return build_world(personas)


@pytest.fixture
def active_plan(world) -> Iterator[Any]:
    """A Class II plan filed and accepted on 2025-06-02, active since."""
    with at(FILED):
        plan = world.plan_in("active")
    assert plan.filed_on == FILED
    yield plan
