"""Registry of demo-data steps run, in order, by `saisei demo`.

The demo data is clearly fictional. Each app adds a step (in its AppConfig.ready) that
builds on the organisations and personas the earlier steps created. Steps run inside
one transaction: a failure leaves nothing half-loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class DemoContext:
    """What earlier steps made, for later steps to build on."""

    organisations: dict[str, Any] = field(default_factory=dict)
    users: dict[str, Any] = field(default_factory=dict)
    objects: dict[str, Any] = field(default_factory=dict)
    lines: list[str] = field(default_factory=list)


STEPS: list[tuple[int, str, Callable[[DemoContext], None]]] = []


def register(order: int, name: str, step: Callable[[DemoContext], None]) -> None:
    if any(existing == name for _, existing, _ in STEPS):
        return
    STEPS.append((order, name, step))
    STEPS.sort(key=lambda item: item[0])
