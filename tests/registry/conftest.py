from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from saisei.accounts.roles import Role
from saisei.accounts.services import membership_grant, user_create
from tests.support import at
from tests.support.world import World, build_world


@pytest.fixture
def world(personas) -> World:
    return build_world(personas)


@pytest.fixture
def world_on(personas) -> Callable[[dt.date], World]:
    """The demo registry as built on a given day (its dates count back from that day)."""

    def build(day: dt.date) -> World:
        with at(day):
            return build_world(personas)

    return build


@pytest.fixture
def secretariat_of() -> Callable[[Any], Any]:
    """A secretariat account of another committee (the personas have one committee only)."""

    def make(committee: Any) -> Any:
        user = user_create(
            username=f"secretariat-{committee.pk}",
            password=None,
            display_name="架空 事務局 (fictional)",
            actor=None,
            system="test",
        )
        membership_grant(
            user=user,
            organisation=committee.organisation,
            role=Role.COMMITTEE_SECRETARIAT,
            actor=None,
            system="test",
        )
        return user

    return make
