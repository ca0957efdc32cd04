"""Adverse events, the reports they owe to the committee and the authority, and the
committee's opinion on them.
"""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import DomainError, ErrorCode, invalid
from saisei.core.time import legal_today
from saisei.law import period_bounds
from saisei.obligations.services import obligation_open
from saisei.plans.models import Plan
from saisei.plans.obligations import plan_authority, plan_recipients
from saisei.reporting.models import (
    AdverseEvent,
    AdverseEventReport,
    AECategory,
    AECausality,
    AEOutcome,
    Recipient,
    Treatment,
)
from saisei.reporting.obligation_sources import (
    adverse_event_specs,
    plan_cycle_specs,
)
from saisei.reporting.services.common import _check_patient_code, _meet, _not_future


@transaction.atomic
def adverse_event_record(
    *,
    plan: Plan,
    patient_code: str,
    learned_on: date,
    category: str,
    description: str,
    outcome: str,
    causality: str,
    actor: User,
    treatment: Treatment | None = None,
    onset_on: date | None = None,
    infection: bool = False,
    today: date | None = None,
) -> AdverseEvent:
    """Record an adverse event and open the reports it owes, with their due dates."""
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    code = _check_patient_code(patient_code)
    for field, value, choices in (
        ("category", category, AECategory.values),
        ("outcome", outcome, AEOutcome.values),
        ("causality", causality, AECausality.values),
    ):
        if value not in choices:
            raise invalid(field, _("Choose one of the listed values."))
    if not description.strip():
        raise invalid("description", _("Describe the event."))
    _not_future("learned_on", learned_on, today)
    if onset_on is not None and onset_on > learned_on:
        raise invalid(
            "onset_on",
            _("The onset cannot be after the day the institution learned of it."),
            ErrorCode.DATE_ORDER,
        )
    if plan.filed_on is None or learned_on < plan.filed_on:
        raise invalid(
            "learned_on",
            _("Adverse events are recorded under a filed plan, from its filing date."),
            ErrorCode.PLAN_NOT_PROVIDING,
        )
    if treatment is not None and (treatment.plan_id != plan.pk or treatment.patient_code != code):
        raise invalid("treatment", _("This treatment is not this patient's under this plan."))
    event = AdverseEvent.objects.create(
        plan=plan,
        treatment=treatment,
        patient_code=code,
        learned_on=learned_on,
        onset_on=onset_on,
        category=category,
        infection=infection,
        description=description.strip()[:4000],
        outcome=outcome,
        causality=causality,
        recorded_by=actor,
    )
    audit_record(
        action="reporting.adverse_event.recorded",
        actor=actor,
        target=event,
        data={"plan": plan.pk, "category": category, "learned_on": learned_on, "rule": event.rule},
    )
    for spec in adverse_event_specs(event):
        obligation_open(spec=spec, actor=actor, today=today)
    return event


def ae_report_recipients(plan: Plan, rule: str) -> tuple[str, ...]:
    """Who receives a report of this adverse-event rule about this plan (domain.md §1.8): a
    serious event's report goes to the committee (Act Art 17(1)) and to the plan's authority (Act
    Art 18: the Minister for Class I, the Regional Bureau for Class II and III); the report of a
    60-day period's other events to the committee only (Ordinance Art 35(1)(iii))."""
    if rule == "ae_other_cycle":
        return (Recipient.COMMITTEE.value,)
    return tuple(plan_recipients(plan))


def _recipient_label(recipient: str) -> str:
    return str(Recipient(recipient).label) if recipient in Recipient.values else recipient


def _check_recipient(plan: Plan, rule: str, recipient: str) -> None:
    if recipient not in Recipient.values:
        raise invalid("recipient", _("Choose one of the listed values."))
    allowed = ae_report_recipients(plan, rule)
    if recipient in allowed:
        return
    if rule == "ae_other_cycle":
        message = _(
            "The other adverse events of a 60-day period are reported to the committee only "
            "(Ordinance Art 35(1)(iii))."
        )
    else:
        message = _(
            "This plan's adverse-event reports go to the committee and to %(authority)s, the "
            "authority the plan was filed with, not to %(recipient)s."
        ) % {
            "authority": _recipient_label(plan_authority(plan)),
            "recipient": _recipient_label(recipient),
        }
    raise invalid("recipient", message, context={"recipient": recipient, "allowed": list(allowed)})


@transaction.atomic
def adverse_event_report_file(
    *,
    plan: Plan,
    recipient: str,
    reported_on: date,
    summary: str,
    actor: User,
    event: AdverseEvent | None = None,
    period: int | None = None,
    today: date | None = None,
) -> AdverseEventReport:
    """File the report an event (or a 60-day period's other events) owes to one recipient; it
    meets that recipient's duty only (the other recipient's duty stays as it is).

    A serious event's report goes to the committee and to the plan's authority, each separately;
    a recipient the law does not send this plan's report to is refused (field ``recipient``).
    """
    ensure_can(actor, "reporting.record", plan)
    today = today or legal_today()
    _not_future("reported_on", reported_on, today)
    if recipient not in Recipient.values:
        raise invalid("recipient", _("Choose one of the listed values."))
    if not summary.strip():
        raise invalid("summary", _("Summarise the report."))
    if (event is None) == (period is None):
        raise invalid("event", _("A report is of one serious event or of one 60-day period."))
    if event is not None:
        if event.plan_id != plan.pk:
            raise invalid("event", _("This event is not under this plan."))
        if event.category == AECategory.NON_SERIOUS:
            raise invalid(
                "event", _("Non-serious events are reported together for their 60-day period.")
            )
        rule = event.rule
        if reported_on < event.learned_on:
            raise invalid(
                "reported_on",
                _("A report cannot precede the day the event became known."),
                ErrorCode.DATE_ORDER,
            )
        wanted = [s for s in adverse_event_specs(event) if s.recipient == recipient]
    else:
        assert period is not None
        rule = "ae_other_cycle"
        if (
            period < 1
            or not AdverseEvent.objects.filter(plan=plan, category=AECategory.NON_SERIOUS).exists()
        ):
            raise invalid(
                "period",
                _("No non-serious adverse events are recorded for this period."),
                ErrorCode.PERIOD_INVALID,
            )
        wanted = [s for s in plan_cycle_specs(plan) if s.period == period]
        if not wanted:
            raise invalid(
                "period",
                _("No non-serious adverse events are recorded for this period."),
                ErrorCode.PERIOD_INVALID,
            )
        # A plan owes cycle reports only once filed.
        assert plan.filed_on is not None
        _start, end = period_bounds("ae_other_cycle", plan.filed_on, period)
        if reported_on <= end:
            raise invalid(
                "reported_on",
                _("The period's report is made after the period ends (%(day)s).") % {"day": end},
                ErrorCode.PERIOD_NOT_ENDED,
            )
    _check_recipient(plan, rule, recipient)
    wanted = [spec for spec in wanted if spec.recipient == recipient]
    try:
        with transaction.atomic():
            report = AdverseEventReport.objects.create(
                plan=plan,
                rule=rule,
                recipient=recipient,
                event=event,
                period=period,
                reported_on=reported_on,
                summary=summary.strip()[:4000],
                recorded_by=actor,
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.DUPLICATE, _("This report has already been filed."), status=409
        ) from None
    audit_record(
        action="reporting.ae_report.filed",
        actor=actor,
        target=report,
        data={
            "rule": rule,
            "recipient": recipient,
            "event": event.pk if event else None,
            "period": period,
            "reported_on": reported_on,
        },
    )
    _meet(wanted, met_on=reported_on, record=report, actor=actor, today=today)
    return report


@transaction.atomic
def adverse_event_report_review(
    *, report: AdverseEventReport, opinion: str, actor: User, today: date | None = None
) -> AdverseEventReport:
    """The committee's opinion on an adverse-event report sent to it."""
    ensure_can(actor, "reporting.review", report)
    if report.recipient != Recipient.COMMITTEE:
        raise invalid("report", _("Only reports to the committee are reviewed by it."))
    if not opinion.strip():
        raise invalid("opinion", _("Write the committee's opinion."))
    changed = AdverseEventReport.objects.filter(pk=report.pk, reviewed_on__isnull=True).update(
        committee_opinion=opinion.strip(),
        reviewed_on=today or legal_today(),
        reviewed_by=actor,
    )
    if not changed:
        raise DomainError(
            ErrorCode.REPORT_WRONG_STATUS, _("This report has already been reviewed."), status=409
        )
    report.refresh_from_db()
    audit_record(
        action="reporting.ae_report.reviewed",
        actor=actor,
        target=report,
        data={"reviewed_on": report.reviewed_on},
    )
    return report
