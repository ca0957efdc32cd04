"""The legal calendar: which days administrative offices are closed, and rolling a due date forward.

Civil Code Art 142 moves the last day of a period that falls on a day when offices are closed to
the next day on which they are open; the Act on Holidays of Administrative Organs
(行政機関の休日に関する法律) makes those closed days Saturdays, Sundays, national holidays and
29 December to 3 January.

National holidays come from the ``holidays`` library (country JP), a maintained calendar that
includes substitute holidays (振替休日) and citizens' holidays (国民の休日), rather than a
hand-typed list that would go stale. Each year is looked up once and cached, because due dates are
computed for every plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum
from functools import lru_cache

import holidays
from holidays.countries.japan import Japan

from saisei.law.errors import LawInputError

__all__ = [
    "HOLIDAY_CALENDAR_YEARS",
    "ROLL_FORWARD_BASIS",
    "ClosedDay",
    "ClosedDayKind",
    "SkippedDay",
    "closed_day",
    "is_closed_day",
    "roll_forward",
]

ROLL_FORWARD_BASIS = "Civil Code Art 142; Act on Holidays of Administrative Organs"

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


def closed_day(d: date) -> ClosedDay | None:
    """Why offices are closed on ``d``, or None if they are open.

    A day can be closed for several reasons (Sunday 2026-05-03 is also Constitution Day); the most
    specific one is reported: a national holiday, then the year-end closure, then the weekday.
    """
    holiday = _national_holidays(d.year).get(d)
    if holiday is not None:
        return holiday
    if (d.month == 12 and d.day >= 29) or (d.month == 1 and d.day <= 3):
        return _YEAR_END
    weekday = d.weekday()
    if weekday == 5:
        return _SATURDAY
    if weekday == 6:
        return _SUNDAY
    return None


def is_closed_day(d: date) -> str | None:
    """The reason offices are closed on ``d`` (e.g. ``"Sunday"``), or None if they are open."""
    closed = closed_day(d)
    return None if closed is None else closed.reason


def roll_forward(d: date) -> tuple[date, list[SkippedDay]]:
    """Move a due date past closed days (Civil Code Art 142).

    Returns the first open day on or after ``d`` and every closed day skipped, in order.
    Restrictions and retention periods are not due dates and must not be passed through this.
    """
    skipped: list[SkippedDay] = []
    current = d
    while (closed := closed_day(current)) is not None:
        skipped.append(SkippedDay(current, closed))
        current += timedelta(days=1)
    return current, skipped
