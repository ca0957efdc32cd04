"""Writes to reporting: treatments, outcomes, adverse events, their reports, periodic reports.

Each service checks the permission, applies the law's guards, writes in one transaction with
its audit event, and opens or meets the obligations the event creates.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.models import OUTSTANDING, Obligation
from saisei.obligations.services import obligation_meet, obligation_open
from saisei.plans.lifecycle import PROVIDING_STATUSES, PlanStatus
from saisei.plans.models import EvaluationCriterion, Plan
from saisei.registry.models import ProcessingFacility
from saisei.reporting import obligation_sources as specs
from saisei.reporting.figures import periodic_report_figures
from saisei.reporting.models import (
    REPORT_TEXT_MAX,
    AdverseEvent,
    AdverseEventReport,
    AECategory,
    AECausality,
    AEOutcome,
    Continuation,
    OutcomeMeasurement,
    PeriodicReport,
    PeriodicReportStatus,
    Recipient,
    Treatment,
    patient_code_validator,
)

T = TypeVar("T")
LOT_MAX = Treatment._meta.get_field("lot").max_length or 60
NOTE_MAX = OutcomeMeasurement._meta.get_field("note").max_length or 300


def _invalid(field: str, message: str, code: str = ErrorCode.INVALID_INPUT) -> DomainError:
    return DomainError(code, message, details={"field": field})


def _check_patient_code(code: str) -> str:
    code = (code or "").strip()
    try:
        patient_code_validator(code)
    except ValidationError as exc:
        raise _invalid("patient_code", str(exc.messages[0])) from None
    return code


def _not_future(field: str, day: date, today: date) -> None:
    if day > today:
        raise _invalid(field, _("This date is in the future."), ErrorCode.DATE_IN_FUTURE)


def ensure_plan_may_provide(plan: Plan, on: date) -> None:
    """Refuse provision on a day the plan does not allow, saying exactly why."""
    if plan.status == PlanStatus.SUSPENDED:
        raise DomainError(
            ErrorCode.PLAN_SUSPENDED,
            _("Provision under this plan is suspended by an order."),
            details={"plan": plan.pk, "status": plan.status},
        )
    if plan.status == PlanStatus.RESTRICTED or (
        plan.status in PROVIDING_STATUSES
        and plan.provision_allowed_from is not None
        and on < plan.provision_allowed_from
    ):
        raise DomainError(
            ErrorCode.PLAN_RESTRICTED,
            _("This Class I plan may not be provided before %(day)s (the 90-day restriction).")
            % {"day": plan.provision_allowed_from},
            details={"plan": plan.pk, "provision_allowed_from": plan.provision_allowed_from},
        )
    if plan.status not in PROVIDING_STATUSES or plan.provision_allowed_from is None:
        raise DomainError(
            ErrorCode.PLAN_NOT_PROVIDING,
            _("This plan is not in force: treatments are recorded only under a filed plan."),
            details={"plan": plan.pk, "status": plan.status},
        )


def _current_facilities(plan: Plan) -> dict[str, ProcessingFacility]:
    return {
        pf.facility.number: pf.facility
        for pf in plan.plan_facilities.filter(is_current=True).select_related("facility")
    }


def _facility_of(
    plan: Plan, facility: ProcessingFacility | None, facility_number: str = ""
) -> ProcessingFacility:
    return _pick_facility(_current_facilities(plan), facility, facility_number)


def _pick_facility(
    current: dict[str, ProcessingFacility],
    facility: ProcessingFacility | None,
    facility_number: str = "",
) -> ProcessingFacility:
    if facility is None:
        if len(current) == 1 and not facility_number:
            return next(iter(current.values()))
        if facility_number in current:
            return current[facility_number]
        raise _invalid(
            "facility",
            _("Name one of the plan's processing facilities: %(numbers)s.")
            % {"numbers": ", ".join(sorted(current))},
            ErrorCode.FACILITY_NOT_IN_PLAN,
        )
    if facility.number not in current:
        raise _invalid(
            "facility",
            _("This processing facility is not named in the plan."),
            ErrorCode.FACILITY_NOT_IN_PLAN,
        )
    return facility


# Treatments and outcomes ------------------------------------------------------------------


@transaction.atomic
def treatment_record(
    *,
    plan: Plan,
    patient_code: str,
    treated_on: date,
    actor: Any,
    facility: ProcessingFacility | None = None,
    lot: str = "",
    today: date | None = None,
) -> Treatment:
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    code = _check_patient_code(patient_code)
    _not_future("treated_on", treated_on, today)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    ensure_plan_may_provide(plan, treated_on)
    facility = _facility_of(plan, facility)
    treatment = Treatment.objects.create(
        plan=plan,
        patient_code=code,
        treated_on=treated_on,
        facility=facility,
        lot=lot.strip()[:60],
        recorded_by=actor,
    )
    audit_record(
        action="reporting.treatment.recorded",
        actor=actor,
        target=treatment,
        data={"plan": plan.pk, "treated_on": treated_on, "facility": facility.number},
    )
    return treatment


def _criterion_of(plan: Plan, criterion: EvaluationCriterion) -> EvaluationCriterion:
    if criterion.plan_id != plan.pk or not criterion.is_current:
        raise _invalid(
            "criterion",
            _("This criterion is not one of the plan's current evaluation criteria."),
            ErrorCode.CRITERION_NOT_IN_PLAN,
        )
    return criterion


@transaction.atomic
def outcome_record(
    *,
    treatment: Treatment,
    criterion: EvaluationCriterion,
    measured_on: date,
    value: Decimal,
    actor: Any,
    note: str = "",
    today: date | None = None,
) -> OutcomeMeasurement:
    ensure_can(actor, "reporting.record", treatment.plan)
    today = today or legal_today()
    _criterion_of(treatment.plan, criterion)
    _not_future("measured_on", measured_on, today)
    if measured_on < treatment.treated_on:
        raise _invalid(
            "measured_on",
            _("An outcome cannot be measured before the treatment."),
            ErrorCode.DATE_ORDER,
        )
    try:
        with transaction.atomic():
            measurement = OutcomeMeasurement.objects.create(
                treatment=treatment,
                criterion=criterion,
                measured_on=measured_on,
                value=value,
                note=note.strip()[:300],
                recorded_by=actor,
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.DUPLICATE,
            _("This criterion is already measured for this treatment."),
            details={"field": "criterion"},
            status=409,
        ) from None
    audit_record(
        action="reporting.outcome.recorded",
        actor=actor,
        target=measurement,
        data={
            "treatment": treatment.pk,
            "criterion": criterion.pk,
            "measured_on": measured_on,
            "value": value,
        },
    )
    return measurement


# CSV import ---------------------------------------------------------------------------------
#
# An import runs in two phases so that it never blocks other users. The first reads and checks
# every row with no transaction open, reading the plan, its facilities or criteria and the rows
# already recorded once each (never once per row), and collects every error with its line
# number. Only a file without errors reaches the second phase: one short transaction that
# re-checks what may have changed meanwhile (the plan's state, its facilities or criteria),
# writes the rows in chunks and appends one audit event. SQLite has one write lock for the
# whole database, so a transaction held while a large file is parsed would make every other
# writer, and every bearer-token read that records its last use, wait and then fail.

MAX_IMPORT_ROWS = 20_000
IMPORT_CHUNK_ROWS = 1_000

# The CSV text, its UTF-8 bytes, or a binary file such as an uploaded file (read as a stream).
CsvSource = str | bytes | IO[bytes]


@dataclass(frozen=True)
class ImportResult:
    created: int


@dataclass(frozen=True)
class TreatmentImport:
    """A treatments file whose every row passed the checks, ready to be written."""

    plan: Plan
    actor: Any
    lines: tuple[int, ...]
    rows: tuple[Treatment, ...]


@dataclass(frozen=True)
class OutcomeImport:
    """An outcomes file whose every row passed the checks, ready to be written."""

    plan: Plan
    actor: Any
    lines: tuple[int, ...]
    rows: tuple[OutcomeMeasurement, ...]


class _Unreadable(Exception):
    """The file cannot be read on from this line: nothing after it can be checked."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


def _text_lines(source: CsvSource) -> Iterator[str]:
    if isinstance(source, str):
        return io.StringIO(source.removeprefix("\ufeff"), newline="")
    binary: Any = io.BytesIO(source) if isinstance(source, bytes) else source
    # An uploaded file (Django's UploadedFile) wraps the real stream, in memory or on disk.
    binary = getattr(binary, "file", binary)
    binary.seek(0)
    # Decoded line by line, so that a byte that is not UTF-8 is reported on its own line;
    # utf-8-sig: Excel writes a byte-order mark before UTF-8 CSV.
    return codecs.iterdecode(binary, "utf-8-sig")


def _csv_rows(
    source: CsvSource, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> Iterator[tuple[int, dict[str, str]]]:
    """Each non-blank row with its line number, as the named columns' stripped values.

    The file is read as a stream. A missing column refuses the file at once; a line that
    cannot be decoded or parsed ends the reading (raised as _Unreadable)."""
    reader = csv.reader(_text_lines(source))
    try:
        header = [name.strip() for name in next(reader, [])]
    except (csv.Error, UnicodeDecodeError):
        raise _Unreadable(1, _("Save the file as UTF-8 CSV and try again.")) from None
    missing = [column for column in required if column not in header]
    if missing:
        raise DomainError(
            ErrorCode.CSV_INVALID,
            _("The CSV file lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)},
            details={
                "errors": [{"line": 1, "field": c, "message": _("missing column")} for c in missing]
            },
        )
    wanted = [(c, header.index(c)) for c in (*required, *optional) if c in header]
    count = 0
    while True:
        try:
            values = next(reader, None)
        except UnicodeDecodeError:
            raise _Unreadable(
                reader.line_num + 1, _("Save the file as UTF-8 CSV and try again.")
            ) from None
        except csv.Error:
            # A NUL character, an unclosed quote, a field over the csv module's size limit.
            raise _Unreadable(
                reader.line_num,
                _("This line cannot be read as CSV (a control character or a broken quote)."),
            ) from None
        if values is None:
            return
        if not any(v.strip() for v in values):
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            raise DomainError(
                ErrorCode.CSV_INVALID,
                _("A CSV file may hold at most %(n)s rows.") % {"n": MAX_IMPORT_ROWS},
                details={
                    "errors": [
                        {
                            "line": reader.line_num,
                            "field": "",
                            "message": _("too many rows"),
                        }
                    ]
                },
            )
        yield (
            reader.line_num,
            {c: (values[i].strip() if i < len(values) else "") for c, i in wanted},
        )


def _check_rows(
    rows: Iterator[tuple[int, dict[str, str]]], check: Callable[[dict[str, str]], T]
) -> tuple[tuple[int, ...], tuple[T, ...]]:
    """Check every row; all or nothing: any error refuses the file, naming each line."""
    errors: list[dict[str, Any]] = []
    lines: list[int] = []
    checked: list[T] = []
    try:
        for line, row in rows:
            try:
                item = check(row)
            except DomainError as exc:
                errors.append(_csv_error(line, exc))
                continue
            lines.append(line)
            checked.append(item)
    except _Unreadable as exc:
        errors.append(
            {"line": exc.line, "field": "", "code": ErrorCode.CSV_INVALID, "message": exc.message}
        )
    if errors:
        raise _fail_csv(errors)
    if not checked:
        raise DomainError(
            ErrorCode.CSV_INVALID, _("The CSV file has no rows."), details={"errors": []}
        )
    return tuple(lines), tuple(checked)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _csv_date(row: dict[str, str], field: str) -> date:
    text = row.get(field, "")
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise _invalid(field, _("Write the date as YYYY-MM-DD.")) from None


def _csv_text(row: dict[str, str], field: str, max_length: int) -> str:
    text = row.get(field, "")
    if len(text) > max_length:
        raise _invalid(
            field,
            _("At most %(n)s characters (this text has %(length)s).")
            % {"n": max_length, "length": len(text)},
        )
    return text


def _csv_error(line: int, exc: DomainError) -> dict[str, Any]:
    return {
        "line": line,
        "field": exc.details.get("field", ""),
        "code": exc.code,
        "message": str(exc.message),
    }


def _fail_csv(errors: list[dict[str, Any]]) -> DomainError:
    return DomainError(
        ErrorCode.CSV_INVALID,
        _("The file was not imported: %(n)s error(s). Nothing was saved.") % {"n": len(errors)},
        details={"errors": errors},
    )


def _ensure_plan_in_force(plan: Plan) -> None:
    """The refusals of ensure_plan_may_provide that do not depend on the day (suspended,
    restricted, not filed): one answer for the whole file rather than one per row."""
    ensure_plan_may_provide(plan, date.max)


def treatments_import_check(
    *, plan: Plan, source: CsvSource, actor: Any, today: date | None = None
) -> TreatmentImport:
    """Read and check a treatments file (patient_code, treated_on, facility_number, lot)
    without writing anything or opening a transaction. Raises DomainError naming every bad
    line; the result is written by treatments_import_write."""
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    plan = Plan.objects.select_related("institution").get(pk=plan.pk)
    _ensure_plan_in_force(plan)
    facilities = _current_facilities(plan)

    def check(row: dict[str, str]) -> Treatment:
        code = _check_patient_code(row["patient_code"])
        treated_on = _csv_date(row, "treated_on")
        _not_future("treated_on", treated_on, today)
        ensure_plan_may_provide(plan, treated_on)
        facility = _pick_facility(facilities, None, row.get("facility_number", ""))
        return Treatment(
            plan=plan,
            patient_code=code,
            treated_on=treated_on,
            facility=facility,
            lot=_csv_text(row, "lot", LOT_MAX),
            recorded_by=actor,
        )

    lines, rows = _check_rows(
        _csv_rows(source, ("patient_code", "treated_on"), ("facility_number", "lot")), check
    )
    return TreatmentImport(plan=plan, actor=actor, lines=lines, rows=rows)


@transaction.atomic
def treatments_import_write(*, batch: TreatmentImport) -> ImportResult:
    """Write a checked treatments file in one short transaction with one audit event."""
    actor = batch.actor
    ensure_can(actor, "reporting.record", batch.plan)
    plan = Plan.objects.select_for_update().get(pk=batch.plan.pk)
    # What may have changed since the rows were checked: the plan's state and its facilities.
    _ensure_plan_in_force(plan)
    current = set(
        plan.plan_facilities.filter(is_current=True).values_list("facility_id", flat=True)
    )
    errors: list[dict[str, Any]] = []
    for line, treatment in zip(batch.lines, batch.rows, strict=True):
        try:
            ensure_plan_may_provide(plan, treatment.treated_on)
            if treatment.facility_id not in current:
                raise _invalid(
                    "facility_number",
                    _("This processing facility is no longer named in the plan."),
                    ErrorCode.FACILITY_NOT_IN_PLAN,
                )
        except DomainError as exc:
            errors.append(_csv_error(line, exc))
    if errors:
        raise _fail_csv(errors)
    Treatment.objects.bulk_create(batch.rows, batch_size=IMPORT_CHUNK_ROWS)
    audit_record(
        action="reporting.treatments.imported",
        actor=actor,
        target=plan,
        data={
            "rows": len(batch.rows),
            "first": min(t.treated_on for t in batch.rows),
            "last": max(t.treated_on for t in batch.rows),
        },
    )
    return ImportResult(created=len(batch.rows))


def treatments_import_csv(
    *, plan: Plan, source: CsvSource, actor: Any, today: date | None = None
) -> ImportResult:
    """Import treatments from CSV (patient_code, treated_on, facility_number, lot); all or
    none. The rows are checked first with no transaction open, then written in one short
    one."""
    batch = treatments_import_check(plan=plan, source=source, actor=actor, today=today)
    return treatments_import_write(batch=batch)


def outcomes_import_check(
    *, plan: Plan, source: CsvSource, actor: Any, today: date | None = None
) -> OutcomeImport:
    """Read and check an outcomes file (patient_code, treated_on, criterion, measured_on,
    value, note) without writing anything or opening a transaction.

    `criterion` is the criterion's position in the plan (1, 2, …). The treatment is found by
    patient code and treatment date. Raises DomainError naming every bad line."""
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    criteria = {str(c.position): c for c in plan.criteria.filter(is_current=True)}
    treatments: dict[tuple[str, date], list[int]] = {}
    for pk, code, treated_on in Treatment.objects.filter(plan=plan).values_list(
        "pk", "patient_code", "treated_on"
    ):
        treatments.setdefault((code, treated_on), []).append(pk)
    already = set(
        OutcomeMeasurement.objects.filter(treatment__plan=plan).values_list(
            "treatment_id", "criterion_id"
        )
    )
    value_field = OutcomeMeasurement._meta.get_field("value")
    value_limit = DecimalValidator(value_field.max_digits, value_field.decimal_places)

    def check(row: dict[str, str]) -> OutcomeMeasurement:
        code = _check_patient_code(row["patient_code"])
        treated_on = _csv_date(row, "treated_on")
        measured_on = _csv_date(row, "measured_on")
        criterion = criteria.get(row["criterion"])
        if criterion is None:
            raise _invalid(
                "criterion",
                _("No current evaluation criterion has this number."),
                ErrorCode.CRITERION_NOT_IN_PLAN,
            )
        value = _csv_value(row["value"], value_limit)
        matches = treatments.get((code, treated_on), [])
        if len(matches) != 1:
            raise _invalid(
                "treated_on",
                _("No treatment of this patient on this date.")
                if not matches
                else _("Several treatments of this patient on this date: use the outcome form."),
            )
        treatment_id = matches[0]
        _not_future("measured_on", measured_on, today)
        if measured_on < treated_on:
            raise _invalid(
                "measured_on",
                _("An outcome cannot be measured before the treatment."),
                ErrorCode.DATE_ORDER,
            )
        if (treatment_id, criterion.pk) in already:
            raise _invalid(
                "criterion",
                _("This criterion is already measured for this treatment."),
                ErrorCode.DUPLICATE,
            )
        already.add((treatment_id, criterion.pk))
        return OutcomeMeasurement(
            treatment_id=treatment_id,
            criterion=criterion,
            measured_on=measured_on,
            value=value,
            note=_csv_text(row, "note", NOTE_MAX),
            recorded_by=actor,
        )

    lines, rows = _check_rows(
        _csv_rows(
            source, ("patient_code", "treated_on", "criterion", "measured_on", "value"), ("note",)
        ),
        check,
    )
    return OutcomeImport(plan=plan, actor=actor, lines=lines, rows=rows)


def _csv_value(text: str, limit: DecimalValidator) -> Decimal:
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
    except InvalidOperation:
        raise _invalid("value", _("The value must be a number.")) from None
    try:
        limit(value)
    except ValidationError as exc:
        raise _invalid("value", str(exc.messages[0])) from None
    return value


@transaction.atomic
def outcomes_import_write(*, batch: OutcomeImport) -> ImportResult:
    """Write a checked outcomes file in one short transaction with one audit event."""
    actor = batch.actor
    ensure_can(actor, "reporting.record", batch.plan)
    plan = Plan.objects.select_for_update().get(pk=batch.plan.pk)
    current = set(plan.criteria.filter(is_current=True).values_list("pk", flat=True))
    errors = [
        _csv_error(
            line,
            _invalid(
                "criterion",
                _("This criterion is no longer one of the plan's current evaluation criteria."),
                ErrorCode.CRITERION_NOT_IN_PLAN,
            ),
        )
        for line, outcome in zip(batch.lines, batch.rows, strict=True)
        if outcome.criterion_id not in current
    ]
    if errors:
        raise _fail_csv(errors)
    try:
        with transaction.atomic():
            OutcomeMeasurement.objects.bulk_create(batch.rows, batch_size=IMPORT_CHUNK_ROWS)
    except IntegrityError:
        # Recorded by someone else after the check (one_outcome_per_criterion).
        raise DomainError(
            ErrorCode.DUPLICATE,
            _(
                "Some of these outcomes were recorded while the file was being checked. Nothing "
                "was saved: import the file again to see which."
            ),
            status=409,
        ) from None
    audit_record(
        action="reporting.outcomes.imported",
        actor=actor,
        target=plan,
        data={"rows": len(batch.rows)},
    )
    return ImportResult(created=len(batch.rows))


def outcomes_import_csv(
    *, plan: Plan, source: CsvSource, actor: Any, today: date | None = None
) -> ImportResult:
    """Import outcomes from CSV (patient_code, treated_on, criterion, measured_on, value,
    note); all or nothing. Checked first with no transaction open, then written in one short
    transaction."""
    batch = outcomes_import_check(plan=plan, source=source, actor=actor, today=today)
    return outcomes_import_write(batch=batch)


# Adverse events -----------------------------------------------------------------------------


def ae_cycle_period(plan: Plan, learned_on: date) -> int:
    """The 60-day period, counted from the filing date, in which the event became known."""
    if plan.filed_on is None:
        raise _invalid("plan", _("The plan has not been filed."), ErrorCode.PLAN_NOT_PROVIDING)
    return (learned_on - plan.filed_on).days // 60 + 1


@transaction.atomic
def adverse_event_record(
    *,
    plan: Plan,
    patient_code: str,
    learned_on: date,
    category: str,
    description: str,
    outcome: str,
    causality: str,
    actor: Any,
    treatment: Treatment | None = None,
    onset_on: date | None = None,
    infection: bool = False,
    today: date | None = None,
) -> AdverseEvent:
    """Record an adverse event and open the reports it owes, with their due dates."""
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    code = _check_patient_code(patient_code)
    for field, value, choices in (
        ("category", category, AECategory.values),
        ("outcome", outcome, AEOutcome.values),
        ("causality", causality, AECausality.values),
    ):
        if value not in choices:
            raise _invalid(field, _("Choose one of the listed values."))
    if not description.strip():
        raise _invalid("description", _("Describe the event."))
    _not_future("learned_on", learned_on, today)
    if onset_on is not None and onset_on > learned_on:
        raise _invalid(
            "onset_on",
            _("The onset cannot be after the day the institution learned of it."),
            ErrorCode.DATE_ORDER,
        )
    if plan.filed_on is None or learned_on < plan.filed_on:
        raise _invalid(
            "learned_on",
            _("Adverse events are recorded under a filed plan, from its filing date."),
            ErrorCode.PLAN_NOT_PROVIDING,
        )
    if treatment is not None and (treatment.plan_id != plan.pk or treatment.patient_code != code):
        raise _invalid("treatment", _("This treatment is not this patient's under this plan."))
    event = AdverseEvent.objects.create(
        plan=plan,
        treatment=treatment,
        patient_code=code,
        learned_on=learned_on,
        onset_on=onset_on,
        category=category,
        infection=infection,
        description=description.strip()[:4000],
        outcome=outcome,
        causality=causality,
        recorded_by=actor,
    )
    audit_record(
        action="reporting.adverse_event.recorded",
        actor=actor,
        target=event,
        data={"plan": plan.pk, "category": category, "learned_on": learned_on, "rule": event.rule},
    )
    for spec in specs.adverse_event_specs(event):
        obligation_open(spec=spec, actor=actor, today=today)
    return event


def ae_report_recipients(plan: Plan, rule: str) -> tuple[str, ...]:
    """Who receives a report of this adverse-event rule about this plan (domain.md §1.8): a
    serious event's report goes to the committee (Act Art 17(1)) and to the plan's authority (Act
    Art 18: the Minister for Class I, the Regional Bureau for Class II and III); the report of a
    60-day period's other events to the committee only (Ordinance Art 35(1)(iii))."""
    if rule == "ae_other_cycle":
        return (Recipient.COMMITTEE.value,)
    return tuple(specs.plan_recipients(plan))


def _recipient_label(recipient: str) -> str:
    return str(Recipient(recipient).label) if recipient in Recipient.values else recipient


def _check_recipient(plan: Plan, rule: str, recipient: str) -> None:
    if recipient not in Recipient.values:
        raise _invalid("recipient", _("Choose one of the listed values."))
    allowed = ae_report_recipients(plan, rule)
    if recipient in allowed:
        return
    if rule == "ae_other_cycle":
        message = _(
            "The other adverse events of a 60-day period are reported to the committee only "
            "(Ordinance Art 35(1)(iii))."
        )
    else:
        message = _(
            "This plan's adverse-event reports go to the committee and to %(authority)s, the "
            "authority the plan was filed with, not to %(recipient)s."
        ) % {
            "authority": _recipient_label(specs.plan_authority(plan)),
            "recipient": _recipient_label(recipient),
        }
    raise DomainError(
        ErrorCode.INVALID_INPUT,
        message,
        details={"field": "recipient", "recipient": recipient, "allowed": list(allowed)},
    )


@transaction.atomic
def adverse_event_report_file(
    *,
    plan: Plan,
    recipient: str,
    reported_on: date,
    summary: str,
    actor: Any,
    event: AdverseEvent | None = None,
    period: int | None = None,
    today: date | None = None,
) -> AdverseEventReport:
    """File the report an event (or a 60-day period's other events) owes to one recipient; it
    meets that recipient's duty only (the other recipient's duty stays as it is).

    A serious event's report goes to the committee and to the plan's authority, each separately;
    a recipient the law does not send this plan's report to is refused (field ``recipient``).
    """
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    _not_future("reported_on", reported_on, today)
    if recipient not in Recipient.values:
        raise _invalid("recipient", _("Choose one of the listed values."))
    if not summary.strip():
        raise _invalid("summary", _("Summarise the report."))
    if (event is None) == (period is None):
        raise _invalid("event", _("A report is of one serious event or of one 60-day period."))
    if event is not None:
        if event.plan_id != plan.pk:
            raise _invalid("event", _("This event is not under this plan."))
        if event.category == AECategory.NON_SERIOUS:
            raise _invalid(
                "event", _("Non-serious events are reported together for their 60-day period.")
            )
        rule = event.rule
        if reported_on < event.learned_on:
            raise _invalid(
                "reported_on",
                _("A report cannot precede the day the event became known."),
                ErrorCode.DATE_ORDER,
            )
        wanted = [s for s in specs.adverse_event_specs(event) if s.recipient == recipient]
    else:
        assert period is not None
        rule = "ae_other_cycle"
        if (
            period < 1
            or not AdverseEvent.objects.filter(plan=plan, category=AECategory.NON_SERIOUS).exists()
        ):
            raise _invalid(
                "period",
                _("No non-serious adverse events are recorded for this period."),
                ErrorCode.PERIOD_INVALID,
            )
        wanted = [s for s in specs.plan_cycle_specs(plan) if s.period == period]
        if not wanted:
            raise _invalid(
                "period",
                _("No non-serious adverse events are recorded for this period."),
                ErrorCode.PERIOD_INVALID,
            )
        _start, end = period_bounds("ae_other_cycle", plan.filed_on, period)
        if reported_on <= end:
            raise _invalid(
                "reported_on",
                _("The period's report is made after the period ends (%(day)s).") % {"day": end},
                ErrorCode.PERIOD_NOT_ENDED,
            )
    _check_recipient(plan, rule, recipient)
    wanted = [spec for spec in wanted if spec.recipient == recipient]
    try:
        with transaction.atomic():
            report = AdverseEventReport.objects.create(
                plan=plan,
                rule=rule,
                recipient=recipient,
                event=event,
                period=period,
                reported_on=reported_on,
                summary=summary.strip()[:4000],
                recorded_by=actor,
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.DUPLICATE, _("This report has already been filed."), status=409
        ) from None
    audit_record(
        action="reporting.ae_report.filed",
        actor=actor,
        target=report,
        data={
            "rule": rule,
            "recipient": recipient,
            "event": event.pk if event else None,
            "period": period,
            "reported_on": reported_on,
        },
    )
    _meet(wanted, met_on=reported_on, record=report, actor=actor, today=today)
    return report


def _meet(
    wanted: list[Any], *, met_on: date, record: Any, actor: Any, today: date
) -> list[Obligation]:
    """Meet each duty named (opened first where no event has opened it yet: opening is
    idempotent); a duty already met or waived is left as it is."""
    met = []
    for spec in wanted:
        obligation = obligation_open(spec=spec, actor=actor, today=today)
        if obligation.status in OUTSTANDING:
            obligation = obligation_meet(
                obligation=obligation, met_on=met_on, record=record, actor=actor
            )
        met.append(obligation)
    return met


@transaction.atomic
def adverse_event_report_review(
    *, report: AdverseEventReport, opinion: str, actor: Any, today: date | None = None
) -> AdverseEventReport:
    """The committee's opinion on an adverse-event report sent to it."""
    ensure_can(actor, "reporting.review", report)
    if report.recipient != Recipient.COMMITTEE:
        raise _invalid("report", _("Only reports to the committee are reviewed by it."))
    if not opinion.strip():
        raise _invalid("opinion", _("Write the committee's opinion."))
    changed = AdverseEventReport.objects.filter(pk=report.pk, reviewed_on__isnull=True).update(
        committee_opinion=opinion.strip(),
        reviewed_on=today or legal_today(),
        reviewed_by=actor,
    )
    if not changed:
        raise DomainError(
            ErrorCode.REPORT_WRONG_STATUS, _("This report has already been reviewed."), status=409
        )
    report.refresh_from_db()
    audit_record(
        action="reporting.ae_report.reviewed",
        actor=actor,
        target=report,
        data={"reviewed_on": report.reviewed_on},
    )
    return report


# Periodic reports ---------------------------------------------------------------------------


def _period(plan: Plan, period: int) -> tuple[date, date]:
    if plan.filed_on is None:
        raise _invalid("plan", _("The plan has not been filed."), ErrorCode.PLAN_NOT_PROVIDING)
    if period < 1:
        raise _invalid("period", _("Periods are numbered from 1."), ErrorCode.PERIOD_INVALID)
    return period_bounds("periodic_report", plan.filed_on, period)


@transaction.atomic
def periodic_report_generate(
    *, plan: Plan, period: int, actor: Any, today: date | None = None
) -> PeriodicReport:
    """Generate (or regenerate, while a draft) the report of a period that has ended."""
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    start, end = _period(plan, period)
    if today <= end:
        raise _invalid(
            "period",
            _("This period ends on %(day)s; its report can be prepared from the next day.")
            % {"day": end},
            ErrorCode.PERIOD_NOT_ENDED,
        )
    figures = periodic_report_figures(plan, start, end)
    report, created = PeriodicReport.objects.select_for_update().get_or_create(
        plan=plan,
        period=period,
        defaults={
            "period_start": start,
            "period_end": end,
            "figures": figures,
            "generated_at": timezone.now(),
            "created_by": actor,
        },
    )
    if not created:
        if report.status != PeriodicReportStatus.DRAFT:
            raise DomainError(
                ErrorCode.REPORT_WRONG_STATUS,
                _("Only a draft report can be regenerated."),
                status=409,
            )
        PeriodicReport.objects.filter(pk=report.pk).update(
            figures=figures, generated_at=timezone.now()
        )
        report.refresh_from_db()
    audit_record(
        action="reporting.periodic_report.generated",
        actor=actor,
        target=report,
        data={"period": period, "cases": figures["cases"], "regenerated": not created},
    )
    return report


def _transition(report: PeriodicReport, old: str, new: str, **values: Any) -> None:
    changed = PeriodicReport.objects.filter(pk=report.pk, status=old).update(status=new, **values)
    if not changed:
        raise DomainError(
            ErrorCode.REPORT_WRONG_STATUS,
            _("The report is not in the state this step needs."),
            details={"status": report.status, "needs": old},
            status=409,
        )
    report.refresh_from_db()


# Ordinance Art 37(1)(iii)-(v): what the institution writes itself, each required before the
# report goes to the committee ("none" is an answer; an empty item is not).
ART37_ITEMS: tuple[tuple[str, Any], ...] = (
    (
        "evaluation",
        gettext_lazy(
            "Write the institution's evaluation of the safety and scientific validity of the "
            "treatment in this period (Ordinance Art 37(1)(iii))."
        ),
    ),
    (
        "conflicts_of_interest",
        gettext_lazy(
            "State the conflict-of-interest matters: the involvement of anyone with an interest "
            '(Ordinance Art 8-8, Art 37(1)(iv)). Write "none" if there were none.'
        ),
    ),
    (
        "non_compliance",
        gettext_lazy(
            "State any non-compliance with the Ordinance or the plan and how it was handled "
            '(Ordinance Art 37(1)(v)). Write "none" if there was none.'
        ),
    ),
)
ART37_FIELDS = tuple(name for name, _message in ART37_ITEMS)


def _written_items(report: PeriodicReport, given: dict[str, str | None]) -> dict[str, str]:
    """The report's written items with those given replacing the stored ones; each bounded."""
    items: dict[str, str] = {}
    for name in ART37_FIELDS:
        value = given.get(name)
        text = (getattr(report, name) if value is None else value).strip()
        if len(text) > REPORT_TEXT_MAX:
            raise _invalid(
                name,
                _("At most %(n)s characters (this text has %(length)s).")
                % {"n": REPORT_TEXT_MAX, "length": len(text)},
            )
        items[name] = text
    return items


def _locked_draft(report: PeriodicReport) -> PeriodicReport:
    locked = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != PeriodicReportStatus.DRAFT:
        raise DomainError(
            ErrorCode.REPORT_WRONG_STATUS,
            _("Only a draft report can be changed or submitted."),
            details={"status": locked.status, "needs": PeriodicReportStatus.DRAFT},
            status=409,
        )
    return locked


@transaction.atomic
def periodic_report_write(
    *,
    report: PeriodicReport,
    actor: Any,
    evaluation: str | None = None,
    conflicts_of_interest: str | None = None,
    non_compliance: str | None = None,
) -> PeriodicReport:
    """Save the institution's written items of a draft (Ordinance Art 37(1)(iii)-(v)); an item
    not given is kept. Empty items may be saved in a draft; submission needs them all."""
    ensure_can(actor, "reporting.record", report.plan)
    locked = _locked_draft(report)
    items = _written_items(
        locked,
        {
            "evaluation": evaluation,
            "conflicts_of_interest": conflicts_of_interest,
            "non_compliance": non_compliance,
        },
    )
    changed = sorted(name for name, text in items.items() if getattr(locked, name) != text)
    if changed:
        PeriodicReport.objects.filter(pk=report.pk).update(**items)
    report.refresh_from_db()
    audit_record(
        action="reporting.periodic_report.written",
        actor=actor,
        target=report,
        data={"changed": changed, "lengths": {name: len(items[name]) for name in changed}},
    )
    return report


def _missing_items(items: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"field": name, "message": str(message)} for name, message in ART37_ITEMS if not items[name]
    ]


@transaction.atomic
def periodic_report_submit(
    *,
    report: PeriodicReport,
    actor: Any,
    today: date | None = None,
    evaluation: str | None = None,
    conflicts_of_interest: str | None = None,
    non_compliance: str | None = None,
) -> PeriodicReport:
    """Submit the report to the committee (Act Art 20(1); Ordinance Art 37): meets the duty to
    the committee on the day of submission.

    The written items given replace the draft's; every item Ordinance Art 37(1) requires must
    then be there, or nothing is saved and each missing item is named. The figures are
    regenerated one last time and frozen, so the committee and the authority see what was
    reviewed.
    """
    ensure_can(actor, "reporting.record", report.plan)
    today = today or legal_today()
    locked = _locked_draft(report)
    items = _written_items(
        locked,
        {
            "evaluation": evaluation,
            "conflicts_of_interest": conflicts_of_interest,
            "non_compliance": non_compliance,
        },
    )
    missing = _missing_items(items)
    if missing:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _(
                "The report lacks what Ordinance Art 37(1) requires of it, so it was not "
                "submitted: %(items)s."
            )
            % {
                "items": ", ".join(
                    str(PeriodicReport._meta.get_field(m["field"]).verbose_name) for m in missing
                )
            },
            details={"field": missing[0]["field"], "errors": missing},
        )
    figures = periodic_report_figures(report.plan, report.period_start, report.period_end)
    _transition(
        report,
        PeriodicReportStatus.DRAFT,
        PeriodicReportStatus.SUBMITTED,
        figures=figures,
        generated_at=timezone.now(),
        submitted_on=today,
        **items,
    )
    audit_record(
        action="reporting.periodic_report.submitted",
        actor=actor,
        target=report,
        data={"submitted_on": today, "to": Recipient.COMMITTEE.value},
    )
    _meet(
        [specs.periodic_report_spec(report.plan, report.period, Recipient.COMMITTEE.value)],
        met_on=today,
        record=report,
        actor=actor,
        today=today,
    )
    return report


@transaction.atomic
def periodic_report_review(
    *,
    report: PeriodicReport,
    continuation: str,
    opinion: str,
    actor: Any,
    today: date | None = None,
) -> PeriodicReport:
    """Record the committee's opinion on the submitted report: whether provision may continue
    (continue, continue with changes or conditions, not appropriate to continue) and its
    reasons (Ordinance Art 37(4))."""
    ensure_can(actor, "reporting.review", report)
    if continuation not in Continuation.values:
        raise _invalid(
            "continuation",
            _("Choose whether the committee finds it appropriate to continue provision."),
        )
    opinion = opinion.strip()
    if not opinion:
        raise _invalid("opinion", _("Write the committee's opinion."))
    if len(opinion) > REPORT_TEXT_MAX:
        raise _invalid(
            "opinion",
            _("At most %(n)s characters (this text has %(length)s).")
            % {"n": REPORT_TEXT_MAX, "length": len(opinion)},
        )
    today = today or legal_today()
    _transition(
        report,
        PeriodicReportStatus.SUBMITTED,
        PeriodicReportStatus.REVIEWED,
        continuation=continuation,
        committee_opinion=opinion,
        reviewed_on=today,
        reviewed_by=actor,
    )
    audit_record(
        action="reporting.periodic_report.reviewed",
        actor=actor,
        target=report,
        data={"reviewed_on": today, "continuation": continuation, "opinion_length": len(opinion)},
    )
    return report


@transaction.atomic
def periodic_report_file(
    *, report: PeriodicReport, filed_on: date, actor: Any, today: date | None = None
) -> PeriodicReport:
    """File the report with the plan's authority, with the committee's opinion on continuing
    attached (Act Art 21(1); Ordinance Art 38): meets the duty to the authority. Refused until
    the committee has given its opinion."""
    ensure_can(actor, "reporting.file", report.plan)
    today = today or legal_today()
    _not_future("filed_on", filed_on, today)
    report.refresh_from_db()
    if report.status in (PeriodicReportStatus.DRAFT, PeriodicReportStatus.SUBMITTED):
        raise DomainError(
            ErrorCode.REPORT_WRONG_STATUS,
            _(
                "The report goes to the authority with the committee's opinion on continuing "
                "attached (Ordinance Art 38): it can be filed once the committee has given it."
            ),
            details={"field": "filed_on", "status": report.status},
            status=409,
        )
    if report.reviewed_on and filed_on < report.reviewed_on:
        raise _invalid(
            "filed_on", _("A report is filed after the committee's opinion."), ErrorCode.DATE_ORDER
        )
    _transition(
        report, PeriodicReportStatus.REVIEWED, PeriodicReportStatus.FILED, filed_on=filed_on
    )
    authority = specs.plan_authority(report.plan)
    audit_record(
        action="reporting.periodic_report.filed",
        actor=actor,
        target=report,
        data={"filed_on": filed_on, "to": authority, "continuation": report.continuation},
    )
    _meet(
        [specs.periodic_report_spec(report.plan, report.period, authority)],
        met_on=filed_on,
        record=report,
        actor=actor,
        today=today,
    )
    return report
