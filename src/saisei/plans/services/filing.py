"""Filing: the approved plan is filed with the authority, which accepts it and issues its number,
and the Class I restriction (released, extended or shortened by the Minister)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

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
from saisei.law import FiledWith as LawFiledWith
from saisei.law import RiskClass, due_date, procedure_for
from saisei.law.text_ja import explain_ja
from saisei.obligations.services import obligation_open
from saisei.plans import search
from saisei.plans.lifecycle import Action
from saisei.plans.models import (
    Decision,
    ListedPlan,
    NoticeKind,
    Opinion,
    Plan,
    PlanNotice,
    ReviewKind,
)
from saisei.plans.obligations import periodic_report_specs
from saisei.plans.services.content import _new_version, classify_plan
from saisei.plans.services.public_list import canonical_plan_number
from saisei.plans.services.transitions import S, _forbidden_move, _guard, _lock, _move
from saisei.registry.services import authorise


def _filing_office(plan: Plan) -> tuple[str, str]:
    procedure = procedure_for(plan.risk_class)
    if procedure.filed_with is LawFiledWith.MINISTER:
        return procedure.filed_with.value, "mhlw"
    return procedure.filed_with.value, plan.institution.regional_bureau.code


def _provision_allowed_from(
    risk_class: str, start: date, *, transitional: bool = False
) -> tuple[date, str, str]:
    """The first day of provision, explained in English and in Japanese (Class I only; a plan
    filed under the transitional rule for in vivo gene therapy is not restricted)."""
    if risk_class == RiskClass.I.value and transitional:
        return (
            start,
            f"Allowed from {start.isoformat()}, the filing date: in vivo gene therapy provided on "
            "2025-05-31 and filed by 2026-05-30 is not subject to the 90-day restriction (Act No. "
            "51 of 2024, supplementary provisions Art 3(2)).",
            f"{start.isoformat()}(提出日)から提供できます:2025年5月31日に提供していた in vivo "
            "遺伝子治療で2026年5月30日までに提出したものには90日の提供制限がありません(令和6年法律第51号"
            "附則第3条第2項)。",
        )
    if risk_class == RiskClass.I.value:
        restriction = due_date("class1_restriction", start)
        return restriction.due, restriction.explain(), explain_ja(restriction)
    return start, "", ""


def _opinion_meeting_day(plan: Plan) -> date | None:
    """The day of the meeting at which the committee gave the opinion the filing rests on."""
    opinion = (
        Opinion.objects.filter(review__plan=plan, review__kind=ReviewKind.INITIAL)
        .exclude(decision=Decision.REJECT)
        .select_related("meeting")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    return None if opinion is None else opinion.meeting.held_on


@transaction.atomic
def plan_file(*, plan: Plan, actor: User, filed_on: date | None = None) -> Plan:
    """File the approved plan with the Minister (Class I) or the Regional Bureau of the
    institution's prefecture (Class II and III), on or after the opinion's meeting date (Act
    Art 4(2): the committee's opinion comes first). Filing opens the first periodic report's
    duties to the committee and to the authority in the same transaction."""
    ensure_can(actor, "plans.file", plan)
    _lock(plan)
    _guard(plan, Action.FILE)
    filed_on = filed_on or legal_today()
    if filed_on > legal_today():
        raise invalid("filed_on", _("The filing date cannot be in the future."))
    meeting_day = _opinion_meeting_day(plan)
    if meeting_day is not None and filed_on < meeting_day:
        raise invalid_fields(
            [field_error("filed_on", _("The filing date cannot precede the opinion's meeting."))],
            ErrorCode.PLAN_FILED_BEFORE_OPINION,
            message=_(
                "A plan is filed after the committee's opinion: the opinion was given at the "
                "meeting of %(day)s, so the filing cannot be dated %(filed)s."
            )
            % {"day": meeting_day.isoformat(), "filed": filed_on.isoformat()},
            context={"opinion_meeting_on": meeting_day.isoformat()},
        )
    # The regime in force on the filing date decides the class (domain.md §1.2).
    result = classify_plan(plan.classification_answers, filed_on)
    if result.risk_class.value != plan.risk_class:
        raise DomainError(
            ErrorCode.PLAN_CLASS_CHANGED,
            _(
                "On the filing date the law classifies this plan as Class %(new)s, not Class "
                "%(old)s. Return it to the committee with the new class."
            )
            % {"new": result.risk_class.value, "old": plan.risk_class},
        )
    filed_with, office = _filing_office(plan)
    allowed_from, explanation, explanation_ja = _provision_allowed_from(
        plan.risk_class, filed_on, transitional=result.transitional
    )
    _move(
        plan,
        action=Action.FILE,
        to=S.FILED,
        actor=actor,
        filed_on=filed_on,
        filed_with=filed_with,
        filing_office=office,
        provision_allowed_from=allowed_from,
        provision_allowed_explanation=explanation,
        provision_allowed_explanation_ja=explanation_ja,
        classification=result.to_record(),
        classification_rule=result.rule,
    )
    version = _new_version(plan, actor=actor, reason="filed", public=True)
    audit_record(
        action="plans.plan.filed",
        actor=actor,
        target=plan,
        data={
            "filed_on": filed_on,
            "filed_with": filed_with,
            "office": office,
            "provision_allowed_from": allowed_from,
            "transitional": result.transitional,
            "version": version.number,
            "opinion_meeting_on": meeting_day,
        },
    )
    # Obligation clock: the first yearly period starts on the filing day, so its report's two
    # duties exist from now on (the tick opens the later periods). The 60-day adverse-event
    # report exists only for a period in which an event is learned of (Ordinance Art 35(1): "when
    # it learns of"), so it opens with the event.
    for spec in periodic_report_specs(plan, 1):
        obligation_open(spec=spec, actor=actor, today=legal_today())
    return plan


@transaction.atomic
def plan_accept(*, plan: Plan, actor: User, plan_number: str) -> Plan:
    """The authority accepts the filing and issues the plan number (opaque text; one of the
    shape of MHLW's list in the list's own characters, public_list.canonical_plan_number)."""
    ensure_can(actor, "plans.accept", plan)
    _lock(plan)
    _guard(plan, Action.ACCEPT)
    # A number of the shape of MHLW's list is kept as the list writes it, so that the plan and
    # its listing meet whatever width or case it was typed in.
    plan_number = canonical_plan_number(plan_number)
    if not plan_number or len(plan_number) > 60:
        raise invalid("plan_number", _("Give the plan number (1 to 60 characters)."))
    if Plan.objects.filter(plan_number=plan_number).exclude(pk=plan.pk).exists():
        raise DomainError(
            ErrorCode.PLAN_NUMBER_TAKEN,
            _("Another plan already has this number."),
            details={"plan_number": plan_number},
            status=409,
        )
    restricted = (
        plan.provision_allowed_from is not None and plan.provision_allowed_from > legal_today()
    )
    _move(
        plan,
        action=Action.ACCEPT,
        to=S.RESTRICTED if restricted else S.ACTIVE,
        actor=actor,
        plan_number=plan_number,
        accepted_at=timezone.now(),
    )
    # MHLW's public list may already hold the plan under this number: the two are one plan,
    # shown once (the import links them the same way when the list comes after).
    listing = ListedPlan.objects.filter(plan_number=plan_number, plan__isnull=True).first()
    if listing is not None:
        ListedPlan.objects.filter(pk=listing.pk).update(plan=plan)
        search.sync([plan.pk])
    audit_record(
        action="plans.plan.accepted",
        actor=actor,
        target=plan,
        data={
            "plan_number": plan_number,
            "status": plan.status,
            "listing": listing.pk if listing is not None else None,
        },
    )
    return plan


@transaction.atomic
def plan_restriction_release(
    *, plan: Plan, actor: User | None, on: date | None = None, system: str | None = None
) -> Plan:
    """End the Class I restriction once the day saisei.law gave has come."""
    authorise(actor, "plans.accept", plan, system)
    _lock(plan)
    _guard(plan, Action.RELEASE_RESTRICTION)
    on = on or legal_today()
    if plan.provision_allowed_from is None or on < plan.provision_allowed_from:
        raise DomainError(
            ErrorCode.PLAN_INVALID_TRANSITION,
            _("The restriction lasts until %(date)s.") % {"date": plan.provision_allowed_from},
            status=409,
        )
    _move(plan, action=Action.RELEASE_RESTRICTION, to=S.ACTIVE, actor=actor)
    audit_record(
        action="plans.plan.restriction_ended",
        actor=actor,
        target=plan,
        data={"on": on},
        system=system,
    )
    return plan


RESTRICTION_OF_PLAN = "plan"
RESTRICTION_OF_CHANGE = "change"


def _restriction_now(plan: Plan, which: str) -> date:
    """The first allowed day of the restriction being changed: the plan's (Art 8, 9) or, for a
    non-minor change of a Class I plan, the change's (Art 10(1) applying Arts 8-9)."""
    if which == RESTRICTION_OF_CHANGE:
        if not plan.change_restricted_on(legal_today()):
            raise invalid_fields(
                [field_error("which", _("No change is restricted."))],
                ErrorCode.RESTRICTION_CHANGE_INVALID,
                message=_("No change of this plan is in its restriction period."),
                status=409,
            )
        assert plan.change_allowed_from is not None
        return plan.change_allowed_from
    if which != RESTRICTION_OF_PLAN:
        raise invalid("which", _("Choose one of the listed options."))
    if plan.provision_allowed_from is None:  # pragma: no cover - a restricted plan has the day
        raise _forbidden_move(plan, Action.EXTEND_RESTRICTION)
    return plan.provision_allowed_from


def _restriction_change_fields(which: str, until: date, en: str, ja: str) -> dict[str, Any]:
    prefix = "change_allowed" if which == RESTRICTION_OF_CHANGE else "provision_allowed"
    return {
        f"{prefix}_from": until,
        f"{prefix}_explanation": en,
        f"{prefix}_explanation_ja": ja,
    }


def _apply_restriction_change(
    plan: Plan,
    *,
    which: str,
    action: str,
    to: str,
    actor: User,
    reason: str,
    fields: dict[str, Any],
    notice_kind: str,
    notified_on: date,
    previous: date,
    until: date,
    audit_action: str,
) -> None:
    """Move the restriction, keep the Minister's notice of it and audit it. A plan's own
    restriction is a lifecycle move; a change's restriction does not move the plan's status: it
    goes on under the previous version (Art 10(2)), so the row is changed under the lock the
    service took."""
    if which == RESTRICTION_OF_PLAN:
        _move(plan, action=action, to=to, actor=actor, reason=reason, **fields)
    else:
        Plan.objects.filter(pk=plan.pk).update(**fields, updated_at=timezone.now())
        for name, value in fields.items():
            setattr(plan, name, value)
    PlanNotice.objects.create(
        plan=plan,
        kind=notice_kind,
        event_on=notified_on,
        notified_on=notified_on,
        summary=reason,
        changes={"restriction": which, "allowed_from": [previous.isoformat(), until.isoformat()]},
        recorded_by=actor,
    )
    audit_record(
        action=audit_action,
        actor=actor,
        target=plan,
        data={"which": which, "from": previous, "until": until, "reason": reason},
    )


@transaction.atomic
def plan_restriction_extend(
    *,
    plan: Plan,
    actor: User,
    until: date,
    reason: str,
    which: str = RESTRICTION_OF_PLAN,
    notified_on: date | None = None,
) -> Plan:
    """The Minister extends a Class I restriction for a reasonable cause, notifying the new
    period and the reason within the current period (Act Art 8(2); for a change, Art 10(1))."""
    ensure_can(actor, "plans.accept", plan)
    _lock(plan)
    if which == RESTRICTION_OF_PLAN:
        _guard(plan, Action.EXTEND_RESTRICTION)
    notified_on = notified_on or legal_today()
    current = _restriction_now(plan, which)
    errors: list[FieldError] = []
    if notified_on > legal_today():
        errors.append(field_error("notified_on", _("The date cannot be in the future.")))
    elif notified_on >= current:
        errors.append(
            field_error(
                "notified_on",
                _(
                    "An extension is notified within the period it extends, which ended on "
                    "%(last)s (RM Act Art 8(2))."
                )
                % {"last": (current - timedelta(days=1)).isoformat()},
            )
        )
    if until <= current:
        errors.append(field_error("until", _("The new date must be after the current one.")))
    if not reason.strip():
        errors.append(field_error("reason", _("This field is required.")))
    if errors:
        raise invalid_fields(errors)
    previous = current
    fields = _restriction_change_fields(
        which,
        until,
        f"Allowed from {until.isoformat()}: the Minister extended the Class I restriction on "
        f"{notified_on.isoformat()}, within the period (it ran until the day before "
        f"{previous.isoformat()}) (RM Act Art 8(2)); reason: {reason.strip()}.",
        f"{until.isoformat()}から提供できます:厚生労働大臣が{notified_on.isoformat()}に期間内に第一種の"
        f"提供制限を延長しました(延長前は{previous.isoformat()}から提供可能。法第8条第2項)。"
        f"理由:{reason.strip()}。",
    )
    _apply_restriction_change(
        plan,
        which=which,
        action=Action.EXTEND_RESTRICTION,
        to=S.RESTRICTED,
        actor=actor,
        reason=reason.strip(),
        fields=fields,
        notice_kind=NoticeKind.RESTRICTION_EXTENDED,
        notified_on=notified_on,
        previous=previous,
        until=until,
        audit_action="plans.plan.restriction_extended",
    )
    return plan


@transaction.atomic
def plan_restriction_shorten(
    *,
    plan: Plan,
    actor: User,
    until: date,
    reason: str,
    which: str = RESTRICTION_OF_PLAN,
) -> Plan:
    """The Minister shortens a Class I restriction when the plan meets the standards, notifying
    without delay (Act Art 8(3); for a change, Art 10(1)). ``until`` is the new first day of
    provision: from today (provision allowed at once) to the day before the current one."""
    ensure_can(actor, "plans.accept", plan)
    _lock(plan)
    if which == RESTRICTION_OF_PLAN:
        _guard(plan, Action.SHORTEN_RESTRICTION)
    current = _restriction_now(plan, which)
    errors: list[FieldError] = []
    if until >= current:
        errors.append(field_error("until", _("The new date must be before the current one.")))
    elif until < legal_today():
        errors.append(
            field_error("until", _("A shortened period cannot end before the day it is notified."))
        )
    if not reason.strip():
        errors.append(field_error("reason", _("This field is required.")))
    if errors:
        raise invalid_fields(errors)
    notified_on = legal_today()
    fields = _restriction_change_fields(
        which,
        until,
        f"Allowed from {until.isoformat()}: the Minister shortened the Class I restriction on "
        f"{notified_on.isoformat()} (it would have run until the day before "
        f"{current.isoformat()}) (RM Act Art 8(3)); reason: {reason.strip()}.",
        f"{until.isoformat()}から提供できます:厚生労働大臣が{notified_on.isoformat()}に第一種の提供制限を"
        f"短縮しました(短縮前は{current.isoformat()}から提供可能。法第8条第3項)。理由:{reason.strip()}。",
    )
    _apply_restriction_change(
        plan,
        which=which,
        action=Action.SHORTEN_RESTRICTION,
        to=S.ACTIVE if until <= legal_today() else S.RESTRICTED,
        actor=actor,
        reason=reason.strip(),
        fields=fields,
        notice_kind=NoticeKind.RESTRICTION_SHORTENED,
        notified_on=notified_on,
        previous=current,
        until=until,
        audit_action="plans.plan.restriction_shortened",
    )
    return plan
