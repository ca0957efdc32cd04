"""Verify's check in the database of a periodic source's stored rows, a chunk of subjects at a
time, without a spec per duty (`saisei obligations verify`).

Most of the country's duties are yearly reports (plans' to their committee and authority,
facilities' to the Regional Bureau): about 95% of the rows at national scale. What a periodic
source expects of a subject fits in one Expectation (sources.py): periods 1 to n from one first
day, to each of its recipients, owed by one organisation. Two temporary tables hold the rest:

- the calendar: for each (first day, recipient, committee's closed days) met so far, a template
  id, and the law's four dates of each of its periods, asked once (saisei.law.period_due: once
  per last day of a period, whatever the first day);
- the chunk's expectations: one row per subject and recipient, with its template.

One query then counts, per subject, its stored rows and those that hold exactly what the careful
comparison (verify._Verification.judge) finds no difference in:

- a recipient expected, the first day, a period from 1 to n;
- the law's four dates for that period, and the organisation expected;
- not open past its due date, not met after it;
- for a met or waived report to a committee, the committee's closed days it was judged against
  (its explanation's) are those the committee records now (else the careful path judges it
  against those it recorded then).

With the unique duty key, n such rows for each recipient are exactly the duties expected. A
subject passes when all its rows hold and as many as expected exist; every other subject of the
chunk is in doubt and goes to the careful path, which builds its specs, reads its rows and words
each difference. The screen only decides who needs the careful look: it never reports a
difference itself, so it can make verify faster but not say something else
(tests/obligations/test_screen.py compares both on damaged data).
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import date
from typing import Any

from django.db import connections

from saisei.law import LawInputError, Recipient
from saisei.obligations import sources
from saisei.obligations.lifecycle import OUTSTANDING, ObligationStatus
from saisei.obligations.models import Obligation
from saisei.obligations.services.batch import DueDates, Raw
from saisei.obligations.sources import BySubject, Expectation

COMMITTEE = Recipient.COMMITTEE.value

# The committee's closed days stored on a row's explanation, as JSON text, per database.
_STORED_CLOSED = {
    "sqlite": "json_extract(o.explanation, '$.committee_closed')",
    "postgresql": "(o.explanation -> 'committee_closed')::text",
}


def _insert(cursor: Any, table: str, rows: list[tuple[Any, ...]]) -> None:
    """The rows into a temporary table: by COPY on PostgreSQL (as text: every value is an int,
    an ISO date, a pk's digits or a recipient's name, none with a tab, newline or backslash),
    else in one executemany."""
    if not rows:
        return
    if cursor.db.vendor == "postgresql":
        text = "".join(
            "\t".join("\\N" if value is None else str(value) for value in row) + "\n"
            for row in rows
        )
        with cursor.cursor.copy(f"COPY {table} FROM STDIN") as copy:
            copy.write(text)
        return
    marks = ", ".join(["%s"] * len(rows[0]))
    cursor.executemany(f"INSERT INTO {table} VALUES ({marks})", rows)  # noqa: S608 - a generated name


class Screen:
    """The calendar and a chunk's expectations as temporary tables of one connection, for the
    length of one verify (use as a context manager: the tables are dropped at the end)."""

    def __init__(self, rule: str, today: date, due: DueDates, alias: str | None = None) -> None:
        self.rule = rule
        self.alias = alias or Obligation.objects.db
        self.connection = connections[self.alias]
        self.raw = Raw(self.alias)
        self.today = today
        self.due = due
        suffix = secrets.token_hex(4)
        self.calendar = f"saisei_verify_calendar_{suffix}"
        self.expected = f"saisei_verify_expected_{suffix}"
        # Per (first day, recipient, closed days): its id in the calendar and the number of its
        # periods there (or asked of the law, which could not answer); bounded by the distinct
        # first days and recipients, as DueDates' answers are.
        self.templates: dict[tuple[Any, ...], tuple[int, int]] = {}
        self.new: list[tuple[Any, ...]] = []
        self._due_on: dict[tuple[Any, ...], tuple[Any, Any] | None] = {}
        self._sql = self._statements()
        self._temp_store, self._in_memory = 0, False

    def _statements(self) -> dict[str, str]:
        """The screen's SQL: table names from constants and a random suffix, values as
        parameters."""
        calendar, expected = self.calendar, self.expected
        table = Obligation._meta.db_table
        marks = ", ".join(["%s"] * len(OUTSTANDING))
        stored = _STORED_CLOSED[self.connection.vendor]
        # PostgreSQL would otherwise sort whole rows, explanations and all, to group them;
        # SQLite groups them in the unique index's order as they are read.
        materialized = "MATERIALIZED" if self.connection.vendor == "postgresql" else ""
        closed = (
            f"CASE WHEN o.recipient = %s AND o.status NOT IN ({marks}) "
            f"THEN COALESCE({stored}, '[]') END"
        )
        return {
            "clear": f"DELETE FROM {expected}",  # noqa: S608
            # Per subject (in the unique index's order: no sort): its stored rows, those that
            # hold what is expected, and the least and greatest closed days a met or waived
            # report to a committee stored.
            "screen": f"""
                WITH checked AS {materialized} (
                  SELECT o.subject_id AS subject_id,
                    CASE WHEN o.starts_on = s.first_day
                      AND o.period >= 1 AND o.period <= s.owed
                      AND (o.organisation_id = s.organisation_id
                           OR (o.organisation_id IS NULL AND s.organisation_id IS NULL))
                      AND o.nominal_due = c.nominal_due AND o.due_on = c.due_on
                      AND o.period_start = c.period_start AND o.period_end = c.period_end
                      AND NOT (o.status = %s AND o.due_on < %s)
                      AND NOT (o.status = %s AND o.met_on IS NOT NULL AND o.met_on > o.due_on)
                      THEN 1 ELSE 0 END AS held,
                    {closed} AS closed
                  FROM {table} o
                  LEFT JOIN {expected} s
                    ON s.subject_id = o.subject_id AND s.recipient = o.recipient
                  LEFT JOIN {calendar} c
                    ON c.template = s.template AND c.period = o.period
                  WHERE o.rule = %s AND o.subject_type = %s
                    AND o.subject_id IN (SELECT subject_id FROM {expected})
                )
                SELECT subject_id, COUNT(*), SUM(held), MIN(closed), MAX(closed)
                FROM checked GROUP BY subject_id
            """,  # noqa: S608
        }

    @classmethod
    def supported(cls, alias: str | None = None) -> bool:
        return connections[alias or Obligation.objects.db].vendor in _STORED_CLOSED

    def __enter__(self) -> Screen:
        with self.connection.cursor() as cursor:
            self._in_memory = (
                self.connection.vendor == "sqlite" and not self.connection.in_atomic_block
            )
            if self._in_memory:
                # The two tables in memory, not in a temporary file: at national scale they hold
                # some tens of thousands of rows. (Changing the setting drops the connection's
                # temporary tables, and Saisei keeps no other; SQLite refuses it inside a
                # transaction, where the tables stay where SQLite puts them.)
                cursor.execute("PRAGMA temp_store")
                self._temp_store = cursor.fetchone()[0]
                cursor.execute("PRAGMA temp_store = MEMORY")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.calendar} ("
                "template integer NOT NULL, period integer NOT NULL, "
                "nominal_due date NOT NULL, due_on date NOT NULL, "
                "period_start date NOT NULL, period_end date NOT NULL, "
                "PRIMARY KEY (template, period))"
            )
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.expected} ("
                "subject_id varchar(64) NOT NULL, recipient varchar(32) NOT NULL, "
                "first_day date NOT NULL, owed integer NOT NULL, organisation_id integer, "
                "template integer NOT NULL, PRIMARY KEY (subject_id, recipient))"
            )
        return self

    def __exit__(self, *exc: object) -> None:
        with self.connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.calendar}")
            cursor.execute(f"DROP TABLE IF EXISTS {self.expected}")
            if self._in_memory:
                cursor.execute(f"PRAGMA temp_store = {int(self._temp_store)}")

    def _dues(self, end: date, recipient: str, closed: tuple[str, ...]) -> tuple[Any, Any] | None:
        """The nominal due date and due date of a period ending on `end`, in a raw row's form
        (None where the law cannot answer), asked once per last day, recipient and closed days."""
        key = (end, recipient, closed)
        if key in self._due_on:
            return self._due_on[key]
        try:
            nominal, due = self.due.period_dates(self.rule, end, recipient, closed)
            found: tuple[Any, Any] | None = (self.raw.day(nominal), self.raw.day(due))
        except LawInputError:
            found = None
        self._due_on[key] = found
        return found

    def _template(self, e: Expectation, recipient: str, closed: tuple[str, ...]) -> int:
        """The id of the calendar's periods counted from `e`'s first day to `recipient` (with the
        committee's closed days), adding the law's dates of any period up to `e.owed` not yet in
        it to self.new."""
        key = (e.first_day, recipient, closed)
        found = self.templates.get(key)
        template, reached = found if found is not None else (len(self.templates) + 1, 0)
        if e.owed > reached:
            self.templates[key] = (template, e.owed)
            day, periods = self.raw.day, sources.periods(self.rule, e.first_day, self.today)
            for k, start, end in periods[reached : e.owed]:
                dues = self._dues(end, recipient, closed)
                if dues is None:
                    # The law cannot answer (a date beyond the holiday calendar): no row joins
                    # that period, and the careful path says why.
                    continue
                self.new.append((template, k, *dues, day(start), day(end)))
        elif found is None:
            self.templates[key] = (template, 0)
        return template

    def doubtful(
        self, source: BySubject, subject_type: str, pks: Sequence[int]
    ) -> tuple[list[int], int]:
        """Of a chunk's subjects, those in doubt (in pk order), and the number of stored rows of
        the others, each of which holds what is expected."""
        assert source.expectations is not None and source.periodic == self.rule
        rule = self.rule
        expected = list(source.expectations(self.today, subject_type, pks))
        day = self.raw.day
        rows = [
            (
                str(e.pk),
                recipient,
                day(e.first_day),
                e.owed,
                e.organisation_id,
                self._template(e, recipient, closed if recipient == COMMITTEE else ()),
            )
            for e in expected
            for recipient, closed in e.recipients
        ]
        calendar, self.new = self.new, []
        open_, met = ObligationStatus.OPEN.value, ObligationStatus.MET.value
        outstanding = sorted(OUTSTANDING)
        with self.connection.cursor() as cursor:
            _insert(cursor, self.calendar, calendar)
            cursor.execute(self._sql["clear"])
            _insert(cursor, self.expected, rows)
            cursor.execute(
                self._sql["screen"],
                [
                    *(open_, day(self.today), met),
                    *(COMMITTEE, *outstanding),
                    *(rule, subject_type),
                ],
            )
            groups = cursor.fetchall()
        expected_of = {str(e.pk): e for e in expected}
        # A pk of the chunk the source gave no expectation of is in doubt (the careful path
        # finds any row of it unexpected).
        bad = {str(pk) for pk in pks} - expected_of.keys()
        found: dict[str, int] = {}
        for subject_id, n, held, low, high in groups:
            e = expected_of[subject_id]
            owed = e.owed * len(e.recipients)
            # With the unique duty key, `owed` rows that each hold what is expected (a recipient
            # expected, a period from 1 to n, ...) are exactly the duties expected.
            if not n == held == owed:
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
