"""Reads of reporting data, scoped to the actor; public summaries are aggregate only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from saisei.accounts.permissions import ensure_can
from saisei.obligations.models import Obligation
from saisei.obligations.selectors import Timeliness, timeliness
from saisei.plans.models import Plan
from saisei.reporting.models import (
    AdverseEvent,
    AdverseEventReport,
    PeriodicReport,
    PeriodicReportStatus,
    Recipient,
    Treatment,
)
from saisei.reporting.obligation_sources import EVENT, PLAN


def treatments_for(actor: Any, plan: Plan) -> QuerySet[Treatment]:
    """Patient-level: the institution's own staff only."""
    ensure_can(actor, "reporting.view_patient_level", plan)
    return (
        Treatment.objects.filter(plan=plan)
        .select_related("facility")
        .prefetch_related("outcomes__criterion")
        .order_by("-treated_on", "-pk")
    )


def adverse_events_for(actor: Any, plan: Plan) -> QuerySet[AdverseEvent]:
    ensure_can(actor, "reporting.view", plan)
    return (
        AdverseEvent.objects.filter(plan=plan)
        .prefetch_related("reports")
        .order_by("-learned_on", "-pk")
    )


def periodic_reports_for(actor: Any, plan: Plan) -> QuerySet[PeriodicReport]:
    ensure_can(actor, "reporting.view", plan)
    return PeriodicReport.objects.filter(plan=plan).order_by("period")


def review_queue_for(actor: Any) -> tuple[QuerySet[AdverseEventReport], QuerySet[PeriodicReport]]:
    """Reports awaiting the opinion of a committee the actor reviews for."""
    from saisei.accounts.permissions import organisation_ids_with

    scope = organisation_ids_with(actor, "reporting.review")
    ae = AdverseEventReport.objects.filter(recipient=Recipient.COMMITTEE, reviewed_on__isnull=True)
    periodic = PeriodicReport.objects.filter(status=PeriodicReportStatus.SUBMITTED)
    if scope is not None:
        ae = ae.filter(plan__committee__organisation_id__in=scope)
        periodic = periodic.filter(plan__committee__organisation_id__in=scope)
    return (
        ae.select_related("plan__institution", "event").order_by("reported_on", "pk"),
        periodic.select_related("plan__institution").order_by("submitted_on", "pk"),
    )


def plan_obligations(plan: Plan) -> QuerySet[Obligation]:
    """Every duty of one plan: its own (periodic, cycle, notices) and its events'."""
    from django.db.models import Q

    event_ids = [
        str(pk) for pk in AdverseEvent.objects.filter(plan=plan).values_list("pk", flat=True)
    ]
    notice_ids = [str(pk) for pk in plan.notices.values_list("pk", flat=True)]
    return Obligation.objects.filter(
        Q(subject_type=PLAN, subject_id=str(plan.pk))
        | Q(subject_type=EVENT, subject_id__in=event_ids)
        | Q(subject_type="plans.plannotice", subject_id__in=notice_ids)
    )


def public_reporting_summary(plan: Plan, today: date) -> dict[str, Any]:
    """What the public may know of a plan's reporting: timeliness counts and, from the last
    filed periodic report, the aggregate outcomes against each criterion. No patient data."""
    counts: Timeliness = timeliness(plan_obligations(plan), today)
    last_filed = (
        PeriodicReport.objects.filter(plan=plan, status=PeriodicReportStatus.FILED)
        .order_by("-period")
        .first()
    )
    return {"timeliness": counts, "last_report": last_filed}
