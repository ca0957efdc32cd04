"""What the obligations tell the apps whose subjects they are.

`duties_changed` is sent, inside the transaction that changed them, when duties were opened, met,
waived, reopened or given another due date: what a duty records changed. Not when a duty is
marked overdue (its date passing changes nothing it records: a reader decides what is overdue on
its own day). Its argument `subjects` is a set of (subject_type, subject_id): the public search
keeps each plan's reporting from its duties (saisei.reporting.apps)."""

from __future__ import annotations

from collections.abc import Iterable

from django.dispatch import Signal

from saisei.obligations.lifecycle import ObligationStatus

duties_changed = Signal()


def records_change(to: str, fields: Iterable[str]) -> bool:
    """Does a move to status `to` that also sets `fields` change what the duty records? Not a
    move to overdue that keeps its due date."""
    return to != ObligationStatus.OVERDUE or "due_on" in fields


def send_changed(subjects: Iterable[tuple[str, str]]) -> None:
    """Tell the receivers these subjects' duties changed."""
    found = set(subjects)
    if found:
        duties_changed.send(sender=None, subjects=found)
