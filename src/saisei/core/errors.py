"""Error codes and the domain error every service raises.

Codes are stable identifiers that API clients can rely on; messages are translated
for people. Apps add their codes here so that one enum lists every refusal.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from enum import StrEnum
from typing import Any, NotRequired, TypedDict

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
    # Refusals of the request itself, before any service sees it
    MALFORMED_REQUEST = "malformed_request"
    METHOD_NOT_ALLOWED = "method_not_allowed"
    REQUEST_TOO_LARGE = "request_too_large"
    THROTTLED = "throttled"
    # Idempotent creation (an Idempotency-Key used again)
    IDEMPOTENCY_KEY_REUSED = "idempotency_key_reused"
    IDEMPOTENCY_RESULT_WITHHELD = "idempotency_result_withheld"
    # Plans (RM Act provision plans, reviews, filings, orders)
    PLAN_INVALID_TRANSITION = "plan_invalid_transition"
    PLAN_CONFLICT = "plan_conflict"
    PLAN_NOT_RM_ACT = "plan_not_rm_act"
    PLAN_CLASSIFICATION_INVALID = "plan_classification_invalid"
    PLAN_CLASS_CHANGED = "plan_class_changed"
    PLAN_INCOMPLETE = "plan_incomplete"
    PLAN_NUMBER_TAKEN = "plan_number_taken"
    COMMITTEE_KIND_MISMATCH = "committee_kind_mismatch"
    COMMITTEE_NOT_CERTIFIED = "committee_not_certified"
    COMMITTEE_RENEWAL_BASIS_FIXED = "committee_renewal_basis_fixed"
    MEETING_INVALID = "meeting_invalid"
    MEETING_NOT_QUORATE = "meeting_not_quorate"
    REVIEW_ALREADY_DECIDED = "review_already_decided"
    ORDER_NO_REACH = "order_no_reach"
    ORDER_ALREADY_LIFTED = "order_already_lifted"
    PLAN_FILED_BEFORE_OPINION = "plan_filed_before_opinion"
    RESTRICTION_CHANGE_INVALID = "restriction_change_invalid"
    # Products (PMD Act approvals and their lifecycle)
    PRODUCT_EVENT_DATE_INVALID = "product_event_date_invalid"
    PRODUCT_NOT_APPROVED = "product_not_approved"
    PRODUCT_ALREADY_APPROVED = "product_already_approved"
    PRODUCT_NOT_CONDITIONAL = "product_not_conditional"
    PRODUCT_STATUS_FORBIDS_EVENT = "product_status_forbids_event"
    PRODUCT_NO_PENDING_REAPPLICATION = "product_no_pending_reapplication"
    PRODUCT_REAPPLICATION_ALREADY_PENDING = "product_reapplication_already_pending"
    PRODUCT_EVENT_KIND_NOT_ALLOWED = "product_event_kind_not_allowed"
    PRODUCT_REFERENCE_DATA_INVALID = "product_reference_data_invalid"
    # Reporting (treatments, outcomes, adverse events, periodic reports) and obligations
    PLAN_NOT_PROVIDING = "plan_not_providing"
    PLAN_RESTRICTED = "plan_restricted"
    PLAN_SUSPENDED = "plan_suspended"
    FACILITY_NOT_IN_PLAN = "facility_not_in_plan"
    CRITERION_NOT_IN_PLAN = "criterion_not_in_plan"
    DATE_IN_FUTURE = "date_in_future"
    DATE_ORDER = "date_order"
    DUPLICATE = "duplicate"
    CSV_INVALID = "csv_invalid"
    PERIOD_NOT_ENDED = "period_not_ended"
    PERIOD_INVALID = "period_invalid"
    REPORT_WRONG_STATUS = "report_wrong_status"
    OBLIGATION_NOT_OUTSTANDING = "obligation_not_outstanding"


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

    @property
    def errors(self) -> list[FieldError]:
        """The fields this refusal names (details["errors"]), empty when it names none."""
        return list(self.details.get("errors") or [])


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


class FieldError(TypedDict):
    """One refused input: the field (a dotted path for nested input, e.g. "criteria.0.kind"),
    a translated message, and for a file the line (1 = the header)."""

    field: str
    message: str
    line: NotRequired[int]


def field_error(field: str, message: str | Promise, *, line: int | None = None) -> FieldError:
    error: FieldError = {"field": field, "message": str(message)}
    if line is not None:
        error["line"] = line
    return error


def invalid(
    field: str,
    message: str | Promise,
    code: ErrorCode | str = ErrorCode.INVALID_INPUT,
    *,
    status: int | None = None,
    line: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> DomainError:
    """A refusal that names one field: details {"errors": [{"field", "message"}], **context}.
    `status` is the HTTP status; a plan's or report's status goes in `context`."""
    return invalid_fields(
        [field_error(field, message, line=line)],
        code,
        message=message,
        status=status,
        context=context,
    )


def invalid_fields(
    errors: Iterable[FieldError],
    code: ErrorCode | str = ErrorCode.INVALID_INPUT,
    *,
    message: str | Promise | None = None,
    status: int | None = None,
    context: Mapping[str, Any] | None = None,
) -> DomainError:
    """A refusal that names several fields. Every error-details body has this one shape:
    {"errors": [{"field", "message", "line"?}, ...]} plus, where it helps a client, context
    such as the current "status"."""
    from django.utils.translation import gettext

    rows = list(errors)
    if message is None:
        message = rows[0]["message"] if len(rows) == 1 else gettext("Some fields are not valid.")
    return DomainError(code, message, details={"errors": rows, **(context or {})}, status=status)


def errors_from_validation(message_dict: Mapping[str, Iterable[Any]]) -> list[FieldError]:
    """Django's ValidationError.message_dict as field errors ("__all__" becomes "")."""
    return [
        field_error("" if field == "__all__" else field, str(message))
        for field, messages in message_dict.items()
        for message in messages
    ]
