"""API for reporting: treatments, outcomes, adverse events, their reports, periodic reports.

Mounted at /api/v1/reporting. Patient-level reads and writes are for the institution's own
staff; committees see adverse events and the reports sent to them; the public endpoint is
aggregate only.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from django.conf import settings
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Field, File, Router, Schema, UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from saisei.api import idempotency
from saisei.api.schemas import (
    DecimalValue,
    ErrorOut,
    Id,
    Line,
    Pagination,
    PatientCode,
    Period,
    RmActDay,
    Text,
)
from saisei.core.templatetags.law_text import law_explanation
from saisei.core.time import legal_today
from saisei.obligations.labels import legal_name, recipient_label
from saisei.obligations.models import Obligation
from saisei.obligations.selectors import effective_status
from saisei.plans.lifecycle import PUBLIC_STATUSES
from saisei.plans.models import Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting import selectors, services
from saisei.reporting.models import (
    REPORT_TEXT_MAX,
    AdverseEvent,
    AdverseEventReport,
    PeriodicReport,
    Treatment,
)
from saisei.reporting.visibility import actor_of, patient_field

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


def _plan(request: HttpRequest, plan_id: int) -> Plan:
    """The plan if the caller may see its reporting; "not found" otherwise, as for a missing id."""
    return selectors.plan_get_for(request.auth, plan_id)  # type: ignore[attr-defined]


# OutcomeMeasurement.value: DecimalField(max_digits=14, decimal_places=4).
OutcomeValue = DecimalValue(14, 4)


class TreatmentIn(Schema):
    patient_code: PatientCode
    treated_on: RmActDay
    facility_number: Line(40) = ""
    lot: Line(60) = ""


class OutcomeOut(Schema):
    criterion_id: int
    measured_on: date
    value: Decimal


class TreatmentOut(Schema):
    """A treatment: patient-level as a whole, so only ever for the institution's own staff
    (saisei.reporting.visibility); anyone else is refused the row."""

    id: int
    patient_code: str
    treated_on: date
    facility_number: str = Field(alias="facility.number")
    lot: str
    outcomes: list[OutcomeOut]

    @staticmethod
    def resolve_patient_code(obj: Treatment, context: Any) -> str:
        return patient_field(obj, "patient_code", actor_of(context), refuse=True)

    @staticmethod
    def resolve_outcomes(obj: Treatment) -> list[OutcomeOut]:
        return [
            OutcomeOut(criterion_id=o.criterion_id, measured_on=o.measured_on, value=o.value)
            for o in obj.outcomes.all()
        ]


class ImportOut(Schema):
    created: int


class OutcomeIn(Schema):
    treatment_id: Id
    criterion_id: Id
    measured_on: RmActDay
    value: OutcomeValue
    note: Line(300) = ""


class AdverseEventIn(Schema):
    patient_code: PatientCode
    learned_on: RmActDay
    category: Line(30)
    description: Text(4000)
    outcome: Line(20)
    causality: Line(20)
    onset_on: RmActDay | None = None
    infection: bool = False
    treatment_id: Id | None = None


class DutyOut(Schema):
    """One duty to one recipient, with its due date, status and the law's explanation of the
    date in the request's language."""

    id: int
    rule: str
    legal_name: str
    recipient: str
    recipient_label: str
    basis: str
    nominal_due: date
    due_on: date
    status: str
    days_left: int
    met_on: date | None
    explanation: str


def duties_out(obligations: list[Obligation]) -> list[DutyOut]:
    today = legal_today()
    return [
        DutyOut(
            id=ob.pk,
            rule=ob.rule,
            legal_name=legal_name(ob.rule),
            recipient=ob.recipient,
            recipient_label=recipient_label(ob.recipient),
            basis=str(ob.explanation.get("basis", "")),
            nominal_due=ob.nominal_due,
            due_on=ob.due_on,
            status=effective_status(ob, today),
            days_left=(ob.due_on - today).days,
            met_on=ob.met_on,
            explanation=law_explanation(ob.explanation),
        )
        for ob in obligations
    ]


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
    patient_code: str | None = Field(
        description="The institution's own pseudonymous code: patient-level, so given only to "
        "the institution's own staff and null for anyone else (the committee, a regulator)"
    )
    learned_on: date
    onset_on: date | None
    category: str
    rule: str
    infection: bool
    description: str
    outcome: str
    causality: str
    reports: list[AdverseEventReportOut]
    duties: list[DutyOut] = Field(
        description="What the event owes, one duty per recipient: for a serious event the "
        "reports to the committee and to the plan's authority; for another, its 60-day "
        "period's report to the committee"
    )

    @staticmethod
    def resolve_patient_code(obj: AdverseEvent, context: Any) -> str | None:
        return patient_field(obj, "patient_code", actor_of(context))

    @staticmethod
    def resolve_reports(obj: AdverseEvent) -> list[AdverseEventReport]:
        return list(obj.reports.all())

    @staticmethod
    def resolve_duties(obj: AdverseEvent) -> list[DutyOut]:
        duties = getattr(obj, "duties", None)
        if duties is None:
            duties = list(selectors.event_duties(obj))
        return duties_out(duties)


class EventPagination(Pagination):
    """Limit and offset as elsewhere; the page's duties are read in two queries, not one per
    event."""

    def paginate_queryset(self, queryset: Any, pagination: Any, request: Any, **params: Any) -> Any:
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page[self.items_attribute] = selectors.attach_event_duties(list(page[self.items_attribute]))
        return page


class AdverseEventReportIn(Schema):
    recipient: Literal["committee", "minister", "regional_bureau"] = Field(
        description="committee, or the plan's authority: minister for a Class I plan, "
        "regional_bureau for Class II and III (another is refused)"
    )
    reported_on: RmActDay
    summary: Text(4000)
    event_id: Id | None = None
    period: Period | None = None


class OpinionIn(Schema):
    opinion: Text(4000, min_length=1)


class PeriodicReportOut(Schema):
    """A periodic report with the contents of Ordinance Art 37(1): (i) patients treated and
    (ii) adverse events with their course in `figures` (`patients`, `adverse_events`,
    `adverse_event_course`), (iii) the criteria's statistics in `figures.criteria` and the
    institution's `evaluation`, (iv) `conflicts_of_interest`, (v) `non_compliance`; the
    committee's opinion on continuing (`continuation`, `committee_opinion`; Art 37(4)); and
    its two duties, to the committee and to the plan's authority."""

    id: int
    plan_id: int
    period: int
    period_start: date
    period_end: date
    status: str
    figures: dict[str, Any]
    generated_at: datetime
    evaluation: str
    conflicts_of_interest: str
    non_compliance: str
    submitted_on: date | None
    continuation: str
    committee_opinion: str
    reviewed_on: date | None
    filed_on: date | None
    duties: list[DutyOut]

    @staticmethod
    def resolve_duties(obj: PeriodicReport) -> list[DutyOut]:
        return duties_out(list(selectors.periodic_report_duties(obj)))


class PeriodicContentIn(Schema):
    """The institution's written items (Ordinance Art 37(1)(iii)-(v)); an item left out is
    kept as it is. "none" is an answer; submission refuses an empty item."""

    evaluation: Text(REPORT_TEXT_MAX) | None = None
    conflicts_of_interest: Text(REPORT_TEXT_MAX) | None = None
    non_compliance: Text(REPORT_TEXT_MAX) | None = None


class PeriodicOpinionIn(Schema):
    continuation: Literal["continue", "continue_with_changes", "not_appropriate"] = Field(
        description="The committee's opinion on continuing provision (Ordinance Art 37(4))"
    )
    opinion: Text(REPORT_TEXT_MAX, min_length=1)


class GenerateIn(Schema):
    period: Period


class FileIn(Schema):
    filed_on: RmActDay


# Treatments and outcomes -------------------------------------------------------------------


@router.get("/plans/{plan_id}/treatments", response={200: list[TreatmentOut], **READ_ERRORS})
@paginate(Pagination)
def treatments_list(request: HttpRequest, plan_id: Id) -> Any:
    return selectors.treatments_for(request.auth, _plan(request, plan_id))  # type: ignore[attr-defined]


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
        actor=request.auth,  # type: ignore[attr-defined]
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
    actor = request.auth  # type: ignore[attr-defined]
    # Checked with no transaction open; only the write below takes the database's write lock.
    batch = services.treatments_import_check(plan=_plan(request, plan_id), source=file, actor=actor)
    idempotency.claim(request)
    result = services.treatments_import_write(batch=batch)
    return Status(201, {"created": result.created})


@router.post("/plans/{plan_id}/outcomes", response={201: OutcomeOut, **WRITE_ERRORS})
def outcomes_create(request: HttpRequest, plan_id: Id, payload: OutcomeIn) -> Any:
    plan = _plan(request, plan_id)
    treatment = selectors.treatment_get_for(request.auth, plan, payload.treatment_id)  # type: ignore[attr-defined]
    criterion = selectors.criterion_get_for(plan, payload.criterion_id)
    outcome = services.outcome_record(
        treatment=treatment,
        criterion=criterion,
        measured_on=payload.measured_on,
        value=payload.value,
        note=payload.note,
        actor=request.auth,  # type: ignore[attr-defined]
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
    actor = request.auth  # type: ignore[attr-defined]
    batch = services.outcomes_import_check(plan=_plan(request, plan_id), source=file, actor=actor)
    idempotency.claim(request)
    result = services.outcomes_import_write(batch=batch)
    return Status(201, {"created": result.created})


# Adverse events ------------------------------------------------------------------------------


@router.get("/plans/{plan_id}/adverse-events", response={200: list[AdverseEventOut], **READ_ERRORS})
@paginate(EventPagination)
def adverse_events_list(request: HttpRequest, plan_id: Id) -> Any:
    return selectors.adverse_events_for(request.auth, _plan(request, plan_id))  # type: ignore[attr-defined]


@router.post("/plans/{plan_id}/adverse-events", response={201: AdverseEventOut, **WRITE_ERRORS})
def adverse_events_create(request: HttpRequest, plan_id: Id, payload: AdverseEventIn) -> Any:
    plan = _plan(request, plan_id)
    treatment = None
    if payload.treatment_id is not None:
        treatment = selectors.treatment_get_for(request.auth, plan, payload.treatment_id)  # type: ignore[attr-defined]
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
        actor=request.auth,  # type: ignore[attr-defined]
    )
    return Status(201, report)


@router.post(
    "/adverse-event-reports/{report_id}/review",
    response={200: AdverseEventReportOut, **WRITE_ERRORS},
)
def adverse_event_reports_review(request: HttpRequest, report_id: Id, payload: OpinionIn) -> Any:
    report = selectors.ae_report_get_for(request.auth, report_id)  # type: ignore[attr-defined]
    return services.adverse_event_report_review(
        report=report, opinion=payload.opinion, actor=request.auth
    )  # type: ignore[attr-defined]


# Periodic reports ----------------------------------------------------------------------------


@router.get(
    "/plans/{plan_id}/periodic-reports", response={200: list[PeriodicReportOut], **READ_ERRORS}
)
@paginate(Pagination)
def periodic_reports_list(request: HttpRequest, plan_id: Id) -> Any:
    return selectors.periodic_reports_for(request.auth, _plan(request, plan_id))  # type: ignore[attr-defined]


@router.post("/plans/{plan_id}/periodic-reports", response={201: PeriodicReportOut, **WRITE_ERRORS})
def periodic_reports_generate(request: HttpRequest, plan_id: Id, payload: GenerateIn) -> Any:
    report = services.periodic_report_generate(
        plan=_plan(request, plan_id), period=payload.period, actor=request.auth
    )  # type: ignore[attr-defined]
    return Status(201, report)


def _report(request: HttpRequest, report_id: Id) -> PeriodicReport:
    """The report if the caller may see its plan's reporting; "not found" otherwise."""
    return selectors.periodic_report_get_for(request.auth, report_id)  # type: ignore[attr-defined]


@router.get("/periodic-reports/{report_id}", response={200: PeriodicReportOut, **READ_ERRORS})
def periodic_reports_detail(request: HttpRequest, report_id: Id) -> Any:
    return _report(request, report_id)


@router.patch("/periodic-reports/{report_id}", response={200: PeriodicReportOut, **WRITE_ERRORS})
def periodic_reports_write(request: HttpRequest, report_id: Id, payload: PeriodicContentIn) -> Any:
    """Save the written items of a draft report."""
    return services.periodic_report_write(
        report=_report(request, report_id),
        actor=request.auth,  # type: ignore[attr-defined]
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
        actor=request.auth,  # type: ignore[attr-defined]
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
        actor=request.auth,  # type: ignore[attr-defined]
    )


@router.post(
    "/periodic-reports/{report_id}/file", response={200: PeriodicReportOut, **WRITE_ERRORS}
)
def periodic_reports_file(request: HttpRequest, report_id: Id, payload: FileIn) -> Any:
    """File the report with the plan's authority with the committee's opinion attached (meets
    the duty to the authority); refused before the committee has given its opinion."""
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


class RecipientTimelinessOut(Schema):
    recipient: str
    timeliness: TimelinessOut


class PublicReportingOut(Schema):
    plan_id: int
    as_of: date
    timeliness: TimelinessOut = Field(
        description="Counts of duties: a report owed to the committee and to the plan's "
        "authority is two duties"
    )
    by_recipient: list[RecipientTimelinessOut] = Field(
        description="The same counts for each recipient: the committee, then the plan's "
        "authority, then any other (jrct)"
    )
    last_periodic_report: dict[str, Any] | None


@router.get(
    "/public/plans/{plan_id}",
    auth=None,
    response={200: PublicReportingOut, 404: ErrorOut},
    summary="A filed plan's reporting timeliness and aggregate outcomes (no patient data)",
)
def public_reporting(request: HttpRequest, plan_id: Id) -> Any:
    plan = get_object_or_404(Plan, pk=plan_id, status__in=PUBLIC_STATUSES)
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
