"""The daily tick: create the periodic duties and renewals no event opens, follow fixed due
dates that moved, and mark open duties past due overdue.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from saisei.audit.services import audit_record
from saisei.law import RuleKind
from saisei.obligations.lifecycle import ObligationAction
from saisei.obligations.models import OUTSTANDING, Obligation, ObligationStatus
from saisei.obligations.services.core import (
    _expected,
    _explanation,
    _row_values,
    _status_for,
    compute_due,
    current_rules,
)
from saisei.obligations.services.transitions import _move, _move_many
from saisei.obligations.sources import ObligationSpec


@dataclass(frozen=True)
class TickResult:
    created: int
    marked_overdue: int


def _created_by_tick(spec: ObligationSpec) -> bool:
    """Duties no recorded event opens: each period of a periodic duty, and the renewal of a
    certification or licence, which exists from the day it was granted."""
    if spec.period > 0 or spec.fixed_due is not None:
        return True
    return current_rules()[spec.rule].kind == RuleKind.VALIDITY


def obligation_sync(*, spec: ObligationSpec, today: date) -> bool:
    """Bring one fixed-date duty in line with its recorded events (see _sync_fixed)."""
    return _sync_fixed([spec], today) == 1


def _sync_fixed(specs: list[ObligationSpec], today: date) -> int:
    """Follow a fixed due date that moved (a time limit extended) and a duty the recorded
    events now show as met; each change audited."""
    changed = 0
    for spec in specs:
        row = Obligation.objects.filter(
            rule=spec.rule,
            subject_type=spec.subject_type,
            subject_id=spec.subject_id,
            starts_on=spec.starts_on,
            period=spec.period,
            recipient=spec.recipient,
            status__in=OUTSTANDING,
        ).first()
        if row is None or spec.fixed_due is None:
            continue
        values: dict[str, Any] = {}
        if row.due_on != spec.fixed_due:
            due = compute_due(spec)
            values.update(
                nominal_due=due.nominal_due,
                due_on=due.due,
                explanation=_explanation(due),
            )
        values.update(_status_for(spec, spec.fixed_due, today))
        if values["status"] == row.status and "due_on" not in values:
            continue
        if values["status"] != row.status:
            fields = {k: v for k, v in values.items() if k != "status"}
            _move(row, action=ObligationAction.SYNC, to=values["status"], actor=None, **fields)
        else:
            Obligation.objects.filter(pk=row.pk).update(**values, updated_at=timezone.now())
        audit_record(
            action="obligations.obligation.synced",
            actor=None,
            system="obligations-tick",
            target=row,
            data={k: v for k, v in values.items() if k != "explanation"},
        )
        changed += 1
    return changed


# Any constant: the PostgreSQL advisory lock one tick holds until it commits.
TICK_LOCK = 0x5A15E1


def _wait_for_other_ticks() -> None:
    """Make a tick started while another is writing wait until that one commits, so that it
    finds the other's rows existing and counts (and audits) only what it created itself.
    On SQLite every transaction already begins IMMEDIATE (saisei.config.env)."""
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [TICK_LOCK])


def obligations_tick(*, today: date) -> TickResult:
    """Create the periodic obligations whose period has begun and the renewals of certifications
    and licences; mark open ones past due overdue.

    Idempotent and safe to run twice at once: a second tick waits for the first to commit,
    rows are inserted with the unique duty key and conflicts ignored (a duty an event opens at
    the same moment), and the duties past due are locked, then moved and their status-change
    rows written set-based (a few queries per thousand rows, never one per row).
    """
    periodic = [s for s in _expected(today) if _created_by_tick(s)]
    with transaction.atomic():
        _wait_for_other_ticks()
        existing = _existing_keys(periodic)
        missing = [s for s in periodic if s.key not in existing]
        rows = []
        for spec in missing:
            due = compute_due(spec)
            rows.append(Obligation(**_row_values(spec, due), **_status_for(spec, due.due, today)))
        before = Obligation.objects.count()
        Obligation.objects.bulk_create(rows, batch_size=1000, ignore_conflicts=True)
        created = Obligation.objects.count() - before
        _sync_fixed([s for s in periodic if s.fixed_due is not None and s.key in existing], today)
        past_due = (
            Obligation.objects.select_for_update()
            .filter(status=ObligationStatus.OPEN, due_on__lt=today)
            .order_by("pk")
            .values_list("pk", "status")
        )
        marked = len(
            _move_many(
                past_due,
                action=ObligationAction.MARK_OVERDUE,
                to=ObligationStatus.OVERDUE,
                actor=None,
            )
        )
        if created or marked:
            audit_record(
                action="obligations.tick.ran",
                actor=None,
                system="obligations-tick",
                data={"today": today, "created": created, "marked_overdue": marked},
            )
    return TickResult(created=max(created, 0), marked_overdue=marked)


def _existing_keys(specs: Iterable[ObligationSpec]) -> set[tuple[str, str, str, date, int, str]]:
    specs = list(specs)
    if not specs:
        return set()
    rules = {s.rule for s in specs}
    subjects = {s.subject_type for s in specs}
    rows = Obligation.objects.filter(rule__in=rules, subject_type__in=subjects).values_list(
        "rule", "subject_type", "subject_id", "starts_on", "period", "recipient"
    )
    return set(rows)
