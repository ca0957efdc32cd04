"""Treatments and their outcome measurements, recorded one at a time."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import ErrorCode, invalid
from saisei.core.time import legal_today
from saisei.plans.models import EvaluationCriterion, Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting.models import OutcomeMeasurement, Treatment
from saisei.reporting.services.common import (
    _check_patient_code,
    _facility_of,
    _not_future,
    ensure_plan_may_provide,
)


@transaction.atomic
def treatment_record(
    *,
    plan: Plan,
    patient_code: str,
    treated_on: date,
    actor: User,
    facility: ProcessingFacility | None = None,
    lot: str = "",
    today: date | None = None,
) -> Treatment:
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    code = _check_patient_code(patient_code)
    _not_future("treated_on", treated_on, today)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    ensure_plan_may_provide(plan, treated_on)
    facility = _facility_of(plan, facility)
    treatment = Treatment.objects.create(
        plan=plan,
        patient_code=code,
        treated_on=treated_on,
        facility=facility,
        lot=lot.strip()[:60],
        recorded_by=actor,
    )
    audit_record(
        action="reporting.treatment.recorded",
        actor=actor,
        target=treatment,
        data={"plan": plan.pk, "treated_on": treated_on, "facility": facility.number},
    )
    return treatment


def _criterion_of(plan: Plan, criterion: EvaluationCriterion) -> EvaluationCriterion:
    if criterion.plan_id != plan.pk or not criterion.is_current:
        raise invalid(
            "criterion",
            _("This criterion is not one of the plan's current evaluation criteria."),
            ErrorCode.CRITERION_NOT_IN_PLAN,
        )
    return criterion


@transaction.atomic
def outcome_record(
    *,
    treatment: Treatment,
    criterion: EvaluationCriterion,
    measured_on: date,
    value: Decimal,
    actor: User,
    note: str = "",
    today: date | None = None,
) -> OutcomeMeasurement:
    ensure_can(actor, "reporting.record", treatment.plan)
    today = today or legal_today()
    _criterion_of(treatment.plan, criterion)
    _not_future("measured_on", measured_on, today)
    if measured_on < treatment.treated_on:
        raise invalid(
            "measured_on",
            _("An outcome cannot be measured before the treatment."),
            ErrorCode.DATE_ORDER,
        )
    try:
        with transaction.atomic():
            measurement = OutcomeMeasurement.objects.create(
                treatment=treatment,
                criterion=criterion,
                measured_on=measured_on,
                value=value,
                note=note.strip()[:300],
                recorded_by=actor,
            )
    except IntegrityError:
        raise invalid(
            "criterion",
            _("This criterion is already measured for this treatment."),
            ErrorCode.DUPLICATE,
            status=409,
        ) from None
    audit_record(
        action="reporting.outcome.recorded",
        actor=actor,
        target=measurement,
        data={
            "treatment": treatment.pk,
            "criterion": criterion.pk,
            "measured_on": measured_on,
            "value": value,
        },
    )
    return measurement
