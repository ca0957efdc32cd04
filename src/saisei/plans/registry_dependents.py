"""The plans' part of the registry's checks before a change (registered by PlansConfig.ready()
into saisei.registry.dependents): a committee may not become a kind that may not review the
plans in its care."""

from __future__ import annotations

from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Plan, RiskClass
from saisei.registry import dependents
from saisei.registry.dependents import Dependent
from saisei.registry.models import Committee, kind_may_review

# A plan is in its committee's care once submitted (a draft is not yet, and is checked against
# its committee when it is submitted) until it is closed: a discontinued plan's last reports
# still go to the committee.
_NOT_IN_CARE = (PlanStatus.DRAFT, PlanStatus.CLOSED)
# What a refusal names (the check's answer is for a person to act on, not a list to page).
LIMIT = 20


def plans_the_kind_may_not_review(committee: Committee, kind: str) -> list[Dependent]:
    """The plans submitted to the committee and not closed whose class a committee of `kind`
    may not review (Class I and II need a specially certified one)."""
    classes = [rc for rc in RiskClass.values if not kind_may_review(kind, rc)]
    if not classes:
        return []
    rows = (
        Plan.objects.filter(committee=committee, risk_class__in=classes)
        .exclude(status__in=_NOT_IN_CARE)
        .order_by("pk")
        .values_list("pk", "plan_number", "title")[:LIMIT]
    )
    return [Dependent("plans.plan", pk, number or title) for pk, number, title in rows]


def register() -> None:
    dependents.committee_kind.add("plans", plans_the_kind_may_not_review)
