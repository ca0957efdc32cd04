"""The tick and verify read the sources a chunk of subjects at a time (sources.BySubject).

Their query count depends on the number of chunks, not of subjects; a chunk boundary changes
nothing they find; and a stored duty whose subject no source considers (a plan never filed, a
subject that does not exist) is still found unexpected.
"""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saisei.obligations import sources
from saisei.obligations.models import Obligation, ObligationStatusChange
from saisei.obligations.services import obligations_tick, obligations_verify
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
    recreated = Obligation.objects.filter(rule__in=["periodic_report", "ae_other_cycle"])
    ObligationStatusChange.objects.filter(obligation__in=recreated).delete()
    recreated.delete()

    monkeypatch.setattr(sources, "CHUNK", 2)
    assert obligations_tick(today=TODAY).created == len(
        [key for key in stored if key[0] in ("periodic_report", "ae_other_cycle")]
    )
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
