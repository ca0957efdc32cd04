"""The RM Act duties of reporting's own subject, the adverse event, from what is recorded.

A serious event owes a report to the committee (Act Art 17(1)) and one to the plan's authority
(Act Art 18); the other events of a 60-day period owe that period's report to the committee
(Ordinance Art 35(1)(iii)). `adverse_events_expected` derives them from recorded events only, so
that `saisei obligations verify` can recompute every stored one. The plan's own duties (periodic
reports, notices, research summaries) sit with the plan, in saisei.plans.obligations.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from saisei.core.errors import ErrorCode, invalid
from saisei.law import Recipient
from saisei.obligations import sources
from saisei.obligations.sources import ObligationSpec
from saisei.plans.obligations import (
    PLAN,
    closed_days_for,
    committees_of,
    plan_recipients,
    recipients_for,
)
from saisei.reporting.models import CATEGORY_RULE, AdverseEvent, AECategory

if TYPE_CHECKING:
    from saisei.plans.models import Plan

EVENT = "reporting.adverseevent"


def ae_cycle_period(plan: Plan, learned_on: date) -> int:
    """The 60-day period, counted from the filing date, in which the event became known."""
    return _cycle(plan.filed_on, learned_on)


def _cycle(filed_on: date | None, learned_on: date) -> int:
    if filed_on is None:
        raise invalid("plan", _("The plan has not been filed."), ErrorCode.PLAN_NOT_PROVIDING)
    return (learned_on - filed_on).days // 60 + 1


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


def _events_and_plans(today: date) -> dict[str, Any]:
    """A serious event learned of by `today` is the subject of its own reports; a plan with any
    other event learned of by then is the subject of the cycle reports of those events. (A
    stored cycle report of any other plan is of a subject the source does not consider, so
    verify finds it unexpected; reading only these plans skips the two thirds of the country's
    plans that have none.)"""
    from saisei.plans.models import Plan

    return {
        EVENT: AdverseEvent.objects.filter(learned_on__lte=today).exclude(
            category=AECategory.NON_SERIOUS
        ),
        # Each plan in pk order that has one (a keyset chunk stops after a thousand found).
        PLAN: Plan.objects.filter(
            Exists(
                AdverseEvent.objects.filter(
                    plan=OuterRef("pk"), category=AECategory.NON_SERIOUS, learned_on__lte=today
                )
            )
        ),
    }


def _chunk_specs(today: date, subject_type: str, pks: Sequence[int]) -> Iterator[ObligationSpec]:
    """The chunk's duties, read as flat values: adverse_event_specs for each event, without an
    object per event and its plan."""
    if subject_type == EVENT:
        yield from _serious_specs(today, pks)
    else:
        yield from _cycle_specs(today, pks)


def _serious_specs(today: date, pks: Sequence[int]) -> Iterator[ObligationSpec]:
    labels = dict(AECategory.choices)
    rows = list(
        _events_and_plans(today)[EVENT]
        .filter(pk__range=(pks[0], pks[-1]))
        .order_by("pk")
        .values_list(
            "pk",
            "category",
            "learned_on",
            "plan__title",
            "plan__filed_with",
            "plan__risk_class",
            "plan__institution__organisation_id",
            "plan__committee_id",
        )
    )
    committees = committees_of(row[-1] for row in rows)
    committee = Recipient.COMMITTEE.value
    spec = sources.spec
    for pk, category, learned_on, title, filed_with, risk_class, org, cid in rows:
        label = f"{title} · {labels.get(category, category)}"
        committee_org, closed_days = committees[cid]
        for recipient in recipients_for(filed_with, risk_class):
            yield spec(
                rule=CATEGORY_RULE[category],
                organisation_id=org,
                subject_type=EVENT,
                subject_id=str(pk),
                subject_label=label,
                starts_on=learned_on,
                period=0,
                also_visible_to_id=committee_org,
                recipient=recipient,
                committee_closed=closed_days if recipient == committee else (),
            )


def _cycle_specs(today: date, pks: Sequence[int]) -> Iterator[ObligationSpec]:
    from saisei.plans.models import Plan

    learned = (
        AdverseEvent.objects.filter(
            plan_id__gte=pks[0],
            plan_id__lte=pks[-1],
            category=AECategory.NON_SERIOUS,
            learned_on__lte=today,
        )
        .order_by("plan_id", "learned_on")
        .values_list("plan_id", "learned_on")
        .distinct()
    )
    days: dict[int, list[date]] = {}
    for plan_id, learned_on in learned:
        days.setdefault(plan_id, []).append(learned_on)
    if not days:
        return
    # The range of the plans with events, each kept only if it has one (a list of a thousand
    # pks costs more to send than the few rows more to read).
    plans = [
        row
        for row in Plan.objects.filter(pk__range=(min(days), max(days)))
        .order_by("pk")
        .values_list("pk", "title", "filed_on", "institution__organisation_id", "committee_id")
        if row[0] in days
    ]
    committees = committees_of(row[-1] for row in plans)
    rule = CATEGORY_RULE[AECategory.NON_SERIOUS]
    committee = Recipient.COMMITTEE.value
    for pk, title, filed_on, org, cid in plans:
        if filed_on is None:
            # Events are recorded only against a plan in force, which was filed: no cycle
            # can be counted without the filing day.
            continue
        committee_org, closed_days = committees[cid]
        for period in sorted({_cycle(filed_on, day) for day in days[pk]}):
            yield sources.spec(
                rule=rule,
                organisation_id=org,
                subject_type=PLAN,
                subject_id=str(pk),
                subject_label=title,
                starts_on=filed_on,
                period=period,
                also_visible_to_id=committee_org,
                recipient=committee,
                committee_closed=closed_days,
            )


ADVERSE_EVENTS = sources.BySubject(_events_and_plans, _chunk_specs)


def adverse_events_expected(today: date) -> Iterator[ObligationSpec]:
    """Every duty the recorded adverse events call for, a chunk of subjects at a time."""
    return sources.expected_by_subject(ADVERSE_EVENTS, today)


def register_all() -> None:
    sources.register(
        "reporting.adverse_events",
        ["ae_death", "ae_serious", "ae_other_cycle"],
        adverse_events_expected,
        by_subject=ADVERSE_EVENTS,
    )
