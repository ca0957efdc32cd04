"""The transition table walked: every action tried from every status, through the services."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import transaction

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError
from saisei.core.time import legal_today
from saisei.plans import services
from saisei.plans.lifecycle import TRANSITIONS, Action, PlanStatus, allowed_targets
from saisei.plans.models import (
    Decision,
    Meeting,
    Order,
    OrderKind,
    OrderTarget,
    Plan,
    PlanStatusChange,
    Review,
    ReviewKind,
)
from saisei.plans.services.transitions import _move

pytestmark = pytest.mark.django_db
S = PlanStatus


class Rollback(Exception):
    pass


def _quorate_meeting(world, plan) -> tuple[Review, Meeting]:
    """The review an opinion would be about; for a status with no open review, one made by
    hand, because the point is to show the status refuses the opinion."""
    review = plan.reviews.order_by("-pk").first() or Review.objects.create(
        plan=plan,
        committee=world.committee,
        kind=ReviewKind.INITIAL,
        plan_version=plan.version,
        submitted_by=world.personas.officer,
    )
    if plan.status in (S.UNDER_REVIEW, S.CHANGE_UNDER_REVIEW):
        meeting = services.meeting_record(
            review=review,
            actor=world.personas.secretariat,
            held_on=legal_today(),
            attendance=world.full_attendance(),
        )
    else:
        meeting = Meeting.objects.create(
            review=review,
            committee=world.committee,
            held_on=legal_today(),
            quorate=True,
            recorded_by=world.personas.secretariat,
        )
    return review, meeting


def perform(world, plan: Plan, action: str) -> None:
    p = world.personas
    today = legal_today()
    if action == Action.SUBMIT:
        services.plan_submit(plan=plan, actor=p.officer)
    elif action in (Action.APPROVE, Action.REJECT):
        review, meeting = _quorate_meeting(world, plan)
        services.review_record_opinion(
            review=review,
            meeting=meeting,
            actor=p.secretariat,
            decision=Decision.APPROVE if action == Action.APPROVE else Decision.REJECT,
            reasons="r",
            scientific_validity="s",
        )
    elif action == Action.FILE:
        services.plan_file(plan=plan, actor=p.officer)
    elif action == Action.ACCEPT:
        services.plan_accept(plan=plan, actor=p.regulator, plan_number=f"WALK-{plan.pk}")
    elif action == Action.RELEASE_RESTRICTION:
        services.plan_restriction_release(
            plan=plan, actor=p.regulator, on=today + timedelta(days=400)
        )
    elif action == Action.EXTEND_RESTRICTION:
        services.plan_restriction_extend(
            plan=plan, actor=p.regulator, until=today + timedelta(days=200), reason="Council"
        )
    elif action == Action.SHORTEN_RESTRICTION:
        services.plan_restriction_shorten(
            plan=plan, actor=p.regulator, until=today + timedelta(days=1), reason="Standards met"
        )
    elif action == Action.CHANGE_PROPOSE:
        services.plan_change_propose(
            plan=plan, actor=p.officer, changes={"target_disease": "膝"}, reason="r"
        )
    elif action == Action.CHANGE_NOTIFY:
        services.plan_change_notify(plan=plan, actor=p.officer)
    elif action == Action.MINOR_CHANGE:
        services.plan_minor_change_notify(
            plan=plan,
            actor=p.officer,
            changes={"other_physicians": "月見 医師"},
            changed_on=today,
            summary="Physician added",
        )
    elif action == Action.DISCONTINUE:
        services.plan_discontinue(plan=plan, actor=p.officer, stopped_on=today, reason="r")
    elif action == Action.CLOSE:
        services.plan_close(plan=plan, actor=p.officer, closed_on=today, summary="s")
    elif action == Action.SUSPEND:
        services.order_issue(
            actor=p.regulator,
            kind=OrderKind.EMERGENCY,
            target_kind=OrderTarget.PLAN,
            target=plan,
            reason="r",
        )
    elif action == Action.LIFT:
        order = Order.objects.filter(effects__plan=plan, lifted_on__isnull=True).first()
        if order is None:
            raise DomainError("plan_invalid_transition", "no order holds this plan")
        services.order_lift(order=order, actor=p.regulator, reason="r")
    else:  # pragma: no cover
        raise AssertionError(action)


def test_the_table_names_every_action_and_only_known_statuses() -> None:
    assert set(TRANSITIONS) == set(Action.values)
    for row in TRANSITIONS.values():
        for source, targets in row.items():
            assert source in S.values
            assert targets <= set(S.values)


@pytest.mark.parametrize("status", S.values)
def test_every_action_from_this_status_does_what_the_table_says(world, status) -> None:
    plan = world.plan_in(status)
    for action in Action.values:
        allowed = allowed_targets(action, status)
        changes_before = PlanStatusChange.objects.filter(plan=plan).count()
        audit_before = AuditEvent.objects.count()
        try:
            with transaction.atomic():
                fresh = Plan.objects.get(pk=plan.pk)
                try:
                    perform(world, fresh, action)
                except DomainError as exc:
                    assert not allowed, f"{action} from {status} was refused: {exc.code} {exc}"
                    assert exc.code in ("plan_invalid_transition", "order_no_reach"), exc.code
                    fresh.refresh_from_db()
                    assert fresh.status == status
                    assert PlanStatusChange.objects.filter(plan=plan).count() == changes_before
                    assert AuditEvent.objects.count() == audit_before
                else:
                    assert allowed, f"{action} from {status} was accepted"
                    fresh.refresh_from_db()
                    assert fresh.status in allowed, (action, status, fresh.status)
                    change = PlanStatusChange.objects.filter(plan=plan).latest("pk")
                    assert (change.action, change.from_status, change.to_status) == (
                        action,
                        status,
                        fresh.status,
                    )
                    assert AuditEvent.objects.count() > audit_before
                raise Rollback
        except Rollback:
            pass
    plan.refresh_from_db()
    assert plan.status == status


@pytest.mark.parametrize("status", S.values)
def test_the_low_level_move_refuses_every_pair_the_table_lacks(world, status) -> None:
    plan = world.plan_in(status)
    for action in Action.values:
        for target in S.values:
            if target in allowed_targets(action, status):
                continue
            with pytest.raises(DomainError) as raised:
                _move(plan, action=action, to=target, actor=None)
            assert raised.value.code == "plan_invalid_transition"
    plan.refresh_from_db()
    assert plan.status == status
