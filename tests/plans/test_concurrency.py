"""Two opinions on one plan at the same time leave exactly one.

On PostgreSQL the services lock the plan row (SELECT … FOR UPDATE) and then move its status with a
conditional UPDATE; on SQLite every transaction begins IMMEDIATE (saisei.config.env), so the two
requests are serialised at BEGIN. Either way the loser must see the winner's status and be
refused, and the database must hold one opinion and one status change.
"""

from __future__ import annotations

import threading

import pytest
from django.db import OperationalError, connections

from saisei.core.errors import DomainError
from saisei.core.time import legal_today
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Decision, Opinion, Plan, PlanStatusChange, Review
from tests.support.world import build_world

S = PlanStatus


def _ready(personas):
    world = build_world(personas)
    plan = world.plan_in(S.UNDER_REVIEW)
    review = world.open_review(plan)
    meeting = services.meeting_record(
        review=review,
        actor=personas.secretariat,
        held_on=legal_today(),
        attendance=world.full_attendance(),
    )
    return plan, review, meeting


@pytest.mark.django_db
def test_a_second_opinion_from_a_stale_page_is_refused(personas) -> None:
    plan, review, meeting = _ready(personas)
    # Both "requests" loaded the review before either wrote.
    first = Review.objects.get(pk=review.pk)
    second = Review.objects.get(pk=review.pk)
    kwargs = {
        "meeting": meeting,
        "actor": personas.secretariat,
        "reasons": "r",
        "scientific_validity": "s",
    }
    services.review_record_opinion(review=first, decision=Decision.APPROVE, **kwargs)
    with pytest.raises(DomainError) as raised:
        services.review_record_opinion(review=second, decision=Decision.REJECT, **kwargs)
    assert raised.value.code in ("plan_invalid_transition", "review_already_decided")
    assert Opinion.objects.count() == 1
    plan.refresh_from_db()
    assert plan.status == S.APPROVED


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_opinions_leave_exactly_one(personas) -> None:
    plan, review, meeting = _ready(personas)
    barrier = threading.Barrier(2)
    finished = {Decision.APPROVE: threading.Event(), Decision.REJECT: threading.Event()}
    outcomes: dict[str, str] = {}

    def attempt(decision: str) -> str:
        stale = Review.objects.select_related("plan", "committee").get(pk=review.pk)
        try:
            services.review_record_opinion(
                review=stale,
                meeting=meeting,
                actor=personas.secretariat,
                decision=decision,
                reasons="r",
                scientific_validity="s",
            )
        except DomainError as exc:
            return exc.code
        return "won"

    def decide(decision: str, other: str) -> None:
        try:
            barrier.wait(timeout=10)
            try:
                outcomes[decision] = attempt(decision)
            except OperationalError:
                # SQLite's shared in-memory test database reports the IMMEDIATE lock as "table
                # is locked" instead of waiting; a client retries once the other request is done,
                # and must then be refused by the status the winner left.
                finished[other].wait(timeout=10)
                outcomes[decision] = attempt(decision)
        finally:
            finished[decision].set()
            connections.close_all()

    threads = [
        threading.Thread(target=decide, args=(Decision.APPROVE, Decision.REJECT)),
        threading.Thread(target=decide, args=(Decision.REJECT, Decision.APPROVE)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    results = list(outcomes.values())
    assert results.count("won") == 1, outcomes
    loser = next(o for o in results if o != "won")
    assert loser in ("plan_invalid_transition", "review_already_decided", "plan_conflict"), loser
    assert Opinion.objects.filter(review=review).count() == 1
    winner = Opinion.objects.get(review=review)
    plan = Plan.objects.get(pk=plan.pk)
    assert plan.status == (S.DRAFT if winner.decision == Decision.REJECT else S.APPROVED)
    assert PlanStatusChange.objects.filter(plan=plan, action__in=["approve", "reject"]).count() == 1
