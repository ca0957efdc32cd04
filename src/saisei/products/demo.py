"""Demo step: the demo holder (架空あおぞらバイオ) gets a clearly fictional conditional product,
so that the holder persona has an approval to act on (a re-application, confirmatory data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from saisei.audit.services import audit_record
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
        council_endorsed_on=date(2023, 3, 10),
        approved_on=date(2023, 3, 27),
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
        (EventKind.APPLICATION_FILED, date(2022, 6, 1)),
        (EventKind.COUNCIL_ENDORSED, date(2023, 3, 10)),
        (EventKind.APPROVED, date(2023, 3, 27)),
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
