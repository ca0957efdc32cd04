"""The provision-plan lifecycle as data (domain.md §1.5).

`TRANSITIONS[action][from_status]` is the set of statuses the action may lead to from that status;
a status missing from an action's row means the action is forbidden there. Where an action has
more than one possible result (accepting a filing leads to "restricted" for Class I and "active"
otherwise) the service picks one, and the table bounds its choice. Every service in
saisei.plans.services checks this table before writing, and the walk test in
tests/plans/test_lifecycle.py tries every action from every status.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under committee review")
    APPROVED = "approved", _("Approved by the committee")
    FILED = "filed", _("Filed")
    RESTRICTED = "restricted", _("Filed: Class I provision restriction")
    ACTIVE = "active", _("Active")
    CHANGE_UNDER_REVIEW = "change_under_review", _("Change under committee review")
    CHANGE_APPROVED = "change_approved", _("Change approved by the committee")
    DISCONTINUED = "discontinued", _("Discontinued")
    CLOSED = "closed", _("Closed")
    SUSPENDED = "suspended", _("Suspended by order")


class Action(models.TextChoices):
    SUBMIT = "submit", _("Submit to the committee")
    APPROVE = "approve", _("Committee approves")
    REJECT = "reject", _("Committee rejects")
    FILE = "file", _("File with the authority")
    ACCEPT = "accept", _("Authority accepts the filing")
    RELEASE_RESTRICTION = "release_restriction", _("Class I restriction ends")
    EXTEND_RESTRICTION = "extend_restriction", _("Minister extends the restriction")
    SHORTEN_RESTRICTION = "shorten_restriction", _("Minister shortens the restriction")
    CHANGE_PROPOSE = "change_propose", _("Propose a change")
    CHANGE_NOTIFY = "change_notify", _("Notify the approved change")
    MINOR_CHANGE = "minor_change", _("Notify a minor change")
    DISCONTINUE = "discontinue", _("Discontinue")
    CLOSE = "close", _("Close")
    SUSPEND = "suspend", _("Suspend by order")
    LIFT = "lift", _("Lift the order")


S = PlanStatus
A = Action

# States in which a plan has been filed and is still in force (not discontinued or closed):
# the ones an order can reach (domain.md: "any filed state → suspended_by_order").
IN_FORCE: frozenset[str] = frozenset(
    {S.FILED, S.RESTRICTED, S.ACTIVE, S.CHANGE_UNDER_REVIEW, S.CHANGE_APPROVED}
)

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    A.SUBMIT: {S.DRAFT: frozenset({S.UNDER_REVIEW})},
    A.APPROVE: {
        S.UNDER_REVIEW: frozenset({S.APPROVED}),
        S.CHANGE_UNDER_REVIEW: frozenset({S.CHANGE_APPROVED}),
    },
    # A rejected plan goes back to draft; a rejected change leaves the filed plan as it was.
    A.REJECT: {
        S.UNDER_REVIEW: frozenset({S.DRAFT}),
        S.CHANGE_UNDER_REVIEW: frozenset({S.ACTIVE, S.RESTRICTED}),
    },
    A.FILE: {S.APPROVED: frozenset({S.FILED})},
    A.ACCEPT: {S.FILED: frozenset({S.RESTRICTED, S.ACTIVE})},
    A.RELEASE_RESTRICTION: {S.RESTRICTED: frozenset({S.ACTIVE})},
    A.EXTEND_RESTRICTION: {S.RESTRICTED: frozenset({S.RESTRICTED})},
    # Shortened to a day already come, the restriction is over at once (Art 8(3)).
    A.SHORTEN_RESTRICTION: {S.RESTRICTED: frozenset({S.RESTRICTED, S.ACTIVE})},
    A.CHANGE_PROPOSE: {
        S.ACTIVE: frozenset({S.CHANGE_UNDER_REVIEW}),
        S.RESTRICTED: frozenset({S.CHANGE_UNDER_REVIEW}),
    },
    # A notified change returns the plan to where it was: a Class I change is restricted itself
    # while the plan goes on under its previous version (Art 10(2)).
    A.CHANGE_NOTIFY: {S.CHANGE_APPROVED: frozenset({S.RESTRICTED, S.ACTIVE})},
    A.MINOR_CHANGE: {S.ACTIVE: frozenset({S.ACTIVE}), S.RESTRICTED: frozenset({S.RESTRICTED})},
    A.DISCONTINUE: {
        S.FILED: frozenset({S.DISCONTINUED}),
        S.RESTRICTED: frozenset({S.DISCONTINUED}),
        S.ACTIVE: frozenset({S.DISCONTINUED}),
        S.SUSPENDED: frozenset({S.DISCONTINUED}),
    },
    A.CLOSE: {S.DISCONTINUED: frozenset({S.CLOSED})},
    # A second order against a suspended plan keeps it suspended and adds to what must be lifted.
    A.SUSPEND: {
        **{status: frozenset({S.SUSPENDED}) for status in IN_FORCE},
        S.SUSPENDED: frozenset({S.SUSPENDED}),
    },
    # Lifting restores the status the plan had before the first order that still held it.
    A.LIFT: {S.SUSPENDED: IN_FORCE},
}

# Statuses the public may see: filed or later. Drafts, reviews and opinions are not public.
PUBLIC_STATUSES: frozenset[str] = frozenset({*IN_FORCE, S.DISCONTINUED, S.CLOSED, S.SUSPENDED})
# Statuses in which provision may take place (once the restriction date is reached).
PROVIDING_STATUSES: frozenset[str] = IN_FORCE


def allowed_targets(action: str, status: str) -> frozenset[str]:
    return TRANSITIONS.get(action, {}).get(status, frozenset())


def actions_from(status: str) -> list[str]:
    return [action for action, row in TRANSITIONS.items() if status in row]
