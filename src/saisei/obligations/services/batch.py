"""What the tick and verify share when they read the country's duties a chunk at a time: the
stored rows of a chunk as flat tuples, and the law's due dates asked once per distinct question.

Many duties share one due date: every plan filed on one day owes its yearly reports on the same
days, every serious event learned of on one day is due on the same day. The law engine is asked
once per (rule, clock start, period, recipient, committee's closed days); the answer is kept in a
table bounded by the number of distinct questions (days, rules and periods), not of rows.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any, NamedTuple

from django.db.models import Case, JSONField, Q, QuerySet, Value, When
from django.db.models.fields.json import KeyTransform

from saisei.law import Recipient
from saisei.obligations.models import OUTSTANDING, Obligation
from saisei.obligations.services.core import _explanation, compute_due
from saisei.obligations.sources import ObligationSpec

# Rows read per query when a set of stored duties is walked by pk.
ROWS = 2000

# A bound on each table of answers; cleared when reached (it is never reached by real data:
# distinct clock-start days times rules and periods are a few tens of thousands).
MAX_ANSWERS = 1 << 17
# The same for whole explanations (a new row's), which weigh a kilobyte or two each.
MAX_EXPLAINED = 1 << 13

Key = tuple[str, str, str, date, int, str]


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
    # (from its stored explanation); None for the others, whose explanation is not read.
    committee_closed: Any

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


def rows(queryset: QuerySet[Obligation]) -> Iterator[Row]:
    """The queryset's rows as Row tuples, in pk order, read by keyset a chunk at a time."""
    closed = Case(
        When(
            Q(recipient=Recipient.COMMITTEE.value) & ~Q(status__in=OUTSTANDING),
            then=KeyTransform("committee_closed", "explanation"),
        ),
        default=Value(None, output_field=JSONField()),
        output_field=JSONField(),
    )
    base = queryset.annotate(_closed=closed).order_by("pk")
    last = None
    while True:
        page = base if last is None else base.filter(pk__gt=last)
        found = [Row(*values) for values in page.values_list(*_COLUMNS, "_closed")[:ROWS]]
        yield from found
        if len(found) < ROWS:
            return
        last = found[-1].pk


def _question(spec: ObligationSpec) -> tuple[Any, ...]:
    """What compute_due's answer depends on, for a duty of one of the law's rules."""
    closed = spec.committee_closed if spec.recipient == Recipient.COMMITTEE.value else ()
    return (spec.rule, spec.starts_on, spec.period, spec.recipient, closed)


class DueDates:
    """The law's due dates for many duties, each distinct question asked once."""

    def __init__(self) -> None:
        self._dates: dict[tuple[Any, ...], tuple[date, date, date | None, date | None]] = {}
        self._values: dict[tuple[Any, ...], dict[str, Any]] = {}

    def dates(self, spec: ObligationSpec) -> tuple[date, date, date | None, date | None]:
        """(nominal due, due, period start, period end), as compute_due gives them."""
        if spec.fixed_due is not None:
            return spec.fixed_due, spec.fixed_due, None, None
        question = _question(spec)
        found = self._dates.get(question)
        if found is None:
            due = compute_due(spec)
            found = (due.nominal_due, due.due, due.period_start, due.period_end)
            if len(self._dates) >= MAX_ANSWERS:
                self._dates.clear()
            self._dates[question] = found
        return found

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
