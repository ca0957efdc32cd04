"""Validating the products reference against the law engine: it must accept every approval
and its events, and an event dated only to its month or year must not leave the status on an
unknown day unsaid."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from saisei.law import ApprovalEvent as LawEvent
from saisei.law import ApprovalEventKind, LawInputError, approval_status
from saisei.products.models import Approval, ApprovalEvent, DatePrecision, last_possible_day
from saisei.products.reference.reading import (
    DATA_DIR,
    Parsed,
    ReferenceDataError,
    overlap,
    read,
)
from saisei.products.status import LAW_EVENT_KINDS, law_inputs


def parse(data_dir: Path = DATA_DIR) -> Parsed:
    """Read and cross-check every file; nothing is written."""
    parsed = read(data_dir)
    check_with_law(parsed.approvals, parsed.events, parsed.gaps)
    return parsed


def check_with_law(
    approvals: dict[str, dict[str, Any]],
    events: dict[str, dict[str, Any]],
    gaps: dict[str, dict[str, Any]],
) -> None:
    """The law engine must accept every approval and its events (it validates its inputs), and
    wherever the unknown day of an event dated only to its month or year could change what the
    engine answers, a status gap must cover that day and say so."""
    for slug, values in approvals.items():
        approval = Approval(
            approval_type=values["approval_type"],
            approved_on=values["approved_on"],
            time_limit_years=values["time_limit_years"],
        )
        mine = [e for e in events.values() if e["product"] == slug]
        rows = [
            ApprovalEvent(
                kind=e["kind"], occurred_on=e["occurred_on"], detail=e["detail"], years=e["years"]
            )
            for e in mine
        ]
        try:
            facts, law_events = law_inputs(approval, rows)
            approval_status(facts, law_events, values["approved_on"])
            _check_unknown_days(
                slug, facts, mine, [g for g in gaps.values() if g["product"] == slug]
            )
        except LawInputError as error:
            raise ReferenceDataError("approved_products.csv", 0, f"{slug}: {error}") from None


def _culprit(by_combo: dict[tuple[date, ...], tuple[Any, ...]]) -> int:
    """Which undated event's day changes the answer when the others' days stay as they are."""
    width = len(next(iter(by_combo)))
    for position in range(width):
        groups: dict[tuple[date, ...], set[tuple[Any, ...]]] = {}
        for combo, answer in by_combo.items():
            groups.setdefault(combo[:position] + combo[position + 1 :], set()).add(answer)
        if any(len(answers) > 1 for answers in groups.values()):
            return position
    return 0  # pragma: no cover - some event's day always matters where the answers differ


def _check_unknown_days(
    slug: str, facts: Any, events: list[dict[str, Any]], gaps: list[dict[str, Any]]
) -> None:
    """Try every day an undated event could have fallen on that can make a difference.

    The engine's answer for a day changes only where a comparison between that day, the event
    dates and the ends of the time limit flips, so it is enough to try each undated event on the
    first and last day it could have fallen on and beside every such boundary inside its range,
    on each day beside a boundary.
    """
    law_rows = [e for e in events if e["kind"] in LAW_EVENT_KINDS]
    undated = [
        i
        for i, e in enumerate(law_rows)
        if e["date_precision"] != DatePrecision.DAY and ApprovalEventKind(e["kind"]).changes_status
    ]
    if not undated and not any(g["known_status"] for g in gaps):
        return
    ranges = {
        i: (
            law_rows[i]["occurred_on"],
            last_possible_day(law_rows[i]["occurred_on"], law_rows[i]["date_precision"]),
        )
        for i in undated
    }

    def scenario(days: dict[int, date]) -> list[LawEvent]:
        return [
            LawEvent(
                kind=ApprovalEventKind(e["kind"]),
                on=days.get(i, e["occurred_on"]),
                years=e["years"],
                detail=e["detail"],
            )
            for i, e in enumerate(law_rows)
        ]

    far = date(9000, 1, 1)
    boundaries: set[date] = set()
    if facts.approved_on is not None:
        boundaries.add(facts.approved_on)
    for combo in itertools.product(*(ranges[i] for i in undated)):
        evs = scenario(dict(zip(undated, combo, strict=True)))
        days = {e.on for e in evs}
        boundaries |= days
        for day in days | {far} | ({facts.approved_on} if facts.approved_on else set()):
            end = approval_status(facts, evs, day).time_limit_ends_on
            if end is not None:
                boundaries |= {end, end + timedelta(days=1)}
    for known in gaps:
        boundaries.add(known["starts_on"])
        if known["ends_on"] is not None:
            boundaries.add(known["ends_on"] + timedelta(days=1))
    checked = sorted({b + timedelta(days=k) for b in boundaries for k in (-1, 0, 1)})
    for day in checked:
        candidates = []
        for i in undated:
            first, last = ranges[i]
            near = {b + timedelta(days=k) for b in boundaries | {day} for k in (-1, 0, 1)}
            candidates.append(sorted({first, last} | {d for d in near if first <= d <= last}))
        by_combo = {}
        for combo in itertools.product(*candidates):
            result = approval_status(facts, scenario(dict(zip(undated, combo, strict=True))), day)
            by_combo[combo] = (
                result.status,
                result.in_force,
                result.time_limit_ends_on,
                result.reason,
            )
        answers = set(by_combo.values())
        gap = next((g for g in gaps if overlap(g, day, day)), None)
        statuses = sorted({answer[0].value for answer in answers})
        if gap is None:
            if len(answers) > 1:
                event = law_rows[undated[_culprit(by_combo)]]
                raise ReferenceDataError(
                    event["file"],
                    event["line"],
                    f"{slug}: on {day} the answer depends on the unknown day of an event dated "
                    f"only to its {event['date_precision']} (status {' or '.join(statuses)}), "
                    "but no row of status_gaps.csv covers that day",
                )
        elif gap["known_status"] and statuses != [gap["known_status"]]:
            raise ReferenceDataError(
                "status_gaps.csv",
                gap["line"],
                f"{slug}: the gap from {gap['starts_on']} says the status is "
                f"{gap['known_status']} throughout, but on {day} it is {' or '.join(statuses)}",
            )
