"""Civil Code period arithmetic (domain.md §1.9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from saisei.law import (
    LawInputError,
    RuleKind,
    add_years,
    day_period,
    period_bounds,
    time_limit_end,
    yearly_period,
)

starts = st.dates(min_value=date(2014, 11, 25), max_value=date(2060, 12, 31))
leap_days = st.sampled_from([date(y, 2, 29) for y in range(2016, 2061, 4)])


@pytest.mark.parametrize(
    ("start", "years", "expected"),
    [
        (date(2026, 4, 28), 1, date(2027, 4, 28)),
        (date(2024, 2, 29), 1, date(2025, 2, 28)),  # no 29 Feb: 28 Feb
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2026, 4, 28), 10, date(2036, 4, 28)),
    ],
)
def test_add_years_gives_the_corresponding_day(start: date, years: int, expected: date) -> None:
    assert add_years(start, years) == expected


@pytest.mark.parametrize(
    ("first", "k", "expected"),
    [
        (date(2026, 4, 1), 1, (date(2026, 4, 1), date(2027, 3, 31))),
        (date(2026, 4, 1), 3, (date(2028, 4, 1), date(2029, 3, 31))),
        # Counted from 29 February: each period ends on the last day of February.
        (date(2024, 2, 29), 1, (date(2024, 2, 29), date(2025, 2, 28))),
        (date(2024, 2, 29), 2, (date(2025, 3, 1), date(2026, 2, 28))),
        (date(2024, 2, 29), 4, (date(2027, 3, 1), date(2028, 2, 28))),
        (date(2024, 2, 29), 5, (date(2028, 2, 29), date(2029, 2, 28))),
        (date(2025, 3, 1), 3, (date(2027, 3, 1), date(2028, 2, 29))),
    ],
)
def test_yearly_period_counts_the_first_day_as_day_1(
    first: date, k: int, expected: tuple[date, date]
) -> None:
    assert yearly_period(first, k) == expected


def test_sixty_day_periods() -> None:
    first = date(2026, 4, 28)
    assert day_period(first, 1) == (date(2026, 4, 28), date(2026, 6, 26))
    assert day_period(first, 2) == (date(2026, 6, 27), date(2026, 8, 25))


@pytest.mark.parametrize(
    ("approved", "years", "ends"),
    [
        (date(2026, 3, 6), 7, date(2033, 3, 5)),  # AMCHEPRY, ReHeart
        (date(2018, 12, 28), 7, date(2025, 12, 27)),  # Stemirac
        (date(2019, 3, 26), 5, date(2024, 3, 25)),  # Collategene
        (date(2016, 2, 29), 5, date(2021, 2, 28)),
    ],
)
def test_time_limit_ends_the_day_before_the_corresponding_day(
    approved: date, years: int, ends: date
) -> None:
    assert time_limit_end(approved, years) == ends


@pytest.mark.parametrize("k", [0, -1])
def test_period_numbers_start_at_1(k: int) -> None:
    with pytest.raises(LawInputError) as excinfo:
        yearly_period(date(2026, 4, 1), k)
    assert excinfo.value.field == "period"


def test_period_bounds_accepts_a_rule_id_or_a_kind() -> None:
    first = date(2026, 4, 1)
    assert period_bounds("periodic_report", first, 2) == yearly_period(first, 2)
    assert period_bounds("ae_other_cycle", first, 2) == day_period(first, 2, 60)
    assert period_bounds(RuleKind.PERIODIC_60_DAY, first, 1) == day_period(first, 1, 60)
    assert period_bounds("periodic_yearly", first, 1) == yearly_period(first, 1)
    with pytest.raises(LawInputError):
        period_bounds("ae_death", first, 1)
    with pytest.raises(LawInputError):
        period_bounds("no_such_rule", first, 1)


@given(st.one_of(starts, leap_days), st.integers(min_value=1, max_value=30))
def test_yearly_periods_tile_time_without_gap_or_overlap(first: date, k: int) -> None:
    start, end = yearly_period(first, k)
    next_start, next_end = yearly_period(first, k + 1)
    assert start <= end < next_start <= next_end
    assert next_start == end + timedelta(days=1)
    assert 365 <= (end - start).days + 1 <= 366
    if k == 1:
        assert start == first


@given(starts, st.integers(min_value=1, max_value=200))
def test_sixty_day_periods_tile_time_without_gap_or_overlap(first: date, k: int) -> None:
    start, end = day_period(first, k)
    next_start, _ = day_period(first, k + 1)
    assert (end - start).days == 59
    assert next_start == end + timedelta(days=1)


@given(st.one_of(starts, leap_days), st.integers(min_value=1, max_value=7))
def test_time_limit_is_the_last_day_of_the_last_yearly_period(approved: date, years: int) -> None:
    assert time_limit_end(approved, years) == yearly_period(approved, years)[1]
