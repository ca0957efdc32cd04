"""The hash of one audit event, over a canonical JSON form of every recorded field."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical(
    *,
    seq: int,
    at: datetime,
    action: str,
    actor_id: int | None,
    actor_token_id: int | None,
    actor_label: str,
    target_type: str,
    target_id: str,
    target_label: str,
    scope: list[int],
    data: dict[str, Any],
    prev_hash: str,
) -> bytes:
    body = {
        "seq": seq,
        "at": at.isoformat(timespec="microseconds"),
        "action": action,
        "actor_id": actor_id,
        "actor_token_id": actor_token_id,
        "actor_label": actor_label,
        "target_type": target_type,
        "target_id": target_id,
        "target_label": target_label,
        "scope": scope,
        "data": data,
        "prev_hash": prev_hash,
    }
    return json.dumps(body, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_hash(**fields: Any) -> str:
    return hashlib.sha256(canonical(**fields)).hexdigest()
