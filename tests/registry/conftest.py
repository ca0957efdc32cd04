from __future__ import annotations

import pytest

from tests.plans.helpers import World, build_world


@pytest.fixture
def world(personas) -> World:
    return build_world(personas)
