"""The end of provision: discontinuation, the end of a research plan's data collection, closing."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import Conflict, ErrorCode, FieldError, field_error, invalid, invalid_fields
from saisei.core.time import legal_today
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligations_supersede
from saisei.plans.lifecycle import Action
from saisei.plans.models import NoticeKind, Plan, PlanNotice, PlanType
from saisei.plans.obligations import notice_obligation_record, research_summary_open
from saisei.plans.services.changes import _notice_due
from saisei.plans.services.transitions import S, _guard, _lock, _move


@transaction.atomic
def plan_discontinue(
    *,
    plan: Plan,
    actor: User,
    stopped_on: date,
    reason: str,
    notified_on: date | None = None,
    data_collection_ended_on: date | None = None,
    filed_on: date | None = None,
) -> PlanNotice:
    """Provision stops; the notice (様式第4) is due 10 days after. Reporting continues until
    close-out. A research plan whose data collection has ended by now gives that date too, which
    opens its research summary duty; otherwise the end is recorded later
    (`plan_data_collection_end`)."""
    ensure_can(actor, "plans.discontinue", plan)
    _lock(plan)
    _guard(plan, Action.DISCONTINUE)
    notified_on = notified_on or legal_today()
    filed_on = filed_on or notified_on
    errors: list[FieldError] = []
    if filed_on < stopped_on:
        errors.append(field_error("filed_on", _("The notice cannot precede the event.")))
    if stopped_on > legal_today() or notified_on > legal_today() or filed_on > legal_today():
        errors.append(field_error("stopped_on", _("The date cannot be in the future.")))
    if plan.filed_on and stopped_on < plan.filed_on:
        errors.append(field_error("stopped_on", _("Provision cannot stop before the filing.")))
    if notified_on < stopped_on:
        errors.append(field_error("notified_on", _("The notice cannot precede the event.")))
    if not reason.strip():
        errors.append(field_error("reason", _("This field is required.")))
    if data_collection_ended_on is not None:
        errors.extend(_data_collection_errors(plan, data_collection_ended_on))
    if errors:
        raise invalid_fields(errors)
    due_on, due_explanation = _notice_due("discontinuation", plan, stopped_on)
    _move(
        plan,
        action=Action.DISCONTINUE,
        to=S.DISCONTINUED,
        actor=actor,
        reason=reason.strip(),
        discontinued_on=stopped_on,
        data_collection_ended_on=data_collection_ended_on,
    )
    # Obligation clock: the discontinuation notice is due due.due; reporting goes on.
    notice = PlanNotice.objects.create(
        plan=plan,
        kind=NoticeKind.DISCONTINUATION,
        event_on=stopped_on,
        due_on=due_on,
        due_explanation=due_explanation,
        notified_on=notified_on,
        filed_on=filed_on,
        summary=reason.strip(),
        recorded_by=actor,
    )
    notice_obligation_record(notice, actor=actor, today=legal_today())
    research_summary_open(plan, actor=actor, today=legal_today())
    audit_record(
        action="plans.plan.discontinued",
        actor=actor,
        target=plan,
        data={
            "stopped_on": stopped_on,
            "due_on": due_on,
            "notified_on": notified_on,
            "filed_on": filed_on,
            "data_collection_ended_on": data_collection_ended_on,
        },
    )
    return notice


def _data_collection_errors(
    plan: Plan, ended_on: date, field: str = "data_collection_ended_on"
) -> list[FieldError]:
    if plan.plan_type != PlanType.RESEARCH:
        return [field_error(field, _("Only a research plan records its data collection."))]
    if ended_on > legal_today():
        return [field_error(field, _("The date cannot be in the future."))]
    if plan.filed_on and ended_on < plan.filed_on:
        return [field_error(field, _("Data collection cannot end before the filing."))]
    return []


@transaction.atomic
def plan_data_collection_end(*, plan: Plan, actor: User, ended_on: date) -> Plan:
    """A discontinued research plan records the end of its data collection, once: with the stop
    date it starts the clock of the research summary report (the later of the two)."""
    ensure_can(actor, "plans.discontinue", plan)
    _lock(plan)
    if plan.status not in (S.DISCONTINUED, S.CLOSED) or plan.discontinued_on is None:
        raise invalid(
            "ended_on",
            _("Record the end of data collection after the plan is discontinued."),
            context={"status": plan.status},
        )
    if plan.data_collection_ended_on is not None:
        message = _("The end of data collection is already recorded (%(date)s).") % {
            "date": plan.data_collection_ended_on.isoformat()
        }
        # A Conflict (409), in the one details shape.
        raise Conflict(
            ErrorCode.CONFLICT, message, details={"errors": [field_error("ended_on", message)]}
        )
    errors = _data_collection_errors(plan, ended_on, "ended_on")
    if errors:
        raise invalid_fields(errors)
    updated = Plan.objects.filter(pk=plan.pk, data_collection_ended_on__isnull=True).update(
        data_collection_ended_on=ended_on, updated_at=timezone.now()
    )
    if updated != 1:  # pragma: no cover - the row lock above makes this unreachable
        raise Conflict(ErrorCode.CONFLICT, _("The plan was changed meanwhile."))
    plan.data_collection_ended_on = ended_on
    research_summary_open(plan, actor=actor, today=legal_today())
    audit_record(
        action="plans.plan.data_collection_ended",
        actor=actor,
        target=plan,
        data={"ended_on": ended_on, "stopped_on": plan.discontinued_on},
    )
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, actor: User, closed_on: date, summary: str) -> PlanNotice:
    ensure_can(actor, "plans.discontinue", plan)
    _lock(plan)
    _guard(plan, Action.CLOSE)
    errors: list[FieldError] = []
    if closed_on > legal_today():
        errors.append(field_error("closed_on", _("The date cannot be in the future.")))
    if plan.discontinued_on and closed_on < plan.discontinued_on:
        errors.append(field_error("closed_on", _("A plan closes after its discontinuation.")))
    if not summary.strip():
        errors.append(field_error("summary", _("This field is required.")))
    if errors:
        raise invalid_fields(errors)
    _move(
        plan,
        action=Action.CLOSE,
        to=S.CLOSED,
        actor=actor,
        reason=summary.strip(),
        closed_on=closed_on,
    )
    notice = PlanNotice.objects.create(
        plan=plan,
        kind=NoticeKind.CLOSING,
        event_on=closed_on,
        notified_on=closed_on,
        filed_on=closed_on,
        summary=summary.strip(),
        recorded_by=actor,
    )
    # The yearly report of the period in which the plan closed is covered by the end notice
    # (Ordinance Art 31-2; a research plan's summary report), so duties opened for it earlier are
    # no longer owed.
    obligations_supersede(
        obligations=Obligation.objects.filter(
            rule="periodic_report",
            subject_type="plans.plan",
            subject_id=str(plan.pk),
            period_end__gte=closed_on,
        ),
        record=notice,
        reason=(
            f"Not owed: the plan closed on {closed_on.isoformat()}, before this period ended; the "
            "end notice covers it (Ordinance Art 31-2)."
        ),
        actor=actor,
    )
    audit_record(
        action="plans.plan.closed", actor=actor, target=plan, data={"closed_on": closed_on}
    )
    return notice
