"""Error codes and the domain error every service raises.

Codes are stable identifiers that API clients can rely on; messages are translated
for people. Apps add their codes here so that one enum lists every refusal.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    INVALID_INPUT = "invalid_input"
    NOT_AUTHENTICATED = "not_authenticated"
    PERMISSION_DENIED = "permission_denied"
    NOT_FOUND = "not_found"
    CONFLICT = "conflict"
    LOGIN_THROTTLED = "login_throttled"
    TOKEN_REVOKED = "token_revoked"  # noqa: S105 - an error code
    INTERNAL_ERROR = "internal_error"


class DomainError(Exception):
    """A refusal by a service: bad input, a broken rule, or a forbidden move.

    `status` is the HTTP status the API answers with; views show `message`.
    """

    status = 400

    def __init__(
        self,
        code: ErrorCode | str,
        message: str | Promise,
        *,
        details: dict[str, Any] | None = None,
        status: int | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = str(code)
        self.message = message
        self.details = details or {}
        if status is not None:
            self.status = status

    def as_body(self) -> dict[str, Any]:
        return {"code": self.code, "message": str(self.message), "details": self.details}


class NotPermitted(DomainError):
    status = 403

    def __init__(self, permission: str) -> None:
        from django.utils.translation import gettext

        super().__init__(
            ErrorCode.PERMISSION_DENIED,
            gettext("You do not have permission to do this."),
            details={"permission": permission},
        )


class NotFound(DomainError):
    status = 404

    def __init__(self, what: str) -> None:
        from django.utils.translation import gettext

        super().__init__(ErrorCode.NOT_FOUND, gettext("Not found."), details={"what": what})


class Conflict(DomainError):
    status = 409
