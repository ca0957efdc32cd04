"""Registry of reference-data loaders run by `saisei load-reference`.

Each app that ships real reference data registers a loader here (in its AppConfig.ready):
a callable that loads its files idempotently and returns a one-line summary.
"""

from __future__ import annotations

from collections.abc import Callable

LOADERS: dict[str, Callable[[], str]] = {}


def register(name: str, loader: Callable[[], str]) -> None:
    LOADERS[name] = loader
