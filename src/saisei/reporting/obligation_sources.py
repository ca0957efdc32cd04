"""The RM Act duties expected from what is recorded: filings, adverse events and notices.

Each function derives the obligations the law creates from recorded facts only, so that
`saisei obligations verify` can recompute every stored obligation and find any that is
missing, unexpected or has the wrong date. The queries read flat values, a few per source,
whatever the number of plans.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

from saisei.law import Recipient, period_bounds
from saisei.obligations import sources
from saisei.obligations.sources import ObligationSpec
from saisei.plans.obligations import (  # noqa: F401 - re-exported for the reporting app
    _authority,
    closed_days_for,
    periodic_report_specs,
    plan_authority,
    plan_recipients,
)

PLAN = "plans.plan"
EVENT = "reporting.adverseevent"


def _periods_begun(rule: str, first_day: date, until: date) -> Iterator[int]:
    """Period numbers k whose first day is on or before `until`."""
    k = 1
    while True:
        start, _end = period_bounds(rule, first_day, k)
        if start > until:
            return
        yield k
        k += 1


def periodic_report_spec(plan: Any, period: int, recipient: str) -> ObligationSpec:
    return next(s for s in periodic_report_specs(plan, period) if s.recipient == recipient)


def _plan_rows() -> Any:
    from saisei.plans.models import Plan

    return Plan.objects.filter(filed_on__isnull=False).values(
        "pk",
        "title",
        "filed_on",
        "filed_with",
        "risk_class",
        "closed_on",
        "institution__organisation_id",
        "committee__organisation_id",
        "committee__rule_closed_days",
    )


def periodic_reports_expected(today: date) -> Iterator[ObligationSpec]:
    """One periodic report per year from filing until close-out, even with no cases, to the
    committee and to the plan's authority.

    A closed plan owes the reports of the periods that ended before it closed; the period in
    which it closed is covered by the end notice (様式第9の2), not by another yearly report.
    """
    for row in _plan_rows():
        until = min(today, row["closed_on"]) if row["closed_on"] else today
        recipients = (
            Recipient.COMMITTEE.value,
            _authority(row["filed_with"], row["risk_class"]),
        )
        for k in _periods_begun("periodic_report", row["filed_on"], until):
            if (
                row["closed_on"]
                and period_bounds("periodic_report", row["filed_on"], k)[1] >= row["closed_on"]
            ):
                break
            for recipient in recipients:
                yield ObligationSpec(
                    "periodic_report",
                    row["institution__organisation_id"],
                    PLAN,
                    str(row["pk"]),
                    row["title"],
                    row["filed_on"],
                    k,
                    row["committee__organisation_id"],
                    recipient,
                    committee_closed=(
                        tuple(row["committee__rule_closed_days"] or ())
                        if recipient == Recipient.COMMITTEE.value
                        else ()
                    ),
                )


def adverse_event_specs(event: Any) -> list[ObligationSpec]:
    """The duties an adverse event opens: a serious one, a report to the committee (Act Art
    17(1)) and one to the plan's authority (Act Art 18); any other, its 60-day period's report
    to the committee (Ordinance Art 35(1)(iii))."""
    from saisei.reporting.models import CATEGORY_RULE, AECategory
    from saisei.reporting.services import ae_cycle_period

    plan = event.plan
    institution = plan.institution.organisation_id
    committee = plan.committee if plan.committee_id else None
    committee_org = committee.organisation_id if committee else None
    rule = CATEGORY_RULE[event.category]
    if event.category == AECategory.NON_SERIOUS:
        return [
            ObligationSpec(
                rule,
                institution,
                PLAN,
                str(plan.pk),
                str(plan),
                plan.filed_on,
                ae_cycle_period(plan, event.learned_on),
                committee_org,
                Recipient.COMMITTEE.value,
                committee_closed=closed_days_for(Recipient.COMMITTEE.value, committee),
            )
        ]
    return [
        ObligationSpec(
            rule,
            institution,
            EVENT,
            str(event.pk),
            f"{plan} · {event.get_category_display()}",
            event.learned_on,
            0,
            committee_org,
            recipient,
            committee_closed=closed_days_for(recipient, committee),
        )
        for recipient in plan_recipients(plan)
    ]


def plan_cycle_specs(plan: Any) -> list[ObligationSpec]:
    from saisei.reporting.models import AdverseEvent, AECategory

    events = AdverseEvent.objects.filter(plan=plan, category=AECategory.NON_SERIOUS).select_related(
        "plan__institution", "plan__committee"
    )
    unique = {spec.key: spec for event in events for spec in adverse_event_specs(event)}
    return list(unique.values())


def adverse_events_expected(today: date) -> Iterator[ObligationSpec]:
    from saisei.reporting.models import AdverseEvent

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
    sources.register("reporting.periodic_reports", ["periodic_report"], periodic_reports_expected)
    sources.register(
        "reporting.adverse_events",
        ["ae_death", "ae_serious", "ae_other_cycle"],
        adverse_events_expected,
    )
    from saisei.plans.obligations import notices_expected, research_summaries_expected

    sources.register("plans.notices", ["minor_change", "discontinuation"], notices_expected)
    sources.register("plans.research_summaries", ["research_summary"], research_summaries_expected)
    # The registry's sources (facility reports, notices, licences, committee renewals) are
    # registered by saisei.registry.obligations from RegistryConfig.ready().
