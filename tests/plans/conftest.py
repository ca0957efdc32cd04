from __future__ import annotations

import pytest

from tests.support import at
from tests.support.world import World, build_world


@pytest.fixture
def world(request, personas) -> World:
    """The demo registry, built as on the day of `@pytest.mark.registry_on(day)` when a test pins
    its dates (the demo's committee certification counts from the day it is built), else today."""
    marker = request.node.get_closest_marker("registry_on")
    if marker is None:
        return build_world(personas)
    with at(marker.args[0]):
        return build_world(personas)
