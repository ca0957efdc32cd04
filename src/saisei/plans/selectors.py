"""Reads of plans, reviews and orders, each starting from what the actor may see."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from saisei.accounts.models import User
from saisei.accounts.permissions import organisation_ids_with
from saisei.core.errors import NotFound
from saisei.plans.content import DIFF_FIELDS, label
from saisei.plans.lifecycle import PUBLIC_STATUSES, PlanStatus
from saisei.plans.models import (
    EvaluationCriterion,
    Order,
    OrderEffect,
    Plan,
    PlanFacility,
    PlanVersion,
    Review,
)

# What the public history compares, with each field's label (saisei.plans.content).
PUBLIC_DIFF_FIELDS = DIFF_FIELDS
FIELD_LABELS = {name: label(name) for name in DIFF_FIELDS}
VERSION_REASONS = {
    "created": _("created"),
    "draft edited": _("draft edited"),
    "filed": _("as filed"),
    "change notified": _("change notified"),
    "minor change": _("minor change"),
}


def _plain(value: Any) -> str:
    """A snapshot value as text for the diff table."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " / ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    return str(value)


def with_details(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.select_related("institution", "committee").prefetch_related(
        Prefetch("criteria", queryset=EvaluationCriterion.objects.order_by("position", "pk")),
        Prefetch("plan_facilities", queryset=PlanFacility.objects.select_related("facility")),
    )


def plans_visible_to(actor: User, permission: str = "plans.view") -> QuerySet[Plan]:
    """Every plan the actor may see: its institution's, those submitted to its committee, or all
    for a regulator. A committee never sees a draft that was never submitted to it.

    `permission` names what the actor reads of them (reporting reads ask "reporting.view"), so
    each app's selectors start from the same scope."""
    orgs = organisation_ids_with(actor, permission)
    plans = Plan.objects.all()
    if orgs is None:
        return plans
    return plans.filter(
        Q(institution__organisation_id__in=orgs)
        | Q(committee__organisation_id__in=orgs, first_submitted_at__isnull=False)
    )


def plan_list_for(
    actor: User, *, status: str | None = None, q: str | None = None
) -> QuerySet[Plan]:
    plans = plans_visible_to(actor).select_related("institution", "committee")
    if status:
        plans = plans.filter(status=status)
    if q:
        plans = plans.filter(Q(title__icontains=q) | Q(title_en__icontains=q))
    return plans.order_by("-updated_at", "-pk")


def plan_get_for(actor: User, pk: int) -> Plan:
    """The plan if the actor may see it; otherwise "not found", so existence is not disclosed."""
    plan = with_details(plans_visible_to(actor)).filter(pk=pk).first()
    if plan is None:
        raise NotFound("plan")
    return plan


def review_queue_for(actor: User, *, open_only: bool = True) -> QuerySet[Review]:
    orgs = organisation_ids_with(actor, "plans.review")
    reviews = Review.objects.select_related("plan", "plan__institution", "committee")
    if orgs is not None:
        reviews = reviews.filter(committee__organisation_id__in=orgs)
    if open_only:
        reviews = reviews.filter(decision="")
    return reviews.order_by("submitted_at", "pk")


def review_get_for(actor: User, pk: int) -> Review:
    orgs = organisation_ids_with(actor, "plans.view")
    reviews = Review.objects.select_related(
        "plan", "plan__institution", "plan__committee", "committee"
    )
    if orgs is not None:
        reviews = reviews.filter(
            Q(committee__organisation_id__in=orgs) | Q(plan__institution__organisation_id__in=orgs)
        )
    review = reviews.filter(pk=pk).first()
    if review is None:
        raise NotFound("review")
    return review


def filings_inbox(actor: User) -> QuerySet[Plan]:
    """Filed plans awaiting a plan number (regulators only; empty for anyone else)."""
    orgs = organisation_ids_with(actor, "plans.accept")
    plans = Plan.objects.filter(status=PlanStatus.FILED).select_related("institution", "committee")
    if orgs is None:
        return plans.order_by("filed_on", "pk")
    return plans.none()


# --- public --------------------------------------------------------------------------------------


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status__in=PUBLIC_STATUSES)


def public_plan_search(
    *,
    q: str = "",
    prefecture: str = "",
    risk_class: str = "",
    therapy: str = "",
    institution_id: int | None = None,
) -> QuerySet[Plan]:
    plans = public_plans().select_related("institution", "committee")
    if q:
        plans = plans.filter(
            Q(title__icontains=q)
            | Q(title_en__icontains=q)
            | Q(target_disease__icontains=q)
            | Q(institution__name__icontains=q)
            | Q(institution__name_en__icontains=q)
            | Q(plan_number__iexact=q)
        )
    if prefecture:
        plans = plans.filter(institution__prefecture=prefecture)
    if risk_class:
        plans = plans.filter(risk_class=risk_class)
    if therapy:
        plans = plans.filter(therapy=therapy)
    if institution_id is not None:
        plans = plans.filter(institution_id=institution_id)
    return plans.order_by("institution__name", "title", "pk")


def public_plan_get(pk: int) -> Plan:
    plan = with_details(public_plans()).filter(pk=pk).first()
    if plan is None:
        raise NotFound("plan")
    return plan


def public_versions(plan: Plan) -> list[dict[str, Any]]:
    """The public versions (from filing on), each with what changed from the one before."""
    versions = list(PlanVersion.objects.filter(plan=plan, public=True).order_by("number"))
    out: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        diff = []
        if previous is not None:
            for field in PUBLIC_DIFF_FIELDS:
                old, new = previous.get(field), version.snapshot.get(field)
                if old != new:
                    diff.append(
                        {
                            "field": field,
                            "label": FIELD_LABELS[field],
                            "old": _plain(old),
                            "new": _plain(new),
                        }
                    )
        out.append(
            {
                "version": version,
                "reason": VERSION_REASONS.get(version.reason, version.reason),
                "diff": diff,
            }
        )
        previous = version.snapshot
    return out


def orders_for_plan(plan: Plan) -> list[Order]:
    return list(
        Order.objects.filter(Q(effects__plan=plan) | Q(target_plan=plan))
        .distinct()
        .select_related("target_plan", "target_institution", "target_facility")
        .order_by("-issued_on", "-pk")
    )


def orders_for_institution(institution: Any) -> list[Order]:
    return list(
        Order.objects.filter(
            Q(target_institution=institution) | Q(effects__plan__institution=institution)
        )
        .distinct()
        .select_related("target_plan", "target_institution", "target_facility")
        .order_by("-issued_on", "-pk")
    )


def order_list() -> QuerySet[Order]:
    return Order.objects.select_related(
        "target_plan", "target_institution", "target_facility"
    ).order_by("-issued_on", "-pk")


def order_effects(order: Order) -> QuerySet[OrderEffect]:
    return order.effects.select_related("plan", "plan__institution").order_by("plan_id")
