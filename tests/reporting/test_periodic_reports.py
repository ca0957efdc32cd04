from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import pytest
from django.utils import translation

from saisei.core.errors import DomainError, NotPermitted
from saisei.obligations.models import Obligation, ObligationStatus
from saisei.obligations.services import obligations_tick, obligations_verify
from saisei.reporting.figures import shown, shown_percent, shown_share
from saisei.reporting.services import (
    adverse_event_record,
    outcome_record,
    periodic_report_file,
    periodic_report_generate,
    periodic_report_review,
    periodic_report_submit,
    periodic_report_write,
    treatment_record,
)
from tests.support import at

pytestmark = pytest.mark.django_db

AFTER = dt.date(2026, 6, 10)  # period 1 (2025-06-02 .. 2026-06-01) has ended


def _treat(plan, actor, code, day, value=None):
    t = treatment_record(plan=plan, patient_code=code, treated_on=day, actor=actor, today=AFTER)
    if value is not None:
        outcome_record(
            treatment=t,
            criterion=plan.criteria.get(),
            measured_on=day + dt.timedelta(days=30),
            value=Decimal(value),
            actor=actor,
            today=AFTER,
        )
    return t


ITEMS = {
    "evaluation": "Outcomes met the threshold in most cases; no serious adverse event.",
    "conflicts_of_interest": "none",
    "non_compliance": "none",
}


def _duties(plan, period: int = 1) -> dict[str, Obligation]:
    return {
        o.recipient: o
        for o in Obligation.objects.filter(
            rule="periodic_report", subject_id=str(plan.pk), period=period
        )
    }


def test_each_year_owes_the_committee_and_the_bureau_ninety_days_after_it_ends(
    active_plan,
) -> None:
    obligations_tick(today=AFTER)
    duties = _duties(active_plan)
    assert sorted(duties) == ["committee", "regional_bureau"]
    for duty in duties.values():
        assert (duty.period_start, duty.period_end) == (dt.date(2025, 6, 2), dt.date(2026, 6, 1))
        assert duty.nominal_due == dt.date(2026, 8, 30)  # a Sunday
    # The committee's rules record no closed days, so its report is due on the Sunday itself;
    # the Bureau's moves to Monday (Act on Holidays of Administrative Organs Art 2).
    assert duties["committee"].due_on == dt.date(2026, 8, 30)
    assert duties["regional_bureau"].due_on == dt.date(2026, 8, 31)
    assert "RM Act Art 20(1)" in duties["committee"].explanation["explain"]
    assert "RM Act Art 21(1)" in duties["regional_bureau"].explanation["explain"]
    assert "施行規則第118条第1項第5号" in duties["regional_bureau"].explanation["explain_ja"]


def test_a_report_shows_the_numbers_against_each_criterion(active_plan, personas) -> None:
    criterion = active_plan.criteria.get()
    criterion.threshold_operator, criterion.threshold_value = ">=", Decimal("20")
    criterion.save()
    _treat(active_plan, personas.officer, "P-001", dt.date(2025, 7, 1), "30")
    _treat(active_plan, personas.officer, "P-002", dt.date(2025, 8, 1), "10")
    _treat(active_plan, personas.officer, "P-003", dt.date(2025, 9, 1), "25")
    _treat(active_plan, personas.officer, "P-004", dt.date(2025, 10, 1))  # not yet measured
    _treat(active_plan, personas.officer, "P-005", dt.date(2026, 6, 5))  # next period
    adverse_event_record(
        plan=active_plan,
        patient_code="P-002",
        learned_on=dt.date(2025, 8, 20),
        category="non_serious",
        description="Injection-site swelling",
        outcome="recovered",
        causality="related",
        actor=personas.officer,
        today=AFTER,
    )
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    f = report.figures
    assert (f["cases"], f["patients"], f["adverse_events_total"]) == (4, 4, 1)
    assert f["adverse_events"]["non_serious"] == 1 and f["serious_adverse_events"] == 0
    [c] = f["criteria"]
    assert (c["measured"], c["mean"], c["median"], c["min"], c["max"]) == (
        3,
        21.6667,
        25.0,
        10.0,
        30.0,
    )
    assert (c["meeting_threshold"], c["share_meeting_threshold"]) == (2, 0.6667)
    assert c["treated_without_measurement"] == 1
    assert c["missing"] == ["treatments_without_measurement"]
    assert "P-001" not in str(f)  # aggregate only


def test_the_report_page_and_csv_show_rounded_figures_and_keep_the_exact_ones(
    active_plan, personas, client_for
) -> None:
    criterion = active_plan.criteria.get()
    criterion.threshold_operator, criterion.threshold_value = ">=", Decimal("20")
    criterion.save()
    for n, value in enumerate(["30", "10", "25", "40", "50", "33", "30"]):
        _treat(active_plan, personas.officer, f"P-{n}", dt.date(2025, 7, 1 + n), value)
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    [c] = report.figures["criteria"]
    # Stored (and in the API) to four decimals, as computed.
    assert (c["mean"], c["median"], c["sd"], c["share_meeting_threshold"]) == (
        31.1429,
        30.0,
        12.4154,
        0.8571,
    )
    url = f"/reporting/periodic/{report.pk}/"
    with at(AFTER):
        for language in ("en", "ja"):
            page = client_for("officer").get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
            assert "<dd>31.14</dd>" in page  # mean
            assert "<dd>30.00</dd>" in page  # median
            assert "<dd>12.42</dd>" in page  # standard deviation
            assert "<dd>10.00 \u2013 50.00</dd>" in page  # range
            assert "<dd>6 / 7 (85.7%)</dd>" in page  # meeting the threshold
            assert "31.1429" not in page and "12.4154" not in page
        response = client_for("officer").get(f"{url}csv/")
    rows = csv.reader(io.StringIO(response.content.decode("utf-8-sig")))
    shown_in_csv = {item: value for section, item, value in rows if section == "criterion 1"}
    assert {k: shown_in_csv[k] for k in ("mean", "median", "sd", "min", "max")} == {
        "mean": "31.14",
        "median": "30.00",
        "sd": "12.42",
        "min": "10.00",
        "max": "50.00",
    }
    assert (shown_in_csv["measured"], shown_in_csv["meeting_threshold"]) == ("7", "6")
    assert shown_in_csv["share_meeting_threshold"] == "0.857"


def test_figures_are_shown_rounded_half_up() -> None:
    assert [shown(v) for v in (31.1429, 2.675, 10, -0.001, None)] == [
        "31.14",
        "2.68",
        "10.00",
        "0.00",
        "",
    ]
    assert [shown_percent(v) for v in (0.8571, 1.0, 0.0, None)] == ["85.7", "100.0", "0.0", ""]
    assert [shown_share(v) for v in (0.8571, 1.0, None)] == ["0.857", "1.000", ""]


def test_a_period_with_no_cases_still_produces_its_report(active_plan, personas) -> None:
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    assert report.figures["cases"] == 0
    [c] = report.figures["criteria"]
    assert c["measured"] == 0 and "no_measurements" in c["missing"]


def test_a_report_cannot_be_prepared_before_its_period_ends(active_plan, personas) -> None:
    with pytest.raises(DomainError) as raised:
        periodic_report_generate(
            plan=active_plan, period=1, actor=personas.officer, today=dt.date(2026, 6, 1)
        )
    assert raised.value.code == "period_not_ended"


def test_submission_meets_the_committee_duty_and_filing_after_the_opinion_the_bureaus(
    active_plan, personas
) -> None:
    obligations_tick(today=AFTER)
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    with pytest.raises(DomainError):
        periodic_report_file(report=report, filed_on=AFTER, actor=personas.officer, today=AFTER)
    periodic_report_submit(report=report, actor=personas.officer, today=AFTER, **ITEMS)
    duties = _duties(active_plan)
    assert (duties["committee"].status, duties["committee"].met_on) == (ObligationStatus.MET, AFTER)
    assert (duties["committee"].met_by_type, duties["committee"].met_by_id) == (
        "reporting.periodicreport",
        str(report.pk),
    )
    assert duties["regional_bureau"].status == ObligationStatus.OPEN
    # The authority receives the report with the committee's opinion attached: not before.
    for language, words in (("en", "Ordinance Art 38"), ("ja", "施行規則第38条")):
        with translation.override(language), pytest.raises(DomainError) as raised:
            periodic_report_file(report=report, filed_on=AFTER, actor=personas.officer, today=AFTER)
        assert raised.value.code == "report_wrong_status"
        assert words in str(raised.value.message)
        # The one shape of details: the field refused, and the report's status beside it.
        assert [e["field"] for e in raised.value.errors] == ["filed_on"]
        assert raised.value.details["status"] == "submitted"
        assert "field" not in raised.value.details
    assert _duties(active_plan)["regional_bureau"].status == ObligationStatus.OPEN
    with pytest.raises(NotPermitted):
        periodic_report_review(
            report=report, continuation="continue", opinion="fine", actor=personas.member
        )
    periodic_report_review(
        report=report,
        continuation="continue",
        opinion="Outcomes consistent with the plan.",
        actor=personas.secretariat,
        today=dt.date(2026, 7, 1),
    )
    with pytest.raises(DomainError) as raised:
        periodic_report_file(
            report=report,
            filed_on=dt.date(2026, 6, 30),
            actor=personas.officer,
            today=dt.date(2026, 7, 2),
        )
    assert raised.value.code == "date_order"
    with pytest.raises(NotPermitted):
        periodic_report_file(
            report=report,
            filed_on=dt.date(2026, 7, 2),
            actor=personas.staff,
            today=dt.date(2026, 7, 2),
        )
    periodic_report_file(
        report=report,
        filed_on=dt.date(2026, 7, 2),
        actor=personas.officer,
        today=dt.date(2026, 7, 2),
    )
    duties = _duties(active_plan)
    assert (duties["regional_bureau"].status, duties["regional_bureau"].met_on) == (
        ObligationStatus.MET,
        dt.date(2026, 7, 2),
    )
    assert duties["committee"].met_on == AFTER  # unchanged by the filing
    assert obligations_verify(today=dt.date(2026, 7, 2)) == []


def test_a_late_submission_is_late_for_the_committee_only(active_plan, personas) -> None:
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    periodic_report_submit(
        report=report, actor=personas.officer, today=dt.date(2026, 8, 31), **ITEMS
    )
    periodic_report_review(
        report=report,
        continuation="continue",
        opinion="Consistent.",
        actor=personas.secretariat,
        today=dt.date(2026, 8, 31),
    )
    periodic_report_file(
        report=report,
        filed_on=dt.date(2026, 8, 31),
        actor=personas.officer,
        today=dt.date(2026, 8, 31),
    )
    duties = _duties(active_plan)
    # Monday 2026-08-31 is a day late for the committee (due on Sunday the 30th), on time for the
    # Bureau (its last day moved from the Sunday to the Monday).
    assert duties["committee"].status == ObligationStatus.MET_LATE
    assert duties["regional_bureau"].status == ObligationStatus.MET


def test_submission_needs_every_item_of_article_37(active_plan, personas) -> None:
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    for language, words in (("en", "Ordinance Art 37(1)"), ("ja", "施行規則第37条第1項")):
        with translation.override(language), pytest.raises(DomainError) as raised:
            periodic_report_submit(
                report=report,
                actor=personas.officer,
                today=AFTER,
                conflicts_of_interest="none",
                non_compliance="  ",
            )
        assert raised.value.code == "invalid_input"
        assert words in str(raised.value.message)
        errors = raised.value.details["errors"]
        assert [e["field"] for e in errors] == ["evaluation", "non_compliance"]
        assert all(words in e["message"] for e in errors)
    report.refresh_from_db()
    assert (report.status, report.submitted_on, report.conflicts_of_interest) == ("draft", None, "")
    assert not Obligation.objects.filter(
        rule="periodic_report", recipient="committee", status__in=["met", "met_late"]
    ).exists()
    with pytest.raises(DomainError) as raised:
        periodic_report_submit(
            report=report,
            actor=personas.officer,
            today=AFTER,
            **{**ITEMS, "evaluation": "x" * 4001},
        )
    assert [e["field"] for e in raised.value.errors] == ["evaluation"]
    # Saved in the draft first, the items need not be sent again; "none" is an answer.
    periodic_report_write(report=report, actor=personas.officer, **ITEMS)
    submitted = periodic_report_submit(report=report, actor=personas.officer, today=AFTER)
    assert (submitted.status, submitted.non_compliance) == ("submitted", "none")
    with pytest.raises(DomainError) as raised:
        periodic_report_write(report=report, actor=personas.officer, evaluation="changed")
    assert raised.value.code == "report_wrong_status"


def test_the_opinion_on_continuing_is_stored_and_audited(active_plan, personas) -> None:
    from saisei.audit.models import AuditEvent

    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    periodic_report_submit(report=report, actor=personas.officer, today=AFTER, **ITEMS)
    for continuation, opinion, field in (
        ("carry_on", "Fine.", "continuation"),
        ("continue", " ", "opinion"),
    ):
        with pytest.raises(DomainError) as raised:
            periodic_report_review(
                report=report,
                continuation=continuation,
                opinion=opinion,
                actor=personas.secretariat,
                today=AFTER,
            )
        assert [e["field"] for e in raised.value.errors] == [field]
    periodic_report_review(
        report=report,
        continuation="continue_with_changes",
        opinion="Measure every patient at three months before the next report.",
        actor=personas.secretariat,
        today=AFTER,
    )
    report.refresh_from_db()
    assert (report.status, report.continuation, report.reviewed_by) == (
        "reviewed",
        "continue_with_changes",
        personas.secretariat,
    )
    event = AuditEvent.objects.get(
        action="reporting.periodic_report.reviewed", target_id=str(report.pk)
    )
    assert event.data["continuation"] == "continue_with_changes"
    assert event.actor == personas.secretariat
    periodic_report_file(report=report, filed_on=AFTER, actor=personas.officer, today=AFTER)
    filed = AuditEvent.objects.get(
        action="reporting.periodic_report.filed", target_id=str(report.pk)
    )
    assert (filed.data["to"], filed.data["continuation"]) == (
        "regional_bureau",
        "continue_with_changes",
    )


def test_the_course_of_the_periods_adverse_events_is_counted_by_outcome(
    active_plan, personas
) -> None:
    events = [
        ("non_serious", "recovered", dt.date(2025, 8, 1)),
        ("non_serious", "recovered", dt.date(2025, 9, 1)),
        ("non_serious", "recovering", dt.date(2025, 10, 1)),
        ("hospitalisation", "sequelae", dt.date(2025, 11, 1)),
        ("death", "fatal", dt.date(2026, 6, 5)),  # the next period
    ]
    for n, (category, outcome, learned) in enumerate(events):
        adverse_event_record(
            plan=active_plan,
            patient_code=f"P-{n}",
            learned_on=learned,
            category=category,
            description="fictional",
            outcome=outcome,
            causality="possibly_related",
            actor=personas.officer,
            today=AFTER,
        )
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    course = report.figures["adverse_event_course"]
    assert sorted(course) == ["hospitalisation", "non_serious"]
    assert {k: v for k, v in course["non_serious"].items() if v} == {
        "recovered": 2,
        "recovering": 1,
    }
    assert {k: v for k, v in course["hospitalisation"].items() if v} == {"sequelae": 1}
    assert report.figures["adverse_events"]["non_serious"] == 3
    assert report.figures["adverse_events"]["death"] == 0


def test_a_submitted_report_is_frozen(active_plan, personas) -> None:
    report = periodic_report_generate(
        plan=active_plan, period=1, actor=personas.officer, today=AFTER
    )
    periodic_report_submit(report=report, actor=personas.officer, today=AFTER, **ITEMS)
    with pytest.raises(DomainError) as raised:
        periodic_report_generate(plan=active_plan, period=1, actor=personas.officer, today=AFTER)
    assert raised.value.code == "report_wrong_status"


def test_another_institution_cannot_touch_the_report(active_plan, personas) -> None:
    with pytest.raises(NotPermitted):
        periodic_report_generate(
            plan=active_plan, period=1, actor=personas.other_officer, today=AFTER
        )


def test_a_closed_plan_owes_only_the_years_that_ended_before_close_out(world, personas) -> None:
    from tests.support import at

    with at(dt.date(2025, 6, 2)):
        plan = world.plan_in("active")
    from saisei.plans import services as plans

    with at(dt.date(2026, 9, 1)):
        plans.plan_discontinue(
            plan=plan, actor=personas.officer, stopped_on=dt.date(2026, 8, 20), reason="End"
        )
        plans.plan_close(
            plan=plan, actor=personas.officer, closed_on=dt.date(2026, 9, 1), summary="Closed"
        )
    obligations_tick(today=dt.date(2027, 12, 1))
    duties = sorted(
        Obligation.objects.filter(rule="periodic_report", subject_id=str(plan.pk)).values_list(
            "period", "recipient"
        )
    )
    # 2025-06-02..2026-06-01 ended before close-out, owed to the committee and to the Bureau;
    # period 2 did not end before close-out.
    assert duties == [(1, "committee"), (1, "regional_bureau")]
    assert obligations_verify(today=dt.date(2027, 12, 1)) == []
