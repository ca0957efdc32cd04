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
    AECategory,
    PeriodicReport,
    PeriodicReportStatus,
    Recipient,
    Treatment,
)
from saisei.reporting.obligation_sources import EVENT, PLAN, plan_authority


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
        .select_related("plan")
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


def event_duties(event: AdverseEvent) -> QuerySet[Obligation]:
    """What an adverse event owes, one duty per recipient (the committee first): a serious
    event's reports to the committee and to the plan's authority; another event's share of its
    60-day period's report to the committee."""
    if event.category == AECategory.NON_SERIOUS:
        from saisei.reporting.services import ae_cycle_period

        duties = Obligation.objects.filter(
            rule="ae_other_cycle",
            subject_type=PLAN,
            subject_id=str(event.plan_id),
            period=ae_cycle_period(event.plan, event.learned_on),
        )
    else:
        duties = Obligation.objects.filter(subject_type=EVENT, subject_id=str(event.pk))
    return duties.order_by("recipient", "pk")


def attach_event_duties(events: list[AdverseEvent]) -> list[AdverseEvent]:
    """Set `duties` on each event (as event_duties gives them) in two queries for the lot."""
    from django.db.models import Q

    from saisei.reporting.services import ae_cycle_period

    serious = [str(e.pk) for e in events if e.category != AECategory.NON_SERIOUS]
    cycles = {
        (str(e.plan_id), ae_cycle_period(e.plan, e.learned_on))
        for e in events
        if e.category == AECategory.NON_SERIOUS
    }
    by_event: dict[str, list[Obligation]] = {}
    by_cycle: dict[tuple[str, int], list[Obligation]] = {}
    if serious:
        for ob in Obligation.objects.filter(subject_type=EVENT, subject_id__in=serious).order_by(
            "recipient", "pk"
        ):
            by_event.setdefault(ob.subject_id, []).append(ob)
    if cycles:
        plans = {plan for plan, _period in cycles}
        query = Q(rule="ae_other_cycle", subject_type=PLAN, subject_id__in=plans)
        for ob in Obligation.objects.filter(query).order_by("recipient", "pk"):
            by_cycle.setdefault((ob.subject_id, ob.period), []).append(ob)
    for e in events:
        if e.category == AECategory.NON_SERIOUS:
            key = (str(e.plan_id), ae_cycle_period(e.plan, e.learned_on))
            e.duties = by_cycle.get(key, [])  # type: ignore[attr-defined]
        else:
            e.duties = by_event.get(str(e.pk), [])  # type: ignore[attr-defined]
    return events


def periodic_report_duties(report: PeriodicReport) -> QuerySet[Obligation]:
    """A period's two periodic-report duties: to the committee (met by submission) and to the
    plan's authority (met by filing with the committee's opinion)."""
    return Obligation.objects.filter(
        rule="periodic_report",
        subject_type=PLAN,
        subject_id=str(report.plan_id),
        period=report.period,
    ).order_by("recipient", "pk")


def public_reporting_summary(plan: Plan, today: date) -> dict[str, Any]:
    """What the public may know of a plan's reporting: timeliness counts and, from the last
    filed periodic report, the aggregate outcomes against each criterion. No patient data.

    One report can owe several duties, one per recipient (a serious adverse event and each
    year's periodic report go to the committee and to the plan's authority), so the counts are
    of duties, in total and for each recipient."""
    duties = plan_obligations(plan)
    counts: Timeliness = timeliness(duties, today)
    recipients = [Recipient.COMMITTEE.value, plan_authority(plan)]
    recipients += sorted(
        set(duties.exclude(recipient__in=recipients).values_list("recipient", flat=True))
    )
    by_recipient = [(r, timeliness(duties.filter(recipient=r), today)) for r in recipients]
    last_filed = (
        PeriodicReport.objects.filter(plan=plan, status=PeriodicReportStatus.FILED)
        .order_by("-period")
        .first()
    )
    return {"timeliness": counts, "by_recipient": by_recipient, "last_report": last_filed}
