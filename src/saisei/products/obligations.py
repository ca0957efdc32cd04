"""The holder's duty under a conditional, time-limited approval (PMD Act Art 23-26).

Before the time limit ends the holder must apply again for approval with confirmatory
evidence; an application filed on or before the limit's last day keeps the approval in force
until it is decided (domain.md §2). The limit's end is what the law engine computes from the
approval and its recorded events (extensions included), so the duty follows it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

from saisei.obligations.sources import ObligationSpec

APPROVAL = "products.approval"
BASIS = (
    "PMD Act Art 23-26 (conditional, time-limited approval: apply again for approval, with "
    "confirmatory evidence, by the last day of the time limit)"
)


def approval_duty_spec(approval: Any, today: date) -> ObligationSpec | None:
    """The re-application duty of one conditional approval, from its recorded events."""
    from saisei.products.models import EventKind
    from saisei.products.status import compute_status

    if approval.approval_type != "conditional_time_limited" or approval.approved_on is None:
        return None
    if approval.approved_on > today:
        return None
    events = list(approval.events.all())
    gaps = list(approval.status_gaps.all())
    if gaps:
        # The recorded events cannot settle this approval's history (HeartSheet's extension
        # and re-application are undated): no duty is computed rather than a false one.
        return None
    status = compute_status(approval, today, events=events, gaps=gaps)
    limit = status.time_limit_ends_on
    converted = sorted(
        e.occurred_on for e in events if e.kind == EventKind.CONVERTED_TO_FULL_APPROVAL
    )
    if limit is None and converted:
        # A full approval has no limit; the duty was the one in force the day before.
        before = compute_status(
            approval, converted[0] - timedelta(days=1), events=events, gaps=gaps
        )
        limit = before.time_limit_ends_on
    if limit is None:
        return None
    reapplications = sorted(
        (e for e in events if e.kind == EventKind.REAPPLICATION_FILED),
        key=lambda e: (e.occurred_on, e.pk),
    )
    met = reapplications[0] if reapplications else None
    product = approval.product
    return ObligationSpec(
        rule="pmd_time_limit",
        organisation_id=product.holder.organisation_id,
        subject_type=APPROVAL,
        subject_id=str(approval.pk),
        subject_label=f"{product.brand_name_ja or product.brand_name} ({product.brand_name})",
        starts_on=approval.approved_on,
        recipient="minister",
        fixed_due=limit,
        fixed_basis=BASIS,
        fixed_explanation=(
            f"Time limit of the conditional approval of {approval.approved_on} ends {limit} "
            "(the approval day counts as day 1; extensions and a stated end date as "
            f"recorded). {status.reason or ''}"
        ).strip(),
        met_on=met.occurred_on if met else None,
        met_by=("products.approvalevent", str(met.pk)) if met else None,
    )


def time_limits_expected(today: date) -> Iterator[ObligationSpec]:
    from saisei.products.models import Approval

    approvals = (
        Approval.objects.filter(approval_type="conditional_time_limited", approved_on__lte=today)
        .select_related("product__holder")
        .prefetch_related("events", "status_gaps")
        .order_by("pk")
    )
    for approval in approvals:
        spec = approval_duty_spec(approval, today)
        if spec is not None:
            yield spec


def approval_duty_refresh(approval: Any, *, actor: Any, today: date) -> None:
    """Open or update the duty after an event of this approval (inside its transaction)."""
    from saisei.obligations.services import obligation_open, obligation_sync

    spec = approval_duty_spec(approval, today)
    if spec is None:
        return
    obligation_open(spec=spec, actor=actor, today=today)
    obligation_sync(spec=spec, today=today)
