"""API for reporting: treatments, outcomes, adverse events, their reports, periodic reports.

Mounted at /api/v1/reporting. Patient-level reads and writes are for the institution's own
staff; committees see adverse events and the reports sent to them; the public endpoint is
aggregate only.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.responses import Status

from saisei.api.schemas import ErrorOut
from saisei.core.time import legal_today
from saisei.plans.lifecycle import PUBLIC_STATUSES
from saisei.plans.models import EvaluationCriterion, Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting import selectors, services
from saisei.reporting.models import AdverseEvent, AdverseEventReport, PeriodicReport, Treatment

router = Router(tags=["reporting"])

WRITE_ERRORS: dict[int, type[Schema]] = {
    400: ErrorOut,
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
}
READ_ERRORS: dict[int, type[Schema]] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut}


def _plan(plan_id: int) -> Plan:
    return get_object_or_404(Plan.objects.select_related("institution", "committee"), pk=plan_id)


class TreatmentIn(Schema):
    patient_code: str = Field(max_length=40)
    treated_on: date
    facility_number: str = ""
    lot: str = Field("", max_length=60)


class OutcomeOut(Schema):
    criterion_id: int
    measured_on: date
    value: Decimal


class TreatmentOut(Schema):
    id: int
    patient_code: str
    treated_on: date
    facility_number: str = Field(alias="facility.number")
    lot: str
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_outcomes(obj: Treatment) -> list[OutcomeOut]:
        return [
            OutcomeOut(criterion_id=o.criterion_id, measured_on=o.measured_on, value=o.value)
            for o in obj.outcomes.all()
        ]


class CsvIn(Schema):
    csv: str = Field(description="The CSV text, UTF-8, first line the column names")


class ImportOut(Schema):
    created: int


class OutcomeIn(Schema):
    treatment_id: int
    criterion_id: int
    measured_on: date
    value: Decimal
    note: str = Field("", max_length=300)


class AdverseEventIn(Schema):
    patient_code: str = Field(max_length=40)
    learned_on: date
    category: str
    description: str = Field(max_length=4000)
    outcome: str
    causality: str
    onset_on: date | None = None
    infection: bool = False
    treatment_id: int | None = None


class AdverseEventReportOut(Schema):
    id: int
    rule: str
    recipient: str
    event_id: int | None
    period: int | None
    reported_on: date
    summary: str
    committee_opinion: str
    reviewed_on: date | None


class AdverseEventOut(Schema):
    id: int
    patient_code: str
    learned_on: date
    onset_on: date | None
    category: str
    rule: str
    infection: bool
    description: str
    outcome: str
    causality: str
    reports: list[AdverseEventReportOut]

    @staticmethod
    def resolve_reports(obj: AdverseEvent) -> list[AdverseEventReport]:
        return list(obj.reports.all())


class AdverseEventReportIn(Schema):
    recipient: str
    reported_on: date
    summary: str = Field(max_length=4000)
    event_id: int | None = None
    period: int | None = None


class OpinionIn(Schema):
    opinion: str = Field(min_length=1, max_length=4000)


class PeriodicReportOut(Schema):
    id: int
    plan_id: int
    period: int
    period_start: date
    period_end: date
    status: str
    figures: dict[str, Any]
    generated_at: datetime
    submitted_on: date | None
    committee_opinion: str
    reviewed_on: date | None
    filed_on: date | None


class GenerateIn(Schema):
    period: int = Field(ge=1)


class FileIn(Schema):
    filed_on: date


# Treatments and outcomes -------------------------------------------------------------------


@router.get("/plans/{plan_id}/treatments", response={200: list[TreatmentOut], **READ_ERRORS})
@paginate(LimitOffsetPagination)
def treatments_list(request: HttpRequest, plan_id: int) -> Any:
    return selectors.treatments_for(request.auth, _plan(plan_id))  # type: ignore[attr-defined]


@router.post("/plans/{plan_id}/treatments", response={201: TreatmentOut, **WRITE_ERRORS})
def treatments_create(request: HttpRequest, plan_id: int, payload: TreatmentIn) -> Any:
    plan = _plan(plan_id)
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
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, treatment)


@router.post("/plans/{plan_id}/treatments/import", response={201: ImportOut, **WRITE_ERRORS})
def treatments_import(request: HttpRequest, plan_id: int, payload: CsvIn) -> Any:
    result = services.treatments_import_csv(
        plan=_plan(plan_id), text=payload.csv, actor=request.auth
    )  # type: ignore[attr-defined]
    return Status(201, {"created": result.created})


@router.post("/plans/{plan_id}/outcomes", response={201: OutcomeOut, **WRITE_ERRORS})
def outcomes_create(request: HttpRequest, plan_id: int, payload: OutcomeIn) -> Any:
    plan = _plan(plan_id)
    treatment = get_object_or_404(Treatment, pk=payload.treatment_id, plan=plan)
    criterion = get_object_or_404(EvaluationCriterion, pk=payload.criterion_id)
    outcome = services.outcome_record(
        treatment=treatment,
        criterion=criterion,
        measured_on=payload.measured_on,
        value=payload.value,
        note=payload.note,
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, outcome)


@router.post("/plans/{plan_id}/outcomes/import", response={201: ImportOut, **WRITE_ERRORS})
def outcomes_import(request: HttpRequest, plan_id: int, payload: CsvIn) -> Any:
    result = services.outcomes_import_csv(plan=_plan(plan_id), text=payload.csv, actor=request.auth)  # type: ignore[attr-defined]
    return Status(201, {"created": result.created})


# Adverse events ------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/adverse-events", response={200: list[AdverseEventOut], **READ_ERRORS})
@paginate(LimitOffsetPagination)
def adverse_events_list(request: HttpRequest, plan_id: int) -> Any:
    return selectors.adverse_events_for(request.auth, _plan(plan_id))  # type: ignore[attr-defined]


@router.post("/plans/{plan_id}/adverse-events", response={201: AdverseEventOut, **WRITE_ERRORS})
def adverse_events_create(request: HttpRequest, plan_id: int, payload: AdverseEventIn) -> Any:
    plan = _plan(plan_id)
    treatment = None
    if payload.treatment_id is not None:
        treatment = get_object_or_404(Treatment, pk=payload.treatment_id, plan=plan)
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
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, event)


@router.post(
    "/plans/{plan_id}/adverse-event-reports", response={201: AdverseEventReportOut, **WRITE_ERRORS}
)
def adverse_event_reports_create(
    request: HttpRequest, plan_id: int, payload: AdverseEventReportIn
) -> Any:
    plan = _plan(plan_id)
    event = None
    if payload.event_id is not None:
        event = get_object_or_404(AdverseEvent, pk=payload.event_id, plan=plan)
    report = services.adverse_event_report_file(
        plan=plan,
        recipient=payload.recipient,
        reported_on=payload.reported_on,
        summary=payload.summary,
        event=event,
        period=payload.period,
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, report)


@router.post(
    "/adverse-event-reports/{report_id}/review",
    response={200: AdverseEventReportOut, **WRITE_ERRORS},
)
def adverse_event_reports_review(request: HttpRequest, report_id: int, payload: OpinionIn) -> Any:
    report = get_object_or_404(AdverseEventReport.objects.select_related("plan"), pk=report_id)
    return services.adverse_event_report_review(
        report=report, opinion=payload.opinion, actor=request.auth
    )  # type: ignore[attr-defined]


# Periodic reports ----------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/periodic-reports", response={200: list[PeriodicReportOut], **READ_ERRORS}
)
@paginate(LimitOffsetPagination)
def periodic_reports_list(request: HttpRequest, plan_id: int) -> Any:
    return selectors.periodic_reports_for(request.auth, _plan(plan_id))  # type: ignore[attr-defined]


@router.post("/plans/{plan_id}/periodic-reports", response={201: PeriodicReportOut, **WRITE_ERRORS})
def periodic_reports_generate(request: HttpRequest, plan_id: int, payload: GenerateIn) -> Any:
    report = services.periodic_report_generate(
        plan=_plan(plan_id), period=payload.period, actor=request.auth
    )  # type: ignore[attr-defined]
    return Status(201, report)


def _report(request: HttpRequest, report_id: int) -> PeriodicReport:
    report = get_object_or_404(
        PeriodicReport.objects.select_related("plan__institution", "plan__committee"), pk=report_id
    )
    selectors.periodic_reports_for(request.auth, report.plan)  # type: ignore[attr-defined]
    return report


@router.get("/periodic-reports/{report_id}", response={200: PeriodicReportOut, **READ_ERRORS})
def periodic_reports_detail(request: HttpRequest, report_id: int) -> Any:
    return _report(request, report_id)


@router.post(
    "/periodic-reports/{report_id}/submit", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_submit(request: HttpRequest, report_id: int) -> Any:
    return services.periodic_report_submit(report=_report(request, report_id), actor=request.auth)  # type: ignore[attr-defined]


@router.post(
    "/periodic-reports/{report_id}/review", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_review(request: HttpRequest, report_id: int, payload: OpinionIn) -> Any:
    return services.periodic_report_review(
        report=_report(request, report_id), opinion=payload.opinion, actor=request.auth
    )  # type: ignore[attr-defined]


@router.post(
    "/periodic-reports/{report_id}/file", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_file(request: HttpRequest, report_id: int, payload: FileIn) -> Any:
    return services.periodic_report_file(
        report=_report(request, report_id), filed_on=payload.filed_on, actor=request.auth
    )  # type: ignore[attr-defined]


# Public --------------------------------------------------------------------------------------


class TimelinessOut(Schema):
    on_time: int
    late: int
    overdue: int
    upcoming: int
    waived: int


class PublicReportingOut(Schema):
    plan_id: int
    as_of: date
    timeliness: TimelinessOut
    last_periodic_report: dict[str, Any] | None


@router.get(
    "/public/plans/{plan_id}",
    auth=None,
    response={200: PublicReportingOut, 404: ErrorOut},
    summary="A filed plan's reporting timeliness and aggregate outcomes (no patient data)",
)
def public_reporting(request: HttpRequest, plan_id: int) -> Any:
    plan = get_object_or_404(Plan, pk=plan_id, status__in=PUBLIC_STATUSES)
    today = legal_today()
    summary = selectors.public_reporting_summary(plan, today)
    last = summary["last_report"]
    return {
        "plan_id": plan.pk,
        "as_of": today,
        "timeliness": summary["timeliness"].__dict__,
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
