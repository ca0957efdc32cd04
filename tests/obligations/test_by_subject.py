"""The tick and verify read the sources a chunk of subjects at a time (sources.BySubject).

Their query count depends on the number of chunks, not of subjects; a chunk boundary changes
nothing they find; and a stored duty whose subject no source considers (a plan never filed, a
subject that does not exist) is still found unexpected.
"""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES
from saisei.obligations import sources
from saisei.obligations.models import Obligation, ObligationStatusChange
from saisei.obligations.services import compute_due, obligations_tick, obligations_verify
from saisei.obligations.sources import ObligationSpec
from saisei.plans.lifecycle import PlanStatus
from saisei.reporting.services import adverse_event_record
from tests.support import at
from tests.support.world import build_world

pytestmark = pytest.mark.django_db

FILED = date(2025, 6, 2)  # a Monday: the plans are filed and accepted that day
TODAY = date(2028, 7, 3)  # periods 1 to 4 of each plan's yearly reports have begun


def _plans(world, n: int) -> list:
    with at(FILED):
        return [world.plan_in(PlanStatus.ACTIVE) for _ in range(n)]


def _event(world, plan, learned: date, category: str) -> None:
    with at(learned):
        adverse_event_record(
            plan=plan,
            patient_code="P-001",
            learned_on=learned,
            category=category,
            description="Fever after infusion (fictional)",
            outcome="recovered",
            causality="possibly_related",
            actor=world.personas.officer,
            today=learned,
        )


def _queries(work) -> int:
    with CaptureQueriesContext(connection) as queries:
        work()
    return len(queries)


def test_tick_and_verify_cost_as_many_queries_for_many_subjects_as_for_a_few(personas) -> None:
    with at(FILED):
        world = build_world(personas)
    few = _plans(world, 2)
    _event(world, few[0], date(2025, 9, 1), "non_serious")
    _event(world, few[1], date(2025, 9, 2), "hospitalisation")
    obligations_tick(today=TODAY)
    tick_few = _queries(lambda: obligations_tick(today=TODAY))
    verify_few = _queries(lambda: obligations_verify(today=TODAY))

    many = _plans(world, 6)
    for i, plan in enumerate(many):
        _event(world, plan, date(2025, 10, 1 + i), "non_serious")
        _event(world, plan, date(2025, 11, 1 + i), "hospitalisation")
    assert obligations_tick(today=TODAY).created > 0
    assert obligations_tick(today=TODAY).created == 0
    assert _queries(lambda: obligations_tick(today=TODAY)) == tick_few
    assert _queries(lambda: obligations_verify(today=TODAY)) == verify_few
    assert obligations_verify(today=TODAY) == []


def test_chunks_of_two_subjects_find_what_one_chunk_finds(personas, monkeypatch) -> None:
    with at(FILED):
        world = build_world(personas)
    plans = _plans(world, 5)
    for i, plan in enumerate(plans):
        _event(world, plan, date(2025, 9, 1 + i), "non_serious")
    created = obligations_tick(today=TODAY).created
    stored = set(Obligation.objects.values_list("rule", "subject_id", "period", "recipient"))
    ticked = ["periodic_report", "ae_other_cycle", "cpc_periodic_report"]
    assert set(Obligation.objects.values_list("rule", flat=True)) >= set(ticked)
    recreated = Obligation.objects.filter(rule__in=ticked)
    ObligationStatusChange.objects.filter(obligation__in=recreated).delete()
    recreated.delete()

    monkeypatch.setattr(sources, "CHUNK", 2)
    assert obligations_tick(today=TODAY).created == len([key for key in stored if key[0] in ticked])
    assert set(Obligation.objects.values_list("rule", "subject_id", "period", "recipient")) == (
        stored
    )
    assert created > 0
    assert obligations_verify(today=TODAY) == []

    # A duty deleted, one moved to a plan never filed and one to a subject that does not exist.
    periodic = Obligation.objects.filter(rule="periodic_report", subject_id=str(plans[3].pk))
    periodic.filter(period=4, recipient="committee").delete()  # not yet due: never moved
    draft = world.draft()
    moved = periodic.get(period=1, recipient="committee")
    Obligation.objects.filter(pk=moved.pk).update(subject_id=str(draft.pk))
    stray = periodic.get(period=2, recipient="committee")
    Obligation.objects.filter(pk=stray.pk).update(subject_id="999999")
    found = [(d.kind, d.subject, d.obligation_id) for d in obligations_verify(today=TODAY)]
    subject = f"plans.plan:{plans[3].pk}"
    assert found == [
        ("unexpected", f"plans.plan:{draft.pk}", moved.pk),
        ("unexpected", "plans.plan:999999", stray.pk),
        ("missing", subject, None),
        ("missing", subject, None),
        ("missing", subject, None),
    ]


def test_a_spec_built_quickly_is_the_spec_built_by_its_class() -> None:
    fields = {
        "rule": "periodic_report",
        "organisation_id": 1,
        "subject_type": "plans.plan",
        "subject_id": "7",
        "subject_label": "A plan",
        "starts_on": FILED,
        "period": 2,
        "also_visible_to_id": 3,
        "recipient": "committee",
        "committee_closed": ("national_holiday",),
        "met_on": TODAY,
        "met_by": ("plans.plannotice", "9"),
    }
    quick, built = sources.spec(**fields), ObligationSpec(**fields)
    assert quick == built and hash(quick) == hash(built) and quick.key == built.key
    assert dataclasses.asdict(quick) == dataclasses.asdict(built)
    assert sources.spec(**{k: v for k, v in fields.items() if k[:3] != "met"}) == ObligationSpec(
        **{k: v for k, v in fields.items() if k[:3] != "met"}
    )
    with pytest.raises(dataclasses.FrozenInstanceError):
        quick.period = 3  # type: ignore[misc]
    with pytest.raises(TypeError):
        sources.spec("periodic_report")  # type: ignore[misc]


def test_verify_words_each_difference_of_a_source_read_by_subject(personas) -> None:
    """The quick comparison of raw rows hands every doubtful row to the careful one."""
    with at(FILED):
        world = build_world(personas)
    plan, second, third = _plans(world, 3)
    obligations_tick(today=TODAY)
    assert obligations_verify(today=TODAY) == []
    duties = Obligation.objects.filter(rule="periodic_report", subject_id=str(plan.pk))
    kept, stale = (
        Obligation.objects.get(
            rule="periodic_report", subject_id=str(p.pk), period=1, recipient="committee"
        )
        for p in (second, third)
    )
    moved = duties.get(period=1, recipient="committee")
    Obligation.objects.filter(pk=moved.pk).update(due_on=moved.due_on.replace(year=2030))
    period = duties.get(period=2, recipient="committee")
    Obligation.objects.filter(pk=period.pk).update(period_end=period.period_start)
    other = duties.exclude(recipient="committee").get(period=1)
    Obligation.objects.filter(pk=other.pk).update(organisation=personas.org("other_institution"))
    reopened = duties.exclude(recipient="committee").get(period=2)
    Obligation.objects.filter(pk=reopened.pk).update(status="open")
    late = duties.get(period=3, recipient="committee")
    Obligation.objects.filter(pk=late.pk).update(
        status="met", met_on=late.due_on.replace(year=late.due_on.year + 1)
    )
    # Met under closed days the committee no longer records: judged against those it recorded
    # (its explanation's), whichever days the committee records now.
    closed = COMMITTEE_CLOSED_DAY_CHOICES
    spec = ObligationSpec(
        rule="periodic_report",
        organisation_id=kept.organisation_id,
        subject_type="plans.plan",
        subject_id=kept.subject_id,
        subject_label="",
        starts_on=kept.starts_on,
        period=1,
        recipient="committee",
    )
    then = compute_due(dataclasses.replace(spec, committee_closed=closed))
    now = compute_due(
        dataclasses.replace(spec, committee_closed=tuple(world.committee.rule_closed_days or ()))
    )
    assert then.due != now.due  # the days recorded then move this duty's last day
    for row, due in ((kept, then), (stale, now)):
        Obligation.objects.filter(pk=row.pk).update(
            status="met",
            met_on=row.starts_on,
            nominal_due=due.nominal_due,
            due_on=due.due,
            explanation={**row.explanation, "committee_closed": list(closed)},
        )
    found = {d.obligation_id: (d.kind, d.detail) for d in obligations_verify(today=TODAY)}
    assert found[moved.pk][0] == "due_date" and "2030" in found[moved.pk][1]
    assert found[period.pk][0] == "period"
    assert found[other.pk] == ("organisation", "responsible organisation differs")
    assert found[reopened.pk] == ("status", "open past its due date: run the tick")
    assert found[late.pk] == ("status", "met late but marked met")
    assert found[stale.pk][0] == "due_date"
    assert set(found) == {moved.pk, period.pk, other.pk, reopened.pk, late.pk, stale.pk}


def test_a_cycle_report_of_a_plan_without_events_is_unexpected(personas) -> None:
    """The cycle reports' source reads only the plans with other adverse events; a stored cycle
    report of any other plan is of a subject it does not consider, and still found."""
    with at(FILED):
        world = build_world(personas)
    with_event, without = _plans(world, 2)
    _event(world, with_event, date(2025, 9, 1), "non_serious")
    obligations_tick(today=TODAY)
    assert obligations_verify(today=TODAY) == []
    cycle = Obligation.objects.get(rule="ae_other_cycle", subject_id=str(with_event.pk))
    Obligation.objects.filter(pk=cycle.pk).update(subject_id=str(without.pk))
    found = [(d.kind, d.rule, d.subject) for d in obligations_verify(today=TODAY)]
    assert found == [
        ("unexpected", "ae_other_cycle", f"plans.plan:{without.pk}"),
        ("missing", "ae_other_cycle", f"plans.plan:{with_event.pk}"),
    ]
