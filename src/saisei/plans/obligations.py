"""The duties a plan's notices create (RM Act; domain.md §1.8): a minor change or a
discontinuation owes a notice within 10 days of the day it happened.

The notice, recorded with the day it was sent, is both the event that starts the clock and
the record that meets the duty, so the obligation is opened and met in the same transaction.

A research plan also owes its research summary report (総括報告書) within a year of the later
of the day provision stopped and the end of data collection. The duty is opened when both are
known: at discontinuation when data collection ended by then, else when its end is recorded.
The report is published on jRCT, outside Saisei, so it is met by recording that filing.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from saisei.obligations.sources import ObligationSpec

NOTICE = "plans.plannotice"
NOTICE_RULES = {"minor_change": "minor_change", "discontinuation": "discontinuation"}


def notice_spec(notice: Any) -> ObligationSpec | None:
    rule = NOTICE_RULES.get(notice.kind)
    if rule is None:
        return None
    plan = notice.plan
    return ObligationSpec(
        rule=rule,
        organisation_id=plan.institution.organisation_id,
        subject_type=NOTICE,
        subject_id=str(notice.pk),
        subject_label=f"{plan} · {notice.get_kind_display()}",
        starts_on=notice.event_on,
        also_visible_to_id=plan.committee.organisation_id if plan.committee_id else None,
        recipient="regional_bureau",
    )


def notice_obligation_record(notice: Any, *, actor: Any, today: date) -> None:
    """Open the notice's duty and mark it met (or met late) by the notice itself."""
    from saisei.obligations.services import obligation_meet, obligation_open

    spec = notice_spec(notice)
    if spec is None:
        return
    obligation = obligation_open(spec=spec, actor=actor, today=today)
    if obligation.is_outstanding:
        obligation_meet(
            obligation=obligation, met_on=notice.notified_on, record=notice, actor=actor
        )


def notices_expected(today: date) -> Iterator[ObligationSpec]:
    from saisei.plans.models import PlanNotice

    notices = PlanNotice.objects.filter(
        kind__in=list(NOTICE_RULES), event_on__lte=today
    ).select_related("plan__institution", "plan__committee")
    for notice in notices.iterator(chunk_size=2000):
        spec = notice_spec(notice)
        if spec is not None:
            yield spec


PLAN = "plans.plan"


def research_summary_spec(plan: Any) -> ObligationSpec | None:
    """The research summary duty of a research plan whose stop and data-collection end are known."""
    if (
        plan.plan_type != "research"
        or not plan.discontinued_on
        or not plan.data_collection_ended_on
    ):
        return None
    return ObligationSpec(
        rule="research_summary",
        organisation_id=plan.institution.organisation_id,
        subject_type=PLAN,
        subject_id=str(plan.pk),
        subject_label=str(plan),
        starts_on=max(plan.discontinued_on, plan.data_collection_ended_on),
        also_visible_to_id=plan.committee.organisation_id if plan.committee_id else None,
        recipient="committee",
    )


def research_summary_open(plan: Any, *, actor: Any, today: date) -> None:
    from saisei.obligations.services import obligation_open

    spec = research_summary_spec(plan)
    if spec is not None:
        obligation_open(spec=spec, actor=actor, today=today)


def research_summaries_expected(today: date) -> Iterator[ObligationSpec]:
    from saisei.plans.models import Plan

    plans = Plan.objects.filter(
        plan_type="research",
        discontinued_on__isnull=False,
        data_collection_ended_on__isnull=False,
    ).select_related("institution", "committee")
    for plan in plans.iterator(chunk_size=2000):
        spec = research_summary_spec(plan)
        if spec is not None and spec.starts_on <= today:
            yield spec
