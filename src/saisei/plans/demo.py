"""Demo step: provision plans in every state (filled in below)."""

from __future__ import annotations

from typing import Any


def load_plans_demo(context: Any) -> None:
    return None
