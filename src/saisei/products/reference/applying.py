"""Applying the products reference to the database: rows found again by their natural keys,
only changed fields written, every change audited as `system:reference`, all in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify

from saisei.accounts.models import Organisation
from saisei.accounts.roles import OrganisationKind
from saisei.accounts.services import organisation_create
from saisei.audit.services import audit_record
from saisei.products.models import (
    Approval,
    ApprovalDesignation,
    ApprovalEvent,
    Holder,
    Origin,
    Product,
    StatusGap,
)
from saisei.products.reference.checking import parse
from saisei.products.reference.reading import DATA_DIR, SYSTEM


@dataclass
class Summary:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    removed: dict[str, int] = field(default_factory=dict)

    def count(self, which: dict[str, int], what: str) -> None:
        which[what] = which.get(what, 0) + 1

    def line(self, products: int, events: int) -> str:
        def fmt(d: dict[str, int]) -> str:
            return ", ".join(f"{v} {k}" for k, v in sorted(d.items())) or "nothing"

        return (
            f"{products} products, {events} events; created {fmt(self.created)}; "
            f"updated {fmt(self.updated)}; removed {fmt(self.removed)}"
        )


def _sync(obj: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    """Set changed fields on obj and save them; return {field: [old, new]}."""
    changes = {}
    for name, value in values.items():
        old = getattr(obj, name)
        if old != value:
            changes[name] = [old, value]
            setattr(obj, name, value)
    if changes:
        obj.save(update_fields=list(changes))
    return changes


def _holder(name: str, summary: Summary) -> Holder:
    holder = Holder.objects.filter(name=name).select_related("organisation").first()
    if holder is not None:
        return holder
    slug = f"holder-{slugify(name)}"[:80]
    organisation = Organisation.objects.filter(slug=slug).first() or organisation_create(
        kind=OrganisationKind.HOLDER, slug=slug, name=name, name_en=name, actor=None, system=SYSTEM
    )
    holder = Holder.objects.create(organisation=organisation, name=name, origin=Origin.REFERENCE)
    audit_record(
        action="products.holder.created",
        actor=None,
        target=holder,
        data={"name": name, "organisation": organisation.slug},
        system=SYSTEM,
    )
    summary.count(summary.created, "holders")
    return holder


@transaction.atomic
def load(data_dir: Path = DATA_DIR) -> str:
    parsed = parse(data_dir)
    summary = Summary()
    holders = {name: _holder(name, summary) for name in parsed.holders}

    products: dict[str, Product] = {}
    existing = {p.slug: p for p in Product.objects.filter(slug__in=parsed.products)}
    for slug, values in parsed.products.items():
        values = {**values, "holder": holders[values["holder"]], "origin": Origin.REFERENCE}
        product = existing.get(slug)
        if product is None:
            product = Product.objects.create(slug=slug, **values)
            audit_record(
                action="products.product.created",
                actor=None,
                target=product,
                data={k: str(v) for k, v in values.items()},
                system=SYSTEM,
            )
            summary.count(summary.created, "products")
        else:
            changes = _sync(product, values)
            if changes:
                audit_record(
                    action="products.product.updated",
                    actor=None,
                    target=product,
                    data={k: [str(v) for v in pair] for k, pair in changes.items()},
                    system=SYSTEM,
                )
                summary.count(summary.updated, "products")
        products[slug] = product

    approvals: dict[str, Approval] = {}
    existing_approvals = {
        a.reference_key: a for a in Approval.objects.filter(reference_key__in=parsed.approvals)
    }
    for slug, values in parsed.approvals.items():
        approval = existing_approvals.get(slug)
        if approval is None:
            approval = Approval.objects.create(product=products[slug], reference_key=slug, **values)
            audit_record(
                action="products.approval.created",
                actor=None,
                target=approval,
                data={"product": slug, **values},
                system=SYSTEM,
            )
            summary.count(summary.created, "approvals")
        else:
            changes = _sync(approval, values)
            if changes:
                audit_record(
                    action="products.approval.updated",
                    actor=None,
                    target=approval,
                    data={"product": slug, "changes": changes},
                    system=SYSTEM,
                )
                summary.count(summary.updated, "approvals")
        approvals[slug] = approval

    _sync_children(
        model=ApprovalEvent,
        wanted=parsed.events,
        approvals=approvals,
        fields=("kind", "occurred_on", "date_precision", "years", "detail", "source"),
        what="events",
        action="products.event",
        summary=summary,
        extra={"origin": Origin.REFERENCE},
    )
    _sync_children(
        model=StatusGap,
        wanted=parsed.gaps,
        approvals=approvals,
        fields=("starts_on", "ends_on", "known_status", "note", "note_ja", "source"),
        what="status gaps",
        action="products.status_gap",
        summary=summary,
        extra={},
    )
    _sync_children(
        model=ApprovalDesignation,
        wanted=parsed.designations,
        approvals=approvals,
        fields=("code", "designated_on", "number", "source"),
        what="designations",
        action="products.designation",
        summary=summary,
        extra={},
    )
    return summary.line(len(parsed.products), len(parsed.events))


def _sync_children(
    *,
    model: type[ApprovalEvent] | type[StatusGap] | type[ApprovalDesignation],
    wanted: dict[str, dict[str, Any]],
    approvals: dict[str, Approval],
    fields: tuple[str, ...],
    what: str,
    action: str,
    summary: Summary,
    extra: dict[str, Any],
) -> None:
    """Create, update and remove the loader's own rows (those with a reference_key)."""
    existing = {
        row.reference_key: row
        for row in model.objects.filter(reference_key__isnull=False).select_related(
            "approval__product"
        )
    }
    for key, values in wanted.items():
        approval = approvals[values["product"]]
        data = {name: values[name] for name in fields}
        row = existing.pop(key, None)
        if row is None:
            row = model.objects.create(approval=approval, reference_key=key, **data, **extra)
            audit_record(
                action=f"{action}.loaded",
                actor=None,
                target=approval,
                data={"reference_key": key, **data},
                system=SYSTEM,
            )
            summary.count(summary.created, what)
            continue
        changes = _sync(row, {"approval": approval, **data})
        if changes:
            audit_record(
                action=f"{action}.corrected",
                actor=None,
                target=approval,
                data={
                    "reference_key": key,
                    "changes": {k: [str(v) for v in p] for k, p in changes.items()},
                },
                system=SYSTEM,
            )
            summary.count(summary.updated, what)
    # Rows the files no longer contain were corrections of the reference data: remove them,
    # audited, so the loaded history matches the files. Rows recorded by people are never touched.
    for stale_key, row in existing.items():
        approval = row.approval
        data = {name: str(getattr(row, name)) for name in fields}
        row.delete()
        audit_record(
            action=f"{action}.removed",
            actor=None,
            target=approval,
            data={"reference_key": stale_key, **data},
            system=SYSTEM,
        )
        summary.count(summary.removed, what)
