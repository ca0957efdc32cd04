"""Writing and checking the audit log."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.models import Max

from saisei.audit.chain import GENESIS, event_hash
from saisei.audit.models import AuditChainHead, AuditEvent

if TYPE_CHECKING:
    from saisei.accounts.models import ApiToken, User


def _json_safe(data: dict[str, Any]) -> dict[str, Any]:
    # Dates, decimals and UUIDs become strings exactly as they will read back from JSONField.
    safe: dict[str, Any] = json.loads(json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False))
    return safe


def _actor_label(actor: User | None, token: ApiToken | None, system: str | None) -> str:
    if actor is None:
        return f"system:{system or 'unknown'}"
    label = f"user:{actor.pk}:{actor.get_username()}"
    if token is not None:
        label += f" via token:{token.prefix}"
    return label


def audit_record(
    *,
    action: str,
    actor: User | None,
    target: models.Model | None = None,
    data: dict[str, Any] | None = None,
    scope: Iterable[int] | None = None,
    system: str | None = None,
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction, so that the event and
    the write it records commit or roll back together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside a transaction")
    if "." not in action:
        raise ValueError("audit actions are namespaced, e.g. 'plans.plan.filed'")
    token = getattr(actor, "_saisei_token", None) if actor is not None else None
    if target is not None and scope is None and hasattr(target, "scope_organisation_ids"):
        scope = target.scope_organisation_ids()
    head, _ = AuditChainHead.objects.select_for_update().get_or_create(pk=1)
    seq = head.seq + 1
    prev = head.hash or GENESIS
    fields: dict[str, Any] = {
        "seq": seq,
        "at": datetime.now(UTC),
        "action": action,
        "actor_id": actor.pk if actor is not None else None,
        "actor_token_id": token.pk if token is not None else None,
        "actor_label": _actor_label(actor, token, system),
        "target_type": target._meta.label_lower if target is not None else "",
        "target_id": str(target.pk) if target is not None else "",
        "target_label": str(target)[:300] if target is not None else "",
        "scope": sorted(set(scope or [])),
        "data": _json_safe(data or {}),
        "prev_hash": prev,
    }
    digest = event_hash(**fields)
    event = AuditEvent.objects.create(
        seq=seq,
        at=fields["at"],
        action=action,
        actor_id=fields["actor_id"],
        actor_token_id=fields["actor_token_id"],
        actor_label=fields["actor_label"],
        target_type=fields["target_type"],
        target_id=fields["target_id"],
        target_label=fields["target_label"],
        scope=fields["scope"],
        data=fields["data"],
        prev_hash=prev,
        hash=digest,
    )
    AuditChainHead.objects.filter(pk=1).update(seq=seq, hash=digest)
    return event


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # "altered", "missing", "relinked"
    detail: str

    def __str__(self) -> str:
        return f"event #{self.seq} is {self.kind}: {self.detail}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: ChainProblem | None
    # The hash of the last intact event (GENESIS for an empty chain), and when asked for, the
    # hashes of the intact events after a given seq: what a checkpoint records.
    last_hash: str = GENESIS
    hashes_after: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None


def _events(upto: int | None, batch: int = 2000) -> Iterator[AuditEvent]:
    last = 0
    events = AuditEvent.objects.all() if upto is None else AuditEvent.objects.filter(seq__lte=upto)
    while True:
        rows = list(events.filter(seq__gt=last).order_by("seq")[:batch])
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def audit_verify(*, collect_after: int | None = None) -> ChainReport:
    """Walk the chain in order and name the first event that was altered or is missing.

    With `collect_after`, the report also carries the hashes of the intact events after that
    seq, read in this same walk (for `saisei audit checkpoint`).
    """
    expected_seq = 1
    prev = GENESIS
    checked = 0
    collected: list[str] = []
    # The head is read first and the walk stops at it: events appended while the walk runs
    # belong to the next run, not to a false "missing" or "altered" in this one.
    head = AuditChainHead.objects.filter(pk=1).first()
    for event in _events(head.seq if head is not None else None):
        if event.seq != expected_seq:
            return ChainReport(
                checked,
                ChainProblem(expected_seq, "missing", f"the next event found is #{event.seq}"),
            )
        recomputed = event_hash(
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
            data=event.data,
            prev_hash=event.prev_hash,
        )
        if recomputed != event.hash:
            return ChainReport(
                checked,
                ChainProblem(
                    event.seq,
                    "altered",
                    f"its content no longer matches its hash (action {event.action!r})",
                ),
            )
        if event.prev_hash != prev:
            return ChainReport(
                checked,
                ChainProblem(
                    event.seq, "relinked", "its previous-hash does not match the event before it"
                ),
            )
        prev = event.hash
        if collect_after is not None and event.seq > collect_after:
            collected.append(event.hash)
        expected_seq += 1
        checked += 1
    if head is not None and head.seq >= expected_seq:
        return ChainReport(
            checked,
            ChainProblem(expected_seq, "missing", f"the chain head records #{head.seq}"),
        )
    if head is not None and head.seq and head.hash != prev:
        return ChainReport(
            checked, ChainProblem(head.seq, "altered", "the chain head's hash does not match")
        )
    if head is not None:
        # An event beyond the head was not appended by audit_record, which moves the head in
        # the event's own transaction. The newest event is read before the head, so an append
        # committed in between is seen with its head, never as a stray event.
        newest = AuditEvent.objects.aggregate(newest=Max("seq"))["newest"] or 0
        current = AuditChainHead.objects.filter(pk=1).values_list("seq", flat=True).first() or 0
        if newest > current:
            return ChainReport(
                checked, ChainProblem(head.seq, "altered", "the chain head's hash does not match")
            )
    return ChainReport(checked, None, last_hash=prev, hashes_after=tuple(collected))
