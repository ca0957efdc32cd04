"""The RM Act duties of reporting's own subject, the adverse event, from what is recorded.

A serious event owes a report to the committee (Act Art 17(1)) and one to the plan's authority
(Act Art 18); the other events of a 60-day period owe that period's report to the committee
(Ordinance Art 35(1)(iii)). `adverse_events_expected` derives them from recorded events only, so
that `saisei obligations verify` can recompute every stored one. The plan's own duties (periodic
reports, notices, research summaries) sit with the plan, in saisei.plans.obligations.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from saisei.core.errors import ErrorCode, invalid
from saisei.law import Recipient
from saisei.obligations import sources
from saisei.obligations.sources import ObligationSpec
from saisei.plans.obligations import PLAN, closed_days_for, plan_recipients
from saisei.reporting.models import CATEGORY_RULE, AdverseEvent, AECategory

if TYPE_CHECKING:
    from saisei.plans.models import Plan

EVENT = "reporting.adverseevent"


def ae_cycle_period(plan: Plan, learned_on: date) -> int:
    """The 60-day period, counted from the filing date, in which the event became known."""
    if plan.filed_on is None:
        raise invalid("plan", _("The plan has not been filed."), ErrorCode.PLAN_NOT_PROVIDING)
    return (learned_on - plan.filed_on).days // 60 + 1


def adverse_event_specs(event: Any) -> list[ObligationSpec]:
    """The duties an adverse event opens: a serious one, a report to the committee (Act Art
    17(1)) and one to the plan's authority (Act Art 18); any other, its 60-day period's report
    to the committee (Ordinance Art 35(1)(iii))."""
    plan = event.plan
    institution = plan.institution.organisation_id
    committee = plan.committee if plan.committee_id else None
    committee_org = committee.organisation_id if committee else None
    rule = CATEGORY_RULE[event.category]
    if event.category == AECategory.NON_SERIOUS:
        return [
            ObligationSpec(
                rule=rule,
                organisation_id=institution,
                subject_type=PLAN,
                subject_id=str(plan.pk),
                subject_label=str(plan),
                starts_on=plan.filed_on,
                period=ae_cycle_period(plan, event.learned_on),
                also_visible_to_id=committee_org,
                recipient=Recipient.COMMITTEE.value,
                committee_closed=closed_days_for(Recipient.COMMITTEE.value, committee),
            )
        ]
    return [
        ObligationSpec(
            rule=rule,
            organisation_id=institution,
            subject_type=EVENT,
            subject_id=str(event.pk),
            subject_label=f"{plan} · {event.get_category_display()}",
            starts_on=event.learned_on,
            period=0,
            also_visible_to_id=committee_org,
            recipient=recipient,
            committee_closed=closed_days_for(recipient, committee),
        )
        for recipient in plan_recipients(plan)
    ]


def plan_cycle_specs(plan: Any) -> list[ObligationSpec]:
    events = AdverseEvent.objects.filter(plan=plan, category=AECategory.NON_SERIOUS).select_related(
        "plan__institution", "plan__committee"
    )
    unique = {spec.key: spec for event in events for spec in adverse_event_specs(event)}
    return list(unique.values())


def adverse_events_expected(today: date) -> Iterator[ObligationSpec]:
    seen: set[tuple[Any, ...]] = set()
    events = AdverseEvent.objects.filter(learned_on__lte=today).select_related(
        "plan__institution", "plan__committee"
    )
    for event in events.iterator(chunk_size=2000):
        for spec in adverse_event_specs(event):
            if spec.key not in seen:
                seen.add(spec.key)
                yield spec


def register_all() -> None:
    sources.register(
        "reporting.adverse_events",
        ["ae_death", "ae_serious", "ae_other_cycle"],
        adverse_events_expected,
    )
