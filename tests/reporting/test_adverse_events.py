from __future__ import annotations

import datetime as dt

import pytest

from saisei.core.errors import DomainError, NotPermitted
from saisei.obligations.models import Obligation, ObligationStatus
from saisei.obligations.services import obligations_tick, obligations_verify
from saisei.reporting.models import AdverseEventReport
from saisei.reporting.services import (
    adverse_event_record,
    adverse_event_report_file,
    adverse_event_report_review,
)

pytestmark = pytest.mark.django_db

LEARNED = dt.date(2026, 4, 28)  # domain.md §1.9 worked example


def _death(plan, actor, learned=LEARNED, **kw):
    return adverse_event_record(
        plan=plan,
        patient_code="P-001",
        learned_on=learned,
        category=kw.pop("category", "death"),
        description="Cardiac arrest two days after infusion (fictional)",
        outcome="fatal",
        causality="possibly_related",
        actor=actor,
        today=kw.pop("today", learned),
        **kw,
    )


def _duties(event) -> dict[str, Obligation]:
    return {
        o.recipient: o
        for o in Obligation.objects.filter(
            subject_type="reporting.adverseevent", subject_id=str(event.pk)
        )
    }


def test_the_worked_example_a_class_ii_death_owes_the_committee_and_the_bureau_apart(
    active_plan, personas
) -> None:
    # domain.md §1.9: learned of on Tuesday 2026-04-28, nominal due 2026-05-05 (Children's Day).
    event = _death(active_plan, personas.officer)
    duties = _duties(event)
    assert sorted(duties) == ["committee", "regional_bureau"]
    committee, bureau = duties["committee"], duties["regional_bureau"]
    assert (committee.rule, committee.nominal_due, committee.due_on) == (
        "ae_death",
        dt.date(2026, 5, 5),
        dt.date(2026, 5, 5),  # a committee is not a government office: not moved
    )
    assert (bureau.rule, bureau.nominal_due, bureau.due_on) == (
        "ae_death",
        dt.date(2026, 5, 5),
        dt.date(2026, 5, 7),  # past 05-05 and the substitute holiday 05-06
    )
    assert [d["date"] for d in bureau.explanation["skipped"]] == ["2026-05-05", "2026-05-06"]
    assert committee.explanation["skipped"] == []
    assert {o.status for o in duties.values()} == {ObligationStatus.OPEN}
    assert committee.also_visible_to_id == active_plan.committee.organisation_id


def test_each_duty_explains_its_own_basis_in_both_languages(active_plan, personas) -> None:
    duties = _duties(_death(active_plan, personas.officer))
    committee = duties["committee"].explanation
    bureau = duties["regional_bureau"].explanation
    assert "RM Act Art 17(1); Ordinance Art 35(1)(i)" in committee["explain"]
    assert "Art 18" not in committee["explain"]
    assert "not moved" in committee["explain"]
    assert "Act on Holidays of Administrative Organs does not apply" in committee["explain"]
    assert "再生医療等安全性確保法第17条第1項" in committee["explain_ja"]
    assert "第18条" not in committee["explain_ja"]
    assert "繰り延べなし" in committee["explain_ja"]
    assert "RM Act Art 18" in bureau["explain"]
    assert "Ordinance Art 118(1)(iv)" in bureau["explain"]
    assert "Art 17(1)" not in bureau["explain"]
    assert "Act on Holidays of Administrative Organs Art 1(1), Art 2" in bureau["explain"]
    assert "再生医療等安全性確保法第18条" in bureau["explain_ja"]
    assert "施行規則第118条第1項第4号" in bureau["explain_ja"]
    assert "行政機関の休日に関する法律第1条第1項・第2条" in bureau["explain_ja"]
    assert "第17条第1項" not in bureau["explain_ja"]


def test_a_committee_closed_on_holidays_is_owed_its_report_on_the_seventh_too(
    active_plan, personas
) -> None:
    from saisei.registry.services import committee_closed_days_set

    committee_closed_days_set(
        committee=active_plan.committee,
        closed_days=["national_holiday"],
        actor=personas.secretariat,
        today=LEARNED,
    )
    active_plan.refresh_from_db()
    duties = _duties(_death(active_plan, personas.officer))
    assert {r: o.due_on for r, o in duties.items()} == {
        "committee": dt.date(2026, 5, 7),
        "regional_bureau": dt.date(2026, 5, 7),
    }
    committee = duties["committee"].explanation
    assert committee["committee_closed"] == ["national_holiday"]
    assert "Civil Code Art 142" in committee["explain"]
    assert "民法第142条" in committee["explain_ja"]
    obligations_tick(today=LEARNED)
    assert obligations_verify(today=LEARNED) == []


def test_filing_the_report_to_the_bureau_meets_only_the_bureaus_duty(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer)
    report = adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="regional_bureau",
        reported_on=dt.date(2026, 5, 7),
        summary="Initial report",
        actor=personas.officer,
        today=dt.date(2026, 5, 7),
    )
    duties = _duties(event)
    bureau = duties["regional_bureau"]
    assert (bureau.status, bureau.met_on) == (ObligationStatus.MET, dt.date(2026, 5, 7))
    assert (bureau.met_by_type, bureau.met_by_id) == (
        "reporting.adverseeventreport",
        str(report.pk),
    )
    # The committee's duty is its own: still outstanding, and past its own last day (05-05).
    assert duties["committee"].status == ObligationStatus.OPEN
    assert duties["committee"].met_on is None
    late = adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="committee",
        reported_on=dt.date(2026, 5, 7),
        summary="Initial report",
        actor=personas.officer,
        today=dt.date(2026, 5, 7),
    )
    committee = _duties(event)["committee"]
    assert (committee.status, committee.met_by_id) == (ObligationStatus.MET_LATE, str(late.pk))


def test_a_class_ii_report_goes_to_the_bureau_not_the_minister(active_plan, personas) -> None:
    from django.utils import translation

    event = _death(active_plan, personas.officer)
    for language, words in (("en", "Regional Bureau"), ("ja", "地方厚生局")):
        with translation.override(language), pytest.raises(DomainError) as raised:
            adverse_event_report_file(
                plan=active_plan,
                event=event,
                recipient="minister",
                reported_on=LEARNED,
                summary="To the Minister",
                actor=personas.officer,
                today=LEARNED,
            )
        assert raised.value.code == "invalid_input"
        assert [e["field"] for e in raised.value.errors] == ["recipient"]
        assert raised.value.details["allowed"] == ["committee", "regional_bureau"]
        assert words in str(raised.value.message)
    assert not AdverseEventReport.objects.exists()
    assert {o.status for o in _duties(event).values()} == {ObligationStatus.OPEN}


def test_a_class_i_report_goes_to_the_minister(world, personas) -> None:
    from tests.support import at

    with at(dt.date(2025, 6, 2)):
        plan = world.plan_in("restricted")
    assert plan.risk_class == "I"
    event = _death(plan, personas.officer)
    assert sorted(_duties(event)) == ["committee", "minister"]
    with pytest.raises(DomainError) as raised:
        adverse_event_report_file(
            plan=plan,
            event=event,
            recipient="regional_bureau",
            reported_on=LEARNED,
            summary="To the Bureau",
            actor=personas.officer,
            today=LEARNED,
        )
    assert [e["field"] for e in raised.value.errors] == ["recipient"]
    adverse_event_report_file(
        plan=plan,
        event=event,
        recipient="minister",
        reported_on=LEARNED,
        summary="To the Minister",
        actor=personas.officer,
        today=LEARNED,
    )
    duties = _duties(event)
    assert duties["minister"].status == ObligationStatus.MET
    assert duties["minister"].due_on == dt.date(2026, 5, 7)
    assert duties["committee"].status == ObligationStatus.OPEN


def test_without_a_report_each_duty_is_overdue_from_the_day_after_its_own_date(
    active_plan, personas
) -> None:
    event = _death(active_plan, personas.officer)

    def overdue() -> set[str]:
        return {r for r, o in _duties(event).items() if o.status == ObligationStatus.OVERDUE}

    obligations_tick(today=dt.date(2026, 5, 5))
    assert overdue() == set()
    obligations_tick(today=dt.date(2026, 5, 6))
    assert overdue() == {"committee"}
    obligations_tick(today=dt.date(2026, 5, 7))
    assert overdue() == {"committee"}
    obligations_tick(today=dt.date(2026, 5, 8))
    assert overdue() == {"committee", "regional_bureau"}
    late = adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="regional_bureau",
        reported_on=dt.date(2026, 5, 11),
        summary="Late report",
        actor=personas.officer,
        today=dt.date(2026, 5, 11),
    )
    duty = _duties(event)["regional_bureau"]
    assert (duty.status, duty.met_by_id) == (ObligationStatus.MET_LATE, str(late.pk))
    assert overdue() == {"committee"}


def test_a_serious_event_is_due_in_fifteen_days(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer, category="hospitalisation")
    duties = _duties(event)
    assert {o.rule for o in duties.values()} == {"ae_serious"}
    assert {o.nominal_due for o in duties.values()} == {LEARNED + dt.timedelta(days=15)}


def test_other_events_are_reported_together_after_their_sixty_day_period(
    active_plan, personas
) -> None:
    # Filed 2025-06-02: period 1 runs to 2025-07-31, period 2 from 2025-08-01 to 2025-09-29.
    for day in (dt.date(2025, 8, 5), dt.date(2025, 9, 1)):
        _death(active_plan, personas.officer, learned=day, category="non_serious")
    duties = Obligation.objects.filter(rule="ae_other_cycle")
    assert [(d.period, d.recipient, d.period_end, d.due_on) for d in duties] == [
        (2, "committee", dt.date(2025, 9, 29), dt.date(2025, 10, 9)),
    ]
    with pytest.raises(DomainError) as raised:
        adverse_event_report_file(
            plan=active_plan,
            period=2,
            recipient="committee",
            reported_on=dt.date(2025, 9, 29),
            summary="Two mild events",
            actor=personas.officer,
            today=dt.date(2025, 9, 29),
        )
    assert raised.value.code == "period_not_ended"
    with pytest.raises(DomainError) as raised:
        adverse_event_report_file(
            plan=active_plan,
            period=2,
            recipient="regional_bureau",
            reported_on=dt.date(2025, 10, 1),
            summary="Two mild events",
            actor=personas.officer,
            today=dt.date(2025, 10, 1),
        )
    assert [e["field"] for e in raised.value.errors] == ["recipient"]  # to the committee only
    adverse_event_report_file(
        plan=active_plan,
        period=2,
        recipient="committee",
        reported_on=dt.date(2025, 10, 1),
        summary="Two mild events",
        actor=personas.officer,
        today=dt.date(2025, 10, 1),
    )
    assert duties.get().status == ObligationStatus.MET


def test_the_committee_reviews_reports_sent_to_it(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer)
    report = adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="committee",
        reported_on=LEARNED,
        summary="Initial report",
        actor=personas.officer,
        today=LEARNED,
    )
    with pytest.raises(NotPermitted):
        adverse_event_report_review(report=report, opinion="x", actor=personas.officer)
    reviewed = adverse_event_report_review(
        report=report,
        opinion="Continue with closer monitoring.",
        actor=personas.secretariat,
        today=dt.date(2026, 5, 1),
    )
    assert reviewed.reviewed_on == dt.date(2026, 5, 1)
    with pytest.raises(DomainError) as raised:
        adverse_event_report_review(report=report, opinion="again", actor=personas.secretariat)
    assert raised.value.code == "report_wrong_status"


def test_a_second_report_to_the_same_recipient_is_refused(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer)
    kwargs = dict(
        plan=active_plan,
        event=event,
        recipient="committee",
        reported_on=LEARNED,
        summary="Initial",
        actor=personas.officer,
        today=LEARNED,
    )
    adverse_event_report_file(**kwargs)
    with pytest.raises(DomainError) as raised:
        adverse_event_report_file(**kwargs)
    assert raised.value.code == "duplicate"
    assert AdverseEventReport.objects.count() == 1


def test_bad_adverse_event_input_is_refused_with_the_field(active_plan, personas) -> None:
    cases = [
        ({"category": "catastrophic"}, "category"),
        ({"learned": dt.date(2025, 5, 1), "today": dt.date(2025, 5, 1)}, "learned_on"),
        ({"onset_on": dt.date(2026, 4, 29)}, "onset_on"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as raised:
            _death(active_plan, personas.officer, **kwargs)
        assert [e["field"] for e in raised.value.errors] == [field]
    assert not Obligation.objects.filter(rule__startswith="ae_").exists()


def test_verify_agrees_with_everything_the_services_recorded(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer)
    _death(active_plan, personas.officer, learned=dt.date(2025, 8, 5), category="non_serious")
    adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="committee",
        reported_on=LEARNED,
        summary="Initial",
        actor=personas.officer,
        today=LEARNED,
    )
    obligations_tick(today=dt.date(2026, 11, 25))
    assert obligations_verify(today=dt.date(2026, 11, 25)) == []
