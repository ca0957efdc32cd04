"""The one way an obligation's status changes: the table in saisei.obligations.lifecycle checked,
the row updated and an ObligationStatusChange written in the caller's transaction. `_move` moves
one duty; `_move_many` moves a set in a few queries whatever its size (the tick, a superseding
record)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.core.errors import DomainError, ErrorCode
from saisei.obligations.lifecycle import OUTSTANDING, ObligationStatus, allowed_targets
from saisei.obligations.models import Obligation, ObligationStatusChange
from saisei.obligations.signals import records_change, send_changed

# Rows per UPDATE ... WHERE pk IN (...) and per INSERT: under SQLite's limit on bound variables.
CHUNK = 500


def _forbidden_move(obligation: Obligation, action: str, status: str | None) -> DomainError:
    """The refusal of a move the table does not allow from the obligation's current status."""
    if status in OUTSTANDING:
        message = _("This is not possible while the obligation is “%(status)s”.") % {
            "status": ObligationStatus(status).label
        }
    else:
        message = _("This obligation is no longer outstanding.")
    return DomainError(
        ErrorCode.CONFLICT,
        message,
        details={"obligation": obligation.pk, "status": status, "action": action},
        status=409,
    )


def _require_transaction(name: str) -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError(f"{name} must run inside the recording service's transaction")


def _move(
    obligation: Obligation,
    *,
    action: str,
    to: str,
    actor: User | None,
    reason: str = "",
    **fields: Any,
) -> ObligationStatusChange:
    """Move one obligation to `to` if the table allows it from its committed status.

    The status is re-read under a row lock, not taken from `obligation`, which may be stale (a
    duty opened earlier in the request and marked overdue by the tick meanwhile). Only the
    instance's status is updated: callers that audit it as it was, or need its new values,
    decide when to refresh it."""
    _require_transaction("An obligation's move")
    found = (
        Obligation.objects.select_for_update()
        .filter(pk=obligation.pk)
        .values_list("status", "subject_type", "subject_id")
        .first()
    )
    current = found[0] if found is not None else None
    if found is None or current is None or to not in allowed_targets(action, current):
        raise _forbidden_move(obligation, action, current)
    Obligation.objects.filter(pk=obligation.pk, status=current).update(
        status=to, updated_at=timezone.now(), **fields
    )
    obligation.status = to
    if records_change(to, fields):
        send_changed([(found[1], found[2])])
    return ObligationStatusChange.objects.create(
        obligation_id=obligation.pk,
        action=action,
        from_status=current,
        to_status=to,
        actor=actor,
        reason=reason,
    )


def _chunks(items: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _move_many(
    rows: Iterable[tuple[int, str]],
    *,
    action: str,
    to: str,
    actor: User | None,
    reason: str = "",
    **fields: Any,
) -> list[int]:
    """Move a set of obligations, given as (pk, status) read under the caller's lock, to `to`.

    Set-based: one UPDATE and one INSERT of status-change rows per chunk of CHUNK rows, never a
    query per row. A row the table does not allow to move refuses the whole set. Returns the pks
    moved, in the order given."""
    _require_transaction("A set of obligations' move")
    rows = list(rows)
    for pk, status in rows:
        if to not in allowed_targets(action, status):
            raise _forbidden_move(Obligation(pk=pk, status=status), action, status)
    now = timezone.now()
    by_status: dict[str, list[int]] = {}
    for pk, status in rows:
        by_status.setdefault(status, []).append(pk)
    for status, pks in by_status.items():
        for chunk in _chunks(pks):
            Obligation.objects.filter(pk__in=chunk, status=status).update(
                status=to, updated_at=now, **fields
            )
    if records_change(to, fields):
        for chunk in _chunks([pk for pk, _status in rows]):
            send_changed(
                Obligation.objects.filter(pk__in=chunk).values_list("subject_type", "subject_id")
            )
    ObligationStatusChange.objects.bulk_create(
        [
            ObligationStatusChange(
                obligation_id=pk,
                action=action,
                from_status=status,
                to_status=to,
                actor=actor,
                reason=reason,
            )
            for pk, status in rows
        ],
        batch_size=CHUNK,
    )
    return [pk for pk, _status in rows]
