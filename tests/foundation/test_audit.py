from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from saisei.audit.models import AuditEvent
from saisei.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _own_checkpoints(settings, tmp_path) -> None:
    # `audit verify` also reads the checkpoint file: never the developer's var/.
    settings.AUDIT_CHECKPOINT_DIR = tmp_path / "audit-checkpoints"


def _record_three(personas) -> list[AuditEvent]:
    org = personas.org("institution")
    with transaction.atomic():
        return [
            audit_record(
                action="tests.thing.done", actor=personas.officer, target=org, data={"n": n}
            )
            for n in range(3)
        ]


def _drop_guard() -> None:
    # Simulates someone with database access removing the append-only guard.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # Deferred foreign-key checks of this test's inserts are still queued, and PostgreSQL
            # refuses ALTER TABLE while they are: run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER audit_event_no_update")
            cursor.execute("DROP TRIGGER audit_event_no_delete")


def test_events_form_a_chain_that_verifies(personas, capsys) -> None:
    events = _record_three(personas)
    assert [e.prev_hash for e in events[1:]] == [e.hash for e in events[:-1]]
    assert events[0].actor_label == f"user:{personas.officer.pk}:officer"
    assert events[0].scope == [personas.org("institution").pk]
    report = audit_verify()
    assert report.ok
    assert report.checked == AuditEvent.objects.count()
    call_command("audit", "verify")
    assert "audit chain intact" in capsys.readouterr().out


def test_an_edited_event_fails_verification_and_is_named(personas) -> None:
    events = _record_three(personas)
    target = events[1]
    _drop_guard()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE audit_auditevent SET data = %s WHERE id = %s", ['{"n": 99}', target.pk]
        )
    report = audit_verify()
    assert not report.ok
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (target.seq, "altered")
    with pytest.raises(CommandError, match=rf"event #{target.seq} is altered"):
        call_command("audit", "verify")


def test_a_deleted_event_is_reported_missing(personas) -> None:
    events = _record_three(personas)
    _drop_guard()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[1].pk])
    report = audit_verify()
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (events[1].seq, "missing")


def test_deleting_the_newest_event_is_caught_by_the_chain_head(personas) -> None:
    events = _record_three(personas)
    _drop_guard()
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].pk])
    report = audit_verify()
    assert report.problem is not None
    assert (report.problem.seq, report.problem.kind) == (events[-1].seq, "missing")


def test_the_database_refuses_to_update_an_event(personas) -> None:
    event = _record_three(personas)[0]
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("UPDATE audit_auditevent SET action = 'x.y' WHERE id = %s", [event.pk])


def test_the_model_refuses_to_change_or_delete_an_event(personas) -> None:
    event = _record_three(personas)[0]
    with pytest.raises(RuntimeError, match="append-only"):
        event.save()
    with pytest.raises(RuntimeError, match="append-only"):
        event.delete()


@pytest.mark.django_db(transaction=True)
def test_recording_outside_a_transaction_is_refused() -> None:
    with pytest.raises(RuntimeError, match="inside a transaction"):
        audit_record(action="tests.thing.done", actor=None, system="test")
    assert not AuditEvent.objects.exists()


def test_actions_must_be_namespaced(personas) -> None:
    with pytest.raises(ValueError, match="namespaced"), transaction.atomic():
        audit_record(action="done", actor=None, system="test")
