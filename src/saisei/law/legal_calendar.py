"""The legal calendar: which days are closed, and rolling a due date forward (domain.md §1.9).

Two different rules move a last day that falls on a closed day, and which one applies depends on
who receives the report:

- A filing with a national authority (the Minister, a Regional Bureau): the Act on Holidays of
  Administrative Organs (行政機関の休日に関する法律) makes Saturdays, Sundays, national holidays
  and 29 December to 3 January 行政機関の休日 (Art 1(1)), and a deadline for an application or
  notice to a national administrative authority that falls on one is the next day that is not
  (Art 2). ``roll_forward`` applies it.
- A report to a certified committee, which is not a government office: only Civil Code Art 142
  can move it, and only past days on which the committee does not transact. Which days those are
  is the committee's own rules (data); ``roll_forward_past`` skips exactly the kinds of day given.

National holidays come from the ``holidays`` library (country JP), a maintained calendar that
includes substitute holidays (振替休日) and citizens' holidays (国民の休日), rather than a
hand-typed list that would go stale. Each year is looked up once and cached, because due dates are
computed for every plan.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from holidays.countries.japan import Japan

from saisei.law.errors import LawInputError, describe_value

__all__ = [
    "ADMINISTRATIVE_HOLIDAYS_BASIS",
    "ADMINISTRATIVE_HOLIDAYS_BASIS_JA",
    "COMMITTEE_CLOSED_DAY_CHOICES",
    "COMMITTEE_CUSTOM_BASIS",
    "COMMITTEE_CUSTOM_BASIS_JA",
    "HOLIDAY_CALENDAR_YEARS",
    "ROLL_FORWARD_BASIS",
    "ClosedDay",
    "ClosedDayKind",
    "SkippedDay",
    "closed_day",
    "closed_reasons",
    "committee_closed_kinds",
    "committee_closed_names",
    "is_closed_day",
    "roll_forward",
    "roll_forward_past",
]

# Rolling a deadline for a filing with a national authority (the Minister, a Regional Bureau).
ADMINISTRATIVE_HOLIDAYS_BASIS = "Act on Holidays of Administrative Organs Art 1(1), Art 2"
ADMINISTRATIVE_HOLIDAYS_BASIS_JA = "行政機関の休日に関する法律第1条第1項・第2条"
# Rolling a report to a committee past the days its rules record it does not transact.
COMMITTEE_CUSTOM_BASIS = "Civil Code Art 142"
COMMITTEE_CUSTOM_BASIS_JA = "民法第142条"
# Kept for callers of the first version of the engine: the basis of ``roll_forward``.
ROLL_FORWARD_BASIS = ADMINISTRATIVE_HOLIDAYS_BASIS

# The years for which the holiday library knows Japan's national holidays. Outside them a closed-day
# answer would silently miss holidays, so the calendar refuses instead.
HOLIDAY_CALENDAR_YEARS: tuple[int, int] = (Japan.start_year, Japan.end_year)

# Japanese names are the library's source language for Japan; they identify the two holiday kinds
# that exist only by rule (no fixed name) more reliably than a translation would.
_SUBSTITUTE_JA = "振替休日"
_CITIZENS_JA = "国民の休日"


class ClosedDayKind(StrEnum):
    NATIONAL_HOLIDAY = "national_holiday"
    SUBSTITUTE_HOLIDAY = "substitute_holiday"
    CITIZENS_HOLIDAY = "citizens_holiday"
    YEAR_END_CLOSURE = "year_end_closure"
    SATURDAY = "saturday"
    SUNDAY = "sunday"


@dataclass(frozen=True, slots=True)
class ClosedDay:
    """Why offices are closed on a day. ``holiday_name`` is set for named national holidays."""

    kind: ClosedDayKind
    holiday_name: str | None = None
    # The holiday's Japanese name, for Japanese explanations; not part of the day's identity.
    holiday_name_ja: str | None = field(default=None, compare=False)

    @property
    def reason(self) -> str:
        """Machine-stable, human-readable reason, e.g. ``"national holiday: Children's Day"``."""
        if self.kind is ClosedDayKind.NATIONAL_HOLIDAY:
            return f"national holiday: {self.holiday_name}"
        return _PLAIN_REASONS[self.kind]

    @property
    def label(self) -> str:
        """The reason as it reads inside a sentence: ``"national holiday (Children's Day)"``."""
        if self.kind is ClosedDayKind.NATIONAL_HOLIDAY:
            return f"national holiday ({self.holiday_name})"
        return _PLAIN_REASONS[self.kind]


_PLAIN_REASONS: dict[ClosedDayKind, str] = {
    ClosedDayKind.SUBSTITUTE_HOLIDAY: "substitute holiday",
    ClosedDayKind.CITIZENS_HOLIDAY: "citizens' holiday",
    ClosedDayKind.YEAR_END_CLOSURE: "year-end/new-year closure",
    ClosedDayKind.SATURDAY: "Saturday",
    ClosedDayKind.SUNDAY: "Sunday",
}


@dataclass(frozen=True, slots=True)
class SkippedDay:
    """A closed day that a due date was moved past."""

    on: date
    closed: ClosedDay

    @property
    def reason(self) -> str:
        return self.closed.reason

    def to_dict(self) -> dict[str, str]:
        return {"date": self.on.isoformat(), "reason": self.reason}


@lru_cache(maxsize=256)
def _national_holidays(year: int) -> dict[date, ClosedDay]:
    if not HOLIDAY_CALENDAR_YEARS[0] <= year <= HOLIDAY_CALENDAR_YEARS[1]:
        low, high = HOLIDAY_CALENDAR_YEARS
        raise LawInputError(
            "date",
            f"year {year} is outside the holiday calendar ({low}-{high}); "
            "closed days cannot be determined",
        )
    japanese = holidays.country_holidays("JP", years=year, language="ja")
    english = holidays.country_holidays("JP", years=year, language="en_US")
    result: dict[date, ClosedDay] = {}
    for day, name_ja in japanese.items():
        if _SUBSTITUTE_JA in name_ja:
            result[day] = ClosedDay(ClosedDayKind.SUBSTITUTE_HOLIDAY)
        elif _CITIZENS_JA in name_ja:
            result[day] = ClosedDay(ClosedDayKind.CITIZENS_HOLIDAY)
        else:
            result[day] = ClosedDay(
                ClosedDayKind.NATIONAL_HOLIDAY, english.get(day, name_ja), holiday_name_ja=name_ja
            )
    return result


_SATURDAY = ClosedDay(ClosedDayKind.SATURDAY)
_SUNDAY = ClosedDay(ClosedDayKind.SUNDAY)
_YEAR_END = ClosedDay(ClosedDayKind.YEAR_END_CLOSURE)


# Every date of a decade is asked about again and again (each due date rolled, each day it
# skips): the answers are the calendar's, fixed for the process.
@lru_cache(maxsize=8192)
def closed_reasons(d: date) -> tuple[ClosedDay, ...]:
    """Every reason administrative offices are closed on ``d``, most specific first: a national
    holiday, then the year-end closure, then the weekday (empty when they are open).

    Sunday 2026-05-03 is both Constitution Day and a Sunday: a committee whose rules record it
    closed on Sundays but not on holidays is closed that day all the same.
    """
    reasons: list[ClosedDay] = []
    holiday = _national_holidays(d.year).get(d)
    if holiday is not None:
        reasons.append(holiday)
    if (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3):
        reasons.append(_YEAR_END)
    weekday = d.weekday()
    if weekday == 5:
        reasons.append(_SATURDAY)
    elif weekday == 6:
        reasons.append(_SUNDAY)
    return tuple(reasons)


def closed_day(d: date) -> ClosedDay | None:
    """Why offices are closed on ``d`` (the most specific reason), or None if they are open."""
    reasons = closed_reasons(d)
    return reasons[0] if reasons else None


def is_closed_day(d: date) -> str | None:
    """The reason offices are closed on ``d`` (e.g. ``"Sunday"``), or None if they are open."""
    closed = closed_day(d)
    return None if closed is None else closed.reason


def roll_forward(d: date) -> tuple[date, list[SkippedDay]]:
    """Move a deadline for a filing with a national authority past 行政機関の休日 (Act on Holidays
    of Administrative Organs Art 1(1), Art 2).

    Returns the first open day on or after ``d`` and every closed day skipped, in order.
    Restrictions and retention periods are not due dates and must not be passed through this.
    """
    return roll_forward_past(d, _EVERY_KIND)


def roll_forward_past(d: date, kinds: frozenset[ClosedDayKind]) -> tuple[date, list[SkippedDay]]:
    """Move ``d`` past every day that is closed for a reason of one of ``kinds`` (for a committee:
    the kinds of day its rules record it does not transact, Civil Code Art 142).

    Each skipped day carries the first of its reasons that is among ``kinds``.
    """
    current, skipped = _rolled(d, kinds)
    return current, list(skipped)


_EVERY_KIND = frozenset(ClosedDayKind)


@lru_cache(maxsize=8192)
def _rolled(d: date, kinds: frozenset[ClosedDayKind]) -> tuple[date, tuple[SkippedDay, ...]]:
    skipped: list[SkippedDay] = []
    current = d
    while kinds:
        matching = next((r for r in closed_reasons(current) if r.kind in kinds), None)
        if matching is None:
            break
        skipped.append(SkippedDay(current, matching))
        current += timedelta(days=1)
    return current, tuple(skipped)


# The kinds of closed day a committee's rules can record, as offered to its secretariat:
# "national_holiday" covers named, substitute and citizens' holidays (all are 休日 under the Act on
# National Holidays, Civil Code Art 142's "国民の祝日に関する法律に規定する休日").
COMMITTEE_CLOSED_DAY_CHOICES: tuple[str, ...] = (
    "sunday",
    "saturday",
    "national_holiday",
    "year_end_closure",
)
_COMMITTEE_GROUPS: dict[str, frozenset[ClosedDayKind]] = {
    "sunday": frozenset({ClosedDayKind.SUNDAY}),
    "saturday": frozenset({ClosedDayKind.SATURDAY}),
    "national_holiday": frozenset(
        {
            ClosedDayKind.NATIONAL_HOLIDAY,
            ClosedDayKind.SUBSTITUTE_HOLIDAY,
            ClosedDayKind.CITIZENS_HOLIDAY,
        }
    ),
    "year_end_closure": frozenset({ClosedDayKind.YEAR_END_CLOSURE}),
}


def committee_closed_kinds(
    names: Iterable[str], *, field: str = "committee_closed"
) -> frozenset[ClosedDayKind]:
    """The closed-day kinds a committee's rules record, from the names of
    ``COMMITTEE_CLOSED_DAY_CHOICES``; an unknown name raises ``LawInputError`` for ``field``."""
    kinds: set[ClosedDayKind] = set()
    for name in names:
        group = _COMMITTEE_GROUPS.get(name) if isinstance(name, str) else None
        if group is None:
            raise LawInputError(
                field,
                f"unknown kind of closed day {describe_value(name)} "
                f"(expected {', '.join(COMMITTEE_CLOSED_DAY_CHOICES)})",
            )
        kinds |= group
    return frozenset(kinds)


def committee_closed_names(kinds: frozenset[ClosedDayKind]) -> tuple[str, ...]:
    """The choice names a set of kinds comes from, in choice order (for explanations)."""
    return tuple(name for name in COMMITTEE_CLOSED_DAY_CHOICES if _COMMITTEE_GROUPS[name] <= kinds)
