"""Demo step: the demo holder (架空あおぞらバイオ) gets a clearly fictional conditional product,
so that the holder persona has an approval to act on (a re-application, confirmatory data).

Dates count back from the load day: the four-year time limit always has about four months
left, so the holder's re-application and the conditions are due soon whenever the demo is
loaded (loaded on 2026-11-25: approved 2023-03-27, limit ends 2027-03-26).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from saisei.audit.services import audit_record
from saisei.core.time import legal_today
from saisei.products.models import (
    Approval,
    ApprovalEvent,
    Category,
    EventKind,
    Holder,
    Origin,
    Product,
)

DEMO_SLUG = "demo-aozora-cardiosheet"


def create_demo_product(context: Any) -> None:
    """Must run inside the demo's transaction (it audits as system:demo)."""
    organisation = context.organisations["holder"]
    approved_on = legal_today() - timedelta(days=1339)
    endorsed_on = approved_on - timedelta(days=17)
    applied_on = approved_on - timedelta(days=299)
    holder = Holder.objects.create(
        organisation=organisation, name=organisation.name_en, origin=Origin.DEMO
    )
    product = Product.objects.create(
        slug=DEMO_SLUG,
        brand_name="Aozora CardioSheet (fictional)",
        brand_name_ja="架空あおぞら心筋シート",
        what_it_is="fictional allogeneic iPS cell-derived cardiomyocyte spheroids (demo data)",
        category=Category.IPSC_DERIVED,
        holder=holder,
        notes="Fictional product for the demo. Not a real product.",
        origin=Origin.DEMO,
    )
    approval = Approval.objects.create(
        product=product,
        approval_type="conditional_time_limited",
        indication="fictional: severe heart failure (demo data)",
        council_endorsed_on=endorsed_on,
        approved_on=approved_on,
        time_limit_years=4,
        target_patients=40,
        all_case_surveillance=True,
        conditions="fictional: treat only at certified cardiac centres (demo data)",
        evidence_trial_phase="phase II (fictional)",
        evidence_patients=12,
        evidence_follow_up_months=26,
        evidence_serious_adverse_events=1,
    )
    for kind, on in (
        (EventKind.APPLICATION_FILED, applied_on),
        (EventKind.COUNCIL_ENDORSED, endorsed_on),
        (EventKind.APPROVED, approved_on),
    ):
        ApprovalEvent.objects.create(
            approval=approval, kind=kind, occurred_on=on, detail="demo data", origin=Origin.DEMO
        )
    audit_record(
        action="products.demo.created",
        actor=None,
        target=approval,
        data={"product": DEMO_SLUG},
        system="demo",
    )
    context.objects["product"] = product
    context.lines.append(f"demo product: /products/{DEMO_SLUG}/ (holder: {organisation.slug})")
