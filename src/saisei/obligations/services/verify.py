"""Verification: every stored obligation recomputed from the recorded events and the law.

The country is read a chunk of subjects at a time (saisei.obligations.sources.BySubject): a
chunk's expected duties beside its stored rows, compared as the driver's own tuples with what
each must hold (a row in any doubt goes to the careful judge, which words the difference);
then an index-only count of the source's rows shows whether any is of a subject the source
does not consider, and only then are those read. Memory holds one chunk, the law's answers per
distinct question (saisei.obligations.services.batch) and the differences.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db.models import CharField, Count
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from saisei.law import Recipient
from saisei.obligations import sources
from saisei.obligations.models import OUTSTANDING, Obligation, ObligationStatus
from saisei.obligations.services.batch import (
    CLOSED,
    DATES,
    DUE_ON,
    KEY,
    MET_ON,
    ORGANISATION,
    STATUS,
    DueDates,
    Key,
    Raw,
    Row,
    raw_rows,
    rows,
)
from saisei.obligations.services.core import SUPERSEDING_RECORD
from saisei.obligations.services.screen import Screen
from saisei.obligations.sources import (
    BY_SUBJECT,
    SOURCES,
    BySubject,
    ObligationSpec,
    pk_chunks,
    spec_of_row,
)

OPEN = ObligationStatus.OPEN.value
MET = ObligationStatus.MET.value


@dataclass(frozen=True)
class Difference:
    kind: str  # missing, unexpected, due_date, period, status
    rule: str
    subject: str
    detail: str
    obligation_id: int | None = None

    def __str__(self) -> str:
        where = f"obligation #{self.obligation_id}" if self.obligation_id else "no obligation"
        return f"{self.kind}: {self.rule} for {self.subject} ({where}): {self.detail}"


class _Verification:
    def __init__(self, today: date, *, thorough: bool = False) -> None:
        self.today = today
        self.thorough = thorough
        self.covered = frozenset().union(*(rules for rules, _source in SOURCES.values()))
        self.due = DueDates()
        self.found: list[Difference] = []
        self.missing: list[Difference] = []
        # The duties of the sources read whole (a plain function, as the tests register): few.
        self.whole: dict[Key, ObligationSpec] = {}
        for name, (_rules, source) in SOURCES.items():
            if name not in BY_SUBJECT:
                self.whole.update((spec.key, spec) for spec in source(today))
        self.whole_seen: set[Key] = set()
        self.whole_rules = frozenset().union(
            *(rules for name, (rules, _source) in SOURCES.items() if name not in BY_SUBJECT)
        ) | {spec.rule for spec in self.whole.values()}
        self.raw = Raw(Obligation.objects.db)
        self.raw_today = self.raw.day(today)

    def judge(self, row: Row, spec: ObligationSpec | None) -> None:
        """Compare one stored row with the duty its source expects (None: no source's chunk
        expects it; a source read whole may)."""
        if self.whole:
            key = row.key
            if key in self.whole:
                self.whole_seen.add(key)
                spec = spec or self.whole[key]
        subject = f"{row.subject_type}:{row.subject_id}"
        if spec is None and row.rule in self.covered:
            if row.status == ObligationStatus.WAIVED and row.met_by_type == SUPERSEDING_RECORD:
                return  # no longer owed: the record named on it covers it (see supersede)
            self.found.append(
                Difference(
                    "unexpected", row.rule, subject, _("no recorded event calls for it"), row.pk
                )
            )
            return
        spec = spec or spec_of_row(row)
        if row.status not in OUTSTANDING and spec.recipient == Recipient.COMMITTEE.value:
            # A duty already met or waived was judged against the committee's rules as they were
            # then; the stored explanation records them.
            closed = tuple(row.committee_closed or ())
            if closed != spec.committee_closed:
                spec = dataclasses.replace(spec, committee_closed=closed)
        try:
            nominal_due, due_on, period_start, period_end = self.due.dates(spec)
        except Exception as exc:  # a rule id the law no longer knows
            self.found.append(Difference("unknown_rule", row.rule, subject, str(exc), row.pk))
            return
        if (row.nominal_due, row.due_on) != (nominal_due, due_on):
            self.found.append(
                Difference(
                    "due_date",
                    row.rule,
                    subject,
                    f"stored due {row.due_on} (nominal {row.nominal_due}), "
                    f"the law gives {due_on} (nominal {nominal_due})",
                    row.pk,
                )
            )
        elif (row.period_start, row.period_end) != (period_start, period_end):
            self.found.append(
                Difference(
                    "period",
                    row.rule,
                    subject,
                    f"stored period {row.period_start} to {row.period_end}, "
                    f"the law gives {period_start} to {period_end}",
                    row.pk,
                )
            )
        elif row.organisation_id != spec.organisation_id:
            self.found.append(
                Difference(
                    "organisation", row.rule, subject, "responsible organisation differs", row.pk
                )
            )
        elif row.status == ObligationStatus.OPEN and row.due_on < self.today:
            self.found.append(
                Difference(
                    "status", row.rule, subject, "open past its due date: run the tick", row.pk
                )
            )
        elif row.status == ObligationStatus.MET and row.met_on and row.met_on > row.due_on:
            self.found.append(
                Difference("status", row.rule, subject, "met late but marked met", row.pk)
            )

    def miss(self, spec: ObligationSpec) -> None:
        self.missing.append(
            Difference(
                "missing",
                spec.rule,
                f"{spec.subject_type}:{spec.subject_id}",
                f"clock started {spec.starts_on}"
                + (f", period {spec.period}" if spec.period else ""),
            )
        )

    def _compare(
        self,
        rules: frozenset[str],
        subject_type: str,
        pks: list[int],
        specs: Iterable[ObligationSpec],
        careful: bool,
    ) -> int:
        """Compare the stored rows of `rules` of these subjects with the duties expected of them
        (each row judged carefully if `careful`); the number of stored rows read."""
        raw, due, today, read = self.raw, self.due, self.raw_today, 0
        # What each expected duty's row must hold, in the driver's form: its due dates (None
        # where the law cannot answer), organisation and committee's closed days.
        expected = {
            raw.key(spec): (
                spec,
                due.raw_dates(spec, raw),
                spec.organisation_id,
                spec.committee_closed,
            )
            for spec in specs
        }
        stored = Obligation.objects.filter(
            rule__in=rules, subject_type=subject_type, subject_id__in=[str(pk) for pk in pks]
        )
        for values in raw_rows(stored, ordered=False):
            read += 1
            found = expected.pop(values[KEY], None)
            if found is None:
                self.judge(raw.row(values), None)
                continue
            spec, dates, organisation_id, closed = found
            status, due_on, met_on = values[STATUS], values[DUE_ON], values[MET_ON]
            if (
                careful
                or dates is None
                or values[DATES] != dates
                or values[ORGANISATION] != organisation_id
                or (status == OPEN and due_on < today)
                or (status == MET and met_on and met_on > due_on)
                or (values[CLOSED] is not None and raw.closed(values[CLOSED]) != closed)
            ):
                # Any doubt goes to judge(), which finds and words the difference.
                self.judge(raw.row(values), spec)
        for spec, *_rest in expected.values():
            self.miss(spec)
        return read

    def by_subject(self, rules: frozenset[str], source: BySubject) -> None:
        """A source's subjects a chunk at a time, then its rows of subjects it does not consider."""
        # A source read whole that covers one of these rules may expect any of their rows:
        # then each is judged carefully (the tests' sources; the apps' cover other rules).
        careful = bool(rules & self.whole_rules)
        screen = None
        if (
            not careful
            and not self.thorough
            and source.expectations is not None
            and rules == {source.periodic}
            and Screen.supported()
        ):
            # A yearly report's subjects are checked in the database first; only those in
            # doubt are compared here (saisei.obligations.services.screen).
            screen = Screen(source.periodic, self.today, self.due)
        read = 0
        for subject_type, queryset in source.subjects(self.today).items():
            for pks in pk_chunks(queryset):
                if screen is not None:
                    pks, settled = screen.doubtful(source, subject_type, pks)
                    read += settled
                    if not pks:
                        continue
                specs = source.specs(self.today, subject_type, pks)
                read += self._compare(rules, subject_type, pks, specs, careful)
        # Each stored row of these rules read above was one of a chunk's subjects: when they are
        # all of them (counted per rule on the index when verify began: a row stored since then
        # only means the rows outside are read), no row is of a subject the source does not
        # consider.
        if sum(self.counts.get(rule, 0) for rule in rules) == read:
            return
        outside = Obligation.objects.filter(rule__in=rules)
        for subject_type, subjects in source.subjects(self.today).items():
            considered = subjects.annotate(_subject_id=Cast("pk", CharField())).values(
                "_subject_id"
            )
            outside = outside.exclude(subject_type=subject_type, subject_id__in=considered)
        for row in rows(outside):
            self.judge(row, None)

    def run(self) -> list[Difference]:
        # The stored rows of each rule, in one pass over the index.
        self.counts = dict(
            Obligation.objects.order_by().values_list("rule").annotate(n=Count("pk"))
        )
        read_by_subject: set[str] = set()
        for name, (rules, _source) in SOURCES.items():
            if name in BY_SUBJECT:
                self.by_subject(rules, BY_SUBJECT[name])
                read_by_subject |= rules
        # The rows of rules only sources read whole cover, and of rules no source covers (history
        # kept from an earlier version, checked against the law's date).
        others = set(self.counts) - read_by_subject
        if others:
            for row in rows(Obligation.objects.filter(rule__in=others)):
                self.judge(row, None)
        for key, spec in self.whole.items():
            if key not in self.whole_seen:
                self.miss(spec)
        self.found.sort(key=lambda d: d.obligation_id or 0)
        return self.found + self.missing


def obligations_verify(*, today: date, thorough: bool = False) -> list[Difference]:
    """Recompute every obligation from the recorded events and report each difference: those of
    stored rows in the order of their ids, then the duties missing.

    `thorough` compares every stored row in Python, without first checking the yearly reports
    in the database (saisei.obligations.services.screen): slower, with the same findings."""
    with sources.one_pass():
        return _Verification(today, thorough=thorough).run()
