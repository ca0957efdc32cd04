"""Orders of the Minister (Arts 22-23): their reach, issuing one and lifting it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import (
    DomainError,
    ErrorCode,
    FieldError,
    field_error,
    invalid,
    invalid_fields,
)
from saisei.core.time import legal_today
from saisei.plans import search
from saisei.plans.lifecycle import IN_FORCE, Action
from saisei.plans.models import (
    SUSPENDING_ORDERS,
    Order,
    OrderEffect,
    OrderKind,
    OrderTarget,
    Plan,
    PlanFacility,
)
from saisei.plans.services.transitions import S, _lock, _move

REACHABLE = frozenset({*IN_FORCE, S.SUSPENDED})


def order_reach(target_kind: str, target: Any) -> list[Plan]:
    """The plans an order against `target` would suspend: filed plans still in force (and
    plans another order already suspends, which this order will also hold)."""
    plans = Plan.objects.filter(status__in=REACHABLE).select_related("institution", "committee")
    if target_kind == OrderTarget.PLAN:
        plans = plans.filter(pk=target.pk)
    elif target_kind == OrderTarget.INSTITUTION:
        plans = plans.filter(institution=target)
    elif target_kind == OrderTarget.FACILITY:
        plans = plans.filter(
            plan_facilities__facility=target, plan_facilities__is_current=True
        ).distinct()
    else:
        raise invalid("target_kind", _("Choose one of the listed options."))
    return list(plans.order_by("institution__name", "title"))


def _check_order_input(kind: str, target_kind: str, target: Any, reason: str) -> None:
    errors: list[FieldError] = []
    if kind not in OrderKind.values:
        errors.append(field_error("kind", _("Choose one of the listed options.")))
    if target_kind not in OrderTarget.values:
        errors.append(field_error("target_kind", _("Choose one of the listed options.")))
    if target is None:
        errors.append(field_error("target_id", _("Choose what the order is against.")))
    if not reason.strip():
        errors.append(field_error("reason", _("This field is required.")))
    elif len(reason) > 4000:
        errors.append(field_error("reason", _("At most 4000 characters.")))
    if errors:
        raise invalid_fields(errors)


def order_preview(*, actor: User, kind: str, target_kind: str, target: Any) -> list[Plan]:
    ensure_can(actor, "orders.issue")
    _check_order_input(kind, target_kind, target, "-")
    return order_reach(target_kind, target)


@transaction.atomic
def order_issue(
    *,
    actor: User,
    kind: str,
    target_kind: str,
    target: Any,
    reason: str,
    issued_on: date | None = None,
) -> Order:
    """Issue an order. An emergency order (Art 22) or an order restricting provision (Art
    23(2)) suspends every plan in its reach, recomputed here under row locks (the reach is what
    order_preview showed the regulator); an improvement order (Art 23(1)) orders changes and
    leaves provision going on."""
    ensure_can(actor, "orders.issue")
    _check_order_input(kind, target_kind, target, reason)
    issued_on = issued_on or legal_today()
    if issued_on > legal_today():
        raise invalid("issued_on", _("The date cannot be in the future."))
    reach = order_reach(target_kind, target)
    if target_kind == OrderTarget.PLAN and not reach:
        raise DomainError(
            ErrorCode.ORDER_NO_REACH,
            _("Only a filed plan that is still in force can be suspended."),
            status=409,
        )
    order = Order.objects.create(
        kind=kind,
        target_kind=target_kind,
        target_plan=target if target_kind == OrderTarget.PLAN else None,
        target_institution=target if target_kind == OrderTarget.INSTITUTION else None,
        target_facility=target if target_kind == OrderTarget.FACILITY else None,
        reason=reason.strip(),
        issued_on=issued_on,
        issued_by=actor,
    )
    suspending = kind in SUSPENDING_ORDERS
    locked = Plan.objects.select_for_update().filter(pk__in=[p.pk for p in reach]).order_by("pk")
    for plan in locked if suspending else ():
        if plan.status == S.SUSPENDED:
            # Already held by another order: remember what it was before the first one.
            first = (
                OrderEffect.objects.filter(plan=plan, order__lifted_on__isnull=True)
                .exclude(order=order)
                .order_by("pk")
                .first()
            )
            previous = first.previous_status if first else S.ACTIVE
        else:
            previous = plan.status
        _move(plan, action=Action.SUSPEND, to=S.SUSPENDED, actor=actor, reason=reason.strip())
        OrderEffect.objects.create(order=order, plan=plan, previous_status=previous)
    audit_record(
        action="plans.order.issued",
        actor=actor,
        target=order,
        data={
            "kind": kind,
            "target_kind": target_kind,
            "target_id": target.pk,
            "issued_on": issued_on,
            "plan_ids": [p.pk for p in reach],
            "suspends": suspending,
        },
        scope=_order_scope(order, reach),
    )
    _refresh_search(order)
    return order


def _refresh_search(order: Order) -> None:
    """The public search's order records of every plan the order reaches (saisei.plans.search):
    its plan, its institution's plans and listed plans, the plans a facility processes for, the
    plans it suspended."""
    plans = set(order.effects.values_list("plan_id", flat=True))
    if order.target_plan_id is not None:
        plans.add(order.target_plan_id)
    if order.target_facility_id is not None:
        plans.update(
            PlanFacility.objects.filter(
                facility_id=order.target_facility_id, is_current=True
            ).values_list("plan_id", flat=True)
        )
    institutions = [order.target_institution_id] if order.target_institution_id else []
    search.refresh_orders(plans, institution_ids=institutions)


def _order_scope(order: Order, plans: Iterable[Plan]) -> set[int]:
    scope: set[int] = set()
    for plan in plans:
        scope |= plan.scope_organisation_ids()
    if order.target_institution is not None:
        scope.add(order.target_institution.organisation_id)
    return scope


@transaction.atomic
def order_lift(*, order: Order, actor: User, reason: str, lifted_on: date | None = None) -> Order:
    """Lift an order: each plan it holds gets back the status it had, unless another order
    still suspends it (then it stays suspended until that one is lifted too)."""
    ensure_can(actor, "orders.issue")
    lifted_on = lifted_on or legal_today()
    errors: list[FieldError] = []
    if not reason.strip():
        errors.append(field_error("reason", _("This field is required.")))
    if lifted_on > legal_today() or lifted_on < order.issued_on:
        errors.append(field_error("lifted_on", _("The date must be between the order and today.")))
    if errors:
        raise invalid_fields(errors)
    changed = Order.objects.filter(pk=order.pk, lifted_on__isnull=True).update(
        lifted_on=lifted_on, lifted_by=actor, lift_reason=reason.strip()
    )
    if changed != 1:
        raise DomainError(
            ErrorCode.ORDER_ALREADY_LIFTED, _("This order has already been lifted."), status=409
        )
    order.lifted_on = lifted_on
    restored: list[int] = []
    effects = order.effects.select_related("plan").order_by("plan_id")
    for effect in effects:
        plan = _lock(effect.plan)
        if plan.status != S.SUSPENDED:
            continue  # discontinued meanwhile: nothing to restore
        still_held = (
            OrderEffect.objects.filter(plan=plan, order__lifted_on__isnull=True)
            .exclude(order=order)
            .exists()
        )
        if still_held:
            continue
        _move(
            plan, action=Action.LIFT, to=effect.previous_status, actor=actor, reason=reason.strip()
        )
        OrderEffect.objects.filter(pk=effect.pk).update(
            restored_status=effect.previous_status, restored_on=lifted_on
        )
        restored.append(plan.pk)
    audit_record(
        action="plans.order.lifted",
        actor=actor,
        target=order,
        data={"lifted_on": lifted_on, "restored_plan_ids": restored, "reason": reason.strip()},
        scope=_order_scope(order, [e.plan for e in effects]),
    )
    _refresh_search(order)
    return order
