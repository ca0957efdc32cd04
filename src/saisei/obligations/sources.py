"""What the law expects to exist: each app registers a source of expected obligations.

A source is a function from a date to the obligations that should exist by then, derived
only from recorded events (filings, adverse events, licences …). `saisei obligations tick`
creates the periodic ones that are missing; `saisei obligations verify` compares every
stored obligation with what the sources and saisei.law say it should be.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from typing import Any, NamedTuple


@dataclass(frozen=True, kw_only=True)
class ObligationSpec:
    """One duty a source expects, named by keyword: with nine fields, several of them ids and
    strings, a positional call could swap two without any check noticing."""

    rule: str
    organisation_id: int | None
    subject_type: str
    subject_id: str
    subject_label: str
    starts_on: date
    period: int = 0
    also_visible_to_id: int | None = None
    recipient: str = ""
    # For a report to a committee: the kinds of closed day its rules record (the choice names of
    # saisei.law.COMMITTEE_CLOSED_DAY_CHOICES), which decide whether its last day moves.
    committee_closed: tuple[str, ...] = ()
    # A due date fixed by a recorded fact the law engine computed elsewhere (a product's time
    # limit), with its basis and explanation, instead of one of the law's obligation rules.
    fixed_due: date | None = None
    fixed_basis: str = ""
    fixed_explanation: str = ""
    fixed_explanation_ja: str = ""
    # Where the recorded events already show what met the duty (a re-application filed).
    met_on: date | None = None
    met_by: tuple[str, str] | None = None

    @property
    def key(self) -> tuple[str, str, str, date, int, str]:
        return (
            self.rule,
            self.subject_type,
            self.subject_id,
            self.starts_on,
            self.period,
            self.recipient,
        )


_new = object.__new__


def spec(
    *,
    rule: str,
    organisation_id: int | None,
    subject_type: str,
    subject_id: str,
    subject_label: str,
    starts_on: date,
    period: int = 0,
    also_visible_to_id: int | None = None,
    recipient: str = "",
    committee_closed: tuple[str, ...] = (),
    met_on: date | None = None,
    met_by: tuple[str, str] | None = None,
) -> ObligationSpec:
    """ObligationSpec(...) of a duty of one of the law's rules (no fixed due date), built in a
    quarter of the time: a source of the country's duties builds hundreds of thousands, and a
    frozen dataclass's __init__ sets each of its sixteen fields through object.__setattr__.
    The result is the same frozen, equal and hashable spec (tests/obligations/test_by_subject)."""
    made = _new(ObligationSpec)
    made.__dict__.update(
        rule=rule,
        organisation_id=organisation_id,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_label=subject_label,
        starts_on=starts_on,
        period=period,
        also_visible_to_id=also_visible_to_id,
        recipient=recipient,
        committee_closed=committee_closed,
        fixed_due=None,
        fixed_basis="",
        fixed_explanation="",
        fixed_explanation_ja="",
        met_on=met_on,
        met_by=met_by,
    )
    return made


def spec_of_row(row: Any, *, committee_closed: tuple[str, ...] = ()) -> ObligationSpec:
    """The duty a stored row stands for (a model row or a raw one with the same names), as its
    source would give it; where the source is not at hand to say so, no closed days."""
    return ObligationSpec(
        rule=row.rule,
        organisation_id=row.organisation_id,
        subject_type=row.subject_type,
        subject_id=row.subject_id,
        subject_label=row.subject_label,
        starts_on=row.starts_on,
        period=row.period,
        also_visible_to_id=row.also_visible_to_id,
        recipient=row.recipient,
        committee_closed=committee_closed,
    )


Source = Callable[[date], Iterable[ObligationSpec]]

# rule ids each source covers, so verify knows which stored rows it can call unexpected.
SOURCES: dict[str, tuple[frozenset[str], Source]] = {}

# Subjects read per chunk: the tick and verify hold one chunk of subjects, their expected duties
# and their stored rows at a time, whatever the number of subjects in the country.
CHUNK = 1000


class Expectation(NamedTuple):
    """All a periodic source expects of one subject, without a spec per duty: the reports of
    periods 1 to `owed` counted from `first_day`, to each of `recipients` (with, for a report to
    a committee, the closed days its rules record), owed by `organisation_id`."""

    pk: int
    first_day: date
    owed: int
    organisation_id: int | None
    recipients: tuple[tuple[str, tuple[str, ...]], ...]


@dataclass(frozen=True)
class BySubject:
    """A source read subject by subject, so that the tick and verify compare one chunk of
    subjects with their stored rows at a time instead of the whole country at once.

    `subjects(today)` names, per subject type, the queryset of the rows the source considers
    (their pk is the obligations' subject_id): every stored duty of the source's rules whose
    subject is outside them is unexpected. `specs(today, subject_type, pks)` gives every duty
    the source expects of those subjects (a sorted chunk of that queryset's pks), none of any
    other subject.
    """

    subjects: Callable[[date], dict[str, Any]]
    specs: Callable[[date, str, Sequence[int]], Iterable[ObligationSpec]]
    # Optional, for a source of one periodic rule (`periodic`): what it expects of each subject
    # of a chunk (any sorted subset of one), in the terms of Expectation, agreeing with `specs`.
    # Verify then checks those subjects' stored rows in the database, a chunk at a time
    # (saisei.obligations.services.screen), and builds specs only for a subject in doubt; the
    # tick asks `specs` only of the subjects whose stored reports are not periods 1 to n (so
    # `specs` must then accept any sorted subset of a chunk).
    periodic: str = ""
    expectations: Callable[[date, str, Sequence[int]], Iterable[Expectation]] | None = None

    def unsettled_of(self, today: date, subject_type: str, pks: Sequence[int]) -> list[int]:
        """The pks of a chunk that may lack a duty the tick creates (all, where the source
        cannot say)."""
        if self.expectations is not None:
            return periodic_unsettled(
                self.periodic, subject_type, self.expectations(today, subject_type, pks)
            )
        return list(pks)


def periodic_unsettled(rule: str, subject_type: str, expected: Iterable[Expectation]) -> list[int]:
    """The subjects that may lack a report of `rule`: those whose stored reports to a recipient,
    counted from the unique duty index, are not periods 1 to n (the key is unique, so n rows of
    periods between 1 and n are exactly those)."""
    from django.db.models import Count, Max, Min

    from saisei.obligations.models import Obligation

    expected = [e for e in expected if e.owed]
    stored: dict[tuple[str, date, str], tuple[int, int, int]] = {
        (subject_id, starts_on, recipient): (n, low, high)
        for subject_id, starts_on, recipient, n, low, high in Obligation.objects.filter(
            rule=rule, subject_type=subject_type, subject_id__in=[str(e.pk) for e in expected]
        )
        .order_by()
        .values_list("subject_id", "starts_on", "recipient")
        .annotate(n=Count("pk"), low=Min("period"), high=Max("period"))
    }
    unsettled = []
    for e in expected:
        for recipient, _closed in e.recipients:
            n, low, high = stored.get((str(e.pk), e.first_day, recipient), (0, 0, 0))
            if n != e.owed or low < 1 or high > e.owed:
                unsettled.append(e.pk)
                break
    return unsettled


# The sources that can be read by subject (every source of the apps; a plain function, as the
# tests register, is read whole).
BY_SUBJECT: dict[str, BySubject] = {}


def register(
    name: str, rules: Iterable[str], source: Source, *, by_subject: BySubject | None = None
) -> None:
    rules = frozenset(rules)
    if by_subject is not None:
        for other, (other_rules, _source) in SOURCES.items():
            if other != name and other in BY_SUBJECT and rules & other_rules:
                # verify reads each stored row with the one source read by subject covering it.
                raise ValueError(f"{name} and {other} both cover {sorted(rules & other_rules)}")
        BY_SUBJECT[name] = by_subject
    else:
        BY_SUBJECT.pop(name, None)
    SOURCES[name] = (rules, source)


@functools.lru_cache(maxsize=1 << 14)
def periods(rule: str, first_day: date, until: date) -> tuple[tuple[int, date, date], ...]:
    """(k, first day, last day) of each period of a periodic rule counted from `first_day` whose
    first day is on or before `until`: the same for every subject whose count starts on one
    day, so asked of the law once per day, not per subject."""
    from saisei.law import period_bounds

    found: list[tuple[int, date, date]] = []
    k = 1
    while True:
        start, end = period_bounds(rule, first_day, k)
        if start > until:
            return tuple(found)
        found.append((k, start, end))
        k += 1


def pk_chunks(queryset: Any, size: int | None = None) -> Iterator[list[int]]:
    """The queryset's pks in ascending chunks, each read by its own keyset query (no cursor
    held open across the work done on a chunk)."""
    size = size or CHUNK
    last = None
    while True:
        page = queryset.order_by("pk")
        if last is not None:
            page = page.filter(pk__gt=last)
        pks = list(page.values_list("pk", flat=True)[:size])
        if not pks:
            return
        yield pks
        if len(pks) < size:
            return
        last = pks[-1]


def chunks(
    source: BySubject, today: date, size: int | None = None
) -> Iterator[tuple[str, list[int], list[ObligationSpec]]]:
    """(subject type, subject pks, every duty expected of them) for each chunk of subjects."""
    for subject_type, queryset in source.subjects(today).items():
        for pks in pk_chunks(queryset, size):
            yield subject_type, pks, list(source.specs(today, subject_type, pks))


def expected_by_subject(source: BySubject, today: date) -> Iterator[ObligationSpec]:
    """Every duty a source read by subject expects, streamed chunk by chunk."""
    for _subject_type, _pks, specs in chunks(source, today):
        yield from specs


# What a pass of the tick or verify over the country has read once for all its chunks.
_PASS: ContextVar[dict[str, Any] | None] = ContextVar("saisei_obligations_pass", default=None)


@contextmanager
def one_pass() -> Iterator[None]:
    """A pass of the tick or verify over every source: what the sources read that is the same
    for every chunk (the committees and their closed days) is read once for the pass through
    `memo`, not once per chunk, and the whole pass sees it as it was then."""
    token = _PASS.set({})
    try:
        yield
    finally:
        _PASS.reset(token)


def memo(name: str, load: Callable[[], Any]) -> Any:
    """`load()` once per pass (see one_pass), kept under `name`; None outside a pass."""
    found = _PASS.get()
    if found is None:
        return None
    if name not in found:
        found[name] = load()
    return found[name]


def covered_rules() -> frozenset[str]:
    return frozenset().union(*(rules for rules, _ in SOURCES.values()))
