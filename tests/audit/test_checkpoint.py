"""The audit chain anchored outside the database: what `saisei audit verify` names.

A chain cut short with its head reset, or re-hashed from some event on, is self-consistent, so
the in-database check passes it (asserted below, so these tests show the hole they close); the
checkpoint file is what names it.
"""

from __future__ import annotations

import hmac
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction

from saisei.audit.chain import event_hash
from saisei.audit.checkpoint import FILE_NAME
from saisei.audit.models import AuditChainHead, AuditEvent
from saisei.audit.services import audit_record, audit_verify

pytestmark = pytest.mark.django_db


def _record(n: int, personas) -> None:
    org = personas.org("institution")
    with transaction.atomic():
        for i in range(n):
            audit_record(
                action="tests.thing.done", actor=personas.officer, target=org, data={"n": i}
            )


def _newest() -> int:
    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out)
    return out.getvalue()


def _drop_guard() -> None:
    # Someone with database access removes the append-only guard.
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_no_update")
        else:
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_update")
            cursor.execute("DROP TRIGGER IF EXISTS audit_event_no_delete")


def _truncate_to(seq: int) -> None:
    """Delete every event after `seq` and move the head back to it, as an attacker would."""
    _drop_guard()
    kept = AuditEvent.objects.get(seq=seq)
    AuditEvent.objects.filter(seq__gt=seq).delete()
    AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=kept.hash)


def _rehash_from(seq: int) -> None:
    """Change event `seq` and recompute every hash from it on, and the head: a consistent fake."""
    _drop_guard()
    prev = AuditEvent.objects.get(seq=seq).prev_hash
    for event in AuditEvent.objects.filter(seq__gte=seq).order_by("seq"):
        data = {**event.data, "rewritten": True} if event.seq == seq else event.data
        digest = event_hash(
            seq=event.seq,
            at=event.at,
            action=event.action,
            actor_id=event.actor_id,
            actor_token_id=event.actor_token_id,
            actor_label=event.actor_label,
            target_type=event.target_type,
            target_id=event.target_id,
            target_label=event.target_label,
            scope=event.scope,
            data=data,
            prev_hash=prev,
        )
        AuditEvent.objects.filter(pk=event.pk).update(data=data, prev_hash=prev, hash=digest)
        prev = digest
    AuditChainHead.objects.filter(pk=1).update(hash=prev)


def _lines(directory: Path) -> list[dict]:
    return [json.loads(t) for t in (directory / FILE_NAME).read_text().splitlines() if t]


def test_a_checkpoint_records_the_head_and_verify_matches_it(personas, checkpoint_dir) -> None:
    _record(3, personas)
    head = _newest()
    out = _run("checkpoint")
    assert f"audit checkpoint written: #{head}" in out
    [line] = _lines(checkpoint_dir)
    assert (line["from"], line["seq"]) == (1, head)
    assert line["hash"] == AuditEvent.objects.get(seq=head).hash
    assert len(line["fingerprints"]) == head
    assert set(line) == {"v", "from", "seq", "hash", "at", "fingerprints", "hmac"}
    _record(2, personas)
    out = _run("verify")
    assert f"audit chain intact: {head + 2} events" in out
    assert f"audit checkpoint matches: #{head} " in out
    assert "2 events since" in out
    # The next checkpoint covers exactly the events after the previous one.
    _run("checkpoint")
    second = _lines(checkpoint_dir)[1]
    assert (second["from"], second["seq"], len(second["fingerprints"])) == (head + 1, head + 2, 2)
    assert "audit checkpoint matches" in _run("verify")


def test_truncation_after_a_checkpoint_is_named_with_the_missing_range(personas) -> None:
    _record(4, personas)
    head = _newest()
    _run("checkpoint")
    _truncate_to(head - 2)
    assert audit_verify().ok  # the chain alone cannot tell
    with pytest.raises(CommandError, match=rf"events #{head - 1} to #{head} are missing"):
        _run("verify")


@pytest.mark.parametrize("where", ["first", "middle", "last"])
def test_rehashing_from_any_event_is_named_at_that_event(personas, where) -> None:
    _record(4, personas)
    head = _newest()
    _run("checkpoint")
    seq = {"first": 1, "middle": (head + 1) // 2, "last": head}[where]
    _rehash_from(seq)
    assert audit_verify().ok  # self-consistent: the chain alone cannot tell
    with pytest.raises(CommandError, match=rf"event #{seq}'s hash differs from the checkpoint"):
        _run("verify")


def test_rehashing_before_a_cut_is_named_before_the_cut(personas) -> None:
    _record(4, personas)
    head = _newest()
    _run("checkpoint")
    _truncate_to(head - 1)
    _rehash_from(2)
    with pytest.raises(CommandError, match=r"event #2's hash differs"):
        _run("verify")


def test_a_forged_checkpoint_is_named(personas, checkpoint_dir, settings) -> None:
    # The attacker cuts the chain and writes a checkpoint to match, without the key.
    _record(4, personas)
    head = _newest()
    _run("checkpoint")
    _truncate_to(head - 2)
    path = checkpoint_dir / FILE_NAME
    line = json.loads(path.read_text())
    line.update(seq=head - 2, hash=AuditEvent.objects.get(seq=head - 2).hash)
    line["fingerprints"] = line["fingerprints"][:-2]
    path.write_text(json.dumps(line) + "\n")
    with pytest.raises(CommandError, match=r"checkpoint line 1 .* HMAC does not match"):
        _run("verify")


def test_a_checkpoint_written_with_another_key_is_named(personas, checkpoint_dir, settings) -> None:
    # A correct-looking next line, signed with a key that is not the configured one.
    _record(2, personas)
    _run("checkpoint")
    _record(1, personas)
    head = AuditEvent.objects.get(seq=_newest())
    previous = _lines(checkpoint_dir)[0]
    body = {
        "v": 1,
        "from": previous["seq"] + 1,
        "seq": head.seq,
        "hash": head.hash,
        "at": "2026-12-01T00:00:00Z",
        "fingerprints": [head.hash[:16]],
    }
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
    path = checkpoint_dir / FILE_NAME
    kept = path.read_text()

    def append_signed_with(key: str) -> None:
        mac = hmac.new(key.encode(), canonical, "sha256").hexdigest()
        path.write_text(kept + json.dumps({**body, "hmac": mac}) + "\n")

    # Signed with the real key, the same line is trusted: only the key makes the difference.
    append_signed_with(settings.AUDIT_CHECKPOINT_KEY)
    assert f"audit checkpoint matches: #{head.seq} " in _run("verify")
    append_signed_with("a-guessed-key-0123456789abcdef")
    with pytest.raises(CommandError, match=r"checkpoint line 2 .*forged, or the key changed"):
        _run("verify")


def test_a_checkpoint_line_removed_from_the_middle_is_named(personas, checkpoint_dir) -> None:
    for _ in range(3):
        _record(1, personas)
        _run("checkpoint")
    path = checkpoint_dir / FILE_NAME
    lines = path.read_text().splitlines()
    path.write_text(lines[0] + "\n" + lines[2] + "\n")
    with pytest.raises(CommandError, match=r"line 2 .*lines were removed from the file"):
        _run("verify")


def test_without_a_checkpoint_file_verify_says_so_and_still_checks_the_chain(
    personas, checkpoint_dir
) -> None:
    _record(2, personas)
    out = _run("verify")
    assert f"audit chain intact: {_newest()} events" in out
    assert f"no audit checkpoint in {checkpoint_dir / FILE_NAME}" in out
    with pytest.raises(CommandError, match="no audit checkpoint in"):
        _run("verify", "--require-checkpoint")
    # The chain itself is still checked, with its own message.
    _drop_guard()
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET data = %s WHERE seq = 1", ['{"x": 1}'])
    with pytest.raises(CommandError, match=r"audit chain broken: event #1 is altered"):
        _run("verify")


def test_a_checkpoint_is_refused_over_a_broken_chain(personas, checkpoint_dir) -> None:
    _record(2, personas)
    _run("checkpoint")
    before = (checkpoint_dir / FILE_NAME).read_text()
    _rehash_from(2)
    with pytest.raises(CommandError, match="no checkpoint written"):
        _run("checkpoint")
    assert (checkpoint_dir / FILE_NAME).read_text() == before


def test_a_checkpoint_of_an_unchanged_chain_still_follows_on(personas, checkpoint_dir) -> None:
    _record(1, personas)
    _run("checkpoint")
    _run("checkpoint")
    first, second = _lines(checkpoint_dir)
    assert (second["from"], second["seq"], second["fingerprints"]) == (
        first["seq"] + 1,
        first["seq"],
        [],
    )
    assert "audit checkpoint matches" in _run("verify")


def test_the_database_refuses_to_delete_an_event(personas) -> None:
    # PostgreSQL's trigger dates from migration 0002; SQLite's is 0003.
    _record(1, personas)
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [_newest()])
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == _newest()


@pytest.mark.django_db(transaction=True)
def test_flushing_the_whole_database_still_works_and_keeps_the_guard() -> None:
    with transaction.atomic():
        audit_record(action="tests.thing.done", actor=None, system="test")
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
    with transaction.atomic():
        audit_record(action="tests.thing.done", actor=None, system="test")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM audit_auditevent")
    assert AuditEvent.objects.count() == 1
