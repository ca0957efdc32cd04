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


def test_a_death_opens_reports_to_committee_and_minister_due_after_golden_week(
    active_plan, personas
) -> None:
    event = _death(active_plan, personas.officer)
    obligations = Obligation.objects.filter(
        subject_type="reporting.adverseevent", subject_id=str(event.pk)
    ).order_by("recipient")
    assert [(o.rule, o.recipient, o.due_on) for o in obligations] == [
        ("ae_death", "committee", dt.date(2026, 5, 7)),
        ("ae_death", "minister", dt.date(2026, 5, 7)),
    ]
    assert all(o.status == ObligationStatus.OPEN for o in obligations)
    assert obligations[0].also_visible_to_id == active_plan.committee.organisation_id


def test_filing_the_report_meets_the_obligation(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer)
    report = adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="committee",
        reported_on=dt.date(2026, 5, 7),
        summary="Initial report",
        actor=personas.officer,
        today=dt.date(2026, 5, 7),
    )
    committee_duty = Obligation.objects.get(
        subject_type="reporting.adverseevent", subject_id=str(event.pk), recipient="committee"
    )
    assert committee_duty.status == ObligationStatus.MET
    assert (committee_duty.met_by_type, committee_duty.met_by_id) == (
        "reporting.adverseeventreport",
        str(report.pk),
    )
    assert (
        Obligation.objects.get(
            subject_type="reporting.adverseevent", subject_id=str(event.pk), recipient="minister"
        ).status
        == "open"
    )


def test_without_a_report_the_duty_is_overdue_from_the_eighth_of_may(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer)
    obligations_tick(today=dt.date(2026, 5, 7))
    assert not Obligation.objects.filter(
        subject_type="reporting.adverseevent", subject_id=str(event.pk), status="overdue"
    ).exists()
    obligations_tick(today=dt.date(2026, 5, 8))
    assert (
        Obligation.objects.filter(
            subject_type="reporting.adverseevent", subject_id=str(event.pk), status="overdue"
        ).count()
        == 2
    )
    late = adverse_event_report_file(
        plan=active_plan,
        event=event,
        recipient="minister",
        reported_on=dt.date(2026, 5, 11),
        summary="Late report",
        actor=personas.officer,
        today=dt.date(2026, 5, 11),
    )
    duty = Obligation.objects.get(
        subject_type="reporting.adverseevent", subject_id=str(event.pk), recipient="minister"
    )
    assert (duty.status, duty.met_by_id) == (ObligationStatus.MET_LATE, str(late.pk))


def test_a_serious_event_is_due_in_fifteen_days(active_plan, personas) -> None:
    event = _death(active_plan, personas.officer, category="hospitalisation")
    duty = Obligation.objects.filter(
        subject_type="reporting.adverseevent", subject_id=str(event.pk)
    ).first()
    assert duty.rule == "ae_serious"
    assert duty.nominal_due == LEARNED + dt.timedelta(days=15)


def test_other_events_are_reported_together_after_their_sixty_day_period(
    active_plan, personas
) -> None:
    # Filed 2025-06-02: period 1 runs to 2025-07-31, period 2 from 2025-08-01 to 2025-09-29.
    for day in (dt.date(2025, 8, 5), dt.date(2025, 9, 1)):
        _death(active_plan, personas.officer, learned=day, category="non_serious")
    duties = Obligation.objects.filter(rule="ae_other_cycle")
    assert [(d.period, d.period_end, d.due_on) for d in duties] == [
        (2, dt.date(2025, 9, 29), dt.date(2025, 10, 9)),
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
        assert raised.value.details["field"] == field
    assert not Obligation.objects.exists()


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
