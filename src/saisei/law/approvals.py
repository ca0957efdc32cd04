"""Status of a PMD Act approval on a given date (domain.md §2).

A conditional, time-limited approval (条件及び期限付承認, PMD Act Art 23-26) lasts until its
time limit ends; if the holder applied again for approval on or before the limit's last day and
that application is still undecided when the limit passes, the approval stays in force until it is
decided. The status is computed from the approval facts and the lifecycle events dated on or before
the day asked about, so the same data answers "what was the status then?" for any past day.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import TypeVar

from saisei.law.errors import LawInputError, describe_value
from saisei.law.periods import time_limit_end, yearly_period_end

__all__ = [
    "IN_FORCE_STATUSES",
    "MAX_TIME_LIMIT_YEARS",
    "PMD_ACT_BASIS",
    "ApprovalEvent",
    "ApprovalEventKind",
    "ApprovalFacts",
    "ApprovalReason",
    "ApprovalStatus",
    "ApprovalStatusCode",
    "ApprovalType",
    "approval_status",
]

PMD_ACT_BASIS = "PMD Act Art 23-26"
# The initial time limit is at most 7 years (domain.md §2); extensions may take the total beyond it.
MAX_TIME_LIMIT_YEARS = 7


class ApprovalType(StrEnum):
    STANDARD = "standard"
    CONDITIONAL_TIME_LIMITED = "conditional_time_limited"


class ApprovalEventKind(StrEnum):
    APPROVED = "approved"
    TIME_LIMIT_EXTENDED = "time_limit_extended"
    REAPPLICATION_FILED = "reapplication_filed"
    REAPPLICATION_WITHDRAWN = "reapplication_withdrawn"
    REAPPLICATION_REFUSED = "reapplication_refused"
    CONVERTED_TO_FULL_APPROVAL = "converted_to_full_approval"
    APPROVAL_LAPSED = "approval_lapsed"
    REVOKED = "revoked"
    # Informational: recorded in the product's history, no effect on the status.
    APPLICATION_FILED = "application_filed"
    COUNCIL_ENDORSED = "council_endorsed"
    INDICATION_ADDED = "indication_added"
    SHIPPING_RESTRICTED = "shipping_restricted"
    SHIPPING_RESTRICTION_LIFTED = "shipping_restriction_lifted"
    LAUNCHED = "launched"
    SALES_ENDED = "sales_ended"

    @property
    def changes_status(self) -> bool:
        return self not in _INFORMATIONAL


_INFORMATIONAL = frozenset(
    {
        ApprovalEventKind.APPLICATION_FILED,
        ApprovalEventKind.COUNCIL_ENDORSED,
        ApprovalEventKind.INDICATION_ADDED,
        ApprovalEventKind.SHIPPING_RESTRICTED,
        ApprovalEventKind.SHIPPING_RESTRICTION_LIFTED,
        ApprovalEventKind.LAUNCHED,
        ApprovalEventKind.SALES_ENDED,
    }
)


class ApprovalStatusCode(StrEnum):
    NOT_APPROVED = "not_approved"
    APPROVED = "approved"
    CONDITIONAL = "conditional"
    CONDITIONAL_PENDING_DECISION = "conditional_pending_decision"
    LAPSED = "lapsed"
    REVOKED = "revoked"

    @property
    def in_force(self) -> bool:
        return self in IN_FORCE_STATUSES


IN_FORCE_STATUSES = frozenset(
    {
        ApprovalStatusCode.APPROVED,
        ApprovalStatusCode.CONDITIONAL,
        ApprovalStatusCode.CONDITIONAL_PENDING_DECISION,
    }
)


class ApprovalReason(StrEnum):
    """Stable codes for why a status was reached (the English ``reason`` may be reworded)."""

    NO_APPROVAL = "no_approval"
    BEFORE_APPROVAL = "before_approval"
    STANDARD_APPROVAL = "standard_approval"
    CONVERTED_TO_FULL_APPROVAL = "converted_to_full_approval"
    WITHIN_TIME_LIMIT = "within_time_limit"
    REAPPLICATION_PENDING = "reapplication_pending"
    REAPPLICATION_REFUSED = "reapplication_refused"
    REAPPLICATION_WITHDRAWN = "reapplication_withdrawn"
    TIME_LIMIT_PASSED = "time_limit_passed"
    RECORDED_LAPSED = "recorded_lapsed"
    REVOKED = "revoked"


@dataclass(frozen=True, slots=True)
class ApprovalFacts:
    """What the approval letter says.

    A conditional approval needs ``time_limit_years`` or an explicit ``time_limit_ends_on`` (which
    wins when both are given, because the letter's own date is the legal fact). ``approved_on`` may
    be None for a product not yet approved; an ``approved`` event then supplies the date.
    """

    approval_type: ApprovalType
    approved_on: date | None
    time_limit_years: int | None = None
    time_limit_ends_on: date | None = None

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "approval_type", _coerce(self.approval_type, ApprovalType, "approval_type")
        )
        years = self.time_limit_years
        if self.approval_type is ApprovalType.STANDARD:
            if years is not None or self.time_limit_ends_on is not None:
                raise LawInputError(
                    "time_limit_years", "a standard approval has no time limit (got a time limit)"
                )
            return
        if years is None and self.time_limit_ends_on is None:
            raise LawInputError(
                "time_limit_years",
                "a conditional, time-limited approval needs time_limit_years or time_limit_ends_on",
            )
        if years is not None and (
            isinstance(years, bool)
            or not isinstance(years, int)
            or not 1 <= years <= MAX_TIME_LIMIT_YEARS
        ):
            raise LawInputError(
                "time_limit_years",
                f"must be an integer from 1 to {MAX_TIME_LIMIT_YEARS} "
                f"(got {describe_value(years)})",
            )


@dataclass(frozen=True, slots=True)
class ApprovalEvent:
    """One lifecycle event. ``time_limit_extended`` carries ``years`` or ``new_end_date``."""

    kind: ApprovalEventKind
    on: date
    years: int | None = None
    new_end_date: date | None = None
    detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _coerce(self.kind, ApprovalEventKind, "kind"))
        extension = self.kind is ApprovalEventKind.TIME_LIMIT_EXTENDED
        has_years = self.years is not None
        has_end = self.new_end_date is not None
        if extension and has_years == has_end:
            raise LawInputError(
                "years", "a time_limit_extended event needs exactly one of years or new_end_date"
            )
        if not extension and (has_years or has_end):
            raise LawInputError(
                "years", f"only a time_limit_extended event has years or new_end_date ({self.kind})"
            )
        if has_years and (
            isinstance(self.years, bool) or not isinstance(self.years, int) or self.years < 1
        ):
            raise LawInputError(
                "years", f"must be an integer of at least 1 (got {describe_value(self.years)})"
            )


@dataclass(frozen=True, slots=True)
class ApprovalStatus:
    as_of: date
    status: ApprovalStatusCode
    in_force: bool
    time_limit_ends_on: date | None
    reason: str
    reason_code: ApprovalReason

    def to_dict(self) -> dict[str, object]:
        return {
            "as_of": self.as_of.isoformat(),
            "status": self.status.value,
            "in_force": self.in_force,
            "time_limit_ends_on": (
                None if self.time_limit_ends_on is None else self.time_limit_ends_on.isoformat()
            ),
            "reason": self.reason,
            "reason_code": self.reason_code.value,
        }


def approval_status(
    facts: ApprovalFacts, events: Iterable[ApprovalEvent], as_of: date
) -> ApprovalStatus:
    """The status of an approval on ``as_of``; an event takes effect on its own date."""
    all_events = sorted(events, key=lambda event: event.on)
    known = [event for event in all_events if event.on <= as_of]

    def result(
        status: ApprovalStatusCode, code: ApprovalReason, reason: str, end: date | None = None
    ) -> ApprovalStatus:
        return _status(as_of, status, code, reason, end)

    approved_on = facts.approved_on
    if approved_on is None:
        approved_on = next(
            (e.on for e in all_events if e.kind is ApprovalEventKind.APPROVED),
            None,
        )
    if approved_on is None:
        return result(
            ApprovalStatusCode.NOT_APPROVED,
            ApprovalReason.NO_APPROVAL,
            "No approval has been recorded.",
        )
    if as_of < approved_on:
        return result(
            ApprovalStatusCode.NOT_APPROVED,
            ApprovalReason.BEFORE_APPROVAL,
            f"Not yet approved on {as_of.isoformat()}: the approval is dated "
            f"{approved_on.isoformat()}.",
        )

    conditional = facts.approval_type is ApprovalType.CONDITIONAL_TIME_LIMITED
    end = _time_limit_end(facts, approved_on, known) if conditional else None
    what = (
        f"conditional, time-limited approval of {approved_on.isoformat()}"
        if conditional
        else f"standard approval of {approved_on.isoformat()}"
    )

    revoked = _last(known, ApprovalEventKind.REVOKED)
    if revoked is not None:
        return result(
            ApprovalStatusCode.REVOKED,
            ApprovalReason.REVOKED,
            f"The {what} was revoked on {revoked.on.isoformat()}{_detail(revoked)}.",
            end,
        )
    lapsed = _last(known, ApprovalEventKind.APPROVAL_LAPSED)
    if lapsed is not None:
        return result(
            ApprovalStatusCode.LAPSED,
            ApprovalReason.RECORDED_LAPSED,
            f"The {what} was recorded as lapsed on {lapsed.on.isoformat()}{_detail(lapsed)}.",
            end,
        )
    if end is None:
        return result(
            ApprovalStatusCode.APPROVED,
            ApprovalReason.STANDARD_APPROVAL,
            f"The {what} is in force.",
        )
    converted = _last(known, ApprovalEventKind.CONVERTED_TO_FULL_APPROVAL)
    if converted is not None:
        return result(
            ApprovalStatusCode.APPROVED,
            ApprovalReason.CONVERTED_TO_FULL_APPROVAL,
            f"The {what} was converted to full approval on {converted.on.isoformat()}.",
        )
    if as_of <= end:
        return result(
            ApprovalStatusCode.CONDITIONAL,
            ApprovalReason.WITHIN_TIME_LIMIT,
            f"The {what} is in force within its time limit, which ends on {end.isoformat()} "
            f"({PMD_ACT_BASIS}).",
            end,
        )
    return _after_time_limit(as_of, known, end, what)


def _status(
    as_of: date,
    status: ApprovalStatusCode,
    code: ApprovalReason,
    reason: str,
    end: date | None = None,
) -> ApprovalStatus:
    return ApprovalStatus(as_of, status, status.in_force, end, reason, code)


def _after_time_limit(
    as_of: date, known: list[ApprovalEvent], end: date, what: str
) -> ApprovalStatus:
    def result(
        status: ApprovalStatusCode, code: ApprovalReason, reason: str, end: date | None = None
    ) -> ApprovalStatus:
        return _status(as_of, status, code, reason, end)

    ended = f"The time limit of the {what} ended on {end.isoformat()}"
    filings = [e for e in known if e.kind is ApprovalEventKind.REAPPLICATION_FILED]
    timely = [e for e in filings if e.on <= end]
    decisions = [
        e
        for e in known
        if e.kind
        in (ApprovalEventKind.REAPPLICATION_REFUSED, ApprovalEventKind.REAPPLICATION_WITHDRAWN)
    ]
    if timely:
        filing = timely[-1]
        decision = next((e for e in reversed(decisions) if e.on >= filing.on), None)
        if decision is None:
            return result(
                ApprovalStatusCode.CONDITIONAL_PENDING_DECISION,
                ApprovalReason.REAPPLICATION_PENDING,
                f"{ended}, but the application for approval filed on {filing.on.isoformat()} "
                f"is undecided, so the approval stays in force until it is decided "
                f"({PMD_ACT_BASIS}).",
                end,
            )
    elif decisions:
        decision = decisions[-1]
    else:
        late = (
            f" (the application of {filings[-1].on.isoformat()} came too late)" if filings else ""
        )
        return result(
            ApprovalStatusCode.LAPSED,
            ApprovalReason.TIME_LIMIT_PASSED,
            f"{ended} with no application for approval pending{late} ({PMD_ACT_BASIS}).",
            end,
        )
    refused = decision.kind is ApprovalEventKind.REAPPLICATION_REFUSED
    return result(
        ApprovalStatusCode.LAPSED,
        ApprovalReason.REAPPLICATION_REFUSED if refused else ApprovalReason.REAPPLICATION_WITHDRAWN,
        f"{ended} and the application for approval was "
        f"{'refused' if refused else 'withdrawn'} on {decision.on.isoformat()}"
        f"{_detail(decision)} ({PMD_ACT_BASIS}).",
        end,
    )


def _time_limit_end(facts: ApprovalFacts, approved_on: date, known: list[ApprovalEvent]) -> date:
    if facts.time_limit_ends_on is not None:
        end = facts.time_limit_ends_on
    else:
        assert facts.time_limit_years is not None  # ApprovalFacts guarantees one of the two
        end = time_limit_end(approved_on, facts.time_limit_years)
    for event in known:
        if event.kind is not ApprovalEventKind.TIME_LIMIT_EXTENDED:
            continue
        if event.new_end_date is not None:
            end = event.new_end_date
        elif event.years is not None:
            # "An extension adds to the end": the extra years are counted from the day after the
            # old limit as day 1, the same arithmetic as the original limit.
            end = yearly_period_end(end + timedelta(days=1), event.years)
    return end


def _last(events: list[ApprovalEvent], kind: ApprovalEventKind) -> ApprovalEvent | None:
    return next((event for event in reversed(events) if event.kind is kind), None)


def _detail(event: ApprovalEvent) -> str:
    return f" ({event.detail})" if event.detail else ""


_E = TypeVar("_E", bound=StrEnum)


def _coerce(value: object, enum: type[_E], field: str) -> _E:
    if isinstance(value, enum):
        return value
    if isinstance(value, str):
        try:
            return enum(value)
        except ValueError:
            pass
    choices = ", ".join(member.value for member in enum)
    raise LawInputError(field, f"must be one of {choices} (got {describe_value(value)})")
