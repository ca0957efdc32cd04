"""Reads of reporting data, scoped to the actor; public summaries are aggregate only."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import QuerySet

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.core.errors import NotFound, NotPermitted
from saisei.obligations.models import Obligation, ObligationStatus
from saisei.obligations.selectors import Timeliness, overdue_q, timeliness
from saisei.plans.models import EvaluationCriterion, Plan
from saisei.plans.obligations import PLAN, plan_authority
from saisei.plans.selectors import plans_visible_to, public_plans
from saisei.reporting.models import (
    AdverseEvent,
    AdverseEventReport,
    AECategory,
    PeriodicReport,
    PeriodicReportStatus,
    Recipient,
    Treatment,
)
from saisei.reporting.obligation_sources import EVENT, ae_cycle_period
from saisei.reporting.visibility import PATIENT_LEVEL_PERMISSION, may_see_patient_fields

# --- one object by id, scoped to the actor ------------------------------------------------------
# Each starts from what the actor may see, so another institution's object and a missing id
# both answer "not found" (404) with the same body; a refusal to change what the actor does see
# is left to the service (403).


def reporting_plans_for(actor: User) -> QuerySet[Plan]:
    """The plans whose reporting the actor may see: its institution's, those submitted to its
    committee, or all for a regulator."""
    return plans_visible_to(actor, "reporting.view")


def plan_get_for(actor: User, pk: int) -> Plan:
    plan = (
        reporting_plans_for(actor)
        .select_related("institution__organisation", "committee__organisation")
        .filter(pk=pk)
        .first()
    )
    if plan is None:
        raise NotFound("plan")
    return plan


def adverse_event_get_for(actor: User, pk: int) -> AdverseEvent:
    event = (
        AdverseEvent.objects.filter(plan__in=reporting_plans_for(actor), pk=pk)
        .select_related("plan__institution", "plan__committee")
        .first()
    )
    if event is None:
        raise NotFound("adverse event")
    return event


def plan_event_get(plan: Plan, pk: int) -> AdverseEvent:
    """An adverse event of a plan the actor already reached through `plan_get_for`."""
    event = AdverseEvent.objects.filter(plan=plan, pk=pk).first()
    if event is None:
        raise NotFound("adverse event")
    return event


def ae_report_get_for(actor: User, pk: int) -> AdverseEventReport:
    report = (
        AdverseEventReport.objects.filter(plan__in=reporting_plans_for(actor), pk=pk)
        .select_related("plan__institution", "plan__committee", "event")
        .first()
    )
    if report is None:
        raise NotFound("adverse event report")
    return report


def periodic_report_get_for(actor: User, pk: int) -> PeriodicReport:
    report = (
        PeriodicReport.objects.filter(plan__in=reporting_plans_for(actor), pk=pk)
        .select_related("plan__institution", "plan__committee")
        .first()
    )
    if report is None:
        raise NotFound("periodic report")
    return report


def treatment_get_for(actor: User, plan: Plan, pk: int) -> Treatment:
    """A treatment of the plan, for the institution's own staff: a treatment is patient-level,
    so for anyone else it is not there at all."""
    if not may_see_patient_fields(actor, plan):
        raise NotFound("treatment")
    treatment = Treatment.objects.filter(plan=plan, pk=pk).select_related("plan").first()
    if treatment is None:
        raise NotFound("treatment")
    return treatment


def public_plan_get(pk: int) -> Plan:
    """A plan the public may see (filed or later); any other is not found, like a missing id."""
    plan = public_plans().filter(pk=pk).first()
    if plan is None:
        raise NotFound("plan")
    return plan


def criterion_get_for(plan: Plan, pk: int) -> EvaluationCriterion:
    """An evaluation criterion of the plan (another plan's criterion is not found here; the
    service then tells a criterion replaced by a change from a current one)."""
    criterion = EvaluationCriterion.objects.filter(plan=plan, pk=pk).first()
    if criterion is None:
        raise NotFound("criterion")
    return criterion


# --- lists of one plan -------------------------------------------------------------------------


def treatment_choices_for(actor: User, plan: Plan, limit: int = 200) -> list[Treatment]:
    """The latest treatments to name in the outcome form, by patient code: none for those who
    may not see patient-level data."""
    if not may_see_patient_fields(actor, plan):
        return []
    return list(Treatment.objects.filter(plan=plan).order_by("-treated_on", "-pk")[:limit])


def treatments_for(actor: User, plan: Plan) -> QuerySet[Treatment]:
    """Patient-level: the institution's own staff only."""
    if not may_see_patient_fields(actor, plan):
        raise NotPermitted(PATIENT_LEVEL_PERMISSION)
    return (
        Treatment.objects.filter(plan=plan)
        .select_related("facility", "plan__institution")
        .prefetch_related("outcomes__criterion")
        .order_by("-treated_on", "-pk")
    )


def adverse_events_for(actor: User, plan: Plan) -> QuerySet[AdverseEvent]:
    ensure_can(actor, "reporting.view", plan)
    return (
        AdverseEvent.objects.filter(plan=plan)
        .select_related("plan__institution")
        .prefetch_related("reports")
        .order_by("-learned_on", "-pk")
    )


def periodic_reports_for(actor: User, plan: Plan) -> QuerySet[PeriodicReport]:
    ensure_can(actor, "reporting.view", plan)
    return PeriodicReport.objects.filter(plan=plan).order_by("period")


def review_queue_for(actor: User) -> tuple[QuerySet[AdverseEventReport], QuerySet[PeriodicReport]]:
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
    overdue = list(
        duties.filter(overdue_q(today))
        .order_by("due_on", "rule", "recipient", "pk")
        .values("rule", "recipient", "due_on", "period")[: PUBLIC_OVERDUE_SHOWN + 1]
    )
    # A duty the regulator waived is public too (a waiver is a regulator's act on the plan's
    # record); its reason stays with the regulator and the institution, as it may name people.
    waived = list(
        duties.filter(status=ObligationStatus.WAIVED)
        .order_by("due_on", "rule", "recipient", "pk")
        .values("rule", "recipient", "due_on", "period")[:PUBLIC_OVERDUE_SHOWN]
    )
    return {
        "timeliness": counts,
        "by_recipient": by_recipient,
        "last_report": last_filed,
        "waived": waived,
        # Each duty overdue now by name, recipient and due date, the oldest first (at most
        # PUBLIC_OVERDUE_SHOWN; the count says how many there are).
        "overdue": overdue[:PUBLIC_OVERDUE_SHOWN],
    }


# The overdue duties a plan's public page names (the count is always whole).
PUBLIC_OVERDUE_SHOWN = 20
