"""saisei.law.period_due: a periodic rule's due dates from the last day of its period alone, as
due_date() gives them for every period that ends that day (what lets verify ask the law once
per last day instead of once per first day and period)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES, RULES, LawInputError, due_date, period_due


@pytest.mark.parametrize("rule", [r for r in RULES if RULES[r].kind.periodic])
def test_a_periodic_due_date_depends_only_on_the_last_day_of_its_period(rule: str) -> None:
    spec = RULES[rule]
    for recipient in [route.to for route in spec.routes] or [None]:
        kinds = [()]
        if recipient is not None and recipient.value == "committee":
            kinds.append(tuple(COMMITTEE_CLOSED_DAY_CHOICES))
        for closed in kinds:
            for offset in range(0, 730, 11):
                start = date(2024, 1, 1) + timedelta(days=offset)
                for k in (1, 2, 3):
                    due = due_date(
                        rule, start, period=k, to=recipient, committee_closed=closed or None
                    )
                    assert due.period_end is not None
                    assert period_due(
                        rule, due.period_end, to=recipient, committee_closed=closed or None
                    ) == (due.nominal_due, due.due), (rule, recipient, closed, start, k)


def test_period_due_refuses_a_rule_that_is_not_periodic() -> None:
    single = next(r for r in RULES if not RULES[r].kind.periodic)
    with pytest.raises(LawInputError) as raised:
        period_due(single, date(2026, 3, 31))
    assert raised.value.field == "rule"
