"""Registry of demo-data steps run, in order, by `saisei demo`.

The demo data is clearly fictional. Each app adds a step (in its AppConfig.ready) that
builds on the organisations and personas the earlier steps created. Steps run inside
one transaction: a failure leaves nothing half-loaded. Core knows no app: the step that makes
the persona accounts (saisei.accounts.personas) also says whether the demo is already loaded
and with which password.
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
    # The persona accounts' password, for the command's summary line.
    password: str | None = None


STEPS: list[tuple[int, str, Callable[[DemoContext], None]]] = []
# Checks that a step's rows are already in the database (any of them: the demo is loaded).
LOADED_CHECKS: dict[str, Callable[[], bool]] = {}


def register(
    order: int,
    name: str,
    step: Callable[[DemoContext], None],
    *,
    loaded: Callable[[], bool] | None = None,
) -> None:
    if loaded is not None:
        LOADED_CHECKS[name] = loaded
    if any(existing == name for _, existing, _ in STEPS):
        return
    STEPS.append((order, name, step))
    STEPS.sort(key=lambda item: item[0])


def demo_loaded() -> bool:
    return any(check() for check in LOADED_CHECKS.values())
