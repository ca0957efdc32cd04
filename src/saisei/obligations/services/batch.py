"""What the tick and verify share when they read the country's duties a chunk at a time: the
stored rows of a chunk as the driver's own tuples, and the law's due dates asked once per
distinct question.

Many duties share one due date: every plan filed on one day owes its yearly reports on the same
days, every serious event learned of on one day is due on the same day. The law engine is asked
once per (rule, clock start, period, recipient, committee's closed days); the answer is kept in a
table bounded by the number of distinct questions (days, rules and periods), not of rows.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any, NamedTuple

from django.db import connections
from django.db.models import Case, F, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Cast, Coalesce

from saisei.law import MAX_PERIOD, Recipient, period_bounds, period_due
from saisei.obligations.models import OUTSTANDING, Obligation
from saisei.obligations.services.core import _explanation, compute_due, law_arguments
from saisei.obligations.sources import ObligationSpec

# Rows read per query when a set of stored duties is walked by pk.
ROWS = 2000

# A bound on each table of answers; cleared when reached (it is never reached by real data:
# distinct clock-start days times rules and periods are a few tens of thousands).
MAX_ANSWERS = 1 << 17
# The same for whole explanations (a new row's), which weigh a kilobyte or two each.
MAX_EXPLAINED = 1 << 13

Key = tuple[str, str, str, date, int, str]

COMMITTEE = Recipient.COMMITTEE.value


class Row(NamedTuple):
    """The columns of a stored duty that verify and the tick compare."""

    pk: int
    rule: str
    subject_type: str
    subject_id: str
    starts_on: date
    period: int
    recipient: str
    organisation_id: int | None
    also_visible_to_id: int | None
    subject_label: str
    nominal_due: date
    due_on: date
    period_start: date | None
    period_end: date | None
    status: str
    met_on: date | None
    met_by_type: str
    # The committee's closed days a met or waived report to a committee was judged against
    # (Obligation.committee_closed); None for the others.
    committee_closed: tuple[str, ...] | None

    @property
    def key(self) -> Key:
        return (
            self.rule,
            self.subject_type,
            self.subject_id,
            self.starts_on,
            self.period,
            self.recipient,
        )


_COLUMNS = Row._fields[:-1]
# Where a raw row's key (Row.key's columns, in order), its due dates and the rest sit.
KEY = slice(1, 7)
ORGANISATION = 7
DATES = slice(10, 14)
DUE_ON, STATUS, MET_ON, CLOSED = 11, 14, 15, 17
DATE_COLUMNS = frozenset(
    {"starts_on", "nominal_due", "due_on", "period_start", "period_end", "met_on"}
)


class Raw:
    """A stored row as the database driver returns it, compared with what is expected without
    a converter per value. PostgreSQL's driver gives a date as a date; on SQLite a date column
    is read as its ISO text (parsing it is most of the cost of reading a row there), and what
    is expected is put in the same form, once per distinct answer."""

    def __init__(self, alias: str) -> None:
        self.text_dates = connections[alias].vendor == "sqlite"
        self._closed: dict[str, tuple[str, ...]] = {}
        self._days: dict[date, str] = {}

    def day(self, value: date | None) -> Any:
        if value is None or not self.text_dates:
            return value
        # One string per distinct day, shared by every answer that names it.
        found = self._days.get(value)
        if found is None:
            found = self._days[value] = value.isoformat()
        return found

    def date(self, value: Any) -> Any:
        """A date column's value as a date (None stays None: the Row's type says which may be)."""
        return date.fromisoformat(value) if isinstance(value, str) else value

    def key(self, spec: ObligationSpec) -> tuple[Any, ...]:
        """spec.key in the form of a raw row's key."""
        if not self.text_dates:
            return spec.key
        return (
            spec.rule,
            spec.subject_type,
            spec.subject_id,
            spec.starts_on.isoformat(),
            spec.period,
            spec.recipient,
        )

    def closed(self, text: str | None) -> tuple[str, ...] | None:
        """The committee's closed days from their JSON text (decoded once per distinct text)."""
        if text is None:
            return None
        found = self._closed.get(text)
        if found is None:
            found = self._closed[text] = tuple(json.loads(text) or ())
        return found

    def row(self, values: tuple[Any, ...]) -> Row:
        """A raw row as a Row with dates."""
        d = self.date
        return Row(
            values[0],
            values[1],
            values[2],
            values[3],
            d(values[4]),
            values[5],
            values[6],
            values[7],
            values[8],
            values[9],
            d(values[10]),
            d(values[11]),
            d(values[12]),
            d(values[13]),
            values[14],
            d(values[15]),
            values[16],
            self.closed(values[17]),
        )


def _closed_days() -> Case:
    """The committee's closed days a met or waived report to a committee was judged against, as
    JSON text (Obligation.committee_closed; else NULL)."""
    return Case(
        When(
            Q(recipient=COMMITTEE) & ~Q(status__in=OUTSTANDING),
            then=Coalesce(F("committee_closed"), Value("[]")),
        ),
        default=Value(None, output_field=TextField()),
        output_field=TextField(),
    )


def _execute(queryset: QuerySet[Any], columns: Iterable[str], limit: int | None) -> list[Any]:
    """values_list(*columns)[:limit] as the driver's own tuples, dates as Raw reads them."""
    names = list(columns)
    if Raw(queryset.db).text_dates:
        queryset = queryset.annotate(
            **{f"_text_{c}": Cast(c, TextField()) for c in names if c in DATE_COLUMNS}
        )
        names = [f"_text_{c}" if c in DATE_COLUMNS else c for c in names]
    found = queryset.values_list(*names)
    if limit is not None:
        found = found[:limit]
    sql, params = found.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())


def raw_rows(
    queryset: QuerySet[Obligation], limit: int | None = None, *, ordered: bool = True
) -> list[tuple[Any, ...]]:
    """The queryset's rows as the driver's own tuples, in pk order unless not `ordered` (then
    unsorted: no sort of a chunk's rows): the columns of Row, without Django's converter per
    value (see Raw)."""
    found = queryset.annotate(_closed=_closed_days()).order_by(*(["pk"] if ordered else []))
    return _execute(found, [*_COLUMNS, "_closed"], limit)


def raw_values(queryset: QuerySet[Any], *columns: str) -> list[tuple[Any, ...]]:
    """values_list(*columns) as the driver's own tuples (see Raw)."""
    return _execute(queryset, columns, None)


def rows(queryset: QuerySet[Obligation]) -> Iterator[Row]:
    """The queryset's rows as Row tuples, in pk order, read by keyset a chunk at a time (for a
    set of rows as large as the country's)."""
    raw = Raw(queryset.db)
    last = None
    while True:
        page = queryset if last is None else queryset.filter(pk__gt=last)
        found = raw_rows(page, ROWS)
        yield from (raw.row(values) for values in found)
        if len(found) < ROWS:
            return
        last = found[-1][0]


def _question(spec: ObligationSpec) -> tuple[Any, ...]:
    """What compute_due's answer depends on, for a duty of one of the law's rules."""
    closed = spec.committee_closed if spec.recipient == COMMITTEE else ()
    return (spec.rule, spec.starts_on, spec.period, spec.recipient, closed)


class DueDates:
    """The law's due dates for many duties, each distinct question asked once."""

    def __init__(self) -> None:
        self._dates: dict[tuple[Any, ...], tuple[date, date, date | None, date | None]] = {}
        self._raw: dict[tuple[Any, ...], tuple[Any, ...]] = {}
        self._values: dict[tuple[Any, ...], dict[str, Any]] = {}
        # A periodic duty's two due dates per last day of its period (see period_dates), and
        # the law's arguments per rule, recipient and closed days.
        self._by_end: dict[tuple[Any, ...], tuple[date, date]] = {}
        self._arguments: dict[tuple[Any, ...], tuple[Any, ...]] = {}

    def dates(self, spec: ObligationSpec) -> tuple[date, date, date | None, date | None]:
        """(nominal due, due, period start, period end), as compute_due gives them."""
        if spec.fixed_due is not None:
            return spec.fixed_due, spec.fixed_due, None, None
        question = _question(spec)
        found = self._dates.get(question)
        if found is None:
            found = self._answer(spec)
            if len(self._dates) >= MAX_ANSWERS:
                self._dates.clear()
            self._dates[question] = found
        return found

    def raw_dates(self, spec: ObligationSpec, raw: Raw) -> tuple[Any, ...] | None:
        """dates() in a raw row's form (see Raw); None where the law cannot answer (a rule it
        no longer knows: the careful path reports it)."""
        if spec.fixed_due is not None:
            day = raw.day(spec.fixed_due)
            return day, day, None, None
        question = _question(spec)
        found = self._raw.get(question)
        if found is None:
            try:
                found = tuple(raw.day(d) for d in self._answer(spec))
            except Exception:
                return None
            if len(self._raw) >= MAX_ANSWERS:
                self._raw.clear()
            self._raw[question] = found
        return found

    def _law(self, rule: str, recipient: str, closed: tuple[str, ...]) -> tuple[Any, ...]:
        key = (rule, recipient, closed)
        found = self._arguments.get(key)
        if found is None:
            found = self._arguments[key] = law_arguments(rule, recipient, closed)
        return found

    def period_dates(
        self, rule: str, period_end: date, recipient: str, closed: tuple[str, ...]
    ) -> tuple[date, date]:
        """(nominal due, due) of a periodic rule's duty whose period ends on `period_end`: the
        same for every period that ends that day (saisei.law.period_due), so asked once for all
        the plans whose periods end on one day, not once per first day and period."""
        rules, to, kinds = self._law(rule, recipient, closed)
        key = (rule, period_end, to, kinds)
        found = self._by_end.get(key)
        if found is None:
            if len(self._by_end) >= MAX_ANSWERS:
                self._by_end.clear()
            found = self._by_end[key] = period_due(
                rule, period_end, to=to, committee_closed=kinds, rules=rules
            )
        return found

    def _answer(self, spec: ObligationSpec) -> tuple[date, date, date | None, date | None]:
        """(nominal due, due, period start, period end) as compute_due(spec) gives them."""
        if spec.fixed_due is None and 1 <= spec.period <= MAX_PERIOD:
            rules = self._law(spec.rule, spec.recipient, spec.committee_closed)[0]
            if rules.rule(spec.rule).kind.periodic:
                start, end = period_bounds(spec.rule, spec.starts_on, spec.period, rules=rules)
                nominal, due = self.period_dates(
                    spec.rule, end, spec.recipient, spec.committee_closed
                )
                return nominal, due, start, end
        computed = compute_due(spec)
        return computed.nominal_due, computed.due, computed.period_start, computed.period_end

    def row_values(self, spec: ObligationSpec) -> dict[str, Any]:
        """A new row's dates and explanation (core._row_values' share that comes from the law)."""
        question = None if spec.fixed_due is not None else _question(spec)
        found = self._values.get(question) if question is not None else None
        if found is None:
            due = compute_due(spec)
            found = {
                "period_start": due.period_start,
                "period_end": due.period_end,
                "nominal_due": due.nominal_due,
                "due_on": due.due,
                "explanation": _explanation(due),
            }
            if question is not None:
                if len(self._values) >= MAX_EXPLAINED:
                    self._values.clear()
                self._values[question] = found
        return found
