"""Reads of products. Product approvals are public records, so the lists need no actor scope;
each selector owns its prefetching so that a page or API list costs a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Prefetch, QuerySet

from saisei.products.models import Approval, ApprovalEvent, Product, StatusGap
from saisei.products.status import ProductStatus, compute_status

UNCERTAIN_FILTER = "uncertain"


def _approvals_prefetch() -> Prefetch[str]:
    return Prefetch(
        "approvals",
        queryset=Approval.objects.order_by("approved_on", "pk").prefetch_related(
            Prefetch("events", queryset=ApprovalEvent.objects.order_by("occurred_on", "pk")),
            Prefetch("status_gaps", queryset=StatusGap.objects.order_by("starts_on")),
        ),
    )


def products_queryset() -> QuerySet[Product]:
    return (
        Product.objects.select_related("holder__organisation")
        .prefetch_related(_approvals_prefetch())
        .order_by("slug")
    )


@dataclass
class ProductRow:
    """A product with its current (latest) approval and that approval's status on a day."""

    product: Product
    approval: Approval | None
    status: ProductStatus | None


def current_approval(product: Product, as_of: date) -> Approval | None:
    """The approval that speaks for the product on a day: the latest granted on or before it,
    else the earliest still under review or granted later (so a page before approval shows
    `not_approved`)."""
    approvals = list(product.approvals.all())
    granted = [a for a in approvals if a.approved_on is not None and a.approved_on <= as_of]
    if granted:
        return max(granted, key=lambda a: (a.approved_on, a.pk))
    return approvals[0] if approvals else None


def product_row(product: Product, as_of: date) -> ProductRow:
    approval = current_approval(product, as_of)
    status = (
        compute_status(
            approval,
            as_of,
            events=approval.events.all(),
            gaps=approval.status_gaps.all(),
        )
        if approval is not None
        else None
    )
    return ProductRow(product=product, approval=approval, status=status)


def product_rows(
    *,
    as_of: date,
    status: str | None = None,
    category: str | None = None,
    approval_type: str | None = None,
) -> list[ProductRow]:
    """Every product with its status on `as_of`, filtered.

    The status is computed, not stored, so the status filter runs after the computation; the
    data set is a few dozen products nationally, far from where that would matter.
    """
    qs = products_queryset()
    if category:
        qs = qs.filter(category=category)
    if approval_type:
        qs = qs.filter(approvals__approval_type=approval_type).distinct()
    rows = [product_row(product, as_of) for product in qs]
    if status == UNCERTAIN_FILTER:
        rows = [r for r in rows if r.status is not None and r.status.status is None]
    elif status:
        rows = [r for r in rows if r.status is not None and r.status.status == status]
    return rows


def product_get(slug: str) -> Product | None:
    """One product with everything its page shows, designations included (the list does not
    show them, so it does not load them)."""
    return (
        products_queryset()
        .prefetch_related("approvals__designation_records")
        .filter(slug=slug)
        .first()
    )


def approval_get(approval_id: int) -> Approval | None:
    return (
        Approval.objects.select_related("product__holder__organisation")
        .prefetch_related(
            Prefetch("events", queryset=ApprovalEvent.objects.order_by("occurred_on", "pk")),
            Prefetch("status_gaps", queryset=StatusGap.objects.order_by("starts_on")),
            "designation_records",
        )
        .filter(pk=approval_id)
        .first()
    )


@dataclass(frozen=True)
class TimeLimit:
    approval: Approval
    ends_on: date
    status: ProductStatus


def conditional_time_limits(as_of: date) -> list[TimeLimit]:
    """Each in-force conditional approval and the end of its time limit on `as_of`.

    For the obligations work: a conditional approval must be followed by a re-application
    before this date, and its conditions (target patients, all-case surveillance) are on the
    approval row.
    """
    approvals = (
        Approval.objects.filter(approval_type="conditional_time_limited", approved_on__lte=as_of)
        .select_related("product__holder")
        .prefetch_related("events", "status_gaps")
        .order_by("pk")
    )
    limits = []
    for approval in approvals:
        status = compute_status(
            approval, as_of, events=approval.events.all(), gaps=approval.status_gaps.all()
        )
        if status.in_force and status.time_limit_ends_on is not None:
            limits.append(TimeLimit(approval, status.time_limit_ends_on, status))
    return limits


def approval_duties(approval_ids: list[int]) -> dict[int, list[Any]]:
    """The holder's tracked duties (re-application, conditions) of each approval, by approval id:
    public facts about an approval, like its timeline. One query."""
    from saisei.obligations.models import Obligation
    from saisei.products.obligations import APPROVAL

    found: dict[int, list[Any]] = {}
    rows = Obligation.objects.filter(
        subject_type=APPROVAL, subject_id__in=[str(pk) for pk in approval_ids]
    ).order_by("due_on", "rule")
    for row in rows:
        found.setdefault(int(row.subject_id), []).append(row)
    for duties in found.values():
        # The re-application first: the conditions support it and fall due with it.
        duties.sort(key=lambda row: (row.due_on, row.rule != "pmd_time_limit", row.rule))
    return found
