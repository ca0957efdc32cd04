"""CSV imports of treatments and outcomes, checked in full before one short write."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import IO, Any, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import (
    DomainError,
    ErrorCode,
    FieldError,
    field_error,
    invalid,
    invalid_fields,
)
from saisei.core.time import legal_today
from saisei.plans.models import Plan
from saisei.reporting.models import OutcomeMeasurement, Treatment
from saisei.reporting.services.common import (
    _check_patient_code,
    _current_facilities,
    _not_future,
    _pick_facility,
    ensure_plan_may_provide,
)

T = TypeVar("T")
LOT_MAX = Treatment._meta.get_field("lot").max_length or 60
NOTE_MAX = OutcomeMeasurement._meta.get_field("note").max_length or 300

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
    actor: User
    lines: tuple[int, ...]
    rows: tuple[Treatment, ...]


@dataclass(frozen=True)
class OutcomeImport:
    """An outcomes file whose every row passed the checks, ready to be written."""

    plan: Plan
    actor: User
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
        raise invalid_fields(
            [field_error(c, _("missing column"), line=1) for c in missing],
            ErrorCode.CSV_INVALID,
            message=_("The CSV file lacks the columns: %(columns)s.")
            % {"columns": ", ".join(missing)},
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
            raise invalid_fields(
                [field_error("", _("too many rows"), line=reader.line_num)],
                ErrorCode.CSV_INVALID,
                message=_("A CSV file may hold at most %(n)s rows.") % {"n": MAX_IMPORT_ROWS},
            )
        yield (
            reader.line_num,
            {c: (values[i].strip() if i < len(values) else "") for c, i in wanted},
        )


def _check_rows(
    rows: Iterator[tuple[int, dict[str, str]]], check: Callable[[dict[str, str]], T]
) -> tuple[tuple[int, ...], tuple[T, ...]]:
    """Check every row; all or nothing: any error refuses the file, naming each line."""
    errors: list[FieldError] = []
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
        errors.append(_line_error(exc.line, "", exc.message, ErrorCode.CSV_INVALID))
    if errors:
        raise _fail_csv(errors)
    if not checked:
        raise invalid_fields([], ErrorCode.CSV_INVALID, message=_("The CSV file has no rows."))
    return tuple(lines), tuple(checked)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _csv_date(row: dict[str, str], field: str) -> date:
    text = row.get(field, "")
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(field, _("Write the date as YYYY-MM-DD.")) from None


def _csv_text(row: dict[str, str], field: str, max_length: int) -> str:
    text = row.get(field, "")
    if len(text) > max_length:
        raise invalid(
            field,
            _("At most %(n)s characters (this text has %(length)s).")
            % {"n": max_length, "length": len(text)},
        )
    return text


def _line_error(line: int, field: str, message: str, code: str) -> FieldError:
    """A field error of one line of the file, with the code of the rule that refused it (the
    API documents `code` beside `line`, `field` and `message`: one file may break several)."""
    return cast(FieldError, {**field_error(field, message, line=line), "code": code})


def _csv_error(line: int, exc: DomainError) -> FieldError:
    errors = exc.errors
    field = errors[0]["field"] if errors else ""
    return _line_error(line, field, str(exc.message), exc.code)


def _fail_csv(errors: list[FieldError]) -> DomainError:
    return invalid_fields(
        errors,
        ErrorCode.CSV_INVALID,
        message=_("The file was not imported: %(n)s error(s). Nothing was saved.")
        % {"n": len(errors)},
    )


def _ensure_plan_in_force(plan: Plan) -> None:
    """The refusals of ensure_plan_may_provide that do not depend on the day (suspended,
    restricted, not filed): one answer for the whole file rather than one per row."""
    ensure_plan_may_provide(plan, date.max)


def treatments_import_check(
    *, plan: Plan, source: CsvSource, actor: User, today: date | None = None
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
    errors: list[FieldError] = []
    for line, treatment in zip(batch.lines, batch.rows, strict=True):
        try:
            ensure_plan_may_provide(plan, treatment.treated_on)
            if treatment.facility_id not in current:
                raise invalid(
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
    *, plan: Plan, source: CsvSource, actor: User, today: date | None = None
) -> ImportResult:
    """Import treatments from CSV (patient_code, treated_on, facility_number, lot); all or
    none. The rows are checked first with no transaction open, then written in one short
    one."""
    batch = treatments_import_check(plan=plan, source=source, actor=actor, today=today)
    return treatments_import_write(batch=batch)


def outcomes_import_check(
    *, plan: Plan, source: CsvSource, actor: User, today: date | None = None
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
            raise invalid(
                "criterion",
                _("No current evaluation criterion has this number."),
                ErrorCode.CRITERION_NOT_IN_PLAN,
            )
        value = _csv_value(row["value"], value_limit)
        matches = treatments.get((code, treated_on), [])
        if len(matches) != 1:
            raise invalid(
                "treated_on",
                _("No treatment of this patient on this date.")
                if not matches
                else _("Several treatments of this patient on this date: use the outcome form."),
            )
        treatment_id = matches[0]
        _not_future("measured_on", measured_on, today)
        if measured_on < treated_on:
            raise invalid(
                "measured_on",
                _("An outcome cannot be measured before the treatment."),
                ErrorCode.DATE_ORDER,
            )
        if (treatment_id, criterion.pk) in already:
            raise invalid(
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
        raise invalid("value", _("The value must be a number.")) from None
    try:
        limit(value)
    except ValidationError as exc:
        raise invalid("value", str(exc.messages[0])) from None
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
            invalid(
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
    *, plan: Plan, source: CsvSource, actor: User, today: date | None = None
) -> ImportResult:
    """Import outcomes from CSV (patient_code, treated_on, criterion, measured_on, value,
    note); all or nothing. Checked first with no transaction open, then written in one short
    transaction."""
    batch = outcomes_import_check(plan=plan, source=source, actor=actor, today=today)
    return outcomes_import_write(batch=batch)
