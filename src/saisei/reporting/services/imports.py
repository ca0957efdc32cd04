"""CSV imports of treatments and outcomes, checked in full before one short write."""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from itertools import islice
from typing import IO, Any, NamedTuple, TypeVar, cast

from django.core.exceptions import ValidationError
from django.core.validators import DecimalValidator
from django.db import IntegrityError, connection, models, transaction
from django.utils import timezone
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
#
# Both phases are plain Python over tuples: a model instance per row (its descriptors, and
# bulk_create preparing each field of each instance) cost four times the insert itself. A check
# that depends only on a value seen before (a date, a facility number) is answered from what
# that value gave the first time; every row still goes through every check.

MAX_IMPORT_ROWS = 20_000
IMPORT_CHUNK_ROWS = 1_000

# The CSV text, its UTF-8 bytes, or a binary file such as an uploaded file (read as a stream).
CsvSource = str | bytes | IO[bytes]


@dataclass(frozen=True)
class ImportResult:
    created: int


class TreatmentRow(NamedTuple):
    """One checked row of a treatments file."""

    patient_code: str
    treated_on: date
    facility_id: int
    lot: str


class OutcomeRow(NamedTuple):
    """One checked row of an outcomes file."""

    treatment_id: int
    criterion_id: int
    measured_on: date
    value: Decimal
    note: str


@dataclass(frozen=True)
class TreatmentImport:
    """A treatments file whose every row passed the checks, ready to be written."""

    plan: Plan
    actor: User
    lines: tuple[int, ...]
    rows: tuple[TreatmentRow, ...]


@dataclass(frozen=True)
class OutcomeImport:
    """An outcomes file whose every row passed the checks, ready to be written."""

    plan: Plan
    actor: User
    lines: tuple[int, ...]
    rows: tuple[OutcomeRow, ...]


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
) -> Iterator[tuple[int, list[str]]]:
    """Each non-blank row with its line number, as the stripped values of the named columns in
    the order named (required, then optional; "" for an optional column the file lacks).

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
    width = len(header)
    # A column the file lacks reads as an empty cell appended after the header's columns.
    wanted = [header.index(c) if c in header else width for c in (*required, *optional)]
    padding = [""] * width
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
        if not "".join(values).strip():
            continue
        count += 1
        if count > MAX_IMPORT_ROWS:
            raise invalid_fields(
                [field_error("", _("too many rows"), line=reader.line_num)],
                ErrorCode.CSV_INVALID,
                message=_("A CSV file may hold at most %(n)s rows.") % {"n": MAX_IMPORT_ROWS},
            )
        if len(values) < width:
            values += padding[len(values) :]
        elif len(values) > width:
            del values[width:]
        values.append("")
        yield reader.line_num, [values[i].strip() for i in wanted]


def _check_rows(
    rows: Iterator[tuple[int, list[str]]], check: Callable[[list[str]], T]
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


def _csv_date(text: str, field: str) -> date:
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        return date.fromisoformat(text)
    except ValueError:
        raise invalid(field, _("Write the date as YYYY-MM-DD.")) from None


def _csv_text(text: str, field: str, max_length: int) -> str:
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


def _insert(
    model: type[models.Model], fields: Sequence[str], rows: Iterator[tuple[Any, ...]]
) -> None:
    """INSERT the rows (values of `fields`, in order) with the cursor's executemany, in chunks:
    what bulk_create does without preparing every field of a model instance per row. The values
    are already what the driver takes: dates, decimals, and created_at adapted once."""
    meta = model._meta
    quote = connection.ops.quote_name
    column = {f.name: f.column for f in meta.concrete_fields}
    columns = ", ".join(quote(str(column[name])) for name in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    # Only the model's own table and column names go into the text; every value is a parameter.
    sql = f"INSERT INTO {quote(meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        while chunk := list(islice(rows, IMPORT_CHUNK_ROWS)):
            cursor.executemany(sql, chunk)


def _created_at() -> Any:
    """The created_at of every row of a batch (auto_now_add), as the database driver takes it."""
    return connection.ops.adapt_datetimefield_value(timezone.now())


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
    # The date each treated_on text gave and the facility each number named, once each passed
    # their checks (the checks of a date or a number depend on nothing else in the row).
    days: dict[str, date] = {}
    facility_ids: dict[str, int] = {}

    def treatment_day(text: str) -> date:
        treated_on = _csv_date(text, "treated_on")
        _not_future("treated_on", treated_on, today)
        ensure_plan_may_provide(plan, treated_on)
        days[text] = treated_on
        return treated_on

    def facility_id(number: str) -> int:
        facility_ids[number] = _pick_facility(facilities, None, number).pk
        return facility_ids[number]

    def check(values: list[str]) -> TreatmentRow:
        code, day, number, lot = values
        code = _check_patient_code(code)
        treated_on = days.get(day)
        if treated_on is None:
            treated_on = treatment_day(day)
        facility = facility_ids.get(number)
        if facility is None:
            facility = facility_id(number)
        if len(lot) > LOT_MAX:
            _csv_text(lot, "lot", LOT_MAX)
        return TreatmentRow(code, treated_on, facility, lot)

    lines, rows = _check_rows(
        _csv_rows(source, ("patient_code", "treated_on"), ("facility_number", "lot")), check
    )
    return TreatmentImport(plan=plan, actor=actor, lines=lines, rows=rows)


_TREATMENT_FIELDS = (
    "plan",
    "patient_code",
    "treated_on",
    "facility",
    "lot",
    "recorded_by",
    "created_at",
)


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
    rows = batch.rows
    first = min(row.treated_on for row in rows)
    last = max(row.treated_on for row in rows)
    allowed_from = plan.provision_allowed_from
    if (allowed_from is not None and first < allowed_from) or not {
        row.facility_id for row in rows
    } <= current:
        _refuse_changed_treatments(plan, batch, current)
    plan_id, actor_id, created_at = plan.pk, actor.pk, _created_at()
    _insert(
        Treatment,
        _TREATMENT_FIELDS,
        (
            (plan_id, code, treated_on, facility, lot, actor_id, created_at)
            for code, treated_on, facility, lot in rows
        ),
    )
    audit_record(
        action="reporting.treatments.imported",
        actor=actor,
        target=plan,
        data={"rows": len(rows), "first": first, "last": last},
    )
    return ImportResult(created=len(rows))


def _refuse_changed_treatments(plan: Plan, batch: TreatmentImport, current: set[int]) -> None:
    """Name each line the plan's change since the check refuses."""
    errors: list[FieldError] = []
    for line, row in zip(batch.lines, batch.rows, strict=True):
        try:
            ensure_plan_may_provide(plan, row.treated_on)
            if row.facility_id not in current:
                raise invalid(
                    "facility_number",
                    _("This processing facility is no longer named in the plan."),
                    ErrorCode.FACILITY_NOT_IN_PLAN,
                )
        except DomainError as exc:
            errors.append(_csv_error(line, exc))
    raise _fail_csv(errors)


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
    criteria = {str(c.position): c.pk for c in plan.criteria.filter(is_current=True)}
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
    # The date each text gave once it parsed (which field it is in changes only the error).
    days: dict[str, date] = {}

    def day(text: str, field: str) -> date:
        parsed = days.get(text)
        if parsed is None:
            parsed = days[text] = _csv_date(text, field)
        return parsed

    def check(values: list[str]) -> OutcomeRow:
        code, treated_text, position, measured_text, value_text, note = values
        code = _check_patient_code(code)
        treated_on = day(treated_text, "treated_on")
        measured_on = day(measured_text, "measured_on")
        criterion = criteria.get(position)
        if criterion is None:
            raise invalid(
                "criterion",
                _("No current evaluation criterion has this number."),
                ErrorCode.CRITERION_NOT_IN_PLAN,
            )
        value = _csv_value(value_text, value_limit)
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
        if (treatment_id, criterion) in already:
            raise invalid(
                "criterion",
                _("This criterion is already measured for this treatment."),
                ErrorCode.DUPLICATE,
            )
        already.add((treatment_id, criterion))
        return OutcomeRow(
            treatment_id, criterion, measured_on, value, _csv_text(note, "note", NOTE_MAX)
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


_OUTCOME_FIELDS = (
    "treatment",
    "criterion",
    "measured_on",
    "value",
    "note",
    "recorded_by",
    "created_at",
)


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
    actor_id, created_at = actor.pk, _created_at()
    adapt_value = OutcomeMeasurement._meta.get_field("value").get_db_prep_save
    try:
        with transaction.atomic():
            _insert(
                OutcomeMeasurement,
                _OUTCOME_FIELDS,
                (
                    (
                        treatment,
                        criterion,
                        measured_on,
                        adapt_value(value, connection),
                        note,
                        actor_id,
                        created_at,
                    )
                    for treatment, criterion, measured_on, value, note in batch.rows
                ),
            )
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
