"""Verify's check in the database of a periodic source's stored rows, a chunk of subjects at a
time, without a spec per duty (`saisei obligations verify`).

Most of the country's duties are yearly reports (plans' to their committee and authority,
facilities' to the Regional Bureau): about 95% of the rows at national scale. What a periodic
source expects of a subject fits in one Expectation (sources.py): periods 1 to n from one first
day, to each of its recipients, owed by one organisation. The law's dates of each period are
asked once per (first day, recipient, committee's closed days) met (saisei.law.period_due: once
per last day of a period, whatever the first day), and what a subject's rows must hold is then
one line of text: per period and recipient, in the order of the duty key, the recipient, the
period, the first day and the four dates.

One query per chunk, in the order of the index obligation_verify (on PostgreSQL from the index
alone; no explanation is parsed), gives per subject the same line made of its stored rows, and
what the line does not show: whether a row is open past its due date or met after it, its
organisations, and for a met or waived report to a committee the committee's closed days it
was judged against (the column committee_closed). A subject passes when:

- each of its rows made its part of the line (a NULL value leaves a row's part out), and the
  line is the one expected: no expected value holds a separator, so two equal lines of as many
  parts hold as many separators, none inside a stored value, and each stored value is the one
  expected; with the unique duty key its rows are then exactly the duties expected;
- none is open past its due date or met late, and all are owed by the organisation expected;
- any met or waived report to a committee was judged against the closed days the committee
  records now (else the careful path judges it against those it recorded then).

Every other subject of the chunk is in doubt and goes to the careful path, which builds its
specs, reads its rows and words each difference. The screen only decides who needs the careful
look: it never reports a difference itself, so it can make verify faster but not say something
else (tests/obligations/test_screen.py compares both on damaged data).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connections

from saisei.law import LawInputError, Recipient
from saisei.obligations import sources
from saisei.obligations.lifecycle import OUTSTANDING, ObligationStatus
from saisei.obligations.models import Obligation
from saisei.obligations.services.batch import MAX_ANSWERS, DueDates, Raw
from saisei.obligations.sources import BySubject, Expectation

COMMITTEE = Recipient.COMMITTEE.value

# Between the values of one row's part of a subject's line, and between its rows' parts. No
# expected value holds either (a recipient's name, a period's digits, ISO dates), so a line of as
# many stored parts equals the expected one only if each value does (SQLite would keep a comma
# in a date column; the separators it adds are then too many).
_FIELD, _ROW = " ", ","
_FIELDS = (
    "recipient",
    "period",
    "starts_on",
    "nominal_due",
    "due_on",
    "period_start",
    "period_end",
)

# Per database: a row's part of the line (a date as ISO text: SQLite stores it so; PostgreSQL
# writes it so under its default DateStyle, which supported() checks) and the line of a subject's
# rows in the order of the duty key (SQLite's GROUP_CONCAT follows the index the rows are read
# in; an order it did not follow would only put the subject in doubt).
_PART = {
    "sqlite": f" || '{_FIELD}' || ".join(f"o.{name}" for name in _FIELDS),
    "postgresql": f" || '{_FIELD}' || ".join(f"o.{name}::text" for name in _FIELDS),
}
_NULLABLE = {name: Obligation._meta.get_field(name).null for name in _FIELDS}
_LINE = {
    "sqlite": "GROUP_CONCAT({part}, '" + _ROW + "')",
    "postgresql": "STRING_AGG({part}, '"
    + _ROW
    + '\' ORDER BY o.starts_on, o.period, o.recipient COLLATE "C")',
}


class Screen:
    """The screen of one periodic rule's subjects for the length of one verify."""

    def __init__(self, rule: str, today: date, due: DueDates, alias: str | None = None) -> None:
        self.rule = rule
        self.alias = alias or Obligation.objects.db
        self.connection = connections[self.alias]
        self.raw = Raw(self.alias)
        self.today = today
        self.due = due
        # Per (first day, recipient, closed days): each period's part of a line, in order (None
        # where the law cannot answer); bounded by the distinct first days and recipients, as
        # DueDates' answers are.
        self._parts: dict[tuple[Any, ...], list[str | None]] = {}
        self._dues: dict[tuple[Any, ...], tuple[str, str] | None] = {}
        self._lines: dict[tuple[Any, ...], str | None] = {}

    @classmethod
    def supported(cls, alias: str | None = None) -> bool:
        """Whether the database can screen: SQLite, or PostgreSQL writing dates as ISO text."""
        connection = connections[alias or Obligation.objects.db]
        if connection.vendor == "sqlite":
            return True
        if connection.vendor != "postgresql":
            return False
        with connection.cursor() as cursor:
            cursor.execute("SELECT DATE '2001-02-03'::text")
            return bool(cursor.fetchone()[0] == "2001-02-03")

    def query(self, subject_type: str, subject_ids: Sequence[str]) -> tuple[str, list[Any]]:
        """The screen's query of these subjects and its parameters: names from constants, every
        value a parameter."""
        vendor = self.connection.vendor
        marks = ", ".join(["%s"] * len(OUTSTANDING))
        closed = (
            f"CASE WHEN o.recipient = %s AND o.status NOT IN ({marks}) "
            "THEN COALESCE(o.committee_closed, '[]') END"
        )
        line = _LINE[vendor].format(part=_PART[vendor])
        # The rows that make their part of the line: those with no NULL in it (only a column
        # that may hold one is asked, rather than building each part twice).
        nullable = [f"o.{name} IS NOT NULL" for name in _FIELDS if _NULLABLE[name]]
        complete = (
            f"COUNT(CASE WHEN {' AND '.join(nullable)} THEN 1 END)" if nullable else "COUNT(*)"
        )
        # The chunk's subjects: one array on PostgreSQL, else one parameter each.
        ids: list[Any] = list(subject_ids)
        if vendor == "postgresql":
            chunk, ids = "= ANY(%s)", [ids]
        else:
            chunk = f"IN ({', '.join(['%s'] * len(ids))})"
        sql = f"""
            SELECT o.subject_id, COUNT(*), {complete}, {line},
              SUM(CASE WHEN (o.status = %s AND o.due_on < %s)
                    OR (o.status = %s AND o.met_on > o.due_on) THEN 1 ELSE 0 END),
              COUNT(o.organisation_id), MIN(o.organisation_id), MAX(o.organisation_id),
              MIN({closed}), MAX({closed})
            FROM {Obligation._meta.db_table} o
            WHERE o.rule = %s AND o.subject_type = %s AND o.subject_id {chunk}
            GROUP BY o.subject_id
        """  # noqa: S608 - names from constants; every value a parameter
        outstanding = sorted(OUTSTANDING)
        return sql, [
            *(ObligationStatus.OPEN.value, self.today.isoformat(), ObligationStatus.MET.value),
            *(COMMITTEE, *outstanding, COMMITTEE, *outstanding),
            *(self.rule, subject_type),
            *ids,
        ]

    def _period_dues(
        self, end: date, recipient: str, closed: tuple[str, ...]
    ) -> tuple[str, str] | None:
        """The nominal due date and due date of a period ending on `end` as ISO text (None
        where the law cannot answer), asked once per last day, recipient and closed days."""
        key = (end, recipient, closed)
        if key in self._dues:
            return self._dues[key]
        try:
            nominal, due = self.due.period_dates(self.rule, end, recipient, closed)
            found: tuple[str, str] | None = (nominal.isoformat(), due.isoformat())
        except LawInputError:
            found = None
        if len(self._dues) >= MAX_ANSWERS:
            self._dues.clear()
        self._dues[key] = found
        return found

    def _periods(
        self, first_day: date, recipient: str, closed: tuple[str, ...], owed: int
    ) -> list[str | None]:
        """The parts of periods 1 to `owed` counted from `first_day` to `recipient`."""
        key = (first_day, recipient, closed)
        parts = self._parts.get(key)
        if parts is None:
            if len(self._parts) >= MAX_ANSWERS:
                self._parts.clear()
            parts = self._parts[key] = []
        if len(parts) < owed:
            first = first_day.isoformat()
            periods = sources.periods(self.rule, first_day, self.today)
            for k, start, end in periods[len(parts) : owed]:
                dues = self._period_dues(end, recipient, closed)
                parts.append(
                    None
                    if dues is None
                    else _FIELD.join(
                        (recipient, str(k), first, *dues, start.isoformat(), end.isoformat())
                    )
                )
        return parts

    def line(self, e: Expectation) -> str | None:
        """The line a subject's stored rows must make (None where the law cannot answer for
        one of its periods: the careful path says why); the same for every subject of one first
        day, number of periods and recipients."""
        key = (e.first_day, e.owed, e.recipients)
        if key in self._lines:
            return self._lines[key]
        if len(self._lines) >= MAX_ANSWERS:
            self._lines.clear()
        found = self._lines[key] = self._line(e)
        return found

    def _line(self, e: Expectation) -> str | None:
        columns = [
            self._periods(e.first_day, recipient, closed if recipient == COMMITTEE else (), e.owed)
            for recipient, closed in sorted(e.recipients)
        ]
        if any(len(column) < e.owed for column in columns):
            return None  # periods beyond those begun by today: never a source's expectation
        parts = [column[k] for k in range(e.owed) for column in columns]
        if None in parts:
            return None
        return _ROW.join(parts)  # type: ignore[arg-type]

    def doubtful(
        self, source: BySubject, subject_type: str, pks: Sequence[int]
    ) -> tuple[list[int], int]:
        """Of a chunk's subjects, those in doubt (in pk order), and the number of stored rows of
        the others, each of which holds what is expected."""
        assert source.expectations is not None and source.periodic == self.rule
        expected_of = {str(e.pk): e for e in source.expectations(self.today, subject_type, pks)}
        # A pk of the chunk the source gave no expectation of is in doubt (the careful path
        # finds any row of it unexpected).
        bad = {str(pk) for pk in pks} - expected_of.keys()
        if not expected_of:
            return sorted(int(s) for s in bad), 0
        with self.connection.cursor() as cursor:
            cursor.execute(*self.query(subject_type, list(expected_of)))
            groups = cursor.fetchall()
        found: dict[str, int] = {}
        for subject_id, n, parts, line, late, n_org, low_org, high_org, low, high in groups:
            e = expected_of[subject_id]
            expected = self.line(e)
            organisation_held = (
                n_org == 0
                if e.organisation_id is None
                else n_org == n and low_org == high_org == e.organisation_id
            )
            if (
                # Every row's part in the line (a NULL value makes its part NULL, which the
                # aggregate leaves out), and the line the one the law's dates make.
                expected is None
                or parts != n
                or line != expected
                or n != e.owed * len(e.recipients)
                or late
                or not organisation_held
            ):
                bad.add(subject_id)
            elif low is not None and (
                low != high or self.raw.closed(low) != dict(e.recipients).get(COMMITTEE)
            ):
                bad.add(subject_id)  # met under closed days the committee no longer records
            else:
                found[subject_id] = n
        settled = 0
        for subject_id, e in expected_of.items():
            if subject_id in bad:
                continue
            if subject_id in found:
                settled += found[subject_id]
            elif e.owed:
                bad.add(subject_id)  # owed reports, none stored
        return sorted(int(s) for s in bad), settled
