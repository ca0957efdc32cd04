"""Writes to provision plans: one service per lifecycle transition (saisei.plans.lifecycle).

Each service is keyword-only, takes `actor=`, checks permission with ensure_can, checks the
transition table, moves the status with a conditional UPDATE (so two concurrent requests cannot
both win), writes a PlanStatusChange row and an audit event, all in one transaction.

Obligation clocks (the reporting issue) start inside plan_file (periodic reports, the 60-day
adverse-event cycle), plan_minor_change_notify and plan_discontinue; each marks the spot with
"obligation clock" so a later obligation_open(...) call sits inside the same transaction.

The services live in modules by stage: `transitions`, `content`, `drafting` (the rest still here).
This package re-exports every public name, so callers keep writing `services.plan_file(...)`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.accounts.models import User
from saisei.accounts.permissions import ensure_can
from saisei.audit.services import audit_record
from saisei.core.errors import Conflict, DomainError, ErrorCode
from saisei.law import FiledWith as LawFiledWith
from saisei.law import RiskClass, due_date, procedure_for
from saisei.law.text_ja import explain_ja
from saisei.obligations.models import Obligation
from saisei.obligations.services import compute_due, obligation_open, obligations_supersede
from saisei.plans.lifecycle import IN_FORCE, Action
from saisei.plans.models import (
    SUSPENDING_ORDERS,
    Decision,
    Meeting,
    MeetingAttendance,
    NoticeKind,
    Opinion,
    Order,
    OrderEffect,
    OrderKind,
    OrderTarget,
    Plan,
    PlanNotice,
    PlanType,
    Review,
    ReviewKind,
)
from saisei.plans.obligations import (
    notice_obligation_record,
    notice_specs_for,
    periodic_report_specs,
    research_summary_open,
)
from saisei.plans.quorum import Seat, evaluate
from saisei.plans.services.content import (
    CHOICE_FIELDS,
    CONTENT_FIELDS,
    CRITERION_FIELDS,
    THRESHOLD_OPERATORS,
    _apply_content,
    _new_version,
    _next_version_number,
    check_committee,
    classify_plan,
    clean_content,
    clean_criteria,
    clean_facilities,
    snapshot,
)
from saisei.plans.services.drafting import plan_create, plan_update
from saisei.plans.services.transitions import (
    S,
    _forbidden_move,
    _guard,
    _invalid,
    _lock,
    _text_errors,
    today,
)
from saisei.plans.services.transitions import _move as _move
from saisei.registry.models import CommitteeMember, ProcessingFacility
from saisei.registry.services import authorise

# Changes that may be notified as minor (様式第3) without a new committee review. The Ordinance's
# list is longer and more specific; these are the plan fields this registry holds that fall in it.
MINOR_CHANGE_FIELDS = frozenset(
    {"title_en", "responsible_physician", "other_physicians", "consent_document"}
)

# --- review --------------------------------------------------------------------------------------


def _check_complete(plan: Plan) -> None:
    errors: list[dict[str, str]] = []
    if plan.committee is None:
        errors.append({"field": "committee", "message": _("Choose the reviewing committee.")})
    if not plan.plan_facilities.filter(is_current=True).exists():
        errors.append(
            {
                "field": "facility_ids",
                "message": _("Name every facility that processes the cells (at least one)."),
            }
        )
    if not plan.criteria.filter(is_current=True).exists():
        errors.append(
            {
                "field": "criteria",
                "message": _("Give at least one evaluation criterion for scientific validity."),
            }
        )
    if errors:
        raise DomainError(
            ErrorCode.PLAN_INCOMPLETE,
            _("The plan is not complete: %(what)s")
            % {"what": " ".join(e["message"] for e in errors)},
            details={"errors": errors},
        )


@transaction.atomic
def plan_submit(*, plan: Plan, actor: User) -> Review:
    ensure_can(actor, "plans.submit", plan)
    _lock(plan)
    _guard(plan, Action.SUBMIT)
    _check_complete(plan)
    committee = plan.committee
    assert committee is not None
    check_committee(committee, plan.risk_class)
    if not committee.certified_on_day(today()):
        raise DomainError(
            ErrorCode.COMMITTEE_NOT_CERTIFIED,
            _("The committee's certification is not valid today (valid %(start)s to %(end)s).")
            % {"start": committee.certified_on, "end": committee.valid_until},
        )
    first = plan.first_submitted_at or timezone.now()
    _move(plan, action=Action.SUBMIT, to=S.UNDER_REVIEW, actor=actor, first_submitted_at=first)
    review = Review.objects.create(
        plan=plan,
        committee=committee,
        kind=ReviewKind.INITIAL,
        plan_version=plan.version,
        submitted_by=actor,
    )
    audit_record(
        action="plans.plan.submitted",
        actor=actor,
        target=plan,
        data={"review_id": review.pk, "committee": committee.certification_number},
    )
    return review


def _open_review(review: Review) -> None:
    if review.decision:
        raise DomainError(
            ErrorCode.REVIEW_ALREADY_DECIDED,
            _("The committee has already given its opinion on this review."),
            status=409,
        )
    if review.plan.status not in (S.UNDER_REVIEW, S.CHANGE_UNDER_REVIEW):
        raise _forbidden_move(review.plan, "meeting")


@transaction.atomic
def meeting_record(
    *,
    review: Review,
    actor: User,
    held_on: date,
    attendance: Iterable[Mapping[str, Any]],
    location: str = "",
    notes: str = "",
) -> Meeting:
    """Record a meeting on a review: who attended, who had an interest in the applicant (and so
    was excluded), and whether the meeting was valid under the committee's rules."""
    committee = review.committee
    ensure_can(actor, "plans.review", committee)
    _lock(review.plan)
    _open_review(review)
    if held_on > today():
        raise _invalid([{"field": "held_on", "message": _("A meeting cannot be in the future.")}])
    # The page posts these fields without a form; the bounds hold here for every caller.
    attendance = list(attendance)
    bad = _text_errors(
        [("location", location, 200, False), ("notes", notes, 4000, True)]
        + [
            (f"attendance.{i}.conflict_note", str(item.get("conflict_note") or ""), 300, False)
            for i, item in enumerate(attendance)
        ]
    )
    if bad:
        raise _invalid(bad)
    roster = {m.pk: m for m in committee.members.filter(is_active=True)}
    seats: list[Seat] = []
    rows: list[tuple[CommitteeMember, bool, bool, str]] = []
    seen: set[int] = set()
    errors: list[dict[str, str]] = []
    for index, item in enumerate(attendance):
        try:
            member_id = int(item.get("member_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            member_id = -1
        member = roster.get(member_id)
        if member is None or member_id in seen:
            errors.append(
                {
                    "field": f"attendance.{index}.member_id",
                    "message": _("Not an active member of this committee, or listed twice."),
                }
            )
            continue
        seen.add(member_id)
        present = bool(item.get("present"))
        conflicted = bool(item.get("conflicted"))
        note = str(item.get("conflict_note") or "").strip()
        if conflicted and not present:
            conflicted = False
        seats.append(Seat(member=member, present=present, conflicted=conflicted))
        rows.append((member, present, conflicted, note))
    if errors:
        raise _invalid(errors)
    for member in roster.values():
        if member.pk not in seen:
            seats.append(Seat(member=member, present=False, conflicted=False))
            rows.append((member, False, False, ""))
    report = evaluate(
        committee,
        roster_size=len(roster),
        seats=seats,
        classification_rule=review.plan.classification_rule,
        on=held_on,
    )
    quorate = all(entry["ok"] for entry in report)
    meeting = Meeting.objects.create(
        review=review,
        committee=committee,
        held_on=held_on,
        location=location.strip()[:200],
        notes=notes.strip(),
        quorate=quorate,
        quorum_report=report,
        recorded_by=actor,
    )
    MeetingAttendance.objects.bulk_create(
        MeetingAttendance(
            meeting=meeting,
            member=member,
            present=present,
            conflicted=conflicted,
            conflict_note=note,
        )
        for member, present, conflicted, note in rows
    )
    audit_record(
        action="plans.meeting.recorded",
        actor=actor,
        target=meeting,
        data={
            "review_id": review.pk,
            "plan_id": review.plan_id,
            "held_on": held_on,
            "quorate": quorate,
            "present": sum(1 for s in seats if s.present),
            "excluded": sum(1 for s in seats if s.conflicted),
        },
        scope=review.scope_organisation_ids(),
    )
    return meeting


@transaction.atomic
def review_record_opinion(
    *,
    review: Review,
    meeting: Meeting,
    actor: User,
    decision: str,
    reasons: str,
    scientific_validity: str,
    conditions: str = "",
) -> Opinion:
    committee = review.committee
    ensure_can(actor, "plans.review", committee)
    plan = _lock(review.plan)
    errors: list[dict[str, str]] = []
    if decision not in Decision.values:
        errors.append({"field": "decision", "message": _("Choose one of the listed options.")})
    if not reasons.strip():
        errors.append({"field": "reasons", "message": _("This field is required.")})
    if not scientific_validity.strip():
        errors.append({"field": "scientific_validity", "message": _("This field is required.")})
    if decision == Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        errors.append({"field": "conditions", "message": _("State the conditions.")})
    if errors:
        raise _invalid(errors)
    if meeting.review_id != review.pk:
        raise DomainError(ErrorCode.MEETING_INVALID, _("This meeting was not held on this review."))
    if not meeting.quorate:
        raise DomainError(
            ErrorCode.MEETING_NOT_QUORATE,
            _(
                "The meeting was not valid under the committee's rules, "
                "so it cannot give an opinion."
            ),
            details={"quorum": meeting.quorum_report},
        )
    approving = decision != Decision.REJECT
    action = Action.APPROVE if approving else Action.REJECT
    if review.kind == ReviewKind.INITIAL:
        to = S.APPROVED if approving else S.DRAFT
        if plan.status != S.UNDER_REVIEW:
            raise _forbidden_move(plan, action)
    else:
        to = S.CHANGE_APPROVED if approving else (plan.status_before_change or S.ACTIVE)
        if plan.status != S.CHANGE_UNDER_REVIEW:
            raise _forbidden_move(plan, action)
    decided = Review.objects.filter(pk=review.pk, decision="").update(
        decision=decision, decided_at=timezone.now()
    )
    if decided != 1:
        raise DomainError(
            ErrorCode.REVIEW_ALREADY_DECIDED,
            _("The committee has already given its opinion on this review."),
            status=409,
        )
    _move(plan, action=action, to=to, actor=actor, reason=reasons.strip()[:1000])
    excluded = [
        {"member_id": a.member_id, "name": a.member.name, "note": a.conflict_note}
        for a in meeting.attendance.filter(conflicted=True).select_related("member")
    ]
    try:
        with transaction.atomic():
            opinion = Opinion.objects.create(
                review=review,
                meeting=meeting,
                decision=decision,
                conditions=conditions.strip(),
                reasons=reasons.strip(),
                scientific_validity=scientific_validity.strip(),
                excluded_members=excluded,
                recorded_by=actor,
            )
    except IntegrityError:
        raise DomainError(
            ErrorCode.REVIEW_ALREADY_DECIDED,
            _("The committee has already given its opinion on this review."),
            status=409,
        ) from None
    review.decision = decision
    audit_record(
        action="plans.review.opinion_recorded",
        actor=actor,
        target=plan,
        data={
            "review_id": review.pk,
            "meeting_id": meeting.pk,
            "decision": decision,
            "excluded_members": [e["member_id"] for e in excluded],
            "status": plan.status,
        },
    )
    return opinion


# --- filing --------------------------------------------------------------------------------------


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
    filed_on = filed_on or today()
    if filed_on > today():
        raise _invalid(
            [{"field": "filed_on", "message": _("The filing date cannot be in the future.")}]
        )
    meeting_day = _opinion_meeting_day(plan)
    if meeting_day is not None and filed_on < meeting_day:
        raise DomainError(
            ErrorCode.PLAN_FILED_BEFORE_OPINION,
            _(
                "A plan is filed after the committee's opinion: the opinion was given at the "
                "meeting of %(day)s, so the filing cannot be dated %(filed)s."
            )
            % {"day": meeting_day.isoformat(), "filed": filed_on.isoformat()},
            details={
                "errors": [
                    {
                        "field": "filed_on",
                        "message": _("The filing date cannot precede the opinion's meeting."),
                    }
                ],
                "opinion_meeting_on": meeting_day.isoformat(),
            },
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
        obligation_open(spec=spec, actor=actor, today=today())
    return plan


@transaction.atomic
def plan_accept(*, plan: Plan, actor: User, plan_number: str) -> Plan:
    """The authority accepts the filing and issues the plan number (opaque text)."""
    ensure_can(actor, "plans.accept", plan)
    _lock(plan)
    _guard(plan, Action.ACCEPT)
    plan_number = plan_number.strip()
    if not plan_number or len(plan_number) > 60:
        raise _invalid(
            [{"field": "plan_number", "message": _("Give the plan number (1 to 60 characters).")}]
        )
    if Plan.objects.filter(plan_number=plan_number).exclude(pk=plan.pk).exists():
        raise DomainError(
            ErrorCode.PLAN_NUMBER_TAKEN,
            _("Another plan already has this number."),
            details={"plan_number": plan_number},
            status=409,
        )
    restricted = plan.provision_allowed_from is not None and plan.provision_allowed_from > today()
    _move(
        plan,
        action=Action.ACCEPT,
        to=S.RESTRICTED if restricted else S.ACTIVE,
        actor=actor,
        plan_number=plan_number,
        accepted_at=timezone.now(),
    )
    audit_record(
        action="plans.plan.accepted",
        actor=actor,
        target=plan,
        data={"plan_number": plan_number, "status": plan.status},
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
    on = on or today()
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
        if not plan.change_restricted_on(today()):
            raise DomainError(
                ErrorCode.RESTRICTION_CHANGE_INVALID,
                _("No change of this plan is in its restriction period."),
                details={"errors": [{"field": "which", "message": _("No change is restricted.")}]},
                status=409,
            )
        assert plan.change_allowed_from is not None
        return plan.change_allowed_from
    if which != RESTRICTION_OF_PLAN:
        raise _invalid([{"field": "which", "message": _("Choose one of the listed options.")}])
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
    notified_on = notified_on or today()
    current = _restriction_now(plan, which)
    errors: list[dict[str, str]] = []
    if notified_on > today():
        errors.append({"field": "notified_on", "message": _("The date cannot be in the future.")})
    elif notified_on >= current:
        errors.append(
            {
                "field": "notified_on",
                "message": _(
                    "An extension is notified within the period it extends, which ended on "
                    "%(last)s (RM Act Art 8(2))."
                )
                % {"last": (current - timedelta(days=1)).isoformat()},
            }
        )
    if until <= current:
        errors.append(
            {"field": "until", "message": _("The new date must be after the current one.")}
        )
    if not reason.strip():
        errors.append({"field": "reason", "message": _("This field is required.")})
    if errors:
        raise _invalid(errors)
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
    errors: list[dict[str, str]] = []
    if until >= current:
        errors.append(
            {"field": "until", "message": _("The new date must be before the current one.")}
        )
    elif until < today():
        errors.append(
            {
                "field": "until",
                "message": _("A shortened period cannot end before the day it is notified."),
            }
        )
    if not reason.strip():
        errors.append({"field": "reason", "message": _("This field is required.")})
    if errors:
        raise _invalid(errors)
    notified_on = today()
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
        to=S.ACTIVE if until <= today() else S.RESTRICTED,
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


# --- changes -------------------------------------------------------------------------------------


def _clean_changes(
    changes: Mapping[str, Any], *, risk_class: str
) -> tuple[dict[str, Any], list[dict[str, str]] | None, list[ProcessingFacility] | None]:
    unknown = sorted(set(changes) - set(CONTENT_FIELDS) - {"therapy", "criteria", "facility_ids"})
    if unknown:
        raise _invalid(
            [{"field": unknown[0], "message": _("This field cannot be changed this way.")}]
        )
    content = clean_content(
        {k: v for k, v in changes.items() if k not in ("criteria", "facility_ids")}, partial=True
    )
    rows = None if "criteria" not in changes else clean_criteria(changes["criteria"])
    facilities = (
        None if "facility_ids" not in changes else clean_facilities(changes["facility_ids"])
    )
    if rows is not None and not rows:
        raise _invalid(
            [{"field": "criteria", "message": _("Give at least one evaluation criterion.")}]
        )
    if facilities is not None and not facilities:
        raise _invalid(
            [{"field": "facility_ids", "message": _("Name at least one processing facility.")}]
        )
    if not content and rows is None and facilities is None:
        raise _invalid([{"field": "changes", "message": _("Nothing would change.")}])
    return content, rows, facilities


def _changes_as_json(
    content: dict[str, Any],
    rows: list[dict[str, str]] | None,
    facilities: list[ProcessingFacility] | None,
) -> dict[str, Any]:
    data: dict[str, Any] = dict(content)
    if rows is not None:
        data["criteria"] = rows
    if facilities is not None:
        data["facility_ids"] = [f.pk for f in facilities]
    return data


@transaction.atomic
def plan_change_propose(
    *, plan: Plan, actor: User, changes: Mapping[str, Any], reason: str
) -> Review:
    """A non-minor change: reviewed by the committee again before prior notice is given."""
    ensure_can(actor, "plans.change", plan)
    _lock(plan)
    _guard(plan, Action.CHANGE_PROPOSE)
    if not reason.strip():
        raise _invalid([{"field": "reason", "message": _("Say why the plan changes.")}])
    content, rows, facilities = _clean_changes(changes, risk_class=plan.risk_class)
    committee = plan.committee
    assert committee is not None
    previous = plan.status
    _move(
        plan,
        action=Action.CHANGE_PROPOSE,
        to=S.CHANGE_UNDER_REVIEW,
        actor=actor,
        reason=reason.strip(),
        status_before_change=previous,
    )
    review = Review.objects.create(
        plan=plan,
        committee=committee,
        kind=ReviewKind.CHANGE,
        plan_version=plan.version,
        proposed_changes=_changes_as_json(content, rows, facilities),
        change_reason=reason.strip(),
        submitted_by=actor,
    )
    audit_record(
        action="plans.plan.change_proposed",
        actor=actor,
        target=plan,
        data={"review_id": review.pk, "fields": sorted(review.proposed_changes)},
    )
    return review


@transaction.atomic
def plan_change_notify(*, plan: Plan, actor: User, notified_on: date | None = None) -> Plan:
    """Give prior notice of an approved change (様式第2) and apply it. For Class I the change
    itself is restricted for 90 days from the notice (Act Art 10(1); Cabinet Order Art 2), while
    provision goes on under the version before the change (Art 10(2)): the plan keeps its status
    and the change's version is in force from the day the law gives."""
    ensure_can(actor, "plans.change", plan)
    _lock(plan)
    _guard(plan, Action.CHANGE_NOTIFY)
    notified_on = notified_on or today()
    if notified_on > today():
        raise _invalid(
            [{"field": "notified_on", "message": _("The date cannot be in the future.")}]
        )
    review = plan.reviews.filter(kind=ReviewKind.CHANGE).exclude(decision="").latest("submitted_at")
    proposed = dict(review.proposed_changes)
    rows = proposed.pop("criteria", None)
    facility_ids = proposed.pop("facility_ids", None)
    facilities = None if facility_ids is None else clean_facilities(facility_ids)
    fields: dict[str, Any] = {"status_before_change": ""}
    version_number = _next_version_number(plan)
    if plan.risk_class == RiskClass.I.value:
        allowed_from, explanation, explanation_ja = _provision_allowed_from(
            plan.risk_class, notified_on
        )
        fields.update(
            change_version=version_number,
            change_allowed_from=allowed_from,
            change_allowed_explanation=(
                f"Version {version_number} (this change) is in force from {allowed_from}; until "
                f"then the plan is provided as version {version_number - 1} (RM Act Art 10(2)). "
                + explanation
            ),
            change_allowed_explanation_ja=(
                f"第{version_number}版(この変更)は{allowed_from}から効力を持ちます。それまでは第"
                f"{version_number - 1}版に従って提供できます(法第10条第2項)。" + explanation_ja
            ),
        )
    to = plan.status_before_change or S.ACTIVE
    if to not in (S.ACTIVE, S.RESTRICTED):  # pragma: no cover - the table allows no other
        to = S.ACTIVE
    _move(
        plan, action=Action.CHANGE_NOTIFY, to=to, actor=actor, reason=review.change_reason, **fields
    )
    _apply_content(
        plan, content=proposed, criteria=rows, facilities=facilities, version=version_number
    )
    version = _new_version(plan, actor=actor, reason="change notified", public=True)
    PlanNotice.objects.create(
        plan=plan,
        kind=NoticeKind.CHANGE,
        event_on=notified_on,
        notified_on=notified_on,
        filed_on=notified_on,
        summary=review.change_reason,
        changes=review.proposed_changes,
        recorded_by=actor,
    )
    audit_record(
        action="plans.plan.change_notified",
        actor=actor,
        target=plan,
        data={
            "review_id": review.pk,
            "version": version.number,
            "status": plan.status,
            "change_allowed_from": plan.change_allowed_from,
        },
    )
    return plan


@transaction.atomic
def plan_minor_change_notify(
    *,
    plan: Plan,
    actor: User,
    changes: Mapping[str, Any],
    changed_on: date,
    summary: str,
    notified_on: date | None = None,
    filed_on: date | None = None,
) -> PlanNotice:
    """A minor change (様式第3): applied at once; the committee is notified and the authority
    receives the notice within 10 days after the change (Act Art 5(3)), each its own duty.
    ``notified_on`` is the day the committee was notified, ``filed_on`` the day it was filed with
    the authority (the same day when not given)."""
    ensure_can(actor, "plans.change", plan)
    _lock(plan)
    _guard(plan, Action.MINOR_CHANGE)
    notified_on = notified_on or today()
    filed_on = filed_on or notified_on
    errors: list[dict[str, str]] = []
    not_minor = sorted(set(changes) - MINOR_CHANGE_FIELDS)
    if not_minor:
        errors.append(
            {
                "field": not_minor[0],
                "message": _(
                    "This is not a minor change: propose it to the committee as a change."
                ),
            }
        )
    if changed_on > today() or notified_on > today() or filed_on > today():
        errors.append({"field": "changed_on", "message": _("The date cannot be in the future.")})
    if notified_on < changed_on:
        errors.append(
            {"field": "notified_on", "message": _("The notice cannot precede the change.")}
        )
    if filed_on < changed_on:
        errors.append({"field": "filed_on", "message": _("The notice cannot precede the change.")})
    if not summary.strip():
        errors.append({"field": "summary", "message": _("This field is required.")})
    if errors:
        raise _invalid(errors)
    content = clean_content(changes, partial=True)
    if not content:
        raise _invalid([{"field": "changes", "message": _("Nothing would change.")}])
    due_on, due_explanation = _notice_due("minor_change", plan, changed_on)
    _move(plan, action=Action.MINOR_CHANGE, to=plan.status, actor=actor, reason=summary.strip())
    version_number = _next_version_number(plan)
    before = {name: getattr(plan, name) for name in content}
    _apply_content(plan, content=content, criteria=None, facilities=None, version=version_number)
    version = _new_version(plan, actor=actor, reason="minor change", public=True)
    # Obligation clock: the minor-change notice (due.due) is an obligation from changed_on.
    notice = PlanNotice.objects.create(
        plan=plan,
        kind=NoticeKind.MINOR_CHANGE,
        event_on=changed_on,
        due_on=due_on,
        due_explanation=due_explanation,
        notified_on=notified_on,
        filed_on=filed_on,
        summary=summary.strip(),
        changes={k: [before[k], v] for k, v in content.items()},
        recorded_by=actor,
    )
    notice_obligation_record(notice, actor=actor, today=today())
    audit_record(
        action="plans.plan.minor_change_notified",
        actor=actor,
        target=plan,
        data={
            "notice_id": notice.pk,
            "changed_on": changed_on,
            "due_on": due_on,
            "notified_on": notified_on,
            "filed_on": filed_on,
            "version": version.number,
        },
    )
    return notice


def _notice_due(rule: str, plan: Plan, event_on: date) -> tuple[date, str]:
    """The earliest of a notice's due dates (the committee's is never later than the
    authority's) and an explanation of each; the duties themselves carry one date each."""
    dues = [compute_due(spec) for spec in notice_specs_for(rule, plan, event_on)]
    return min(d.due for d in dues), " ".join(d.explain() for d in dues)


# --- end of provision ----------------------------------------------------------------------------


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
    notified_on = notified_on or today()
    filed_on = filed_on or notified_on
    errors: list[dict[str, str]] = []
    if filed_on < stopped_on:
        errors.append({"field": "filed_on", "message": _("The notice cannot precede the event.")})
    if stopped_on > today() or notified_on > today() or filed_on > today():
        errors.append({"field": "stopped_on", "message": _("The date cannot be in the future.")})
    if plan.filed_on and stopped_on < plan.filed_on:
        errors.append(
            {"field": "stopped_on", "message": _("Provision cannot stop before the filing.")}
        )
    if notified_on < stopped_on:
        errors.append(
            {"field": "notified_on", "message": _("The notice cannot precede the event.")}
        )
    if not reason.strip():
        errors.append({"field": "reason", "message": _("This field is required.")})
    if data_collection_ended_on is not None:
        errors.extend(_data_collection_errors(plan, data_collection_ended_on))
    if errors:
        raise _invalid(errors)
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
    notice_obligation_record(notice, actor=actor, today=today())
    research_summary_open(plan, actor=actor, today=today())
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


def _data_collection_errors(plan: Plan, ended_on: date) -> list[dict[str, str]]:
    field = "data_collection_ended_on"
    if plan.plan_type != PlanType.RESEARCH:
        return [{"field": field, "message": _("Only a research plan records its data collection.")}]
    if ended_on > today():
        return [{"field": field, "message": _("The date cannot be in the future.")}]
    if plan.filed_on and ended_on < plan.filed_on:
        return [{"field": field, "message": _("Data collection cannot end before the filing.")}]
    return []


@transaction.atomic
def plan_data_collection_end(*, plan: Plan, actor: User, ended_on: date) -> Plan:
    """A discontinued research plan records the end of its data collection, once: with the stop
    date it starts the clock of the research summary report (the later of the two)."""
    ensure_can(actor, "plans.discontinue", plan)
    _lock(plan)
    if plan.status not in (S.DISCONTINUED, S.CLOSED) or plan.discontinued_on is None:
        raise DomainError(
            ErrorCode.INVALID_INPUT,
            _("Record the end of data collection after the plan is discontinued."),
            details={"field": "ended_on", "status": plan.status},
        )
    if plan.data_collection_ended_on is not None:
        raise Conflict(
            ErrorCode.CONFLICT,
            _("The end of data collection is already recorded (%(date)s).")
            % {"date": plan.data_collection_ended_on.isoformat()},
            details={"field": "ended_on"},
        )
    errors = _data_collection_errors(plan, ended_on)
    if errors:
        raise _invalid([{**e, "field": "ended_on"} for e in errors])
    updated = Plan.objects.filter(pk=plan.pk, data_collection_ended_on__isnull=True).update(
        data_collection_ended_on=ended_on, updated_at=timezone.now()
    )
    if updated != 1:  # pragma: no cover - the row lock above makes this unreachable
        raise Conflict(ErrorCode.CONFLICT, _("The plan was changed meanwhile."))
    plan.data_collection_ended_on = ended_on
    research_summary_open(plan, actor=actor, today=today())
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
    errors: list[dict[str, str]] = []
    if closed_on > today():
        errors.append({"field": "closed_on", "message": _("The date cannot be in the future.")})
    if plan.discontinued_on and closed_on < plan.discontinued_on:
        errors.append(
            {"field": "closed_on", "message": _("A plan closes after its discontinuation.")}
        )
    if not summary.strip():
        errors.append({"field": "summary", "message": _("This field is required.")})
    if errors:
        raise _invalid(errors)
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


# --- orders --------------------------------------------------------------------------------------

REACHABLE = frozenset({*IN_FORCE, S.SUSPENDED})


def order_reach(target_kind: str, target: Any) -> list[Plan]:
    """The plans an order against `target` would suspend: filed plans still in force (and
    plans another order already suspends, which this order will also hold)."""
    plans = Plan.objects.filter(status__in=REACHABLE).select_related("institution", "committee")
    if target_kind == OrderTarget.PLAN:
        plans = plans.filter(pk=target.pk)
    elif target_kind == OrderTarget.INSTITUTION:
        plans = plans.filter(institution=target)
    elif target_kind == OrderTarget.FACILITY:
        plans = plans.filter(
            plan_facilities__facility=target, plan_facilities__is_current=True
        ).distinct()
    else:
        raise _invalid(
            [{"field": "target_kind", "message": _("Choose one of the listed options.")}]
        )
    return list(plans.order_by("institution__name", "title"))


def _check_order_input(kind: str, target_kind: str, target: Any, reason: str) -> None:
    errors: list[dict[str, str]] = []
    if kind not in OrderKind.values:
        errors.append({"field": "kind", "message": _("Choose one of the listed options.")})
    if target_kind not in OrderTarget.values:
        errors.append({"field": "target_kind", "message": _("Choose one of the listed options.")})
    if target is None:
        errors.append({"field": "target_id", "message": _("Choose what the order is against.")})
    if not reason.strip():
        errors.append({"field": "reason", "message": _("This field is required.")})
    elif len(reason) > 4000:
        errors.append({"field": "reason", "message": _("At most 4000 characters.")})
    if errors:
        raise _invalid(errors)


def order_preview(*, actor: User, kind: str, target_kind: str, target: Any) -> list[Plan]:
    ensure_can(actor, "orders.issue")
    _check_order_input(kind, target_kind, target, "-")
    return order_reach(target_kind, target)


@transaction.atomic
def order_issue(
    *,
    actor: User,
    kind: str,
    target_kind: str,
    target: Any,
    reason: str,
    issued_on: date | None = None,
) -> Order:
    """Issue an order. An emergency order (Art 22) or an order restricting provision (Art
    23(2)) suspends every plan in its reach, recomputed here under row locks (the reach is what
    order_preview showed the regulator); an improvement order (Art 23(1)) orders changes and
    leaves provision going on."""
    ensure_can(actor, "orders.issue")
    _check_order_input(kind, target_kind, target, reason)
    issued_on = issued_on or today()
    if issued_on > today():
        raise _invalid([{"field": "issued_on", "message": _("The date cannot be in the future.")}])
    reach = order_reach(target_kind, target)
    if target_kind == OrderTarget.PLAN and not reach:
        raise DomainError(
            ErrorCode.ORDER_NO_REACH,
            _("Only a filed plan that is still in force can be suspended."),
            status=409,
        )
    order = Order.objects.create(
        kind=kind,
        target_kind=target_kind,
        target_plan=target if target_kind == OrderTarget.PLAN else None,
        target_institution=target if target_kind == OrderTarget.INSTITUTION else None,
        target_facility=target if target_kind == OrderTarget.FACILITY else None,
        reason=reason.strip(),
        issued_on=issued_on,
        issued_by=actor,
    )
    suspending = kind in SUSPENDING_ORDERS
    locked = Plan.objects.select_for_update().filter(pk__in=[p.pk for p in reach]).order_by("pk")
    for plan in locked if suspending else ():
        if plan.status == S.SUSPENDED:
            # Already held by another order: remember what it was before the first one.
            first = (
                OrderEffect.objects.filter(plan=plan, order__lifted_on__isnull=True)
                .exclude(order=order)
                .order_by("pk")
                .first()
            )
            previous = first.previous_status if first else S.ACTIVE
        else:
            previous = plan.status
        _move(plan, action=Action.SUSPEND, to=S.SUSPENDED, actor=actor, reason=reason.strip())
        OrderEffect.objects.create(order=order, plan=plan, previous_status=previous)
    audit_record(
        action="plans.order.issued",
        actor=actor,
        target=order,
        data={
            "kind": kind,
            "target_kind": target_kind,
            "target_id": target.pk,
            "issued_on": issued_on,
            "plan_ids": [p.pk for p in reach],
            "suspends": suspending,
        },
        scope=_order_scope(order, reach),
    )
    return order


def _order_scope(order: Order, plans: Iterable[Plan]) -> set[int]:
    scope: set[int] = set()
    for plan in plans:
        scope |= plan.scope_organisation_ids()
    if order.target_institution is not None:
        scope.add(order.target_institution.organisation_id)
    return scope


@transaction.atomic
def order_lift(*, order: Order, actor: User, reason: str, lifted_on: date | None = None) -> Order:
    """Lift an order: each plan it holds gets back the status it had, unless another order
    still suspends it (then it stays suspended until that one is lifted too)."""
    ensure_can(actor, "orders.issue")
    lifted_on = lifted_on or today()
    errors: list[dict[str, str]] = []
    if not reason.strip():
        errors.append({"field": "reason", "message": _("This field is required.")})
    if lifted_on > today() or lifted_on < order.issued_on:
        errors.append(
            {"field": "lifted_on", "message": _("The date must be between the order and today.")}
        )
    if errors:
        raise _invalid(errors)
    changed = Order.objects.filter(pk=order.pk, lifted_on__isnull=True).update(
        lifted_on=lifted_on, lifted_by=actor, lift_reason=reason.strip()
    )
    if changed != 1:
        raise DomainError(
            ErrorCode.ORDER_ALREADY_LIFTED, _("This order has already been lifted."), status=409
        )
    order.lifted_on = lifted_on
    restored: list[int] = []
    effects = order.effects.select_related("plan").order_by("plan_id")
    for effect in effects:
        plan = _lock(effect.plan)
        if plan.status != S.SUSPENDED:
            continue  # discontinued meanwhile: nothing to restore
        still_held = (
            OrderEffect.objects.filter(plan=plan, order__lifted_on__isnull=True)
            .exclude(order=order)
            .exists()
        )
        if still_held:
            continue
        _move(
            plan, action=Action.LIFT, to=effect.previous_status, actor=actor, reason=reason.strip()
        )
        OrderEffect.objects.filter(pk=effect.pk).update(
            restored_status=effect.previous_status, restored_on=lifted_on
        )
        restored.append(plan.pk)
    audit_record(
        action="plans.order.lifted",
        actor=actor,
        target=order,
        data={"lifted_on": lifted_on, "restored_plan_ids": restored, "reason": reason.strip()},
        scope=_order_scope(order, [e.plan for e in effects]),
    )
    return order


__all__ = [
    "CHOICE_FIELDS",
    "CONTENT_FIELDS",
    "CRITERION_FIELDS",
    "MINOR_CHANGE_FIELDS",
    "REACHABLE",
    "RESTRICTION_OF_CHANGE",
    "RESTRICTION_OF_PLAN",
    "THRESHOLD_OPERATORS",
    "S",
    "check_committee",
    "classify_plan",
    "clean_content",
    "clean_criteria",
    "clean_facilities",
    "meeting_record",
    "order_issue",
    "order_lift",
    "order_preview",
    "order_reach",
    "plan_accept",
    "plan_change_notify",
    "plan_change_propose",
    "plan_close",
    "plan_create",
    "plan_data_collection_end",
    "plan_discontinue",
    "plan_file",
    "plan_minor_change_notify",
    "plan_restriction_extend",
    "plan_restriction_release",
    "plan_restriction_shorten",
    "plan_submit",
    "plan_update",
    "review_record_opinion",
    "snapshot",
    "today",
]
