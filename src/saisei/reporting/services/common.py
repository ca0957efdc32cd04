"""What every stage of reporting checks: input, the plan's state and facilities, and the
duties a record meets.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.core.errors import DomainError, ErrorCode, invalid
from saisei.obligations.models import OUTSTANDING, Obligation
from saisei.obligations.services import obligation_meet, obligation_open
from saisei.plans.lifecycle import PROVIDING_STATUSES, PlanStatus
from saisei.plans.models import Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting.models import patient_code_validator


def _check_patient_code(code: str) -> str:
    code = (code or "").strip()
    try:
        patient_code_validator(code)
    except ValidationError as exc:
        raise invalid("patient_code", str(exc.messages[0])) from None
    return code


def _not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise invalid(field, _("This date is in the future."), ErrorCode.DATE_IN_FUTURE)


def ensure_plan_may_provide(plan: Plan, on: date) -> None:
    """Refuse provision on a day the plan does not allow, saying exactly why."""
    if plan.status == PlanStatus.SUSPENDED:
        raise DomainError(
            ErrorCode.PLAN_SUSPENDED,
            _("Provision under this plan is suspended by an order."),
            details={"plan": plan.pk, "status": plan.status},
        )
    if plan.status == PlanStatus.RESTRICTED or (
        plan.status in PROVIDING_STATUSES
        and plan.provision_allowed_from is not None
        and on < plan.provision_allowed_from
    ):
        raise DomainError(
            ErrorCode.PLAN_RESTRICTED,
            _("This Class I plan may not be provided before %(day)s (the 90-day restriction).")
            % {"day": plan.provision_allowed_from},
            details={"plan": plan.pk, "provision_allowed_from": plan.provision_allowed_from},
        )
    if plan.status not in PROVIDING_STATUSES or plan.provision_allowed_from is None:
        raise DomainError(
            ErrorCode.PLAN_NOT_PROVIDING,
            _("This plan is not in force: treatments are recorded only under a filed plan."),
            details={"plan": plan.pk, "status": plan.status},
        )


def _current_facilities(plan: Plan) -> dict[str, ProcessingFacility]:
    return {
        pf.facility.number: pf.facility
        for pf in plan.plan_facilities.filter(is_current=True).select_related("facility")
    }


def _facility_of(
    plan: Plan, facility: ProcessingFacility | None, facility_number: str = ""
) -> ProcessingFacility:
    return _pick_facility(_current_facilities(plan), facility, facility_number)


def _pick_facility(
    current: dict[str, ProcessingFacility],
    facility: ProcessingFacility | None,
    facility_number: str = "",
) -> ProcessingFacility:
    if facility is None:
        if len(current) == 1 and not facility_number:
            return next(iter(current.values()))
        if facility_number in current:
            return current[facility_number]
        raise invalid(
            "facility",
            _("Name one of the plan's processing facilities: %(numbers)s.")
            % {"numbers": ", ".join(sorted(current))},
            ErrorCode.FACILITY_NOT_IN_PLAN,
        )
    if facility.number not in current:
        raise invalid(
            "facility",
            _("This processing facility is not named in the plan."),
            ErrorCode.FACILITY_NOT_IN_PLAN,
        )
    return facility


def _meet(
    wanted: list[Any], *, met_on: date, record: Any, actor: User, today: date
) -> list[Obligation]:
    """Meet each duty named (opened first where no event has opened it yet: opening is
    idempotent); a duty already met or waived is left as it is."""
    met = []
    for spec in wanted:
        obligation = obligation_open(spec=spec, actor=actor, today=today)
        if obligation.status in OUTSTANDING:
            obligation = obligation_meet(
                obligation=obligation, met_on=met_on, record=record, actor=actor
            )
        met.append(obligation)
    return met
