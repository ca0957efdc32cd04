"""Obligation rules as data and their due dates, per recipient (domain.md §1.8-1.9)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from saisei.law import (
    OVERRIDES_ENV_VAR,
    RULES,
    ClosedDayKind,
    LawConfigError,
    LawInputError,
    Recipient,
    RuleKind,
    closed_reasons,
    committee_closed_kinds,
    due_date,
    is_closed_day,
    load_overrides_file,
    load_rules,
    rules_from_environment,
)

D = date.fromisoformat

# Every rule id of domain.md §1.8 in the table's order, then the two validity rules.
EXPECTED_RULES = [
    "ae_death",
    "ae_serious",
    "ae_other_cycle",
    "periodic_report",
    "cpc_periodic_report",
    "cpc_change_notice",
    "cpc_closure_notice",
    "committee_renewal",
    "minor_change",
    "discontinuation",
    "research_summary",
    "class1_restriction",
    "record_retention",
    "committee_certification_expiry",
    "cpc_licence_expiry",
]

# Recipients per rule, in domain.md §1.8's order ("the plan's authority" is either national one).
EXPECTED_RECIPIENTS = {
    "ae_death": ("committee", "minister", "regional_bureau"),
    "ae_serious": ("committee", "minister", "regional_bureau"),
    "ae_other_cycle": ("committee",),
    "periodic_report": ("committee", "minister", "regional_bureau"),
    "cpc_periodic_report": ("regional_bureau",),
    "cpc_change_notice": ("regional_bureau",),
    "cpc_closure_notice": ("regional_bureau",),
    "committee_renewal": ("minister", "regional_bureau"),
    "minor_change": ("committee", "minister", "regional_bureau"),
    "discontinuation": ("committee", "minister", "regional_bureau"),
    "research_summary": ("committee", "jrct"),
    "class1_restriction": (),
    "record_retention": (),
    "committee_certification_expiry": (),
    "cpc_licence_expiry": ("regional_bureau",),
}

# rule, to, from, period, period_start, period_end, nominal, due, skipped dates
Case = tuple[str, str | None, str, int | None, str | None, str | None, str, str, list[str]]
DUE_CASES: list[Case] = [
    # The worked example of §1.9: the Bureau's report moves past Golden Week, the committee's not.
    (
        "ae_death",
        "regional_bureau",
        "2026-04-28",
        None,
        None,
        None,
        "2026-05-05",
        "2026-05-07",
        ["2026-05-05", "2026-05-06"],
    ),
    (
        "ae_death",
        "minister",
        "2026-04-28",
        None,
        None,
        None,
        "2026-05-05",
        "2026-05-07",
        ["2026-05-05", "2026-05-06"],
    ),
    ("ae_death", "committee", "2026-04-28", None, None, None, "2026-05-05", "2026-05-05", []),
    ("ae_serious", "committee", "2026-04-28", None, None, None, "2026-05-13", "2026-05-13", []),
    (
        "ae_serious",
        "regional_bureau",
        "2026-12-14",
        None,
        None,
        None,
        "2026-12-29",
        "2027-01-04",
        ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"],
    ),
    # To a committee, 29 December is the due date unless its rules say it is closed then.
    ("ae_serious", "committee", "2026-12-14", None, None, None, "2026-12-29", "2026-12-29", []),
    (
        "ae_other_cycle",
        None,
        "2026-04-01",
        1,
        "2026-04-01",
        "2026-05-30",
        "2026-06-09",
        "2026-06-09",
        [],
    ),
    (
        "ae_other_cycle",
        None,
        "2026-04-01",
        2,
        "2026-05-31",
        "2026-07-29",
        "2026-08-08",
        "2026-08-08",
        [],
    ),
    (
        "periodic_report",
        "committee",
        "2026-04-01",
        1,
        "2026-04-01",
        "2027-03-31",
        "2027-06-29",
        "2027-06-29",
        [],
    ),
    (
        "periodic_report",
        "regional_bureau",
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
        None,
        "2024-02-29",
        2,
        "2025-03-01",
        "2026-02-28",
        "2026-04-29",
        "2026-04-30",
        ["2026-04-29"],
    ),
    ("cpc_change_notice", None, "2026-04-01", None, None, None, "2026-05-01", "2026-05-01", []),
    (
        "cpc_closure_notice",
        None,
        "2026-04-04",
        None,
        None,
        None,
        "2026-05-04",
        "2026-05-07",
        ["2026-05-04", "2026-05-05", "2026-05-06"],
    ),
    # Term 1 of a certification of 2026-04-01 ends 2029-03-31; the window is 90 to 60 days before.
    (
        "committee_renewal",
        None,
        "2026-04-01",
        1,
        "2026-04-01",
        "2029-03-31",
        "2029-01-30",
        "2029-01-30",
        [],
    ),
    (
        "committee_renewal",
        "regional_bureau",
        "2026-04-01",
        2,
        "2029-04-01",
        "2032-03-31",
        "2032-01-31",
        "2032-02-02",
        ["2032-01-31", "2032-02-01"],
    ),
    ("minor_change", "committee", "2026-04-28", None, None, None, "2026-05-08", "2026-05-08", []),
    (
        "minor_change",
        "minister",
        "2026-04-25",
        None,
        None,
        None,
        "2026-05-05",
        "2026-05-07",
        ["2026-05-05", "2026-05-06"],
    ),
    (
        "discontinuation",
        "regional_bureau",
        "2026-12-19",
        None,
        None,
        None,
        "2026-12-29",
        "2027-01-04",
        ["2026-12-29", "2026-12-30", "2026-12-31", "2027-01-01", "2027-01-02", "2027-01-03"],
    ),
    (
        "discontinuation",
        "committee",
        "2026-12-19",
        None,
        None,
        None,
        "2026-12-29",
        "2026-12-29",
        [],
    ),
    # Within 1 year of 29 February: 28 February.
    ("research_summary", None, "2024-02-29", None, None, None, "2025-02-28", "2025-02-28", []),
    # Publication on jRCT is not moved either: 2027-05-03 is Constitution Day.
    ("research_summary", "jrct", "2026-05-03", None, None, None, "2027-05-03", "2027-05-03", []),
    ("class1_restriction", None, "2026-04-30", None, None, None, "2026-07-29", "2026-07-29", []),
    # A restriction ending on Children's Day is not moved.
    ("class1_restriction", None, "2026-02-04", None, None, None, "2026-05-05", "2026-05-05", []),
    ("record_retention", None, "2024-02-29", None, None, None, "2034-02-28", "2034-02-28", []),
    # Validity counted from the grant as day 1; a Saturday end is not moved.
    (
        "committee_certification_expiry",
        None,
        "2026-04-01",
        None,
        None,
        None,
        "2029-03-31",
        "2029-03-31",
        [],
    ),
    ("cpc_licence_expiry", None, "2026-04-01", None, None, None, "2031-03-31", "2031-03-31", []),
]


def test_the_rule_set_holds_every_rule_of_the_domain_in_order() -> None:
    assert list(RULES) == EXPECTED_RULES


def test_every_rule_is_exercised_by_a_due_date_case() -> None:
    assert {case[0] for case in DUE_CASES} == set(EXPECTED_RULES)


def test_each_rule_has_its_recipients_in_the_domain_order() -> None:
    assert {rule_id: RULES[rule_id].recipients for rule_id in RULES} == EXPECTED_RECIPIENTS


@pytest.mark.parametrize(
    ("rule_id", "kind", "offset", "unit", "rolls", "uncertain"),
    [
        ("ae_death", "single", 7, "days", True, False),
        ("ae_serious", "single", 15, "days", True, False),
        ("ae_other_cycle", "periodic_60_day", 10, "days", True, False),
        ("periodic_report", "periodic_yearly", 90, "days", True, False),
        ("cpc_periodic_report", "periodic_yearly", 60, "days", True, False),
        ("cpc_change_notice", "single", 30, "days", True, False),
        ("cpc_closure_notice", "single", 30, "days", True, False),
        ("committee_renewal", "renewal", 60, "days", True, False),
        ("minor_change", "single", 10, "days", True, False),
        ("discontinuation", "single", 10, "days", True, False),
        ("research_summary", "single", 1, "years", True, False),
        ("class1_restriction", "restriction", 90, "days", False, False),
        ("record_retention", "retention", 10, "years", False, True),
        ("committee_certification_expiry", "validity", 3, "years", False, False),
        ("cpc_licence_expiry", "validity", 5, "years", False, False),
    ],
)
def test_rule_data(
    rule_id: str, kind: str, offset: int, unit: str, rolls: bool, uncertain: bool
) -> None:
    rule = RULES[rule_id]
    assert (rule.kind.value, rule.offset, rule.offset_unit.value) == (kind, offset, unit)
    assert (rule.rolls_forward, rule.uncertain) == (rolls, uncertain)
    assert rule.basis and rule.basis_ja and rule.clock_starts and rule.title and rule.title_ja
    assert rule.legal_name_ja
    assert rule.to_dict()["id"] == rule_id
    for route in rule.routes:
        assert route.basis and route.basis_ja


@pytest.mark.parametrize(
    ("rule_id", "to", "basis"),
    [
        ("ae_death", "committee", "RM Act Art 17(1); Ordinance Art 35(1)(i)"),
        ("ae_death", "minister", "RM Act Art 18; Ordinance Art 36(1), (2) applying Art 35(1)(i)"),
        (
            "ae_serious",
            "regional_bureau",
            "RM Act Art 18; Ordinance Art 36(1), (2) applying Art 35(1)(ii); "
            "Ordinance Art 118(1)(iv)",
        ),
        ("ae_other_cycle", "committee", "RM Act Art 17(1); Ordinance Art 35(1)(iii)"),
        ("periodic_report", "committee", "RM Act Art 20(1); Ordinance Art 37(1), (3)"),
        ("periodic_report", "minister", "RM Act Art 21(1); Ordinance Art 38(1), (3), (4)"),
        (
            "cpc_periodic_report",
            "regional_bureau",
            "RM Act Art 46; Ordinance Art 112(1), (2); Ordinance Art 118(1)(xix)",
        ),
        (
            "cpc_closure_notice",
            "regional_bureau",
            "RM Act Art 41; Ordinance Art 88; Ordinance Art 118(1)(xviii)",
        ),
        ("committee_renewal", "minister", "RM Act Art 28(1), (3)"),
        ("minor_change", "committee", "RM Act Art 5(3)"),
        ("discontinuation", "minister", "RM Act Art 6; Ordinance Art 31(1)"),
        ("research_summary", "jrct", "Ordinance Art 8-9(1), (4)"),
    ],
)
def test_each_recipient_cites_its_own_verified_provision(rule_id: str, to: str, basis: str) -> None:
    assert due_date(rule_id, D("2026-04-01"), to=to).basis == basis


def test_validity_rules_cite_the_act_and_are_no_longer_uncertain() -> None:
    assert RULES["committee_certification_expiry"].basis == "RM Act Art 28(1)"
    assert "Cabinet Order Art 5" in RULES["cpc_licence_expiry"].basis


@pytest.mark.parametrize(
    ("legal_name", "rule_id"),
    [
        ("疾病等報告", "ae_death"),
        ("定期報告", "periodic_report"),
        ("軽微な変更の届出", "minor_change"),
        ("中止の届出", "discontinuation"),
        ("総括報告書", "research_summary"),
        ("有効期間の更新の申請", "committee_renewal"),
    ],
)
def test_a_legal_name_finds_its_rule(legal_name: str, rule_id: str) -> None:
    assert rule_id in [r for r in RULES if RULES[r].legal_name_ja.startswith(legal_name)]


@pytest.mark.parametrize(
    ("rule_id", "to", "start", "period", "p_start", "p_end", "nominal", "due", "skipped"),
    DUE_CASES,
    ids=[f"{c[0]}-{c[1]}-{c[2]}-{c[3]}" for c in DUE_CASES],
)
def test_due_dates(
    rule_id: str,
    to: str | None,
    start: str,
    period: int | None,
    p_start: str | None,
    p_end: str | None,
    nominal: str,
    due: str,
    skipped: list[str],
) -> None:
    result = due_date(rule_id, D(start), period=period, to=to)
    assert result.period == (1 if period is None and RULES[rule_id].kind.periodic else period)
    assert result.period_start == (None if p_start is None else D(p_start))
    assert result.period_end == (None if p_end is None else D(p_end))
    assert result.nominal_due == D(nominal)
    assert result.due == D(due)
    assert [s.on for s in result.skipped] == [D(s) for s in skipped]


def test_the_default_recipient_is_the_first_in_the_table() -> None:
    assert due_date("ae_death", D("2026-04-28")).to is Recipient.COMMITTEE
    assert due_date("committee_renewal", D("2026-04-01")).to is Recipient.MINISTER
    assert due_date("class1_restriction", D("2026-04-01")).to is None


def test_a_committee_closed_on_holidays_moves_the_worked_example_like_the_bureau() -> None:
    holidays = committee_closed_kinds(["national_holiday"])
    result = due_date("ae_death", D("2026-04-28"), to="committee", committee_closed=holidays)
    assert result.due == D("2026-05-07")
    assert "Civil Code Art 142" in result.explain()
    # Closed only on Sundays: Children's Day (a Tuesday) is a day it transacts.
    sundays = committee_closed_kinds(["sunday"])
    result = due_date("ae_death", D("2026-04-28"), to="committee", committee_closed=sundays)
    assert result.due == D("2026-05-05")
    assert "record it closed only on Sundays" in result.explain()
    # Constitution Day 2026-05-03 is a Sunday: a committee closed on Sundays is closed that day.
    result = due_date("ae_death", D("2026-04-26"), to="committee", committee_closed=sundays)
    assert result.due == D("2026-05-04")


def test_the_renewal_gives_its_window() -> None:
    result = due_date("committee_renewal", D("2026-04-01"))
    assert result.window_opens == D("2028-12-31")
    assert result.to_dict()["window_opens"] == "2028-12-31"
    assert (result.period_end - result.window_opens).days == 90
    assert (result.period_end - result.nominal_due).days == 60


def test_periodic_rules_default_to_the_first_period() -> None:
    assert due_date("periodic_report", D("2026-04-01")) == due_date(
        "periodic_report", D("2026-04-01"), period=1
    )


def test_worked_example_explains_itself_in_one_sentence_for_each_recipient() -> None:
    bureau = due_date("ae_death", D("2026-04-28"), to="regional_bureau").explain()
    assert bureau == (
        "Due 2026-05-07: 7 days after 2026-04-28 (RM Act Art 18; Ordinance Art 36(1), (2) "
        "applying Art 35(1)(i); Ordinance Art 118(1)(iv); Civil Code Art 140), to the Regional "
        "Bureau of Health and Welfare (for the Minister); the nominal date 2026-05-05 is a holiday "
        "of administrative organs, so the deadline for this filing with a national authority "
        "moves past 2026-05-05 national holiday (Children's Day), 2026-05-06 substitute holiday "
        "(Act on Holidays of Administrative Organs Art 1(1), Art 2)."
    )
    committee = due_date("ae_death", D("2026-04-28"), to="committee").explain()
    assert committee.startswith(
        "Due 2026-05-05: 7 days after 2026-04-28 (RM Act Art 17(1); Ordinance Art 35(1)(i); "
        "Civil Code Art 140), to the certified committee; not moved: a report to a certified "
        "committee is not a filing with a government office"
    )
    assert "its rules record no closed days" in committee
    assert "Civil Code Art 142" not in committee.split("not moved")[0]


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
    assert "uncertain: 10 years (Ordinance Art 34(3)(ii))" in retention
    validity = due_date("cpc_licence_expiry", D("2026-04-01")).explain()
    assert validity.startswith("Valid until 2031-03-31: 5 years counting 2026-04-01 as day 1")
    assert (
        due_date("research_summary", D("2026-04-28"))
        .explain()
        .startswith("Due 2027-04-28: 1 year after 2026-04-28")
    )
    jrct = due_date("research_summary", D("2026-05-03"), to="jrct").explain()
    assert "publication on jRCT is not a filing with a government office" in jrct
    renewal = due_date("committee_renewal", D("2026-04-01")).explain()
    assert "the window opens 2028-12-31, 90 days before the term ends" in renewal


def test_to_dict_has_the_required_keys_in_order_then_extras() -> None:
    result = due_date("ae_death", D("2026-04-28"), to="regional_bureau").to_dict()
    assert list(result) == [
        "rule",
        "basis",
        "from",
        "period",
        "period_start",
        "period_end",
        "to",
        "nominal_due",
        "due",
        "skipped",
        "kind",
        "uncertain",
        "rolls_forward",
        "roll_forward",
        "committee_closed",
        "legal_name",
        "explanation",
    ]
    assert result["to"] == "regional_bureau"
    assert result["skipped"] == [
        {"date": "2026-05-05", "reason": "national holiday: Children's Day"},
        {"date": "2026-05-06", "reason": "substitute holiday"},
    ]
    assert result["uncertain"] is False
    assert (result["rolls_forward"], result["roll_forward"]) == (True, "administrative_holidays")
    committee = due_date("ae_death", D("2026-04-28")).to_dict()
    assert (committee["rolls_forward"], committee["roll_forward"]) == (False, "committee_rules")
    assert due_date("record_retention", D("2026-04-28")).to_dict()["uncertain"] is True


@pytest.mark.parametrize(
    ("rule_id", "period", "to", "closed", "field"),
    [
        ("no_such_rule", None, None, None, "rule"),
        ("ae_death", 1, None, None, "period"),
        ("class1_restriction", 2, None, None, "period"),
        ("periodic_report", 0, None, None, "period"),
        ("ae_other_cycle", -3, None, None, "period"),
        ("periodic_report", 1_000_000, None, None, "period"),
        ("ae_other_cycle", None, "minister", None, "to"),
        ("ae_death", None, "jrct", None, "to"),
        ("class1_restriction", None, "committee", None, "to"),
        ("ae_death", None, "regional_bureau", [ClosedDayKind.SUNDAY], "committee_closed"),
    ],
)
def test_invalid_due_date_requests_name_the_field(
    rule_id: str,
    period: int | None,
    to: str | None,
    closed: list[ClosedDayKind] | None,
    field: str,
) -> None:
    with pytest.raises(LawInputError) as excinfo:
        due_date(rule_id, D("2026-04-28"), period=period, to=to, committee_closed=closed)
    assert excinfo.value.field == field


def test_an_unknown_kind_of_closed_day_is_refused() -> None:
    with pytest.raises(LawInputError) as excinfo:
        committee_closed_kinds(["sunday", "obon"])
    assert excinfo.value.field == "committee_closed"
    assert "obon" in excinfo.value.message


def test_a_due_date_past_the_holiday_calendar_is_refused() -> None:
    with pytest.raises(LawInputError) as excinfo:
        due_date("periodic_report", D("2026-04-01"), period=80)
    assert excinfo.value.field == "period"
    assert "holiday calendar" in excinfo.value.message
    # Rolling from 29 December 2099 would need 2100's holidays.
    with pytest.raises(LawInputError) as excinfo:
        due_date("ae_death", D("2099-12-22"), to="minister")
    assert excinfo.value.field == "from"
    assert excinfo.value.message.startswith("the due date 2099-12-29 is outside the holiday")
    # The same date to a committee is not rolled, but the calendar is still needed to explain it.
    with pytest.raises(LawInputError):
        due_date("ae_death", D("2100-01-01"), to="committee")
    # A retention end is not rolled, so it needs no holiday calendar.
    assert due_date("record_retention", D("2095-01-01")).due == D("2105-01-01")


# --- overrides --------------------------------------------------------------------------------


def test_overrides_change_uncertain_rules_without_touching_the_defaults() -> None:
    rules = load_rules(
        {
            "record_retention": {"offset": 20, "note": "20 years for Class I (operator decision)"},
            "committee_certification_expiry": {"offset": 4, "uncertain": True},
        }
    )
    assert due_date("record_retention", D("2026-04-28"), rules=rules).due == D("2046-04-28")
    certification = due_date("committee_certification_expiry", D("2026-04-01"), rules=rules)
    assert certification.due == D("2030-03-31")
    assert certification.uncertain is True
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
        ({"ae_death": {"recipients": ["committee"]}}, "ae_death.recipients", "unknown field"),
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
routed = [(rule_id, to) for rule_id in EXPECTED_RULES for to in RULES[rule_id].recipients]
closed_sets = st.sets(
    st.sampled_from(["sunday", "saturday", "national_holiday", "year_end_closure"])
).map(committee_closed_kinds)


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(st.sampled_from(routed), starts, st.integers(min_value=1, max_value=5))
def test_a_due_date_for_a_national_authority_is_never_a_holiday_of_administrative_organs(
    rule_and_to: tuple[str, str], start: date, period: int
) -> None:
    rule_id, to = rule_and_to
    rule = RULES[rule_id]
    result = due_date(rule_id, start, period=period if rule.kind.periodic else None, to=to)
    assert result.due >= result.nominal_due
    if Recipient(to).national_authority and rule.rolls_forward:
        assert is_closed_day(result.due) is None
        # Moved only as far as the first open day.
        assert all(is_closed_day(s.on) for s in result.skipped)
    if rule.kind.periodic:
        assert result.period_start is not None and result.period_end is not None
        assert result.period_start <= result.period_end
    else:
        assert result.period is result.period_start is result.period_end is None


@settings(deadline=None)
@given(
    st.sampled_from([r for r, to in routed if to == "committee"]),
    starts,
    st.integers(min_value=1, max_value=5),
    closed_sets,
)
def test_a_committee_due_date_is_later_than_nominal_only_on_days_its_rules_record_closed(
    rule_id: str, start: date, period: int, closed: frozenset[ClosedDayKind]
) -> None:
    rule = RULES[rule_id]
    result = due_date(
        rule_id,
        start,
        period=period if rule.kind.periodic else None,
        to="committee",
        committee_closed=closed,
    )
    if result.due > result.nominal_due:
        assert closed
        day = result.nominal_due
        while day < result.due:
            assert {reason.kind for reason in closed_reasons(day)} & closed
            day = date.fromordinal(day.toordinal() + 1)
    assert not {reason.kind for reason in closed_reasons(result.due)} & closed
    without = due_date(rule_id, start, period=period if rule.kind.periodic else None)
    assert without.due == without.nominal_due == result.nominal_due


@settings(deadline=None)
@given(st.sampled_from(EXPECTED_RULES), starts)
def test_rules_that_never_roll_are_never_moved(rule_id: str, start: date) -> None:
    rule = RULES[rule_id]
    if rule.kind not in (RuleKind.RESTRICTION, RuleKind.VALIDITY, RuleKind.RETENTION):
        return
    result = due_date(rule_id, start)
    assert result.due == result.nominal_due and result.skipped == ()


@settings(deadline=None)  # the first lookup of a year builds its holiday table
@given(starts)
def test_restriction_is_day_91_counting_the_filing_day(start: date) -> None:
    result = due_date("class1_restriction", start)
    assert (result.due - start).days + 1 == 91
    assert result.kind is RuleKind.RESTRICTION
