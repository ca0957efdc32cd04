"""Addresses of a list's rows: a route reversed once, not once a row."""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

from django.urls import get_script_prefix, reverse

# An id no route is reversed with: where it lands in the reversed path is where a row's id goes.
_MARK = 987654321


def url_maker(name: str) -> Callable[[int], str]:
    """The address of the route `name` (taking one id) for any id: reversing costs more than
    showing a row, so a page of fifty rows reverses once (per route and script prefix)."""
    head, tail = _parts(name, get_script_prefix())
    return lambda pk: f"{head}{pk}{tail}"


@lru_cache(maxsize=256)
def _parts(name: str, prefix: str) -> tuple[str, str]:
    head, mark, tail = reverse(name, args=[_MARK]).partition(str(_MARK))
    if not mark:
        raise ValueError(f"{name} takes no id")
    return head, tail
