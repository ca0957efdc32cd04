"""API for reporting: treatments, outcomes, adverse events, their reports, periodic reports.

Mounted at /api/v1/reporting. Patient-level reads and writes are for the institution's own
staff; committees see adverse events and the reports sent to them; the public endpoint is
aggregate only.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from ninja import File, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from saisei.accounts.auth import actor
from saisei.api import idempotency
from saisei.api.schemas import WRITE_ERRORS, ErrorOut, Id, Pagination
from saisei.core.time import legal_today
from saisei.obligations.labels import rule_label
from saisei.plans.models import Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting import selectors, services
from saisei.reporting.models import PeriodicReport
from saisei.reporting.schemas import (
    AdverseEventIn,
    AdverseEventOpinionIn,
    AdverseEventOut,
    AdverseEventReportIn,
    AdverseEventReportOut,
    GenerateIn,
    ImportOut,
    OutcomeIn,
    OutcomeOut,
    PeriodicContentIn,
    PeriodicOpinionIn,
    PeriodicReportFileIn,
    PeriodicReportOut,
    PublicReportingOut,
    TreatmentIn,
    TreatmentOut,
)

router = Router(tags=["reporting"])

READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    """The plan if the caller may see its reporting; "not found" otherwise, as for a missing id."""
    return selectors.plan_get_for(actor(request), plan_id)


class EventPagination(Pagination):
    """Limit and offset as elsewhere; the page's duties are read in two queries, not one per
    event."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = selectors.attach_event_duties(list(page[self.items_attribute]))
        return page


# Treatments and outcomes -------------------------------------------------------------------


@router.get("/plans/{plan_id}/treatments", response={200: list[TreatmentOut], **READ_ERRORS})
@paginate(Pagination)
def treatments_list(request: HttpRequest, plan_id: Id) -> Any:
    return selectors.treatments_for(actor(request), _plan(request, plan_id))


@router.post("/plans/{plan_id}/treatments", response={201: TreatmentOut, **WRITE_ERRORS})
def treatments_create(request: HttpRequest, plan_id: Id, payload: TreatmentIn) -> Any:
    plan = _plan(request, plan_id)
    facility = None
    if payload.facility_number:
        facility = ProcessingFacility.objects.filter(number=payload.facility_number).first()
        if facility is None:
            facility = ProcessingFacility(number=payload.facility_number)  # refused as not in plan
    treatment = services.treatment_record(
        plan=plan,
        patient_code=payload.patient_code,
        treated_on=payload.treated_on,
        facility=facility,
        lot=payload.lot,
        actor=actor(request),
    )
    return Status(201, treatment)


def _import_description(columns: str) -> str:
    return (
        f"Upload a CSV file as multipart/form-data in the field `file`: UTF-8 (a byte-order "
        f"mark is allowed), the first line naming the columns ({columns}), at most "
        f"{services.MAX_IMPORT_ROWS:,} rows. The whole request may be at most "
        f"SAISEI_MAX_UPLOAD_BYTES ({settings.SAISEI_MAX_UPLOAD_BYTES:,} bytes here); a larger "
        "one is refused with 413. All rows or none: every row is checked before anything is "
        "written, and a refusal (400, `csv_invalid`) lists each bad line in "
        "`details.errors` (`line`, `field`, `code`, `message`)."
    )


@router.post(
    "/plans/{plan_id}/treatments/import",
    response={201: ImportOut, **WRITE_ERRORS},
    summary="Import treatments from a CSV file",
    description=_import_description(
        "patient_code, treated_on; optional facility_number (needed when the plan names "
        "several facilities), lot"
    ),
)
@idempotency.claim_after_check
def treatments_import(request: HttpRequest, plan_id: Id, file: File[UploadedFile]) -> Any:
    user = actor(request)
    # Checked with no transaction open; only the write below takes the database's write lock.
    batch = services.treatments_import_check(plan=_plan(request, plan_id), source=file, actor=user)
    idempotency.claim(request)
    result = services.treatments_import_write(batch=batch)
    return Status(201, {"created": result.created})


@router.post("/plans/{plan_id}/outcomes", response={201: OutcomeOut, **WRITE_ERRORS})
def outcomes_create(request: HttpRequest, plan_id: Id, payload: OutcomeIn) -> Any:
    plan = _plan(request, plan_id)
    treatment = selectors.treatment_get_for(actor(request), plan, payload.treatment_id)
    criterion = selectors.criterion_get_for(plan, payload.criterion_id)
    outcome = services.outcome_record(
        treatment=treatment,
        criterion=criterion,
        measured_on=payload.measured_on,
        value=payload.value,
        note=payload.note,
        actor=actor(request),
    )
    return Status(201, outcome)


@router.post(
    "/plans/{plan_id}/outcomes/import",
    response={201: ImportOut, **WRITE_ERRORS},
    summary="Import outcomes from a CSV file",
    description=_import_description(
        "patient_code, treated_on, criterion (the criterion's number in the plan), "
        "measured_on, value; optional note"
    ),
)
@idempotency.claim_after_check
def outcomes_import(request: HttpRequest, plan_id: Id, file: File[UploadedFile]) -> Any:
    user = actor(request)
    batch = services.outcomes_import_check(plan=_plan(request, plan_id), source=file, actor=user)
    idempotency.claim(request)
    result = services.outcomes_import_write(batch=batch)
    return Status(201, {"created": result.created})


# Adverse events ------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/adverse-events", response={200: list[AdverseEventOut], **READ_ERRORS})
@paginate(EventPagination)
def adverse_events_list(request: HttpRequest, plan_id: Id) -> Any:
    return selectors.adverse_events_for(actor(request), _plan(request, plan_id))


@router.post("/plans/{plan_id}/adverse-events", response={201: AdverseEventOut, **WRITE_ERRORS})
def adverse_events_create(request: HttpRequest, plan_id: Id, payload: AdverseEventIn) -> Any:
    plan = _plan(request, plan_id)
    treatment = None
    if payload.treatment_id is not None:
        treatment = selectors.treatment_get_for(actor(request), plan, payload.treatment_id)
    event = services.adverse_event_record(
        plan=plan,
        patient_code=payload.patient_code,
        learned_on=payload.learned_on,
        category=payload.category,
        description=payload.description,
        outcome=payload.outcome,
        causality=payload.causality,
        onset_on=payload.onset_on,
        infection=payload.infection,
        treatment=treatment,
        actor=actor(request),
    )
    return Status(201, event)


@router.post(
    "/plans/{plan_id}/adverse-event-reports", response={201: AdverseEventReportOut, **WRITE_ERRORS}
)
def adverse_event_reports_create(
    request: HttpRequest, plan_id: Id, payload: AdverseEventReportIn
) -> Any:
    plan = _plan(request, plan_id)
    event = None
    if payload.event_id is not None:
        event = selectors.plan_event_get(plan, payload.event_id)
    report = services.adverse_event_report_file(
        plan=plan,
        recipient=payload.recipient,
        reported_on=payload.reported_on,
        summary=payload.summary,
        event=event,
        period=payload.period,
        actor=actor(request),
    )
    return Status(201, report)


@router.post(
    "/adverse-event-reports/{report_id}/review",
    response={200: AdverseEventReportOut, **WRITE_ERRORS},
)
def adverse_event_reports_review(
    request: HttpRequest, report_id: Id, payload: AdverseEventOpinionIn
) -> Any:
    report = selectors.ae_report_get_for(actor(request), report_id)
    return services.adverse_event_report_review(
        report=report, opinion=payload.opinion, actor=actor(request)
    )


# Periodic reports ----------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/periodic-reports", response={200: list[PeriodicReportOut], **READ_ERRORS}
)
@paginate(Pagination)
def periodic_reports_list(request: HttpRequest, plan_id: Id) -> Any:
    return selectors.periodic_reports_for(actor(request), _plan(request, plan_id))


@router.post("/plans/{plan_id}/periodic-reports", response={201: PeriodicReportOut, **WRITE_ERRORS})
def periodic_reports_generate(request: HttpRequest, plan_id: Id, payload: GenerateIn) -> Any:
    report = services.periodic_report_generate(
        plan=_plan(request, plan_id), period=payload.period, actor=actor(request)
    )
    return Status(201, report)


def _report(request: HttpRequest, report_id: Id) -> PeriodicReport:
    """The report if the caller may see its plan's reporting; "not found" otherwise."""
    return selectors.periodic_report_get_for(actor(request), report_id)


@router.get("/periodic-reports/{report_id}", response={200: PeriodicReportOut, **READ_ERRORS})
def periodic_reports_detail(request: HttpRequest, report_id: Id) -> Any:
    return _report(request, report_id)


@router.patch("/periodic-reports/{report_id}", response={200: PeriodicReportOut, **WRITE_ERRORS})
def periodic_reports_write(request: HttpRequest, report_id: Id, payload: PeriodicContentIn) -> Any:
    """Save the written items of a draft report."""
    return services.periodic_report_write(
        report=_report(request, report_id),
        actor=actor(request),
        **payload.dict(),
    )


@router.post(
    "/periodic-reports/{report_id}/submit", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_submit(
    request: HttpRequest, report_id: Id, payload: PeriodicContentIn | None = None
) -> Any:
    """Submit the report to the committee (meets the duty to the committee). The written items
    may be sent here too; each one Ordinance Art 37(1) requires must then be present."""
    items = payload.dict() if payload is not None else {}
    return services.periodic_report_submit(
        report=_report(request, report_id),
        actor=actor(request),
        **items,
    )


@router.post(
    "/periodic-reports/{report_id}/review", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_review(request: HttpRequest, report_id: Id, payload: PeriodicOpinionIn) -> Any:
    """The committee's opinion on continuing, with its reasons (Ordinance Art 37(4))."""
    return services.periodic_report_review(
        report=_report(request, report_id),
        continuation=payload.continuation,
        opinion=payload.opinion,
        actor=actor(request),
    )


@router.post(
    "/periodic-reports/{report_id}/file", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_file(
    request: HttpRequest, report_id: Id, payload: PeriodicReportFileIn
) -> Any:
    """File the report with the plan's authority with the committee's opinion attached (meets
    the duty to the authority); refused before the committee has given its opinion."""
    return services.periodic_report_file(
        report=_report(request, report_id), filed_on=payload.filed_on, actor=actor(request)
    )


# Public --------------------------------------------------------------------------------------


@router.get(
    "/public/plans/{plan_id}",
    auth=None,
    response={200: PublicReportingOut, 404: ErrorOut},
    summary="A filed plan's reporting timeliness and aggregate outcomes (no patient data)",
)
def public_reporting(request: HttpRequest, plan_id: Id) -> Any:
    plan = selectors.public_plan_get(plan_id)
    today = legal_today()
    summary = selectors.public_reporting_summary(plan, today)
    last = summary["last_report"]
    return {
        "plan_id": plan.pk,
        "as_of": today,
        "timeliness": summary["timeliness"].__dict__,
        "by_recipient": [
            {"recipient": recipient, "timeliness": counts.__dict__}
            for recipient, counts in summary["by_recipient"]
        ],
        "overdue": [{**duty, "label": rule_label(duty["rule"])} for duty in summary["overdue"]],
        "waived": [{**duty, "label": rule_label(duty["rule"])} for duty in summary["waived"]],
        "last_periodic_report": None
        if last is None
        else {
            "period": last.period,
            "period_start": last.period_start,
            "period_end": last.period_end,
            "filed_on": last.filed_on,
            "figures": last.figures,
        },
    }
