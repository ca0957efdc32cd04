"""Periodic reports: generated from the period's records, written, submitted to the committee,
reviewed by it and filed with the plan's authority.
"""

from __future__ import annotations

from datetime import date
from typing import Any, cast

from django.db import transaction
from django.db.models import Field
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import (
    DomainError,
    ErrorCode,
    FieldError,
    field_error,
    invalid,
    invalid_fields,
)
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.sources import ObligationSpec
from saisei.plans.models import Plan
from saisei.plans.obligations import periodic_report_specs, plan_authority
from saisei.reporting.figures import periodic_report_figures
from saisei.reporting.lifecycle import PERMISSIONS, TRANSITIONS, ReportAction, allowed_targets
from saisei.reporting.models import (
    REPORT_TEXT_MAX,
    Continuation,
    PeriodicReport,
    PeriodicReportStatus,
    PeriodicReportStatusChange,
    Recipient,
)
from saisei.reporting.services.common import _meet, _not_future


def _duty(plan: Plan, period: int, recipient: str) -> ObligationSpec:
    """The period's duty to one recipient (the committee, or the plan's authority)."""
    return next(s for s in periodic_report_specs(plan, period) if s.recipient == recipient)


def _period(plan: Plan, period: int) -> tuple[date, date]:
    if plan.filed_on is None:
        raise invalid("plan", _("The plan has not been filed."), ErrorCode.PLAN_NOT_PROVIDING)
    if period < 1:
        raise invalid("period", _("Periods are numbered from 1."), ErrorCode.PERIOD_INVALID)
    return period_bounds("periodic_report", plan.filed_on, period)


@transaction.atomic
def periodic_report_generate(
    *, plan: Plan, period: int, actor: User, today: date | None = None
) -> PeriodicReport:
    """Generate (or regenerate, while a draft) the report of a period that has ended."""
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    start, end = _period(plan, period)
    if today <= end:
        raise invalid(
            "period",
            _("This period ends on %(day)s; its report can be prepared from the next day.")
            % {"day": end},
            ErrorCode.PERIOD_NOT_ENDED,
        )
    figures = periodic_report_figures(plan, start, end)
    report, created = PeriodicReport.objects.select_for_update().get_or_create(
        plan=plan,
        period=period,
        defaults={
            "period_start": start,
            "period_end": end,
            "figures": figures,
            "generated_at": timezone.now(),
            "created_by": actor,
        },
    )
    if not created:
        if report.status != PeriodicReportStatus.DRAFT:
            raise DomainError(
                ErrorCode.REPORT_WRONG_STATUS,
                _("Only a draft report can be regenerated."),
                status=409,
            )
        PeriodicReport.objects.filter(pk=report.pk).update(
            figures=figures, generated_at=timezone.now()
        )
        report.refresh_from_db()
    audit_record(
        action="reporting.periodic_report.generated",
        actor=actor,
        target=report,
        data={"period": period, "cases": figures["cases"], "regenerated": not created},
    )
    return report


def _forbidden_move(action: str, status: str | None) -> DomainError:
    sources = sorted(TRANSITIONS.get(action, {}))
    return DomainError(
        ErrorCode.REPORT_WRONG_STATUS,
        _("The report is not in the state this step needs."),
        details={"status": status, "needs": sources[0] if len(sources) == 1 else sources},
        status=409,
    )


def _move(
    report: PeriodicReport, *, action: str, to: str, actor: User | None, **values: Any
) -> PeriodicReportStatusChange:
    """The one way a report's status changes: `to` if the table in saisei.reporting.lifecycle
    allows it from the committed status (re-read under a row lock), with a status-change row."""
    current = (
        PeriodicReport.objects.select_for_update()
        .filter(pk=report.pk)
        .values_list("status", flat=True)
        .first()
    )
    if current is None or to not in allowed_targets(action, current):
        raise _forbidden_move(action, current)
    PeriodicReport.objects.filter(pk=report.pk, status=current).update(status=to, **values)
    report.refresh_from_db()
    return PeriodicReportStatusChange.objects.create(
        report=report, action=action, from_status=current, to_status=to, actor=actor
    )


# Ordinance Art 37(1)(iii)-(v): what the institution writes itself, each required before the
# report goes to the committee ("none" is an answer; an empty item is not).
ART37_ITEMS: tuple[tuple[str, Any], ...] = (
    (
        "evaluation",
        gettext_lazy(
            "Write the institution's evaluation of the safety and scientific validity of the "
            "treatment in this period (Ordinance Art 37(1)(iii))."
        ),
    ),
    (
        "conflicts_of_interest",
        gettext_lazy(
            "State the conflict-of-interest matters: the involvement of anyone with an interest "
            '(Ordinance Art 8-8, Art 37(1)(iv)). Write "none" if there were none.'
        ),
    ),
    (
        "non_compliance",
        gettext_lazy(
            "State any non-compliance with the Ordinance or the plan and how it was handled "
            '(Ordinance Art 37(1)(v)). Write "none" if there was none.'
        ),
    ),
)
ART37_FIELDS = tuple(name for name, _message in ART37_ITEMS)


def _written_items(report: PeriodicReport, given: dict[str, str | None]) -> dict[str, str]:
    """The report's written items with those given replacing the stored ones; each bounded."""
    items: dict[str, str] = {}
    for name in ART37_FIELDS:
        value = given.get(name)
        text = (getattr(report, name) if value is None else value).strip()
        if len(text) > REPORT_TEXT_MAX:
            raise invalid(
                name,
                _("At most %(n)s characters (this text has %(length)s).")
                % {"n": REPORT_TEXT_MAX, "length": len(text)},
            )
        items[name] = text
    return items


def _locked_draft(report: PeriodicReport) -> PeriodicReport:
    locked = PeriodicReport.objects.select_for_update().get(pk=report.pk)
    if locked.status != PeriodicReportStatus.DRAFT:
        raise DomainError(
            ErrorCode.REPORT_WRONG_STATUS,
            _("Only a draft report can be changed or submitted."),
            details={"status": locked.status, "needs": PeriodicReportStatus.DRAFT},
            status=409,
        )
    return locked


@transaction.atomic
def periodic_report_write(
    *,
    report: PeriodicReport,
    actor: User,
    evaluation: str | None = None,
    conflicts_of_interest: str | None = None,
    non_compliance: str | None = None,
) -> PeriodicReport:
    """Save the institution's written items of a draft (Ordinance Art 37(1)(iii)-(v)); an item
    not given is kept. Empty items may be saved in a draft; submission needs them all."""
    ensure_can(actor, "reporting.record", report.plan)
    locked = _locked_draft(report)
    items = _written_items(
        locked,
        {
            "evaluation": evaluation,
            "conflicts_of_interest": conflicts_of_interest,
            "non_compliance": non_compliance,
        },
    )
    changed = sorted(name for name, text in items.items() if getattr(locked, name) != text)
    if changed:
        PeriodicReport.objects.filter(pk=report.pk).update(**items)
    report.refresh_from_db()
    audit_record(
        action="reporting.periodic_report.written",
        actor=actor,
        target=report,
        data={"changed": changed, "lengths": {name: len(items[name]) for name in changed}},
    )
    return report


def _field(name: str) -> Field[Any, Any]:
    # Every item a report lacks is one of its own columns, never a relation.
    return cast("Field[Any, Any]", PeriodicReport._meta.get_field(name))


def _missing_items(items: dict[str, str]) -> list[FieldError]:
    return [field_error(name, message) for name, message in ART37_ITEMS if not items[name]]


@transaction.atomic
def periodic_report_submit(
    *,
    report: PeriodicReport,
    actor: User,
    today: date | None = None,
    evaluation: str | None = None,
    conflicts_of_interest: str | None = None,
    non_compliance: str | None = None,
) -> PeriodicReport:
    """Submit the report to the committee (Act Art 20(1); Ordinance Art 37): meets the duty to
    the committee on the day of submission.

    The written items given replace the draft's; every item Ordinance Art 37(1) requires must
    then be there, or nothing is saved and each missing item is named. The figures are
    regenerated one last time and frozen, so the committee and the authority see what was
    reviewed.
    """
    ensure_can(actor, PERMISSIONS[ReportAction.SUBMIT], report.plan)
    today = today or legal_today()
    locked = _locked_draft(report)
    items = _written_items(
        locked,
        {
            "evaluation": evaluation,
            "conflicts_of_interest": conflicts_of_interest,
            "non_compliance": non_compliance,
        },
    )
    missing = _missing_items(items)
    if missing:
        raise invalid_fields(
            missing,
            message=_(
                "The report lacks what Ordinance Art 37(1) requires of it, so it was not "
                "submitted: %(items)s."
            )
            % {"items": ", ".join(str(_field(m["field"]).verbose_name) for m in missing)},
        )
    figures = periodic_report_figures(report.plan, report.period_start, report.period_end)
    _move(
        report,
        action=ReportAction.SUBMIT,
        to=PeriodicReportStatus.SUBMITTED,
        actor=actor,
        figures=figures,
        generated_at=timezone.now(),
        submitted_on=today,
        **items,
    )
    audit_record(
        action="reporting.periodic_report.submitted",
        actor=actor,
        target=report,
        data={"submitted_on": today, "to": Recipient.COMMITTEE.value},
    )
    _meet(
        [_duty(report.plan, report.period, Recipient.COMMITTEE.value)],
        met_on=today,
        record=report,
        actor=actor,
        today=today,
    )
    return report


@transaction.atomic
def periodic_report_review(
    *,
    report: PeriodicReport,
    continuation: str,
    opinion: str,
    actor: User,
    today: date | None = None,
) -> PeriodicReport:
    """Record the committee's opinion on the submitted report: whether provision may continue
    (continue, continue with changes or conditions, not appropriate to continue) and its
    reasons (Ordinance Art 37(4))."""
    ensure_can(actor, PERMISSIONS[ReportAction.REVIEW], report)
    if continuation not in Continuation.values:
        raise invalid(
            "continuation",
            _("Choose whether the committee finds it appropriate to continue provision."),
        )
    opinion = opinion.strip()
    if not opinion:
        raise invalid("opinion", _("Write the committee's opinion."))
    if len(opinion) > REPORT_TEXT_MAX:
        raise invalid(
            "opinion",
            _("At most %(n)s characters (this text has %(length)s).")
            % {"n": REPORT_TEXT_MAX, "length": len(opinion)},
        )
    today = today or legal_today()
    _move(
        report,
        action=ReportAction.REVIEW,
        to=PeriodicReportStatus.REVIEWED,
        actor=actor,
        continuation=continuation,
        committee_opinion=opinion,
        reviewed_on=today,
        reviewed_by=actor,
    )
    audit_record(
        action="reporting.periodic_report.reviewed",
        actor=actor,
        target=report,
        data={"reviewed_on": today, "continuation": continuation, "opinion_length": len(opinion)},
    )
    return report


@transaction.atomic
def periodic_report_file(
    *, report: PeriodicReport, filed_on: date, actor: User, today: date | None = None
) -> PeriodicReport:
    """File the report with the plan's authority, with the committee's opinion on continuing
    attached (Act Art 21(1); Ordinance Art 38): meets the duty to the authority. Refused until
    the committee has given its opinion."""
    ensure_can(actor, PERMISSIONS[ReportAction.FILE], report.plan)
    today = today or legal_today()
    _not_future("filed_on", filed_on, today)
    report.refresh_from_db()
    if report.status in (PeriodicReportStatus.DRAFT, PeriodicReportStatus.SUBMITTED):
        raise invalid(
            "filed_on",
            _(
                "The report goes to the authority with the committee's opinion on continuing "
                "attached (Ordinance Art 38): it can be filed once the committee has given it."
            ),
            ErrorCode.REPORT_WRONG_STATUS,
            status=409,
            context={"status": report.status},
        )
    if report.reviewed_on and filed_on < report.reviewed_on:
        raise invalid(
            "filed_on", _("A report is filed after the committee's opinion."), ErrorCode.DATE_ORDER
        )
    _move(
        report,
        action=ReportAction.FILE,
        to=PeriodicReportStatus.FILED,
        actor=actor,
        filed_on=filed_on,
    )
    authority = plan_authority(report.plan)
    audit_record(
        action="reporting.periodic_report.filed",
        actor=actor,
        target=report,
        data={"filed_on": filed_on, "to": authority, "continuation": report.continuation},
    )
    _meet(
        [_duty(report.plan, report.period, authority)],
        met_on=filed_on,
        record=report,
        actor=actor,
        today=today,
    )
    return report
