"""A periodic report's statuses as data, like a plan's (saisei.plans.lifecycle).

`TRANSITIONS[action][from_status]` is the set of statuses the action may lead to from that
status; a status missing from an action's row means the action is forbidden there. Every status
change goes through saisei.reporting.services.periodic_reports._move, which checks this table
and writes a PeriodicReportStatusChange row; the walk test in
tests/reporting/test_lifecycle.py tries every action from every status.

Generating a report is not a move: it creates the draft (and regenerates its figures while it is
one). Writing the institution's items changes a draft's text, not its status.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted to the committee")
    REVIEWED = "reviewed", _("Committee's opinion given")
    FILED = "filed", _("Filed with the authority")


class ReportAction(models.TextChoices):
    SUBMIT = "submit", _("Submit to the committee")
    REVIEW = "review", _("Committee gives its opinion")
    FILE = "file", _("File with the authority")


S = PeriodicReportStatus
A = ReportAction

TRANSITIONS: dict[str, dict[str, frozenset[str]]] = {
    # Submission meets the duty to the committee (Act Art 20(1); Ordinance Art 37).
    A.SUBMIT: {S.DRAFT: frozenset({S.SUBMITTED})},
    # The committee's opinion on continuing (Ordinance Art 37(4)).
    A.REVIEW: {S.SUBMITTED: frozenset({S.REVIEWED})},
    # Filed with the opinion attached, so only once it is given (Act Art 21(1); Ordinance Art 38).
    A.FILE: {S.REVIEWED: frozenset({S.FILED})},
}

# The permission each action needs of the person who takes it (the services check it on the
# plan, or for the committee's opinion on the report itself, before anything else).
PERMISSIONS: dict[str, str] = {
    A.SUBMIT: "reporting.record",
    A.REVIEW: "reporting.review",
    A.FILE: "reporting.file",
}


def allowed_targets(action: str, status: str) -> frozenset[str]:
    return TRANSITIONS.get(action, {}).get(status, frozenset())


def actions_from(status: str) -> list[str]:
    return [action for action, row in TRANSITIONS.items() if status in row]
