"""Errors raised by the law engine.

Every error names the input field it is about, so that a command-line tool, a form or an API can
point at the exact value that was wrong without parsing a message.
"""

from __future__ import annotations

import json

__all__ = ["LawConfigError", "LawError", "LawInputError", "describe_value"]


class LawError(Exception):
    """Base class for every error raised by ``saisei.law``."""


class LawInputError(LawError, ValueError):
    """An input value the law engine cannot use.

    ``field`` is a dotted path into the input (``"cells.kind"``, ``"date"``, ``"period"``);
    ``message`` says what was expected and, where useful, what was given.
    """

    def __init__(self, field: str, message: str) -> None:
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


class LawConfigError(LawError):
    """A rule-override configuration that cannot be applied.

    ``source`` names where the configuration came from (a file path or ``"overrides"``), ``field``
    the dotted path inside it (``"record_retention.offset"``).
    """

    def __init__(self, source: str, field: str, message: str) -> None:
        prefix = f"{source}: {field}: " if field else f"{source}: "
        super().__init__(prefix + message)
        self.source = source
        self.field = field
        self.message = message


def describe_value(value: object, limit: int = 60) -> str:
    """Render a value for an error message as JSON (``"mesenchymal"``, ``1``, ``null``)."""
    try:
        text = json.dumps(value, ensure_ascii=False, default=repr)
    except (TypeError, ValueError):  # pragma: no cover - default=repr makes this unreachable
        text = repr(value)
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    return text
