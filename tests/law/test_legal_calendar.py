"""The legal calendar: closed days and rolling a due date forward (domain.md §1.9)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saisei.law import ClosedDayKind, LawInputError, closed_day, is_closed_day, roll_forward

# The holiday library covers 1949-2099; legal dates in this system start in 2014.
legal_dates = st.dates(min_value=date(2014, 11, 25), max_value=date(2099, 12, 20))


@pytest.mark.parametrize(
    ("day", "reason"),
    [
        (date(2026, 4, 28), None),  # an ordinary Tuesday
        (date(2026, 5, 2), "Saturday"),
        (date(2026, 5, 10), "Sunday"),
        (date(2026, 5, 5), "national holiday: Children's Day"),
        (date(2026, 5, 6), "substitute holiday"),
        (date(2026, 5, 3), "national holiday: Constitution Day"),  # also a Sunday
        (date(2026, 9, 22), "citizens' holiday"),  # between two holidays: 国民の休日
        (date(2026, 12, 28), None),  # the last working day of the year
        (date(2026, 12, 29), "year-end/new-year closure"),
        (date(2026, 12, 31), "year-end/new-year closure"),
        (date(2027, 1, 1), "national holiday: New Year's Day"),
        (date(2027, 1, 3), "year-end/new-year closure"),  # also a Sunday
        (date(2027, 1, 4), None),
        (date(2019, 4, 30), "citizens' holiday"),  # Golden Week 2019 around the enthronement
        (date(2019, 5, 1), "national holiday: Emperor's Enthronement Day"),
    ],
)
def test_is_closed_day_names_the_most_specific_reason(day: date, reason: str | None) -> None:
    assert is_closed_day(day) == reason


def test_a_substitute_holiday_is_its_own_kind() -> None:
    closed = closed_day(date(2026, 5, 6))
    assert closed is not None
    assert closed.kind is ClosedDayKind.SUBSTITUTE_HOLIDAY
    assert closed.holiday_name is None


def test_worked_example_death_learned_on_tuesday_before_golden_week() -> None:
    # domain.md §1.9: learned Tue 2026-04-28, nominal 05-05 (Children's Day), 05-06 substitute.
    due, skipped = roll_forward(date(2026, 5, 5))
    assert due == date(2026, 5, 7)
    assert due.weekday() == 3  # Thursday
    assert [(s.on, s.reason) for s in skipped] == [
        (date(2026, 5, 5), "national holiday: Children's Day"),
        (date(2026, 5, 6), "substitute holiday"),
    ]


def test_year_end_rolls_to_the_first_working_day_of_january() -> None:
    due, skipped = roll_forward(date(2026, 12, 29))
    assert due == date(2027, 1, 4)
    assert [s.on for s in skipped] == [date(2026, 12, 29) + timedelta(days=i) for i in range(6)]
    assert skipped[3].reason == "national holiday: New Year's Day"


def test_citizens_holiday_in_silver_week_2026() -> None:
    # 09-19 Sat, 09-20 Sun, 09-21 Respect for the Aged Day, 09-22 citizens', 09-23 Equinox.
    due, skipped = roll_forward(date(2026, 9, 19))
    assert due == date(2026, 9, 24)
    assert [s.reason for s in skipped] == [
        "Saturday",
        "Sunday",
        "national holiday: Respect for the Aged Day",
        "citizens' holiday",
        "national holiday: Autumnal Equinox Day",
    ]


def test_an_open_day_is_not_moved() -> None:
    assert roll_forward(date(2026, 4, 28)) == (date(2026, 4, 28), [])


def test_skipped_day_serialises_to_the_cli_shape() -> None:
    _, skipped = roll_forward(date(2026, 5, 5))
    assert skipped[0].to_dict() == {
        "date": "2026-05-05",
        "reason": "national holiday: Children's Day",
    }


def test_years_outside_the_holiday_calendar_are_refused_rather_than_guessed() -> None:
    with pytest.raises(LawInputError) as excinfo:
        is_closed_day(date(2100, 3, 1))
    assert excinfo.value.field == "date"
    assert "2100" in excinfo.value.message


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(legal_dates)
def test_a_rolled_date_is_open_and_never_earlier_than_nominal(nominal: date) -> None:
    due, skipped = roll_forward(nominal)
    assert due >= nominal
    assert is_closed_day(due) is None
    # Every day between nominal and due was skipped, each with a reason, and nothing else.
    assert [s.on for s in skipped] == [
        nominal + timedelta(days=i) for i in range((due - nominal).days)
    ]
    assert all(s.reason for s in skipped)


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(legal_dates)
def test_weekends_are_always_closed(day: date) -> None:
    if day.weekday() >= 5:
        assert is_closed_day(day) is not None


def test_each_caller_gets_its_own_list_of_skipped_days() -> None:
    # The rolls are remembered per date: changing one answer's list must not change the next.
    due, skipped = roll_forward(date(2026, 12, 29))
    assert due == date(2027, 1, 4) and len(skipped) == 6
    skipped.clear()
    again_due, again = roll_forward(date(2026, 12, 29))
    assert again_due == due and again[0].on == date(2026, 12, 29)
    assert len(again) == 6
