"""Products API: public reads of products and their status on any day; the holder's and the
regulator's writes, each one service call."""

from datetime import date
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from saisei.accounts.auth import actor
from saisei.api.schemas import WRITE_ERRORS, Count, Day, ErrorOut, Id, Pagination, Slug, line, text
from saisei.core.errors import NotFound
from saisei.core.time import legal_today
from saisei.products import services
from saisei.products.models import Approval, ApprovalEvent, Product
from saisei.products.selectors import (
    ProductRow,
    approval_get,
    product_get,
    product_row,
    product_rows,
)
from saisei.products.status import ProductStatus

router = Router(tags=["products"])

StatusFilter = Literal[
    "not_approved",
    "approved",
    "conditional",
    "conditional_pending_decision",
    "lapsed",
    "revoked",
    "uncertain",
]
CategoryFilter = Literal[
    "autologous_cells",
    "allogeneic_cells",
    "car_t",
    "gene_therapy",
    "oncolytic_virus",
    "ipsc_derived",
]
ApprovalTypeFilter = Literal["standard", "conditional_time_limited"]

COMPUTED_NOTE = (
    "The status is computed from the events recorded in Saisei; it may be out of date if an "
    "event is missing from the record."
)


class StatusOut(Schema):
    as_of: date
    status: str | None = Field(
        description="not_approved, approved, conditional, conditional_pending_decision, lapsed, "
        "revoked; null inside a status gap whose status is not known (reason_code "
        "status_unknown: see reason)"
    )
    in_force: bool | None
    time_limit_ends_on: date | None = Field(
        description="null for a standard approval, and inside a status gap (reason_code "
        "time_limit_end_unknown or status_unknown)"
    )
    reason: str
    reason_code: str = Field(
        description="the law engine's reason code, or status_unknown / time_limit_end_unknown "
        "inside a status gap"
    )
    explanation: str
    uncertain: bool
    caveats: list[str]
    note: str


class HolderOut(Schema):
    name: str
    organisation: str


class ProductOut(Schema):
    slug: str
    brand_name: str
    brand_name_ja: str
    what_it_is: str
    what_it_is_ja: str
    category: str
    holder: HolderOut
    approval_id: int | None
    approval_type: str | None
    council_endorsed_on: date | None
    approved_on: date | None
    status: StatusOut | None


class EventOut(Schema):
    id: int
    kind: str
    label: str
    occurred_on: date = Field(
        description="the day; where date_precision is month or year, the first possible day"
    )
    date_precision: Literal["day", "month", "year"]
    date_text: str = Field(description="the date as far as it is known, e.g. 'September 2023'")
    detail: str
    sources: list[str]
    years: int | None
    new_end_date: date | None
    patients: int | None
    origin: str


class GapOut(Schema):
    starts_on: date
    ends_on: date | None = Field(description="null: no known end")
    known_status: str | None = Field(
        description="the status throughout the gap where it is known (only the end of the "
        "time limit is not); null where the status itself is not known"
    )
    note: str
    note_ja: str
    sources: list[str]


class DesignationOut(Schema):
    code: str
    label: str
    number: str
    designated_on: date | None
    sources: list[str]


class EvidenceOut(Schema):
    trial_phase: str
    patients: int | None
    follow_up_months: int | None
    serious_adverse_events: int | None
    sources: list[str]


class ConditionsOut(Schema):
    all_case_surveillance: bool | None
    target_patients: int | None
    other: str


class ApprovalOut(Schema):
    id: int
    approval_type: str
    indication: str
    indication_ja: str
    council_endorsed_on: date | None
    approved_on: date | None
    time_limit_years: int | None
    time_limit_ends_on_letter: date | None
    designations: list[str]
    designation_details: list[DesignationOut]
    re_examination_years: int | None
    conditions: ConditionsOut
    evidence: EvidenceOut
    sources: list[str]
    fhir: str
    status: StatusOut
    events: list[EventOut]
    status_gaps: list[GapOut]


class ProductDetailOut(ProductOut):
    notes: str
    sources: list[str]
    approvals: list[ApprovalOut]


class ProductFilter(Schema):
    status: StatusFilter | None = None
    category: CategoryFilter | None = None
    approval_type: ApprovalTypeFilter | None = None
    as_of: Day | None = Field(None, description="the day (default: today in Japan)")


def status_out(status: ProductStatus) -> dict[str, Any]:
    return {
        "as_of": status.as_of,
        "status": status.status,
        "in_force": status.in_force,
        "time_limit_ends_on": status.time_limit_ends_on,
        "reason": status.reason,
        "reason_code": status.reason_code,
        "explanation": status.explanation(),
        "uncertain": status.uncertain,
        "caveats": list(status.caveats),
        "note": COMPUTED_NOTE,
    }


def product_out(row: ProductRow) -> dict[str, Any]:
    product, approval = row.product, row.approval
    return {
        "slug": product.slug,
        "brand_name": product.brand_name,
        "brand_name_ja": product.brand_name_ja,
        "what_it_is": product.what_it_is,
        "what_it_is_ja": product.what_it_is_ja,
        "category": product.category,
        "holder": {"name": product.holder.name, "organisation": product.holder.organisation.slug},
        "approval_id": approval.pk if approval else None,
        "approval_type": approval.approval_type if approval else None,
        "council_endorsed_on": approval.council_endorsed_on if approval else None,
        "approved_on": approval.approved_on if approval else None,
        "status": status_out(row.status) if row.status else None,
    }


def event_out(event: ApprovalEvent) -> dict[str, Any]:
    return {
        "id": event.pk,
        "kind": event.kind,
        "label": str(event.get_kind_display()),
        "occurred_on": event.occurred_on,
        "date_precision": event.date_precision,
        "date_text": event.date_display,
        "detail": event.detail,
        "sources": event.source_list(),
        "years": event.years,
        "new_end_date": event.new_end_date,
        "patients": event.patients,
        "origin": event.origin,
    }


def approval_out(approval: Approval, as_of: date) -> dict[str, Any]:
    from saisei.products.status import compute_status

    events = list(approval.events.all())
    gaps = list(approval.status_gaps.all())
    return {
        "id": approval.pk,
        "approval_type": approval.approval_type,
        "indication": approval.indication,
        "indication_ja": approval.indication_ja,
        "council_endorsed_on": approval.council_endorsed_on,
        "approved_on": approval.approved_on,
        "time_limit_years": approval.time_limit_years,
        "time_limit_ends_on_letter": approval.time_limit_ends_on,
        "designations": list(approval.designations),
        "designation_details": approval.designation_entries(),
        "re_examination_years": approval.re_examination_years,
        "conditions": {
            "all_case_surveillance": approval.all_case_surveillance,
            "target_patients": approval.target_patients,
            "other": approval.conditions,
        },
        "evidence": {
            "trial_phase": approval.evidence_trial_phase,
            "patients": approval.evidence_patients,
            "follow_up_months": approval.evidence_follow_up_months,
            "serious_adverse_events": approval.evidence_serious_adverse_events,
            "sources": approval.evidence_source_list(),
        },
        "sources": approval.source_list(),
        "fhir": f"/api/v1/fhir/RegulatedAuthorization/{approval.pk}",
        "status": status_out(compute_status(approval, as_of, events=events, gaps=gaps)),
        "events": [event_out(e) for e in events],
        "status_gaps": [
            {
                "starts_on": g.starts_on,
                "ends_on": g.ends_on,
                "known_status": g.known_status or None,
                "note": g.note,
                "note_ja": g.note_ja,
                "sources": g.source_list(),
            }
            for g in gaps
        ],
    }


def _product(slug: str) -> Product:
    product = product_get(slug)
    if product is None:
        raise NotFound("product")
    return product


def _approval(approval_id: int) -> Approval:
    approval = approval_get(approval_id)
    if approval is None:
        raise NotFound("approval")
    return approval


@router.get(
    "",
    auth=None,
    response={200: list[ProductOut], 422: ErrorOut},
    summary="Products with their approval status on a day",
)
@paginate(Pagination)
def products_list(request: HttpRequest, filters: Query[ProductFilter]) -> list[dict[str, Any]]:
    rows = product_rows(
        as_of=filters.as_of or legal_today(),
        status=filters.status,
        category=filters.category,
        approval_type=filters.approval_type,
    )
    return [product_out(row) for row in rows]


@router.get(
    "/{slug}",
    auth=None,
    response={200: ProductDetailOut, 404: ErrorOut, 422: ErrorOut},
    summary="One product: its approvals, conditions, evidence, events and status on a day",
)
def products_detail(request: HttpRequest, slug: Slug, as_of: Day | None = None) -> dict[str, Any]:
    day = as_of or legal_today()
    product = _product(slug)
    out = product_out(product_row(product, day))
    out.update(
        notes=product.notes,
        sources=product.source_list(),
        approvals=[approval_out(a, day) for a in product.approvals.all()],
    )
    return out


# A time limit or its extension, in years (PositiveSmallIntegerField).
TimeLimitYears = Annotated[int, Field(ge=1, le=20)]


class ApplicationIn(Schema):
    filed_on: Day
    approval_type: ApprovalTypeFilter
    indication: Annotated[str, text(2000)]
    detail: Annotated[str, text(2000)] = ""
    source: Annotated[str, text(2000)] = ""


class HolderEventIn(Schema):
    kind: Annotated[str, line(40)] = Field(
        description="reapplication_filed, reapplication_withdrawn, confirmatory_data_submitted, "
        "launched, sales_ended, withdrawal_announced"
    )
    occurred_on: Day
    detail: Annotated[str, text(2000)] = ""
    source: Annotated[str, text(2000)] = ""
    patients: Count | None = None


class DecisionIn(Schema):
    kind: Annotated[str, line(40)] = Field(
        description="time_limit_extended, reapplication_refused, converted_to_full_approval, "
        "approval_lapsed, revoked, indication_added, shipping_restricted, "
        "shipping_restriction_lifted, council_endorsed, panel_found_not_approvable, "
        "council_concluded_not_approvable"
    )
    occurred_on: Day
    detail: Annotated[str, text(2000)] = ""
    source: Annotated[str, text(2000)] = ""
    years: TimeLimitYears | None = None
    new_end_date: Day | None = None


class GrantIn(Schema):
    approved_on: Day
    council_endorsed_on: Day | None = None
    time_limit_years: TimeLimitYears | None = None
    time_limit_ends_on: Day | None = None
    target_patients: Count | None = None
    all_case_surveillance: bool | None = None
    conditions: Annotated[str, text(4000)] = ""
    designations: list[Annotated[str, line(20)]] = Field([], max_length=10)
    source: Annotated[str, text(2000)] = ""


@router.post(
    "/{slug}/applications",
    response={201: ApprovalOut, **WRITE_ERRORS},
    summary="Holder: file an application for approval of its own product",
)
def applications_create(
    request: HttpRequest, slug: Slug, payload: ApplicationIn
) -> Status[dict[str, Any]]:
    approval = services.application_file(
        product=_product(slug),
        actor=actor(request),
        filed_on=payload.filed_on,
        approval_type=payload.approval_type,
        indication=payload.indication,
        detail=payload.detail,
        source=payload.source,
    )
    return Status(201, approval_out(_approval(approval.pk), legal_today()))


@router.post(
    "/approvals/{approval_id}/events",
    response={201: EventOut, **WRITE_ERRORS},
    summary="Holder: record a re-application, confirmatory data, a withdrawal, launch or end "
    "of sales for its own product",
)
def holder_events_create(
    request: HttpRequest, approval_id: Id, payload: HolderEventIn
) -> Status[dict[str, Any]]:
    event = services.holder_event_record(
        approval=_approval(approval_id),
        actor=actor(request),
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        detail=payload.detail,
        source=payload.source,
        patients=payload.patients,
    )
    return Status(201, event_out(event))


@router.post(
    "/approvals/{approval_id}/decisions",
    response={201: EventOut, **WRITE_ERRORS},
    summary="Regulator: record a decision or measure on an approval",
)
def decisions_create(
    request: HttpRequest, approval_id: Id, payload: DecisionIn
) -> Status[dict[str, Any]]:
    event = services.decision_record(
        approval=_approval(approval_id),
        actor=actor(request),
        kind=payload.kind,
        occurred_on=payload.occurred_on,
        detail=payload.detail,
        source=payload.source,
        years=payload.years,
        new_end_date=payload.new_end_date,
    )
    return Status(201, event_out(event))


@router.post(
    "/approvals/{approval_id}/grant",
    response={200: ApprovalOut, **WRITE_ERRORS},
    summary="Regulator: grant an application (approval date, time limit, conditions)",
)
def approvals_grant(request: HttpRequest, approval_id: Id, payload: GrantIn) -> dict[str, Any]:
    approval = services.approval_grant(
        approval=_approval(approval_id),
        actor=actor(request),
        **payload.dict(),
    )
    return approval_out(_approval(approval.pk), legal_today())
