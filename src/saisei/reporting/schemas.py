"""The reporting API's schemas: what each endpoint takes and answers, typed and bounded.

Patient-level fields are resolved through saisei.reporting.visibility, so whoever may not see
them gets null or is refused the row.
"""

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, cast

from ninja import Field, Schema

from saisei.api.schemas import BodyIn, Id, PatientCode, Period, RmActDay, decimal, line, text
from saisei.core.templatetags.law_text import law_explanation
from saisei.core.time import legal_today
from saisei.obligations.labels import legal_name, recipient_label
from saisei.obligations.models import Obligation
from saisei.obligations.selectors import effective_status
from saisei.reporting import selectors
from saisei.reporting.models import (
    REPORT_TEXT_MAX,
    AdverseEvent,
    AdverseEventReport,
    PeriodicReport,
    Treatment,
)
from saisei.reporting.visibility import actor_of, patient_field

# OutcomeMeasurement.value: DecimalField(max_digits=14, decimal_places=4).
OutcomeValue = Annotated[Decimal, decimal(14, 4)]


class TreatmentIn(Schema):
    patient_code: PatientCode
    treated_on: RmActDay
    facility_number: Annotated[str, line(40)] = ""
    lot: Annotated[str, line(60)] = ""


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
        # patient_field gives the column's value (a str) or refuses.
        return cast(str, patient_field(obj, "patient_code", actor_of(context), refuse=True))

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
    note: Annotated[str, line(300)] = ""


class AdverseEventIn(Schema):
    patient_code: PatientCode
    learned_on: RmActDay
    category: Annotated[str, line(30)]
    description: Annotated[str, text(4000)]
    outcome: Annotated[str, line(20)]
    causality: Annotated[str, line(20)]
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
        return cast("str | None", patient_field(obj, "patient_code", actor_of(context)))

    @staticmethod
    def resolve_reports(obj: AdverseEvent) -> list[AdverseEventReport]:
        return list(obj.reports.all())

    @staticmethod
    def resolve_duties(obj: AdverseEvent) -> list[DutyOut]:
        duties = getattr(obj, "duties", None)
        if duties is None:
            duties = list(selectors.event_duties(obj))
        return duties_out(duties)


class AdverseEventReportIn(Schema):
    recipient: Literal["committee", "minister", "regional_bureau"] = Field(
        description="committee, or the plan's authority: minister for a Class I plan, "
        "regional_bureau for Class II and III (another is refused)"
    )
    reported_on: RmActDay
    summary: Annotated[str, text(4000)]
    event_id: Id | None = None
    period: Period | None = None


class AdverseEventOpinionIn(Schema):
    opinion: Annotated[str, text(4000, min_length=1)]


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


class PeriodicContentIn(BodyIn):
    """The institution's written items (Ordinance Art 37(1)(iii)-(v)); an item left out is
    kept as it is. "none" is an answer; submission refuses an empty item."""

    evaluation: Annotated[str, text(REPORT_TEXT_MAX)] | None = None
    conflicts_of_interest: Annotated[str, text(REPORT_TEXT_MAX)] | None = None
    non_compliance: Annotated[str, text(REPORT_TEXT_MAX)] | None = None


class PeriodicOpinionIn(Schema):
    continuation: Literal["continue", "continue_with_changes", "not_appropriate"] = Field(
        description="The committee's opinion on continuing provision (Ordinance Art 37(4))"
    )
    opinion: Annotated[str, text(REPORT_TEXT_MAX, min_length=1)]


class GenerateIn(Schema):
    period: Period


class PeriodicReportFileIn(Schema):
    filed_on: RmActDay


class TimelinessOut(Schema):
    on_time: int
    late: int
    overdue: int
    upcoming: int
    waived: int


class RecipientTimelinessOut(Schema):
    recipient: str
    timeliness: TimelinessOut


class OverdueDutyOut(Schema):
    rule: str
    label: str
    recipient: str
    due_on: date
    period: int = Field(description="the year of a yearly report (1, 2, …); 0 for any other duty")


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
    overdue: list[OverdueDutyOut] = Field(
        description="Each duty overdue now, the oldest first (at most 20; `timeliness.overdue` "
        "counts them all)"
    )
    waived: list[OverdueDutyOut] = Field(
        description="Each duty the regulator waived, the oldest first (at most 20; "
        "`timeliness.waived` counts them all); the reason is not published"
    )
    last_periodic_report: dict[str, Any] | None
