"""An obligation's statuses as data, like a plan's (saisei.plans.lifecycle).

`TRANSITIONS[action][from_status]` is the set of statuses the action may lead to from that
status; a status missing from an action's row means the action is forbidden there. Where an
action has more than one possible result (a duty met on or after its due date) the service picks
one and the table bounds its choice. Every status change goes through
saisei.obligations.services.core._move (one duty) or _move_many (the tick's and a superseding
record's set-based updates), which check this table and write an ObligationStatusChange row; the
walk test in tests/obligations/test_lifecycle.py tries every action from every status.

Opening a duty is not a move: a new row starts in the status its recorded events give it (open,
overdue, or met when the record that meets it is already there).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ObligationStatus(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("met")
    MET_LATE = "met_late", _("met late")
    OVERDUE = "overdue", _("overdue")
    WAIVED = "waived", _("waived")


# Statuses from which an obligation can still be met or waived.
OUTSTANDING = (ObligationStatus.OPEN, ObligationStatus.OVERDUE)


class ObligationAction(models.TextChoices):
    MEET = "meet", _("Met by a record")
    WAIVE = "waive", _("Waived by the regulator")
    SUPERSEDE = "supersede", _("No longer owed: a later record covers it")
    MARK_OVERDUE = "mark_overdue", _("Past its due date")
    SYNC = "sync", _("Brought in line with the recorded events")
    RESCHEDULE = "reschedule", _("Due date recomputed")


S = ObligationStatus
A = ObligationAction

MET = frozenset({S.MET, S.MET_LATE})

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    # Met on or before its due date, or late.
    A.MEET: {status: MET for status in OUTSTANDING},
    A.WAIVE: {status: frozenset({S.WAIVED}) for status in OUTSTANDING},
    # Kept, waived, with the record that covers it (saisei obligations verify accepts it).
    A.SUPERSEDE: {status: frozenset({S.WAIVED}) for status in OUTSTANDING},
    # The daily tick; the system's move, with no actor.
    A.MARK_OVERDUE: {S.OPEN: frozenset({S.OVERDUE})},
    # A fixed due date that moved (a time limit extended or shortened) or a duty the recorded
    # events now show as met.
    A.SYNC: {
        S.OPEN: frozenset({S.OVERDUE, *MET}),
        S.OVERDUE: frozenset({S.OPEN, *MET}),
    },
    # A committee's closed days changed, so the due date of a report to it moved.
    A.RESCHEDULE: {S.OPEN: frozenset({S.OVERDUE}), S.OVERDUE: frozenset({S.OPEN})},
}

# The permission an action needs of the person who takes it, where a person takes it: meeting
# needs the permission of the service that records what meets it, the others are the system's.
PERMISSIONS: dict[str, str] = {A.WAIVE: "obligations.waive"}


def allowed_targets(action: str, status: str) -> frozenset[str]:
    return TRANSITIONS.get(action, {}).get(status, frozenset())


def actions_from(status: str) -> list[str]:
    return [action for action, row in TRANSITIONS.items() if status in row]
