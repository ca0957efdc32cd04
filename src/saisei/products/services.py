"""Writes to products: the holder's filings and the regulator's decisions.

A holder officer records what the holder did (applications, re-applications, confirmatory data,
withdrawals, launch, end of sales) for its own products; a regulator records the Minister's
decisions. Which side records which event, and what must be true before it, is the table
`EVENT_RULES`; each service checks the permission, locks the approval, checks the rule against
the status the law engine computes on the event's date, writes the event and audits it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import Conflict, DomainError, ErrorCode, invalid
from saisei.core.time import legal_today
from saisei.law import ApprovalStatusCode, ApprovalType
from saisei.products.models import (
    Approval,
    ApprovalEvent,
    Designation,
    EventKind,
    Origin,
    Product,
)
from saisei.products.obligations import approval_duty_refresh
from saisei.products.status import compute_status

HOLDER_PERMISSION = "products.record_holder_event"
REGULATOR_PERMISSION = "products.record_decision"

S = ApprovalStatusCode
IN_FORCE = frozenset({S.APPROVED, S.CONDITIONAL, S.CONDITIONAL_PENDING_DECISION})


@dataclass(frozen=True)
class EventRule:
    """What must hold before an event of one kind may be recorded on a day.

    `statuses`: the approval's status on the event's date (before the event) must be one of
    these; None means any status once approved. `pending`: True needs an undecided
    re-application, False forbids one.
    """

    side: str  # "holder" or "regulator"
    conditional_only: bool = False
    statuses: frozenset[ApprovalStatusCode] | None = None
    pending: bool | None = None


EVENT_RULES: dict[str, EventRule] = {
    # The holder's acts.
    EventKind.REAPPLICATION_FILED: EventRule(
        "holder", conditional_only=True, statuses=frozenset({S.CONDITIONAL}), pending=False
    ),
    EventKind.REAPPLICATION_WITHDRAWN: EventRule("holder", conditional_only=True, pending=True),
    EventKind.CONFIRMATORY_DATA_SUBMITTED: EventRule(
        "holder",
        conditional_only=True,
        statuses=frozenset({S.CONDITIONAL, S.CONDITIONAL_PENDING_DECISION}),
    ),
    EventKind.LAUNCHED: EventRule("holder", statuses=IN_FORCE),
    EventKind.SALES_ENDED: EventRule("holder"),
    # An announcement changes nothing; the withdrawal takes effect when it is recorded.
    EventKind.WITHDRAWAL_ANNOUNCED: EventRule("holder", conditional_only=True, pending=True),
    # The Minister's decisions and measures.
    EventKind.TIME_LIMIT_EXTENDED: EventRule(
        "regulator", conditional_only=True, statuses=frozenset({S.CONDITIONAL})
    ),
    EventKind.REAPPLICATION_REFUSED: EventRule("regulator", conditional_only=True, pending=True),
    EventKind.CONVERTED_TO_FULL_APPROVAL: EventRule(
        "regulator", conditional_only=True, pending=True
    ),
    EventKind.APPROVAL_LAPSED: EventRule(
        "regulator",
        conditional_only=True,
        statuses=frozenset({S.CONDITIONAL_PENDING_DECISION, S.LAPSED}),
    ),
    EventKind.REVOKED: EventRule("regulator", statuses=IN_FORCE),
    EventKind.INDICATION_ADDED: EventRule("regulator", statuses=IN_FORCE),
    EventKind.SHIPPING_RESTRICTED: EventRule("regulator", statuses=IN_FORCE),
    EventKind.SHIPPING_RESTRICTION_LIFTED: EventRule("regulator", statuses=IN_FORCE),
    EventKind.COUNCIL_ENDORSED: EventRule("regulator"),
    # The council's findings on a re-application are advice: the re-application stays pending
    # until the Minister's decision (a refusal comes only after a hearing).
    EventKind.PANEL_FOUND_NOT_APPROVABLE: EventRule(
        "regulator", conditional_only=True, pending=True
    ),
    EventKind.COUNCIL_CONCLUDED_NOT_APPROVABLE: EventRule(
        "regulator", conditional_only=True, pending=True
    ),
}
HOLDER_EVENT_KINDS = tuple(k for k, rule in EVENT_RULES.items() if rule.side == "holder")
DECISION_KINDS = tuple(k for k, rule in EVENT_RULES.items() if rule.side == "regulator")


def _lock(approval: Approval) -> Approval:
    """Re-read the approval under a row lock, so concurrent decisions are checked in turn."""
    return (
        Approval.objects.select_for_update().select_related("product__holder").get(pk=approval.pk)
    )


def _check_date(on: date, *, not_before: date | None = None, field: str = "occurred_on") -> None:
    if on > legal_today():
        raise invalid(
            field,
            _("The date cannot be in the future."),
            ErrorCode.PRODUCT_EVENT_DATE_INVALID,
            context={"date": on.isoformat()},
        )
    if not_before is not None and on < not_before:
        raise invalid(
            field,
            _("The date cannot be before %(date)s.") % {"date": not_before.isoformat()},
            ErrorCode.PRODUCT_EVENT_DATE_INVALID,
            context={"date": on.isoformat(), "not_before": not_before.isoformat()},
        )


def _pending_reapplication(events: list[ApprovalEvent], on: date) -> ApprovalEvent | None:
    """The latest re-application filed on or before `on` with no decision after it."""
    decided = {
        EventKind.REAPPLICATION_REFUSED,
        EventKind.REAPPLICATION_WITHDRAWN,
        EventKind.CONVERTED_TO_FULL_APPROVAL,
        EventKind.APPROVAL_LAPSED,
        EventKind.REVOKED,
    }
    filing = None
    for event in sorted(events, key=lambda e: (e.occurred_on, e.pk)):
        if event.occurred_on > on:
            break
        if event.kind == EventKind.REAPPLICATION_FILED:
            filing = event
        elif event.kind in decided:
            filing = None
    return filing


def _check_rule(approval: Approval, kind: str, on: date, **values: Any) -> None:
    rule = EVENT_RULES[kind]
    if approval.approved_on is None:
        raise Conflict(
            ErrorCode.PRODUCT_NOT_APPROVED,
            _("This approval has not been granted yet, so this event cannot be recorded."),
            details={"kind": kind},
        )
    _check_date(on, not_before=approval.approved_on)
    if rule.conditional_only and not approval.is_conditional:
        raise Conflict(
            ErrorCode.PRODUCT_NOT_CONDITIONAL,
            _("This event only applies to a conditional, time-limited approval."),
            details={"kind": kind},
        )
    events = list(approval.events.all())
    pending = _pending_reapplication(events, on)
    if rule.pending is True and pending is None:
        raise Conflict(
            ErrorCode.PRODUCT_NO_PENDING_REAPPLICATION,
            _("No application for full approval is pending on this date."),
            details={"kind": kind, "date": on.isoformat()},
        )
    if rule.pending is False and pending is not None:
        raise Conflict(
            ErrorCode.PRODUCT_REAPPLICATION_ALREADY_PENDING,
            _("An application for full approval filed on %(date)s is still pending.")
            % {"date": pending.occurred_on.isoformat()},
            details={"kind": kind, "pending_since": pending.occurred_on.isoformat()},
        )
    status = compute_status(approval, on, events=events)
    if rule.statuses is not None and status.status not in rule.statuses:
        raise Conflict(
            ErrorCode.PRODUCT_STATUS_FORBIDS_EVENT,
            _("This event cannot be recorded while the approval's status is “%(status)s”.")
            % {"status": status.label()},
            details={"kind": kind, "status": status.status, "date": on.isoformat()},
        )
    if kind == EventKind.APPROVAL_LAPSED and any(
        e.kind == EventKind.APPROVAL_LAPSED and e.occurred_on <= on for e in events
    ):
        raise Conflict(
            ErrorCode.PRODUCT_STATUS_FORBIDS_EVENT,
            _("The approval is already recorded as lapsed."),
            details={"kind": kind},
        )
    if kind == EventKind.SHIPPING_RESTRICTION_LIFTED:
        restricted = False
        for event in sorted(events, key=lambda e: (e.occurred_on, e.pk)):
            if event.occurred_on > on:
                break
            if event.kind == EventKind.SHIPPING_RESTRICTED:
                restricted = True
            elif event.kind == EventKind.SHIPPING_RESTRICTION_LIFTED:
                restricted = False
        if not restricted:
            raise Conflict(
                ErrorCode.PRODUCT_STATUS_FORBIDS_EVENT,
                _("No shipping restriction is in place on this date."),
                details={"kind": kind},
            )
    if kind == EventKind.TIME_LIMIT_EXTENDED:
        years, new_end = values.get("years"), values.get("new_end_date")
        if (years is None) == (new_end is None):
            raise invalid(
                "years",
                _("Give the extension either in years or as a new end date, not both."),
                ErrorCode.INVALID_INPUT,
            )
        if years is not None and years < 1:
            raise invalid(
                "years",
                _("An extension is at least one year."),
                ErrorCode.INVALID_INPUT,
            )
        if new_end is not None and (
            status.time_limit_ends_on is None or new_end <= status.time_limit_ends_on
        ):
            raise invalid(
                "new_end_date",
                _("The new end date must be after the current end of the time limit."),
                ErrorCode.INVALID_INPUT,
            )


def _append(
    *,
    approval: Approval,
    kind: str,
    on: date,
    actor: User,
    detail: str,
    source: str,
    years: int | None = None,
    new_end_date: date | None = None,
    patients: int | None = None,
    origin: str = Origin.RECORDED,
    system: str | None = None,
) -> ApprovalEvent:
    event = ApprovalEvent.objects.create(
        approval=approval,
        kind=kind,
        occurred_on=on,
        detail=detail.strip(),
        source=source.strip(),
        years=years,
        new_end_date=new_end_date,
        patients=patients,
        origin=origin,
        recorded_by=actor,
    )
    audit_record(
        action=f"products.event.{kind}",
        actor=actor,
        target=approval,
        data={
            "product": approval.product.slug,
            "approval_id": approval.pk,
            "event_id": event.pk,
            "kind": kind,
            "occurred_on": on,
            "detail": event.detail,
            "source": event.source,
            "years": years,
            "new_end_date": new_end_date,
            "patients": patients,
        },
        system=system,
    )
    return event


def _check_kind(kind: str, allowed: tuple[str, ...]) -> None:
    if kind not in allowed:
        raise DomainError(
            ErrorCode.PRODUCT_EVENT_KIND_NOT_ALLOWED,
            _("This kind of event cannot be recorded here."),
            details={"kind": kind, "allowed": list(allowed)},
        )


@transaction.atomic
def holder_event_record(
    *,
    approval: Approval,
    kind: str,
    occurred_on: date,
    actor: User,
    detail: str = "",
    source: str = "",
    patients: int | None = None,
) -> ApprovalEvent:
    """Record the holder's own act on its approval (a re-application, confirmatory data…)."""
    ensure_can(actor, HOLDER_PERMISSION, approval)
    _check_kind(kind, HOLDER_EVENT_KINDS)
    approval = _lock(approval)
    if patients is not None and kind != EventKind.CONFIRMATORY_DATA_SUBMITTED:
        raise invalid(
            "patients",
            _("A number of patients belongs to confirmatory data only."),
            ErrorCode.INVALID_INPUT,
        )
    _check_rule(approval, kind, occurred_on)
    event = _append(
        approval=approval,
        kind=kind,
        on=occurred_on,
        actor=actor,
        detail=detail,
        source=source,
        patients=patients,
    )
    # The holder's re-application duty follows its approval's events (a re-application meets
    # it, an extension moves it).
    approval_duty_refresh(approval, actor=actor, today=legal_today())
    return event


@transaction.atomic
def decision_record(
    *,
    approval: Approval,
    kind: str,
    occurred_on: date,
    actor: User,
    detail: str = "",
    source: str = "",
    years: int | None = None,
    new_end_date: date | None = None,
) -> ApprovalEvent:
    """Record a decision or measure of the Minister on an approval already granted."""
    ensure_can(actor, REGULATOR_PERMISSION, approval)
    _check_kind(kind, DECISION_KINDS)
    approval = _lock(approval)
    if kind != EventKind.TIME_LIMIT_EXTENDED and (years is not None or new_end_date is not None):
        raise invalid(
            "years",
            _("Only a time-limit extension has years or a new end date."),
            ErrorCode.INVALID_INPUT,
        )
    _check_rule(approval, kind, occurred_on, years=years, new_end_date=new_end_date)
    event = _append(
        approval=approval,
        kind=kind,
        on=occurred_on,
        actor=actor,
        detail=detail,
        source=source,
        years=years,
        new_end_date=new_end_date,
    )
    # The holder's re-application duty follows its approval's events (a re-application meets
    # it, an extension moves it).
    approval_duty_refresh(approval, actor=actor, today=legal_today())
    return event


@transaction.atomic
def application_file(
    *,
    product: Product,
    actor: User,
    filed_on: date,
    approval_type: str,
    indication: str,
    detail: str = "",
    source: str = "",
) -> Approval:
    """The holder files an application for approval of its product: a new, ungranted approval."""
    ensure_can(actor, HOLDER_PERMISSION, product)
    if approval_type not in ApprovalType._value2member_map_:
        raise invalid(
            "approval_type",
            _("Unknown approval type."),
            ErrorCode.INVALID_INPUT,
            context={"value": approval_type},
        )
    indication = indication.strip()
    if not indication:
        raise invalid(
            "indication",
            _("Say what the product is for (the indication applied for)."),
            ErrorCode.INVALID_INPUT,
        )
    _check_date(filed_on, field="filed_on")
    if Approval.objects.filter(product=product, approved_on__isnull=True).exists():
        raise Conflict(
            ErrorCode.CONFLICT,
            _("An application for this product is already under review."),
            details={"product": product.slug},
        )
    approval = Approval.objects.create(
        product=product, approval_type=approval_type, indication=indication
    )
    audit_record(
        action="products.approval.applied",
        actor=actor,
        target=approval,
        data={"product": product.slug, "approval_type": approval_type, "indication": indication},
    )
    _append(
        approval=approval,
        kind=EventKind.APPLICATION_FILED,
        on=filed_on,
        actor=actor,
        detail=detail,
        source=source,
    )
    return approval


@transaction.atomic
def approval_grant(
    *,
    approval: Approval,
    actor: User,
    approved_on: date,
    council_endorsed_on: date | None = None,
    time_limit_years: int | None = None,
    time_limit_ends_on: date | None = None,
    target_patients: int | None = None,
    all_case_surveillance: bool | None = None,
    conditions: str = "",
    designations: list[str] | None = None,
    source: str = "",
) -> Approval:
    """The Minister grants an application: the approval date, its time limit and conditions."""
    ensure_can(actor, REGULATOR_PERMISSION, approval)
    approval = _lock(approval)
    if approval.approved_on is not None:
        raise Conflict(
            ErrorCode.PRODUCT_ALREADY_APPROVED,
            _("This approval was already granted on %(date)s.")
            % {"date": approval.approved_on.isoformat()},
            details={"approved_on": approval.approved_on.isoformat()},
        )
    events = list(approval.events.all())
    filed = min(
        (e.occurred_on for e in events if e.kind == EventKind.APPLICATION_FILED), default=None
    )
    _check_date(approved_on, not_before=filed, field="approved_on")
    if council_endorsed_on is not None:
        _check_date(council_endorsed_on, not_before=filed, field="council_endorsed_on")
        if council_endorsed_on > approved_on:
            raise invalid(
                "council_endorsed_on",
                _("The council's endorsement comes before the approval."),
                ErrorCode.PRODUCT_EVENT_DATE_INVALID,
            )
    conditional = approval.is_conditional
    if conditional and time_limit_years is None and time_limit_ends_on is None:
        raise invalid(
            "time_limit_years",
            _("A conditional approval needs a time limit in years or an end date."),
            ErrorCode.INVALID_INPUT,
        )
    if not conditional and (time_limit_years is not None or time_limit_ends_on is not None):
        raise invalid(
            "time_limit_years",
            _("A standard approval has no time limit."),
            ErrorCode.PRODUCT_NOT_CONDITIONAL,
            status=409,
        )
    if time_limit_years is not None and not 1 <= time_limit_years <= 7:
        raise invalid(
            "time_limit_years",
            _("The time limit is from 1 to 7 years."),
            ErrorCode.INVALID_INPUT,
        )
    if time_limit_ends_on is not None and time_limit_ends_on <= approved_on:
        raise invalid(
            "time_limit_ends_on",
            _("The time limit must end after the approval date."),
            ErrorCode.INVALID_INPUT,
        )
    unknown = [d for d in designations or [] if d not in Designation.values]
    if unknown:
        raise invalid(
            "designations",
            _("Unknown designation."),
            ErrorCode.INVALID_INPUT,
            context={"values": unknown},
        )
    changed = Approval.objects.filter(pk=approval.pk, approved_on__isnull=True).update(
        approved_on=approved_on,
        council_endorsed_on=council_endorsed_on,
        time_limit_years=time_limit_years,
        time_limit_ends_on=time_limit_ends_on,
        target_patients=target_patients,
        all_case_surveillance=all_case_surveillance,
        conditions=conditions.strip(),
        designations=list(designations or []),
    )
    if changed != 1:  # pragma: no cover - the row lock above makes this unreachable
        raise Conflict(ErrorCode.CONFLICT, _("The approval changed meanwhile; try again."))
    approval.refresh_from_db()
    if council_endorsed_on is not None:
        _append(
            approval=approval,
            kind=EventKind.COUNCIL_ENDORSED,
            on=council_endorsed_on,
            actor=actor,
            detail="",
            source=source,
        )
    _append(
        approval=approval,
        kind=EventKind.APPROVED,
        on=approved_on,
        actor=actor,
        detail="",
        source=source,
    )
    audit_record(
        action="products.approval.granted",
        actor=actor,
        target=approval,
        data={
            "product": approval.product.slug,
            "approved_on": approved_on,
            "council_endorsed_on": council_endorsed_on,
            "time_limit_years": time_limit_years,
            "time_limit_ends_on": time_limit_ends_on,
            "target_patients": target_patients,
            "all_case_surveillance": all_case_surveillance,
            "conditions": approval.conditions,
            "designations": approval.designations,
        },
    )
    return approval
