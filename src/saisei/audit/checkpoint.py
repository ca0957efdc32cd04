"""Anchoring the audit chain outside the database.

The hash chain shows an event edited in place, but not a chain cut short with its head reset,
nor one re-hashed from some event on: both are self-consistent. So `saisei audit checkpoint`
appends one line of JSON to a file outside the database (settings.AUDIT_CHECKPOINT_DIR) with

    {"v": 1, "from": F, "seq": N, "hash": "<hash of event N>", "at": "<UTC time>",
     "fingerprints": ["<first 16 hex digits of the hash of event F>", …, "<… of event N>"],
     "hmac": "<HMAC-SHA256 of the other fields, keyed with settings.AUDIT_CHECKPOINT_KEY>"}

where F is one past the previous line's N. The fingerprints let `saisei audit verify` name the
first event a re-hash changed rather than only the checkpoint's last one; 16 hex digits (64 bits)
are enough to tell a changed event, and the line's full head hash and HMAC carry its integrity.
Without the key a line cannot be forged, and lines cannot be dropped from the middle (F must
follow on); dropping the newest lines needs write access to the checkpoint location, which is
why it belongs on storage the database's users cannot write (see the README).
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from django.conf import settings

from saisei.audit.chain import GENESIS
from saisei.audit.models import AuditEvent
from saisei.audit.services import ChainReport, audit_verify

FILE_NAME = "checkpoints.jsonl"
FINGERPRINT_LENGTH = 16
VERSION = 1


def checkpoint_path() -> Path:
    return Path(settings.AUDIT_CHECKPOINT_DIR) / FILE_NAME


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(body, sort_keys=True, ensure_ascii=True, separators=(",", ":")).encode()


def _mac(body: dict[str, Any]) -> str:
    key = str(settings.AUDIT_CHECKPOINT_KEY).encode()
    return hmac.new(key, _canonical(body), hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Checkpoint:
    line: int
    first: int  # the first seq this line's fingerprints cover ("from")
    seq: int
    hash: str
    at: str
    fingerprints: tuple[str, ...]


@dataclass(frozen=True)
class CheckpointProblem:
    kind: str  # "forged", "truncated", "rehashed"
    detail: str

    def __str__(self) -> str:
        return self.detail


@dataclass(frozen=True)
class CheckpointReport:
    path: Path
    latest: Checkpoint | None  # the newest line checked; None when there is none
    lines: int
    problem: CheckpointProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


class CheckpointRefused(Exception):
    """`saisei audit checkpoint` will not anchor a chain that does not verify."""


def _parse(line_no: int, text: str, previous: Checkpoint | None) -> Checkpoint | str:
    """The checkpoint on one line, or why it cannot be trusted."""
    try:
        raw = json.loads(text)
    except ValueError:
        return "it is not JSON"
    if not isinstance(raw, dict):
        return "it is not a JSON object"
    mac = raw.pop("hmac", None)
    if not isinstance(mac, str) or not hmac.compare_digest(mac, _mac(raw)):
        return (
            "its HMAC does not match: it was not written with this key (forged, or the key changed)"
        )
    # Past this point the line was written by `saisei audit checkpoint` with this key.
    first, seq, digest, at, fps = (
        raw.get(k) for k in ("from", "seq", "hash", "at", "fingerprints")
    )
    if (
        raw.get("v") != VERSION
        or not isinstance(first, int)
        or not isinstance(seq, int)
        or not isinstance(digest, str)
        or not isinstance(at, str)
        or not isinstance(fps, list)
        or not all(isinstance(f, str) for f in fps)
        or len(fps) != seq - first + 1
    ):
        return "its fields are not those of a checkpoint"
    expected_first = previous.seq + 1 if previous is not None else 1
    if first != expected_first:
        return (
            f"it starts at #{first} but the line before it ends at #{expected_first - 1} "
            "(lines were removed from the file)"
        )
    return Checkpoint(line_no, first, seq, digest, at, tuple(fps))


def _lines(handle: IO[str]) -> Iterator[tuple[int, str]]:
    for number, text in enumerate(handle, start=1):
        if text.strip():
            yield number, text


def _event_hashes(first: int, last: int, batch: int = 5000) -> Iterator[tuple[int, str]]:
    start = first
    while start <= last:
        rows = list(
            AuditEvent.objects.filter(seq__gte=start, seq__lte=min(last, start + batch - 1))
            .order_by("seq")
            .values_list("seq", "hash")
        )
        yield from rows
        start += batch


def _check(handle: IO[str], path: Path, chain: ChainReport) -> CheckpointReport:
    """Compare an intact chain of `chain.checked` events with every checkpoint in the file.

    Lines are read one at a time: each is authenticated, then the events it covers are
    compared with it, so the first problem in seq order is the one named.
    """
    present = chain.checked  # events #1 … #present verified by the chain walk
    previous: Checkpoint | None = None
    count = 0
    for line_no, text in _lines(handle):
        parsed = _parse(line_no, text, previous)
        if isinstance(parsed, str):
            where = f"#{previous.seq}" if previous is not None else "none"
            return CheckpointReport(
                path,
                previous,
                count,
                CheckpointProblem(
                    "forged",
                    f"checkpoint line {line_no} of {path} cannot be trusted: {parsed} "
                    f"(the last trusted checkpoint: {where})",
                ),
            )
        count += 1
        if parsed.seq > present:
            # Re-hashing of the events that are still there is named before the cut.
            problem = _compare(parsed, upto=present)
            if problem is not None:
                return CheckpointReport(path, parsed, count, problem)
            return CheckpointReport(
                path,
                parsed,
                count,
                CheckpointProblem(
                    "truncated",
                    f"events #{present + 1} to #{parsed.seq} are missing: the checkpoint of "
                    f"{parsed.at} (line {line_no}) records #{parsed.seq}, the database ends at "
                    f"#{present}",
                ),
            )
        problem = _compare(parsed, upto=parsed.seq)
        if problem is not None:
            return CheckpointReport(path, parsed, count, problem)
        previous = parsed
    return CheckpointReport(path, previous, count, None)


def _compare(cp: Checkpoint, *, upto: int) -> CheckpointProblem | None:
    for seq, digest in _event_hashes(cp.first, upto):
        expected = cp.fingerprints[seq - cp.first]
        full_differs = seq == cp.seq and digest != cp.hash
        if digest[:FINGERPRINT_LENGTH] != expected or full_differs:
            return CheckpointProblem(
                "rehashed",
                f"event #{seq}'s hash differs from the checkpoint of {cp.at} (line {cp.line}): "
                f"the chain was rewritten from event #{seq} on",
            )
    if upto == cp.seq == 0 and cp.hash != GENESIS:
        return CheckpointProblem(
            "rehashed", f"the checkpoint of {cp.at} (line {cp.line}) records an empty chain"
        )
    return None


def checkpoint_verify(chain: ChainReport) -> CheckpointReport:
    """Check an intact chain (`audit_verify()` found no problem) against the checkpoint file."""
    path = checkpoint_path()
    try:
        handle = path.open(encoding="utf-8")
    except FileNotFoundError:
        return CheckpointReport(path, None, 0, None)
    with handle:
        return _check(handle, path, chain)


def checkpoint_write() -> Checkpoint:
    """Verify the chain and the file, then append a checkpoint of the newest intact event.

    The file is locked for the whole run, so two runs at once append two lines that follow on.
    Refuses (CheckpointRefused) when anything does not verify: a checkpoint must never bless a
    chain that was cut or rewritten.
    """
    path = checkpoint_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o640)
    with os.fdopen(fd, "r+", encoding="utf-8") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        chain = audit_verify()
        if chain.problem is not None:
            raise CheckpointRefused(
                f"audit chain broken: {chain.problem} "
                f"({chain.checked} events before it are intact); no checkpoint written"
            )
        handle.seek(0)
        report = _check(handle, path, chain)
        if report.problem is not None:
            raise CheckpointRefused(f"{report.problem}; no checkpoint written")
        after = report.latest.seq if report.latest is not None else 0
        # A second walk, collecting: it also takes in events appended since the first one.
        chain = audit_verify(collect_after=after)
        if chain.problem is not None or chain.checked < after:
            raise CheckpointRefused(
                f"audit chain changed while checking: {chain.problem or 'it became shorter'}; "
                "no checkpoint written"
            )
        body: dict[str, Any] = {
            "v": VERSION,
            "from": after + 1,
            "seq": chain.checked,
            "hash": chain.last_hash,
            "at": datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z"),
            "fingerprints": [h[:FINGERPRINT_LENGTH] for h in chain.hashes_after],
        }
        line = {**body, "hmac": _mac(body)}
        handle.seek(0, os.SEEK_END)
        handle.write(json.dumps(line, sort_keys=True, separators=(",", ":")) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
        return Checkpoint(
            report.lines + 1,
            body["from"],
            body["seq"],
            body["hash"],
            body["at"],
            tuple(body["fingerprints"]),
        )
