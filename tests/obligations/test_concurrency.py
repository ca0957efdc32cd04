"""Two `saisei obligations tick` runs at the same time leave each duty once.

The tick inserts missing duties with the unique duty key and conflicts ignored, and marks the
open ones past due overdue, locked, with their status-change rows, so a second run started while
the first is still writing (two schedulers, a manual run during the daily one) must neither fail
nor duplicate or double-count anything. Only PostgreSQL runs the two transactions truly
concurrently: SQLite's shared in-memory test database refuses the second writer ("table is
locked") instead of making it wait.
"""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connections
from django.db.models import Count

from saisei.audit.models import AuditEvent
from saisei.audit.services import audit_verify
from saisei.obligations.models import Obligation, ObligationStatus
from saisei.obligations.services import TickResult, obligations_tick, obligations_verify
from saisei.plans.lifecycle import PlanStatus
from tests.support import at, needs_postgresql
from tests.support.world import build_world

FILED = date(2025, 6, 2)  # a Monday: the plans are filed and accepted that day
EARLIER = date(2026, 7, 1)  # a first tick: period 1 has ended and is due, not yet overdue
TODAY = date(2028, 7, 3)  # the concurrent ticks: periods 1 to 4 have begun, 1 and 2 overdue
KEY = ("rule", "subject_type", "subject_id", "starts_on", "period", "recipient")


@pytest.mark.django_db(transaction=True)
def test_two_ticks_at_once_create_each_duty_once(personas) -> None:
    needs_postgresql("two concurrent writers need PostgreSQL (set DATABASE_URL)")
    with at(FILED):
        world = build_world(personas)
        plans = [world.plan_in(PlanStatus.ACTIVE) for _ in range(2)]
    obligations_tick(today=EARLIER)
    open_past_due = Obligation.objects.filter(status=ObligationStatus.OPEN, due_on__lt=TODAY)
    to_mark = open_past_due.count()
    assert to_mark > 0  # the concurrent ticks also race to mark these overdue
    before = Obligation.objects.count()

    barrier = threading.Barrier(2)
    results: list[TickResult] = []
    errors: list[BaseException] = []

    def tick() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(obligations_tick(today=TODAY))
        except BaseException as exc:  # an IntegrityError, a deadlock: the test reports it
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=tick) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in threads), "a tick did not finish"
    assert errors == []
    assert len(results) == 2

    for plan in plans:
        periods = Obligation.objects.filter(
            rule="periodic_report", subject_type="plans.plan", subject_id=str(plan.pk)
        ).values_list("period", "recipient")
        # One duty per period and recipient: the committee and the plan's authority.
        assert sorted(periods) == [
            (k, recipient) for k in (1, 2, 3, 4) for recipient in ("committee", "regional_bureau")
        ]
    duplicates = Obligation.objects.values(*KEY).annotate(n=Count("pk")).filter(n__gt=1)
    assert list(duplicates) == []
    assert obligations_verify(today=TODAY) == []
    # Each new row and each overdue marking is counted by exactly one of the two ticks.
    assert sum(r.created for r in results) == Obligation.objects.count() - before > 0
    assert sum(r.marked_overdue for r in results) == to_mark
    assert not open_past_due.exists()
    ran = AuditEvent.objects.filter(action="obligations.tick.ran").order_by("seq")
    assert sum(e.data["created"] for e in ran[1:]) == Obligation.objects.count() - before
    assert audit_verify().ok
