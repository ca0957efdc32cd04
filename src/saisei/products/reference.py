"""Loader of the real products reference data (data/*.csv; see data/README.md).

Idempotent: rows are found again by their natural keys (the product slug, a holder's name, an
event's product/date/kind), only changed fields are written, and only changes are audited (as
`system:reference`), so a second run writes nothing. The files are checked as a whole before
anything is written: a file that contradicts itself is refused with the line at fault.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from django.db import models, transaction
from django.utils.text import slugify

from saisei.accounts.models import Organisation
from saisei.accounts.roles import OrganisationKind
from saisei.accounts.services import organisation_create
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode
from saisei.law import ApprovalType, LawInputError, approval_status
from saisei.products.models import (
    Approval,
    ApprovalEvent,
    Category,
    Designation,
    EventKind,
    Holder,
    Origin,
    Product,
    StatusGap,
)
from saisei.products.status import law_inputs

DATA_DIR = Path(__file__).resolve().parent / "data"
SYSTEM = "reference"
DESIGNATIONS = {"sakigake": Designation.SAKIGAKE, "orphan": Designation.ORPHAN}


class ReferenceDataError(DomainError):
    def __init__(self, file: str, line: int, message: str) -> None:
        super().__init__(
            ErrorCode.PRODUCT_REFERENCE_DATA_INVALID,
            f"{file}, line {line}: {message}",
            details={"file": file, "line": line},
        )


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


def _read(path: Path) -> list[tuple[int, dict[str, str]]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return [
            (number, {k: (v or "").strip() for k, v in row.items()})
            for number, row in enumerate(csv.DictReader(handle), start=2)
        ]


def _date(value: str, file: str, line: int, column: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ReferenceDataError(file, line, f"{column} is not a date: {value!r}") from None


def _int(value: str, file: str, line: int, column: str) -> int | None:
    if not value:
        return None
    try:
        number = int(value)
    except ValueError:
        raise ReferenceDataError(file, line, f"{column} is not a whole number: {value!r}") from None
    if number < 0:
        raise ReferenceDataError(file, line, f"{column} is negative: {value!r}")
    return number


def _bool(value: str, file: str, line: int, column: str) -> bool | None:
    if not value:
        return None
    if value.lower() in ("yes", "true", "1"):
        return True
    if value.lower() in ("no", "false", "0"):
        return False
    raise ReferenceDataError(file, line, f"{column} must be yes or no: {value!r}")


@dataclass
class Parsed:
    holders: list[str]
    products: dict[str, dict[str, Any]]
    approvals: dict[str, dict[str, Any]]
    events: dict[str, dict[str, Any]]  # reference_key → values (with "product")
    gaps: dict[str, dict[str, Any]]


def parse(data_dir: Path = DATA_DIR) -> Parsed:
    """Read and cross-check every file; nothing is written."""
    products: dict[str, dict[str, Any]] = {}
    approvals: dict[str, dict[str, Any]] = {}
    holders: list[str] = []
    file = "approved_products.csv"
    for line, row in _read(data_dir / file):
        slug = row["id"]
        if not slug or slugify(slug) != slug:
            raise ReferenceDataError(file, line, f"id must be a slug: {slug!r}")
        if slug in products:
            raise ReferenceDataError(file, line, f"duplicate id {slug!r}")
        if row["category"] not in Category.values:
            raise ReferenceDataError(file, line, f"unknown category {row['category']!r}")
        if row["approval_type"] not in ApprovalType._value2member_map_:
            raise ReferenceDataError(file, line, f"unknown approval_type {row['approval_type']!r}")
        if not row["holder"]:
            raise ReferenceDataError(file, line, "holder is empty")
        designations = []
        for part in filter(None, (p.strip() for p in row["designations"].split(";"))):
            if part.lower() not in DESIGNATIONS:
                raise ReferenceDataError(file, line, f"unknown designation {part!r}")
            designations.append(DESIGNATIONS[part.lower()].value)
        approved_on = _date(row["approved_on"], file, line, "approved_on")
        if approved_on is None:
            raise ReferenceDataError(file, line, "approved_on is empty")
        years = _int(row["time_limit_years"], file, line, "time_limit_years")
        conditional = row["approval_type"] == ApprovalType.CONDITIONAL_TIME_LIMITED.value
        if conditional and years is None:
            raise ReferenceDataError(file, line, "a conditional approval needs time_limit_years")
        if not conditional and years is not None:
            raise ReferenceDataError(file, line, "a standard approval has no time_limit_years")
        endorsed = _date(row["council_endorsed_on"], file, line, "council_endorsed_on")
        if endorsed is not None and endorsed > approved_on:
            raise ReferenceDataError(file, line, "council_endorsed_on is after approved_on")
        if row["holder"] not in holders:
            holders.append(row["holder"])
        products[slug] = {
            "brand_name": row["brand_name"],
            "brand_name_ja": row["brand_name_ja"],
            "what_it_is": row["what_it_is"],
            "category": row["category"],
            "holder": row["holder"],
            "notes": row["notes"],
            "sources": row["sources"],
        }
        approvals[slug] = {
            "approval_type": row["approval_type"],
            "indication": row["indication"],
            "council_endorsed_on": endorsed,
            "approved_on": approved_on,
            "time_limit_years": years,
            "designations": designations,
            "sources": row["sources"],
            # Filled from approval_details.csv when it has a row for the product.
            "evidence_trial_phase": "",
            "evidence_patients": None,
            "evidence_follow_up_months": None,
            "evidence_serious_adverse_events": None,
            "target_patients": None,
            "all_case_surveillance": None,
            "re_examination_years": None,
            "conditions": "",
            "evidence_source": "",
        }

    file = "approval_details.csv"
    for line, row in _read(data_dir / file):
        slug = row["product_id"]
        if slug not in approvals:
            raise ReferenceDataError(file, line, f"unknown product {slug!r}")
        if not row["source"]:
            raise ReferenceDataError(file, line, "source is empty")
        approvals[slug].update(
            evidence_trial_phase=row["trial_phase"],
            evidence_patients=_int(row["evidence_patients"], file, line, "evidence_patients"),
            evidence_follow_up_months=_int(row["follow_up_months"], file, line, "follow_up_months"),
            evidence_serious_adverse_events=_int(
                row["serious_adverse_events"], file, line, "serious_adverse_events"
            ),
            target_patients=_int(row["target_patients"], file, line, "target_patients"),
            all_case_surveillance=_bool(
                row["all_case_surveillance"], file, line, "all_case_surveillance"
            ),
            re_examination_years=_int(
                row["re_examination_years"], file, line, "re_examination_years"
            ),
            conditions=row["conditions"],
            evidence_source=row["source"],
        )

    events: dict[str, dict[str, Any]] = {}
    for file in ("product_events.csv", "extra_events.csv"):
        for line, row in _read(data_dir / file):
            slug = row["product_id"]
            if slug not in approvals:
                raise ReferenceDataError(file, line, f"unknown product {slug!r}")
            if row["event"] not in EventKind.values:
                raise ReferenceDataError(file, line, f"unknown event {row['event']!r}")
            on = _date(row["date"], file, line, "date")
            if on is None:
                raise ReferenceDataError(file, line, "date is empty")
            approval = approvals[slug]
            kind = row["event"]
            if kind == EventKind.APPROVED and on != approval["approved_on"]:
                raise ReferenceDataError(
                    file,
                    line,
                    f"approved on {on} but approved_products.csv says {approval['approved_on']}",
                )
            if (
                kind == EventKind.COUNCIL_ENDORSED
                and on <= approval["approved_on"]
                and on != approval["council_endorsed_on"]
            ):
                raise ReferenceDataError(
                    file,
                    line,
                    f"council endorsement on {on} but approved_products.csv says "
                    f"{approval['council_endorsed_on'] or 'none'}",
                )
            if kind == EventKind.TIME_LIMIT_EXTENDED:
                raise ReferenceDataError(
                    file, line, "time-limit extensions need years or an end date; not supported"
                )
            key = f"{slug}:{on.isoformat()}:{kind}"
            if key in events:
                raise ReferenceDataError(file, line, f"duplicate event {key}")
            events[key] = {
                "product": slug,
                "kind": kind,
                "occurred_on": on,
                "detail": row["detail"],
                "source": row["source"],
            }

    # Every approval gets its approval (and council endorsement) as events, derived from its
    # row where the events file has none, so that each timeline is complete.
    for slug, approval in approvals.items():
        for kind, column in (
            (EventKind.APPROVED, "approved_on"),
            (EventKind.COUNCIL_ENDORSED, "council_endorsed_on"),
        ):
            on = approval[column]
            if on is None:
                continue
            key = f"{slug}:{on.isoformat()}:{kind}"
            events.setdefault(
                key,
                {
                    "product": slug,
                    "kind": str(kind),
                    "occurred_on": on,
                    "detail": "",
                    "source": approval["sources"],
                },
            )

    gaps: dict[str, dict[str, Any]] = {}
    file = "status_gaps.csv"
    for line, row in _read(data_dir / file):
        slug = row["product_id"]
        if slug not in approvals:
            raise ReferenceDataError(file, line, f"unknown product {slug!r}")
        starts = _date(row["starts_on"], file, line, "starts_on")
        ends = _date(row["ends_on"], file, line, "ends_on")
        if starts is None or ends is None or starts > ends:
            raise ReferenceDataError(file, line, "starts_on and ends_on must be ordered dates")
        if not row["note"] or not row["source"]:
            raise ReferenceDataError(file, line, "note and source are required")
        gaps[f"{slug}:{starts.isoformat()}"] = {
            "product": slug,
            "starts_on": starts,
            "ends_on": ends,
            "note": row["note"],
            "source": row["source"],
        }

    _check_with_law(approvals, events)
    return Parsed(holders, products, approvals, events, gaps)


def _check_with_law(
    approvals: dict[str, dict[str, Any]], events: dict[str, dict[str, Any]]
) -> None:
    """The law engine must accept every approval and its events (it validates its inputs)."""
    for slug, values in approvals.items():
        approval = Approval(
            approval_type=values["approval_type"],
            approved_on=values["approved_on"],
            time_limit_years=values["time_limit_years"],
        )
        rows = [
            ApprovalEvent(kind=e["kind"], occurred_on=e["occurred_on"], detail=e["detail"])
            for e in events.values()
            if e["product"] == slug
        ]
        try:
            facts, law_events = law_inputs(approval, rows)
            approval_status(facts, law_events, values["approved_on"])
        except LawInputError as error:
            raise ReferenceDataError("approved_products.csv", 0, f"{slug}: {error}") from None


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
        fields=("kind", "occurred_on", "detail", "source"),
        what="events",
        action="products.event",
        summary=summary,
        extra={"origin": Origin.REFERENCE},
    )
    _sync_children(
        model=StatusGap,
        wanted=parsed.gaps,
        approvals=approvals,
        fields=("starts_on", "ends_on", "note", "source"),
        what="status gaps",
        action="products.status_gap",
        summary=summary,
        extra={},
    )
    return summary.line(len(parsed.products), len(parsed.events))


def _sync_children(
    *,
    model: type[ApprovalEvent] | type[StatusGap],
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
    for key, row in existing.items():
        approval = row.approval
        data = {name: str(getattr(row, name)) for name in fields}
        row.delete()
        audit_record(
            action=f"{action}.removed",
            actor=None,
            target=approval,
            data={"reference_key": key, **data},
            system=SYSTEM,
        )
        summary.count(summary.removed, what)
