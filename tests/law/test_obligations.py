"""Obligation rules as data and their due dates (domain.md §1.8-1.9)."""

from __future__ import annotations

import json
import time
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saisei.law import (
    OVERRIDES_ENV_VAR,
    RULES,
    LawConfigError,
    LawInputError,
    RuleKind,
    due_date,
    is_closed_day,
    load_overrides_file,
    load_rules,
    rules_from_environment,
)

D = date.fromisoformat

# Every rule id of domain.md §1.8, plus the two uncertain validity rules.
EXPECTED_RULES = [
    "ae_death",
    "ae_serious",
    "ae_other_cycle",
    "periodic_report",
    "cpc_periodic_report",
    "minor_change",
    "discontinuation",
    "research_summary",
    "class1_restriction",
    "record_retention",
    "committee_certification_expiry",
    "cpc_licence_expiry",
]

# rule, from, period, period_start, period_end, nominal, due, skipped dates
DUE_CASES: list[tuple[str, str, int | None, str | None, str | None, str, str, list[str]]] = [
    # Worked example of §1.9.
    (
        "ae_death",
        "2026-04-28",
        None,
        None,
        None,
        "2026-05-05",
        "2026-05-07",
        ["2026-05-05", "2026-05-06"],
    ),
    ("ae_serious", "2026-04-28", None, None, None, "2026-05-13", "2026-05-13", []),
    (
        "ae_serious",
        "2026-12-14",
        None,
        None,
        None,
        "2026-12-29",
        "2027-01-04",
        ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"],
    ),
    ("ae_other_cycle", "2026-04-01", 1, "2026-04-01", "2026-05-30", "2026-06-09", "2026-06-09", []),
    (
        "ae_other_cycle",
        "2026-04-01",
        2,
        "2026-05-31",
        "2026-07-29",
        "2026-08-08",
        "2026-08-10",
        ["2026-08-08", "2026-08-09"],
    ),
    (
        "periodic_report",
        "2026-04-01",
        1,
        "2026-04-01",
        "2027-03-31",
        "2027-06-29",
        "2027-06-29",
        [],
    ),
    # Counted from 29 February: period 2 runs 1 March to 28 February; due on Showa Day, rolled.
    (
        "cpc_periodic_report",
        "2024-02-29",
        2,
        "2025-03-01",
        "2026-02-28",
        "2026-04-29",
        "2026-04-30",
        ["2026-04-29"],
    ),
    ("minor_change", "2026-04-28", None, None, None, "2026-05-08", "2026-05-08", []),
    (
        "discontinuation",
        "2026-12-19",
        None,
        None,
        None,
        "2026-12-29",
        "2027-01-04",
        ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"],
    ),
    # Within 1 year of 29 February: 28 February.
    ("research_summary", "2024-02-29", None, None, None, "2025-02-28", "2025-02-28", []),
    ("class1_restriction", "2026-04-30", None, None, None, "2026-07-29", "2026-07-29", []),
    # A restriction ending on Children's Day is not moved.
    ("class1_restriction", "2026-02-04", None, None, None, "2026-05-05", "2026-05-05", []),
    ("record_retention", "2024-02-29", None, None, None, "2034-02-28", "2034-02-28", []),
    # Validity counted from the grant as day 1; a Saturday end is not moved.
    (
        "committee_certification_expiry",
        "2026-04-01",
        None,
        None,
        None,
        "2029-03-31",
        "2029-03-31",
        [],
    ),
    ("cpc_licence_expiry", "2026-04-01", None, None, None, "2031-03-31", "2031-03-31", []),
]


def test_the_rule_set_holds_every_rule_of_the_domain_in_order() -> None:
    assert list(RULES) == EXPECTED_RULES


def test_every_rule_is_exercised_by_a_due_date_case() -> None:
    assert {case[0] for case in DUE_CASES} == set(EXPECTED_RULES)


@pytest.mark.parametrize(
    ("rule_id", "kind", "offset", "unit", "rolls", "uncertain"),
    [
        ("ae_death", "single", 7, "days", True, False),
        ("ae_serious", "single", 15, "days", True, False),
        ("ae_other_cycle", "periodic_60_day", 10, "days", True, False),
        ("periodic_report", "periodic_yearly", 90, "days", True, False),
        ("cpc_periodic_report", "periodic_yearly", 60, "days", True, False),
        ("minor_change", "single", 10, "days", True, False),
        ("discontinuation", "single", 10, "days", True, False),
        ("research_summary", "single", 1, "years", True, False),
        ("class1_restriction", "restriction", 90, "days", False, False),
        ("record_retention", "retention", 10, "years", False, True),
        ("committee_certification_expiry", "validity", 3, "years", False, True),
        ("cpc_licence_expiry", "validity", 5, "years", False, True),
    ],
)
def test_rule_data(
    rule_id: str, kind: str, offset: int, unit: str, rolls: bool, uncertain: bool
) -> None:
    rule = RULES[rule_id]
    assert (rule.kind.value, rule.offset, rule.offset_unit.value) == (kind, offset, unit)
    assert (rule.rolls_forward, rule.uncertain) == (rolls, uncertain)
    assert rule.basis and rule.clock_starts and rule.title
    assert rule.to_dict()["id"] == rule_id


def test_adverse_event_rules_cite_the_act_and_ordinance() -> None:
    assert RULES["ae_death"].basis == "RM Act Art 18; Ordinance Art 35(1)(i)"
    assert RULES["ae_serious"].basis == "RM Act Art 18; Ordinance Art 35(1)(ii)"
    assert RULES["ae_death"].recipients == ("committee", "minister")


@pytest.mark.parametrize(
    ("rule_id", "start", "period", "p_start", "p_end", "nominal", "due", "skipped"),
    DUE_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}" for c in DUE_CASES],
)
def test_due_dates(
    rule_id: str,
    start: str,
    period: int | None,
    p_start: str | None,
    p_end: str | None,
    nominal: str,
    due: str,
    skipped: list[str],
) -> None:
    result = due_date(rule_id, D(start), period=period)
    assert result.period == (1 if period is None and RULES[rule_id].kind.periodic else period)
    assert result.period_start == (None if p_start is None else D(p_start))
    assert result.period_end == (None if p_end is None else D(p_end))
    assert result.nominal_due == D(nominal)
    assert result.due == D(due)
    assert [s.on for s in result.skipped] == [D(s) for s in skipped]


def test_periodic_rules_default_to_the_first_period() -> None:
    assert due_date("periodic_report", D("2026-04-01")) == due_date(
        "periodic_report", D("2026-04-01"), period=1
    )


def test_worked_example_explains_itself_in_one_sentence() -> None:
    result = due_date("ae_death", D("2026-04-28"))
    assert result.explain() == (
        "Due 2026-05-07: 7 days after 2026-04-28 (RM Act Art 18; Ordinance Art 35(1)(i); "
        "Civil Code Art 140); nominal 2026-05-05 skipped: 2026-05-05 national holiday "
        "(Children's Day), 2026-05-06 substitute holiday (Civil Code Art 142; Act on Holidays of "
        "Administrative Organs)."
    )


def test_explanations_by_kind() -> None:
    periodic = due_date("periodic_report", D("2026-04-01"), period=2).explain()
    assert periodic.startswith(
        "Due 2028-06-29: 90 days after the end of yearly period 2 (2027-04-01 to 2028-03-31, "
        "counted from 2026-04-01 as day 1)"
    )
    restriction = due_date("class1_restriction", D("2026-02-04")).explain()
    assert restriction.startswith("Allowed from 2026-05-05: day 91 counting 2026-02-04 as day 1")
    assert "never moved" in restriction
    retention = due_date("record_retention", D("2026-04-28")).explain()
    assert retention.startswith("Keep until 2036-04-28: 10 years after 2026-04-28")
    assert "uncertain: 10 years is uncertain for Class I" in retention
    validity = due_date("cpc_licence_expiry", D("2026-04-01")).explain()
    assert validity.startswith("Valid until 2031-03-31: 5 years counting 2026-04-01 as day 1")
    assert (
        due_date("research_summary", D("2026-04-28"))
        .explain()
        .startswith("Due 2027-04-28: 1 year after 2026-04-28")
    )


def test_to_dict_has_the_required_keys_in_order_then_extras() -> None:
    result = due_date("ae_death", D("2026-04-28")).to_dict()
    assert list(result)[:9] == [
        "rule",
        "basis",
        "from",
        "period",
        "period_start",
        "period_end",
        "nominal_due",
        "due",
        "skipped",
    ]
    assert result["skipped"] == [
        {"date": "2026-05-05", "reason": "national holiday: Children's Day"},
        {"date": "2026-05-06", "reason": "substitute holiday"},
    ]
    assert result["uncertain"] is False
    assert due_date("record_retention", D("2026-04-28")).to_dict()["uncertain"] is True


@pytest.mark.parametrize(
    ("rule_id", "period", "field"),
    [
        ("no_such_rule", None, "rule"),
        ("ae_death", 1, "period"),
        ("class1_restriction", 2, "period"),
        ("periodic_report", 0, "period"),
        ("ae_other_cycle", -3, "period"),
    ],
)
def test_invalid_due_date_requests_name_the_field(
    rule_id: str, period: int | None, field: str
) -> None:
    with pytest.raises(LawInputError) as excinfo:
        due_date(rule_id, D("2026-04-28"), period=period)
    assert excinfo.value.field == field


def test_a_due_date_past_the_holiday_calendar_is_refused() -> None:
    with pytest.raises(LawInputError) as excinfo:
        due_date("periodic_report", D("2026-04-01"), period=80)
    assert excinfo.value.field == "period"
    assert "holiday calendar" in excinfo.value.message
    # Rolling from 29 December 2099 would need 2100's holidays.
    with pytest.raises(LawInputError) as excinfo:
        due_date("ae_death", D("2099-12-22"))
    assert excinfo.value.field == "from"
    assert excinfo.value.message.startswith("the due date 2099-12-29 is outside the holiday")
    # A retention end is not rolled, so it needs no holiday calendar.
    assert due_date("record_retention", D("2095-01-01")).due == D("2105-01-01")


# --- overrides --------------------------------------------------------------------------------


def test_overrides_change_uncertain_rules_without_touching_the_defaults() -> None:
    rules = load_rules(
        {
            "record_retention": {"offset": 20, "note": "20 years for Class I (operator decision)"},
            "committee_certification_expiry": {"offset": 4, "uncertain": False},
        }
    )
    assert due_date("record_retention", D("2026-04-28"), rules=rules).due == D("2046-04-28")
    certification = due_date("committee_certification_expiry", D("2026-04-01"), rules=rules)
    assert certification.due == D("2030-03-31")
    assert certification.uncertain is False
    assert RULES["record_retention"].offset == 10
    assert rules["ae_death"] is RULES["ae_death"]


def test_no_overrides_gives_the_defaults() -> None:
    assert load_rules(None) is RULES
    assert dict(load_rules({})) == dict(RULES)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"record_keeping": {}}, "record_keeping", "unknown rule"),
        ({"record_retention": {"years": 20}}, "record_retention.years", "unknown field"),
        ({"record_retention": {"kind": "single"}}, "record_retention.kind", "cannot be overridden"),
        ({"record_retention": {"offset": "ten"}}, "record_retention.offset", "must be an integer"),
        ({"record_retention": {"offset": 0}}, "record_retention.offset", "must be an integer"),
        ({"record_retention": {"offset": True}}, "record_retention.offset", "must be an integer"),
        ({"record_retention": {"offset_unit": "weeks"}}, "record_retention.offset_unit", "days"),
        ({"record_retention": {"uncertain": "no"}}, "record_retention.uncertain", "true or false"),
        ({"record_retention": {"basis": " "}}, "record_retention.basis", "non-empty string"),
        ({"record_retention": {"recipients": "committee"}}, "record_retention.recipients", "list"),
        ({"record_retention": 10}, "record_retention", "must be an object"),
        (
            {"class1_restriction": {"rolls_forward": True}},
            "class1_restriction.rolls_forward",
            "never rolled",
        ),
    ],
)
def test_bad_overrides_fail_loudly(overrides: object, field: str, message: str) -> None:
    with pytest.raises(LawConfigError) as excinfo:
        load_rules(overrides, source="test.json")  # type: ignore[arg-type]
    assert excinfo.value.source == "test.json"
    assert excinfo.value.field == field
    assert message in excinfo.value.message


def test_overrides_file_and_environment(tmp_path: Path) -> None:
    path = tmp_path / "overrides.json"
    path.write_text(json.dumps({"cpc_licence_expiry": {"offset": 7}}), encoding="utf-8")
    assert load_overrides_file(path) == {"cpc_licence_expiry": {"offset": 7}}
    rules = rules_from_environment({OVERRIDES_ENV_VAR: str(path)})
    assert rules["cpc_licence_expiry"].offset == 7
    assert rules_from_environment({}) is RULES
    assert rules_from_environment({OVERRIDES_ENV_VAR: ""}) is RULES


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON"),
        ("[1, 2]", "must be a JSON object of rule ids"),
        ('{"record_retention": 3}', "must be an object of fields"),
        (None, "cannot read the file"),
    ],
)
def test_malformed_overrides_file(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "overrides.json"
    if content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(LawConfigError) as excinfo:
        rules_from_environment({OVERRIDES_ENV_VAR: str(path)})
    assert message in str(excinfo.value)
    assert str(path) in str(excinfo.value)


# --- properties -------------------------------------------------------------------------------

starts = st.dates(min_value=date(2014, 11, 25), max_value=date(2080, 12, 31))


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(st.sampled_from(EXPECTED_RULES), starts, st.integers(min_value=1, max_value=5))
def test_due_dates_are_never_on_closed_days_unless_the_rule_never_rolls(
    rule_id: str, start: date, period: int
) -> None:
    rule = RULES[rule_id]
    result = due_date(rule_id, start, period=period if rule.kind.periodic else None)
    assert result.due >= result.nominal_due > start
    if rule.rolls_forward:
        assert is_closed_day(result.due) is None
    else:
        assert result.due == result.nominal_due
        assert result.skipped == ()
    if rule.kind.periodic:
        assert result.period_start is not None and result.period_end is not None
        assert result.period_start <= result.period_end < result.nominal_due
    else:
        assert result.period is result.period_start is result.period_end is None


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(starts)
def test_restriction_is_day_91_counting_the_filing_day(start: date) -> None:
    result = due_date("class1_restriction", start)
    assert (result.due - start).days + 1 == 91
    assert result.kind is RuleKind.RESTRICTION


def test_due_date_is_cheap() -> None:
    start = D("2026-04-28")
    due_date("ae_death", start)  # warm the holiday cache for the year
    started = time.perf_counter()
    for i in range(10_000):
        due_date("periodic_report" if i % 2 else "ae_death", start)
    assert time.perf_counter() - started < 2.0
