"""Writes to obligations: open, meet, waive; the periodic tick; verification; reminders.

The moves of one duty are in `core`, the daily tick in `tick`, verification in `verify` and
reminders in `reminders`; callers import from this package, which names every service.
"""

from __future__ import annotations

from saisei.obligations.services.core import (
    FixedDue,
    compute_due,
    current_rules,
    current_wording,
    obligation_meet,
    obligation_open,
    obligation_record_filing,
    obligation_waive,
    obligations_reschedule_for_committee,
    obligations_supersede,
)
from saisei.obligations.services.reminders import obligations_remind
from saisei.obligations.services.tick import TickResult, obligation_sync, obligations_tick
from saisei.obligations.services.verify import Difference, obligations_verify

__all__ = [
    "Difference",
    "FixedDue",
    "TickResult",
    "compute_due",
    "current_rules",
    "current_wording",
    "obligation_meet",
    "obligation_open",
    "obligation_record_filing",
    "obligation_sync",
    "obligation_waive",
    "obligations_remind",
    "obligations_reschedule_for_committee",
    "obligations_supersede",
    "obligations_tick",
    "obligations_verify",
]
