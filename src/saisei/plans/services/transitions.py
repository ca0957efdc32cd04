"""The one way a plan's status changes (the table in saisei.plans.lifecycle), the guard every
service runs before it validates input, the row lock and the error helpers the services share.
The legal date is saisei.core.time.legal_today; refusals of input are built by
saisei.core.errors.invalid / invalid_fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.core.bounds import control_character, control_character_message
from saisei.core.errors import Conflict, DomainError, ErrorCode, FieldError, field_error
from saisei.plans import search
from saisei.plans.lifecycle import PUBLIC_STATUSES, PlanStatus, allowed_targets
from saisei.plans.models import Plan, PlanStatusChange

S = PlanStatus


# --- errors --------------------------------------------------------------------------------------


def _text_errors(fields: Iterable[tuple[str, str, int, bool]]) -> list[FieldError]:
    """Field errors for texts over their column's length or holding control characters."""
    errors: list[FieldError] = []
    for name, value, limit, multiline in fields:
        found = control_character(value, multiline=multiline)
        if found is not None:
            errors.append(field_error(name, control_character_message(found)))
        elif len(value) > limit:
            errors.append(field_error(name, _("At most %(n)s characters.") % {"n": limit}))
    return errors


def _status_label(status: str) -> str:
    return str(PlanStatus(status).label) if status in PlanStatus.values else status


def _forbidden_move(plan: Plan, action: str) -> DomainError:
    return DomainError(
        ErrorCode.PLAN_INVALID_TRANSITION,
        _("This is not possible while the plan is “%(status)s”.")
        % {"status": _status_label(plan.status)},
        details={"status": plan.status, "action": action},
        status=409,
    )


# --- the one way a status changes -----------------------------------------------------------------


def _move(
    plan: Plan,
    *,
    action: str,
    to: str,
    actor: User | None,
    reason: str = "",
    **fields: Any,
) -> PlanStatusChange:
    """Move `plan` to `to` if the table allows it and nobody moved it first."""
    old = plan.status
    if to not in allowed_targets(action, old):
        raise _forbidden_move(plan, action)
    now = timezone.now()
    changed = Plan.objects.filter(pk=plan.pk, status=old).update(
        status=to, updated_at=now, **fields
    )
    if changed != 1:
        raise Conflict(
            ErrorCode.PLAN_CONFLICT,
            _("The plan was changed by someone else meanwhile. Reload it and try again."),
            details={"expected_status": old},
        )
    plan.status = to
    for name, value in fields.items():
        setattr(plan, name, value)
    if old in PUBLIC_STATUSES or to in PUBLIC_STATUSES:
        # Into, within or out of public view: the public search follows in this transaction.
        search.sync_plan(plan)
    return PlanStatusChange.objects.create(
        plan=plan, action=action, from_status=old, to_status=to, actor=actor, reason=reason
    )


def _guard(plan: Plan, action: str) -> None:
    """Refuse early (before validating input) when the action is not possible at all."""
    if not allowed_targets(action, plan.status):
        raise _forbidden_move(plan, action)


def _lock(plan: Plan) -> Plan:
    """Re-read the plan under a row lock so that guards see the committed status."""
    fresh = Plan.objects.select_for_update().get(pk=plan.pk)
    plan.status = fresh.status
    return plan
