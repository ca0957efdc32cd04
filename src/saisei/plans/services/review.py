"""Review: a plan (or a change) goes to its committee, which meets and gives its opinion."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
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
from saisei.plans.lifecycle import Action
from saisei.plans.models import (
    Decision,
    Meeting,
    MeetingAttendance,
    Opinion,
    Plan,
    Review,
    ReviewKind,
)
from saisei.plans.quorum import Seat, evaluate
from saisei.plans.services.content import check_committee
from saisei.plans.services.transitions import S, _forbidden_move, _guard, _lock, _move, _text_errors
from saisei.registry.models import CommitteeMember


def _check_complete(plan: Plan) -> None:
    errors: list[FieldError] = []
    if plan.committee is None:
        errors.append(field_error("committee", _("Choose the reviewing committee.")))
    if not plan.plan_facilities.filter(is_current=True).exists():
        errors.append(
            field_error(
                "facility_ids", _("Name every facility that processes the cells (at least one).")
            )
        )
    if not plan.criteria.filter(is_current=True).exists():
        errors.append(
            field_error(
                "criteria", _("Give at least one evaluation criterion for scientific validity.")
            )
        )
    if errors:
        raise invalid_fields(
            errors,
            ErrorCode.PLAN_INCOMPLETE,
            message=_("The plan is not complete: %(what)s")
            % {"what": " ".join(e["message"] for e in errors)},
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
    if not committee.certified_on_day(legal_today()):
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
    if held_on > legal_today():
        raise invalid("held_on", _("A meeting cannot be in the future."))
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
        raise invalid_fields(bad)
    roster = {m.pk: m for m in committee.members.filter(is_active=True)}
    seats: list[Seat] = []
    rows: list[tuple[CommitteeMember, bool, bool, str]] = []
    seen: set[int] = set()
    errors: list[FieldError] = []
    for index, item in enumerate(attendance):
        try:
            member_id = int(item.get("member_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            member_id = -1
        member = roster.get(member_id)
        if member is None or member_id in seen:
            errors.append(
                field_error(
                    f"attendance.{index}.member_id",
                    _("Not an active member of this committee, or listed twice."),
                )
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
        raise invalid_fields(errors)
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
    errors: list[FieldError] = []
    if decision not in Decision.values:
        errors.append(field_error("decision", _("Choose one of the listed options.")))
    if not reasons.strip():
        errors.append(field_error("reasons", _("This field is required.")))
    if not scientific_validity.strip():
        errors.append(field_error("scientific_validity", _("This field is required.")))
    if decision == Decision.APPROVE_WITH_CONDITIONS and not conditions.strip():
        errors.append(field_error("conditions", _("State the conditions.")))
    if errors:
        raise invalid_fields(errors)
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
    to: str
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
