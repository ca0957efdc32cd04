from __future__ import annotations

from typing import Any

from ninja import Schema


class ErrorOut(Schema):
    """The one error body every endpoint answers with."""

    code: str
    message: str
    details: dict[str, Any] = {}


# Responses every authenticated endpoint may give besides its own.
AUTH_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 422: ErrorOut}
