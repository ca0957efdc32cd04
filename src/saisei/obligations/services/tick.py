"""The daily tick: create the periodic duties and renewals no event opens, follow fixed due
dates that moved, and mark open duties past due overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from saisei.audit.services import audit_record
from saisei.law import RuleKind
from saisei.obligations.lifecycle import ObligationAction
from saisei.obligations.models import OUTSTANDING, Obligation, ObligationStatus
from saisei.obligations.services.batch import DueDates, Raw, raw_values
from saisei.obligations.services.core import (
    _explanation,
    _status_for,
    compute_due,
    current_rules,
)
from saisei.obligations.services.transitions import _move, _move_many
from saisei.obligations.signals import send_changed
from saisei.obligations.sources import BY_SUBJECT, SOURCES, ObligationSpec, one_pass, pk_chunks


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
    events now show as met; each change audited. One query reads the outstanding rows of all
    `specs`; only a row that changes is read whole."""
    fixed = {spec.key: spec for spec in specs if spec.fixed_due is not None}
    if not fixed:
        return 0
    stored = Obligation.objects.filter(
        rule__in={spec.rule for spec in fixed.values()},
        subject_type__in={spec.subject_type for spec in fixed.values()},
        subject_id__in={spec.subject_id for spec in fixed.values()},
        status__in=OUTSTANDING,
    ).values_list(*_KEY, "pk", "due_on", "status")
    changed = 0
    for *key, pk, due_on, status in stored.order_by("pk"):
        spec = fixed.get(tuple(key))
        if spec is not None and _sync_row(spec, pk, due_on, status, today):
            changed += 1
    return changed


def _sync_row(spec: ObligationSpec, pk: int, due_on: date, status: str, today: date) -> bool:
    assert spec.fixed_due is not None
    values: dict[str, Any] = {}
    if due_on != spec.fixed_due:
        due = compute_due(spec)
        values.update(
            nominal_due=due.nominal_due,
            due_on=due.due,
            explanation=_explanation(due),
        )
    values.update(_status_for(spec, spec.fixed_due, today))
    if values["status"] == status and "due_on" not in values:
        return False
    row = Obligation.objects.get(pk=pk)
    if values["status"] != status:
        fields = {k: v for k, v in values.items() if k != "status"}
        _move(row, action=ObligationAction.SYNC, to=values["status"], actor=None, **fields)
    else:
        Obligation.objects.filter(pk=row.pk).update(**values, updated_at=timezone.now())
        if "due_on" in values:
            send_changed([(row.subject_type, row.subject_id)])
    audit_record(
        action="obligations.obligation.synced",
        actor=None,
        system="obligations-tick",
        target=row,
        data={k: v for k, v in values.items() if k != "explanation"},
    )
    return True


_KEY = ("rule", "subject_type", "subject_id", "starts_on", "period", "recipient")


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

    The sources are read a chunk of subjects at a time (saisei.obligations.sources.BySubject),
    each chunk's duties beside the keys of its stored rows, so a tick with nothing to do costs a
    few queries per thousand subjects and holds one chunk in memory.
    """
    with transaction.atomic(), one_pass():
        _wait_for_other_ticks()
        tick = _Tick(today)
        for name, (_rules, source) in SOURCES.items():
            by_subject = BY_SUBJECT.get(name)
            if by_subject is None:
                tick.add([s for s in source(today) if _created_by_tick(s)])
                continue
            for subject_type, queryset in by_subject.subjects(today).items():
                for pks in pk_chunks(queryset):
                    pks = by_subject.unsettled_of(today, subject_type, pks)
                    if not pks:
                        continue
                    specs = by_subject.specs(today, subject_type, pks)
                    tick.add([s for s in specs if _created_by_tick(s)])
        created = tick.created()
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


class _Tick:
    """The duties one tick inserts and syncs, a chunk of subjects at a time."""

    def __init__(self, today: date) -> None:
        self.today = today
        self.due = DueDates()
        self.raw = Raw(Obligation.objects.db)
        self.before: int | None = None

    def add(self, specs: list[ObligationSpec]) -> None:
        """Insert the chunk's duties not stored yet; sync its fixed-date ones that are."""
        if not specs:
            return
        existing = set(
            raw_values(
                Obligation.objects.filter(
                    rule__in={s.rule for s in specs},
                    subject_type__in={s.subject_type for s in specs},
                    subject_id__in={s.subject_id for s in specs},
                ).order_by(),
                *_KEY,
            )
        )
        key = self.raw.key
        stored = [key(s) in existing for s in specs]
        missing = [s for s, found in zip(specs, stored, strict=True) if not found]
        if missing:
            if self.before is None:
                self.before = Obligation.objects.count()
            Obligation.objects.bulk_create(
                [self._row(spec) for spec in missing], batch_size=1000, ignore_conflicts=True
            )
            send_changed((spec.subject_type, spec.subject_id) for spec in missing)
        fixed = [s for s, found in zip(specs, stored, strict=True) if found and s.fixed_due]
        _sync_fixed(fixed, self.today)

    def _row(self, spec: ObligationSpec) -> Obligation:
        values = self.due.row_values(spec)
        return Obligation(
            rule=spec.rule,
            organisation_id=spec.organisation_id,
            also_visible_to_id=spec.also_visible_to_id,
            subject_type=spec.subject_type,
            subject_id=spec.subject_id,
            subject_label=spec.subject_label[:300],
            recipient=spec.recipient,
            starts_on=spec.starts_on,
            period=spec.period,
            **values,
            **_status_for(spec, values["due_on"], self.today),
        )

    def created(self) -> int:
        """How many rows this tick inserted (conflicts ignored: a duty another wrote)."""
        if self.before is None:
            return 0
        return Obligation.objects.count() - self.before
