"""A periodic report's transition table walked: every action tried from every status through the
services, and every pair the table lacks refused by the move."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError
from saisei.reporting.lifecycle import (
    PERMISSIONS,
    TRANSITIONS,
    PeriodicReportStatus,
    ReportAction,
    allowed_targets,
)
from saisei.reporting.models import PeriodicReport, PeriodicReportStatusChange
from saisei.reporting.services import (
    periodic_report_file,
    periodic_report_generate,
    periodic_report_review,
    periodic_report_submit,
)
from saisei.reporting.services.periodic_reports import _move

pytestmark = pytest.mark.django_db
S = PeriodicReportStatus
A = ReportAction

AFTER = dt.date(2026, 6, 10)  # period 1 (2025-06-02 .. 2026-06-01) has ended
ITEMS = {
    "evaluation": "Consistent with the plan.",
    "conflicts_of_interest": "none",
    "non_compliance": "none",
}


class Rollback(Exception):
    pass


def perform(personas, report: PeriodicReport, action: str) -> None:
    p = personas
    if action == A.SUBMIT:
        periodic_report_submit(report=report, actor=p.officer, today=AFTER, **ITEMS)
    elif action == A.REVIEW:
        periodic_report_review(
            report=report,
            continuation="continue",
            opinion="Fine.",
            actor=p.secretariat,
            today=AFTER,
        )
    elif action == A.FILE:
        periodic_report_file(report=report, filed_on=AFTER, actor=p.officer, today=AFTER)
    else:  # pragma: no cover
        raise AssertionError(action)


# The order in which the services take a report through its statuses.
PATH = (A.SUBMIT, A.REVIEW, A.FILE)


def report_in(personas, plan, status: str) -> PeriodicReport:
    """A report brought to `status` through the services from its draft."""
    report = periodic_report_generate(plan=plan, period=1, actor=personas.officer, today=AFTER)
    for action in PATH:
        if report.status == status:
            break
        perform(personas, report, action)
        report.refresh_from_db()
    assert report.status == status
    return report


def test_the_table_names_every_action_and_only_known_statuses() -> None:
    assert set(TRANSITIONS) == set(A.values) == set(PERMISSIONS)
    for row in TRANSITIONS.values():
        for source, targets in row.items():
            assert source in S.values
            assert targets <= set(S.values)


@pytest.mark.parametrize("status", S.values)
def test_every_action_from_this_status_does_what_the_table_says(
    active_plan, personas, status
) -> None:
    report = report_in(personas, active_plan, status)
    for action in A.values:
        allowed = allowed_targets(action, status)
        changes_before = PeriodicReportStatusChange.objects.filter(report=report).count()
        audit_before = AuditEvent.objects.count()
        try:
            with transaction.atomic():
                fresh = PeriodicReport.objects.get(pk=report.pk)
                try:
                    perform(personas, fresh, action)
                except DomainError as exc:
                    assert not allowed, f"{action} from {status} was refused: {exc.code} {exc}"
                    assert exc.code == "report_wrong_status", exc.code
                    assert exc.status == 409
                    fresh.refresh_from_db()
                    assert fresh.status == status
                    assert (
                        PeriodicReportStatusChange.objects.filter(report=report).count()
                        == changes_before
                    )
                    assert AuditEvent.objects.count() == audit_before
                else:
                    assert allowed, f"{action} from {status} was accepted"
                    fresh.refresh_from_db()
                    assert fresh.status in allowed, (action, status, fresh.status)
                    change = PeriodicReportStatusChange.objects.filter(report=report).latest("pk")
                    assert (change.action, change.from_status, change.to_status) == (
                        action,
                        status,
                        fresh.status,
                    )
                    assert change.actor is not None
                    assert AuditEvent.objects.count() > audit_before
                raise Rollback
        except Rollback:
            pass
    report.refresh_from_db()
    assert report.status == status


@pytest.mark.parametrize("status", S.values)
def test_the_low_level_move_refuses_every_pair_the_table_lacks(
    active_plan, personas, status
) -> None:
    report = report_in(personas, active_plan, status)
    changes = PeriodicReportStatusChange.objects.count()
    for action in A.values:
        for target in S.values:
            if target in allowed_targets(action, status):
                continue
            with pytest.raises(DomainError) as raised, transaction.atomic():
                _move(report, action=action, to=target, actor=None)
            assert raised.value.code == "report_wrong_status"
    report.refresh_from_db()
    assert report.status == status
    assert PeriodicReportStatusChange.objects.count() == changes


def test_each_step_leaves_its_row_with_who_took_it(active_plan, personas) -> None:
    report = report_in(personas, active_plan, S.FILED)
    rows = list(
        PeriodicReportStatusChange.objects.filter(report=report)
        .order_by("pk")
        .values_list("action", "from_status", "to_status", "actor")
    )
    assert rows == [
        (A.SUBMIT, S.DRAFT, S.SUBMITTED, personas.officer.pk),
        (A.REVIEW, S.SUBMITTED, S.REVIEWED, personas.secretariat.pk),
        (A.FILE, S.REVIEWED, S.FILED, personas.officer.pk),
    ]
