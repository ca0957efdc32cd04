"""An obligation's transition table walked: every action aimed at every result it can have, tried
from every status through the services, and every pair the table lacks refused by the move."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError
from saisei.obligations import sources
from saisei.obligations.lifecycle import (
    OUTSTANDING,
    PERMISSIONS,
    TRANSITIONS,
    ObligationAction,
    ObligationStatus,
    allowed_targets,
)
from saisei.obligations.models import Obligation, ObligationStatusChange
from saisei.obligations.services import (
    obligation_meet,
    obligation_open,
    obligation_sync,
    obligation_waive,
    obligations_reschedule_for_committee,
    obligations_supersede,
    obligations_tick,
    obligations_verify,
)
from saisei.obligations.services.transitions import _move, _move_many
from saisei.obligations.sources import ObligationSpec

pytestmark = pytest.mark.django_db
S = ObligationStatus
A = ObligationAction

LEARNED = date(2026, 4, 28)
# A death reported to the committee is due 2026-05-05, a holiday, unless the committee's rules
# close it on holidays: then 2026-05-07 (tests/obligations/test_obligations.py).
DUE = date(2026, 5, 5)
DUE_CLOSED = date(2026, 5, 7)
AFTER_DUE = date(2026, 5, 6)
CLOSED = ("national_holiday",)
FIXED_DUE = date(2026, 5, 20)
SYNC_DAY = date(2026, 5, 10)

# Services that refuse a move the table lacks; the others select the duties they may move (the
# tick the open ones past due, a superseding record the outstanding ones) and leave the rest.
REFUSING = frozenset({A.MEET, A.WAIVE})


class Rollback(Exception):
    pass


def _spec(personas, action: str, target: str) -> ObligationSpec:
    spec = ObligationSpec(
        rule="ae_death",
        organisation_id=personas.org("institution").pk,
        subject_type="tests.event",
        subject_id=f"walk-{action}-{target}",
        subject_label="death learned of",
        starts_on=LEARNED,
        also_visible_to_id=personas.org("committee").pk,
        recipient="committee",
    )
    if action == A.SYNC:
        return replace(
            spec, fixed_due=FIXED_DUE, fixed_basis="a time limit", fixed_explanation="fixed"
        )
    if action == A.RESCHEDULE and target == S.OVERDUE:
        # Opened while the committee was closed on holidays, rescheduled once it no longer is.
        return replace(spec, committee_closed=CLOSED)
    return spec


def _obligation_in(personas, status: str, spec: ObligationSpec) -> Obligation:
    """A duty in `status`: opened through the service, then put in the status by hand, because
    the point is to try each action from there."""
    obligation = obligation_open(spec=spec, actor=None, today=LEARNED, system="test")
    values: dict = {"status": status}
    if status in (S.MET, S.MET_LATE):
        values["met_on"] = LEARNED
    if status == S.WAIVED:
        values["waived_reason"] = "set up by the test"
    Obligation.objects.filter(pk=obligation.pk).update(**values)
    obligation.refresh_from_db()
    return obligation


def perform(personas, obligation: Obligation, spec: ObligationSpec, action: str, target: str):
    """Take `action` with the input that leads to `target` where the table allows it."""
    p = personas
    if action == A.MEET:
        met_on = obligation.due_on if target == S.MET else date(2026, 5, 9)
        obligation_meet(
            obligation=obligation, met_on=met_on, record=p.org("institution"), actor=p.officer
        )
    elif action == A.WAIVE:
        obligation_waive(obligation=obligation, reason="reported on paper", actor=p.regulator)
    elif action == A.SUPERSEDE:
        obligations_supersede(
            obligations=Obligation.objects.filter(pk=obligation.pk),
            record=p.org("institution"),
            reason="a later record covers it",
            actor=p.officer,
        )
    elif action == A.MARK_OVERDUE:
        obligations_tick(today=AFTER_DUE)
    elif action == A.SYNC:
        if target == S.OPEN:
            moved = spec
        elif target == S.OVERDUE:
            moved = replace(spec, fixed_due=date(2026, 5, 9))
        elif target == S.MET:
            moved = replace(spec, met_on=LEARNED, met_by=("accounts.organisation", "1"))
        else:
            moved = replace(
                spec, fixed_due=date(2026, 5, 1), met_on=date(2026, 5, 2), met_by=("x.y", "1")
            )
        obligation_sync(spec=moved, today=SYNC_DAY)
    elif action == A.RESCHEDULE:
        obligations_reschedule_for_committee(
            committee_organisation_id=p.org("committee").pk,
            committee_closed=() if target == S.OVERDUE else CLOSED,
            actor=p.secretariat,
            today=AFTER_DUE,
        )
    else:  # pragma: no cover
        raise AssertionError(action)


# What each service can lead to with the input perform() gives it, written out rather than read
# from the table, so that a move the services make and the table lacks fails the walk.
AIMS: dict[str, tuple[str, ...]] = {
    A.MEET: (S.MET, S.MET_LATE),
    A.WAIVE: (S.WAIVED,),
    A.SUPERSEDE: (S.WAIVED,),
    A.MARK_OVERDUE: (S.OVERDUE,),
    A.SYNC: (S.OPEN, S.OVERDUE, S.MET, S.MET_LATE),
    A.RESCHEDULE: (S.OPEN, S.OVERDUE),
}


def test_the_table_names_every_action_and_only_known_statuses() -> None:
    assert set(TRANSITIONS) == set(A.values)
    for row in TRANSITIONS.values():
        for source, targets in row.items():
            assert source in S.values
            assert targets <= set(S.values)
            assert source not in targets  # every move changes the status
    # Only an outstanding duty moves at all: met and waived are final.
    assert {source for row in TRANSITIONS.values() for source in row} == set(OUTSTANDING)
    assert set(PERMISSIONS) <= set(A.values)
    assert set(AIMS) == set(A.values)


@pytest.mark.parametrize("status", S.values)
def test_every_action_from_this_status_does_what_the_table_says(personas, status) -> None:
    for action in A.values:
        for target in AIMS[action]:
            allowed = target in allowed_targets(action, status)
            try:
                with transaction.atomic():
                    spec = _spec(personas, action, target)
                    obligation = _obligation_in(personas, status, spec)
                    audit_before = AuditEvent.objects.count()
                    try:
                        perform(personas, obligation, spec, action, target)
                    except DomainError as exc:
                        assert not allowed, f"{action} {status}→{target} refused: {exc}"
                        assert action in REFUSING, f"{action} from {status} raised {exc.code}"
                        assert exc.code == "conflict", exc.code
                        assert exc.status == 409
                        assert AuditEvent.objects.count() == audit_before
                    else:
                        assert allowed or action not in REFUSING, (
                            f"{action} {status}→{target} was accepted"
                        )
                    obligation.refresh_from_db()
                    changes = list(
                        ObligationStatusChange.objects.filter(obligation=obligation).values_list(
                            "action", "from_status", "to_status"
                        )
                    )
                    if allowed:
                        assert obligation.status == target, (action, status, obligation.status)
                        assert changes == [(action, status, target)]
                        assert AuditEvent.objects.count() > audit_before
                    else:
                        assert obligation.status == status, (action, status, target)
                        assert changes == []
                    raise Rollback
            except Rollback:
                pass
    assert not ObligationStatusChange.objects.exists()


@pytest.mark.parametrize("status", S.values)
def test_the_low_level_moves_refuse_every_pair_the_table_lacks(personas, status) -> None:
    with transaction.atomic():
        obligation = _obligation_in(personas, status, _spec(personas, "low", "level"))
        for action in A.values:
            for target in S.values:
                if target in allowed_targets(action, status):
                    continue
                with pytest.raises(DomainError) as raised:
                    _move(obligation, action=action, to=target, actor=None)
                assert raised.value.code == "conflict"
                with pytest.raises(DomainError) as raised:
                    _move_many([(obligation.pk, status)], action=action, to=target, actor=None)
                assert raised.value.code == "conflict"
        obligation.refresh_from_db()
        assert obligation.status == status
        assert not ObligationStatusChange.objects.exists()


def test_a_move_records_who_and_why(personas) -> None:
    with transaction.atomic():
        obligation = obligation_open(
            spec=_spec(personas, "who", "why"), actor=None, today=LEARNED, system="test"
        )
    obligation_waive(obligation=obligation, reason="reported on paper", actor=personas.regulator)
    change = ObligationStatusChange.objects.get(obligation=obligation)
    assert (change.action, change.from_status, change.to_status) == (A.WAIVE, S.OPEN, S.WAIVED)
    assert (change.actor, change.reason) == (personas.regulator, "reported on paper")
    obligations_tick(today=AFTER_DUE)
    assert ObligationStatusChange.objects.count() == 1  # a waived duty is not marked overdue


def _open_many(personas, n: int, prefix: str) -> None:
    with transaction.atomic():
        for i in range(n):
            obligation_open(
                spec=replace(_spec(personas, prefix, str(i)), subject_id=f"{prefix}-{i}"),
                actor=None,
                today=LEARNED,
                system="test",
            )


def _tick_queries(today: date) -> int:
    with CaptureQueriesContext(connection) as queries:
        obligations_tick(today=today)
    return len(queries)


def test_the_tick_marks_many_duties_overdue_in_as_many_queries_as_a_few(personas) -> None:
    _open_many(personas, 3, "few")
    few = _tick_queries(AFTER_DUE)
    assert ObligationStatusChange.objects.count() == 3
    _open_many(personas, 60, "many")
    many = _tick_queries(AFTER_DUE)
    assert many == few
    rows = ObligationStatusChange.objects.filter(action=A.MARK_OVERDUE)
    assert rows.count() == 63
    assert set(rows.values_list("from_status", "to_status", "actor")) == {(S.OPEN, S.OVERDUE, None)}
    assert not Obligation.objects.filter(status=S.OPEN).exists()


def test_superseding_many_duties_is_set_based_and_audits_each(personas) -> None:
    _open_many(personas, 40, "covered")
    covered = Obligation.objects.filter(subject_id__startswith="covered-")
    audit_before = AuditEvent.objects.count()
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        count = obligations_supersede(
            obligations=covered,
            record=personas.org("institution"),
            reason="covered",
            actor=personas.officer,
        )
        writes = [
            q["sql"]
            for q in queries
            if q["sql"].startswith(("UPDATE", "INSERT")) and "obligation" in q["sql"].split("(")[0]
        ]
    assert count == 40
    # One UPDATE of the duties and one INSERT of their status-change rows (the audit trail's
    # own writes are not the obligations' tables).
    assert len([w for w in writes if "obligationstatuschange" in w]) == 1
    assert len([w for w in writes if w.startswith("UPDATE") and "obligations_obligation" in w]) == 1
    assert AuditEvent.objects.count() - audit_before == 40
    assert set(covered.values_list("status", flat=True)) == {S.WAIVED}
    assert ObligationStatusChange.objects.filter(action=A.SUPERSEDE, reason="covered").count() == 40


def test_verify_does_not_report_the_status_changes(personas) -> None:
    specs = [replace(_spec(personas, "verified", str(i)), subject_id=f"v-{i}") for i in range(2)]
    sources.register("tests.event", ["ae_death"], lambda today: specs)
    try:
        with transaction.atomic():
            for spec in specs:
                obligation_open(spec=spec, actor=None, today=LEARNED, system="test")
        obligations_tick(today=AFTER_DUE)
        assert ObligationStatusChange.objects.count() == 2
        assert obligations_verify(today=AFTER_DUE) == []
    finally:
        sources.SOURCES.pop("tests.event")
