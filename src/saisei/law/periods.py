"""Period arithmetic of the Civil Code as this project applies it (domain.md §1.9).

- "Within N days of an event on day D": the day of the event is not counted (Civil Code Art 140), so
  the nominal due date is D + N.
- "Periods counted from day F" (起算して): F is day 1. A yearly period ends the day before the
  day corresponding to F in the final year (Civil Code Art 143); where that year has no
  corresponding day (F is 29 February), it ends on the last day of February. The next period
  starts the day after.
- "Within N years of an event on day D": the day corresponding to D, N years later (29 February →
  28 February).
"""

from __future__ import annotations

from datetime import date, timedelta

from saisei.law.errors import LawInputError

__all__ = [
    "add_years",
    "day_period",
    "term",
    "time_limit_end",
    "yearly_period",
    "yearly_period_end",
]


def add_years(d: date, n: int) -> date:
    """The day corresponding to ``d``, ``n`` years later; 29 February becomes 28 February."""
    year = d.year + n
    try:
        return d.replace(year=year)
    except ValueError:
        # Only 29 February lacks a corresponding day; the month's last day is then the 28th.
        return date(year, 2, 28)


def yearly_period_end(first_day: date, k: int) -> date:
    """Last day of yearly period ``k`` counted from ``first_day`` as day 1 (Civil Code Art 143)."""
    _check_k(k)
    year = first_day.year + k
    try:
        corresponding = first_day.replace(year=year)
    except ValueError:
        # No corresponding day (29 February in a common year): the period ends on the last day of
        # that month (Civil Code Art 143(2), proviso).
        return date(year, 2, 28)
    return corresponding - timedelta(days=1)


def yearly_period(first_day: date, k: int) -> tuple[date, date]:
    """Yearly period ``k`` (k ≥ 1) counted from ``first_day`` as day 1: ``(first, last)`` inclusive.

    Consecutive periods tile time: each starts the day after the previous one ends, which also
    settles periods counted from 29 February.
    """
    _check_k(k)
    start = first_day if k == 1 else yearly_period_end(first_day, k - 1) + timedelta(days=1)
    return start, yearly_period_end(first_day, k)


def day_period(first_day: date, k: int, length: int = 60) -> tuple[date, date]:
    """Period ``k`` of ``length`` days counted from ``first_day`` as day 1: F+L(k-1) .. F+Lk-1."""
    _check_k(k)
    if length < 1:
        raise LawInputError("length", f"must be at least 1 (got {length})")
    start = first_day + timedelta(days=length * (k - 1))
    return start, start + timedelta(days=length - 1)


def term(first_day: date, k: int, years: int) -> tuple[date, date]:
    """Term ``k`` (k ≥ 1) of a validity of ``years`` that is renewed term after term: term 1 counts
    ``first_day`` as day 1 and ends the day before the corresponding day ``years`` later (Civil
    Code Art 143); each renewed term counts from the day after the previous one ended (for a
    committee's certification: RM Act Art 28(1), (5)).
    """
    _check_k(k)
    if years < 1:
        raise LawInputError("years", f"must be at least 1 (got {years})")
    start = first_day
    end = yearly_period_end(start, years)
    for _ in range(k - 1):
        start = end + timedelta(days=1)
        end = yearly_period_end(start, years)
    return start, end


def time_limit_end(approval_date: date, years: int) -> date:
    """Last day of a time limit of ``years`` counting the approval date as day 1.

    2026-03-06 + 7 years → 2033-03-05 (domain.md §2).
    """
    if years < 1:
        raise LawInputError("years", f"must be at least 1 (got {years})")
    return yearly_period_end(approval_date, years)


def _check_k(k: int) -> None:
    if k < 1:
        raise LawInputError("period", f"must be at least 1 (got {k})")
