from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.core.time import legal_today
from saisei.law import due_date
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import (
    Decision,
    Meeting,
    NoticeKind,
    Opinion,
    OrderEffect,
    OrderKind,
    OrderTarget,
    Plan,
    PlanVersion,
    Review,
    plan_may_provide,
)
from saisei.plans.selectors import public_versions
from tests.support.world import CONTENT, CRITERIA, OUTSIDE_ANSWERS, answers

pytestmark = pytest.mark.django_db
S = PlanStatus


def test_a_plan_stores_its_class_the_rule_and_the_whole_path(world) -> None:
    plan = world.draft("II")
    assert plan.risk_class == "II"
    assert plan.classification_rule == "rm.class2.cultured_stem"
    assert plan.classification["path"][-1]["answer"] is True
    assert plan.classification_answers["cells"]["kind"] == "somatic_stem"
    assert PlanVersion.objects.filter(plan=plan, number=1, public=False).exists()
    assert AuditEvent.objects.filter(action="plans.plan.created", target_id=str(plan.pk)).exists()


def test_a_practice_outside_the_act_gets_no_plan(world) -> None:
    with pytest.raises(DomainError) as raised:
        services.plan_create(
            institution=world.institution,
            actor=world.personas.officer,
            content=CONTENT,
            answers=OUTSIDE_ANSWERS,
        )
    assert raised.value.code == "plan_not_rm_act"
    assert raised.value.details["track"] == "outside"
    assert not Plan.objects.exists()


def test_incomplete_answers_name_the_field(world) -> None:
    bad = answers("II")
    del bad["cells"]["homologous"]
    with pytest.raises(DomainError) as raised:
        services.plan_create(
            institution=world.institution,
            actor=world.personas.officer,
            content=CONTENT,
            answers=bad,
        )
    assert raised.value.code == "plan_classification_invalid"
    assert raised.value.details["errors"][0]["field"] == "answers.cells.homologous"


def test_bad_content_is_refused_field_by_field_and_nothing_is_written(world) -> None:
    with pytest.raises(DomainError) as raised:
        services.plan_create(
            institution=world.institution,
            actor=world.personas.officer,
            content={**CONTENT, "title": "x" * 151, "target_disease": ""},
            answers=answers("II"),
            criteria=[{"measure": "m"}],
        )
    fields = {e["field"] for e in raised.value.details["errors"]}
    assert fields == {"title", "target_disease"}
    assert not Plan.objects.exists()


@pytest.mark.parametrize("risk_class", ["I", "II"])
def test_a_certified_committee_may_not_review_class_i_or_ii(world, risk_class) -> None:
    with pytest.raises(DomainError) as raised:
        world.draft(risk_class, committee=world.certified_committee)
    assert raised.value.code == "committee_kind_mismatch"
    assert not Plan.objects.exists()


def test_a_certified_committee_may_review_class_iii(world) -> None:
    plan = world.draft("III", committee=world.certified_committee)
    assert plan.risk_class == "III"


def test_an_officer_of_another_institution_cannot_draft_for_this_one(world) -> None:
    with pytest.raises(NotPermitted):
        world.draft(actor=world.personas.other_officer)


def test_staff_may_draft_but_only_an_officer_submits(world) -> None:
    plan = world.draft(actor=world.personas.staff)
    with pytest.raises(NotPermitted):
        services.plan_submit(plan=plan, actor=world.personas.staff)
    services.plan_submit(plan=plan, actor=world.personas.officer)
    assert plan.status == S.UNDER_REVIEW


def test_a_plan_without_criteria_or_facility_cannot_be_submitted(world) -> None:
    plan = services.plan_create(
        institution=world.institution,
        actor=world.personas.officer,
        content=CONTENT,
        answers=answers("II"),
        committee=world.committee,
    )
    with pytest.raises(DomainError) as raised:
        services.plan_submit(plan=plan, actor=world.personas.officer)
    assert raised.value.code == "plan_incomplete"
    assert {e["field"] for e in raised.value.details["errors"]} == {"facility_ids", "criteria"}
    plan.refresh_from_db()
    assert plan.status == S.DRAFT


# --- meetings ------------------------------------------------------------------------------------


def _submitted(world, risk_class="II") -> tuple[Plan, Review]:
    plan = world.draft(risk_class)
    review = services.plan_submit(plan=plan, actor=world.personas.officer)
    return plan, review


def test_a_full_meeting_is_valid(world) -> None:
    _, review = _submitted(world)
    meeting = services.meeting_record(
        review=review,
        actor=world.personas.secretariat,
        held_on=legal_today(),
        attendance=world.full_attendance(),
    )
    assert meeting.quorate
    assert all(entry["ok"] for entry in meeting.quorum_report)
    assert meeting.attendance.count() == len(world.members)


def test_a_meeting_with_too_few_members_is_recorded_as_invalid_and_gives_no_opinion(world) -> None:
    plan, review = _submitted(world)
    four = [{"member_id": m.pk, "present": True} for m in world.members[:4]]
    meeting = services.meeting_record(
        review=review, actor=world.personas.secretariat, held_on=legal_today(), attendance=four
    )
    assert not meeting.quorate
    failed = {entry["rule"] for entry in meeting.quorum_report if not entry["ok"]}
    assert {"present", "categories"} <= failed
    with pytest.raises(DomainError) as raised:
        services.review_record_opinion(
            review=review,
            meeting=meeting,
            actor=world.personas.secretariat,
            decision=Decision.APPROVE,
            reasons="r",
            scientific_validity="s",
        )
    assert raised.value.code == "meeting_not_quorate"
    plan.refresh_from_db()
    assert plan.status == S.UNDER_REVIEW
    assert not Opinion.objects.exists()


def test_conflicted_members_are_excluded_and_recorded(world) -> None:
    plan, review = _submitted(world)
    # The second (c) clinician has an interest: the other (c) still covers the category.
    conflicted = world.members[8]
    meeting = services.meeting_record(
        review=review,
        actor=world.personas.secretariat,
        held_on=legal_today(),
        attendance=world.full_attendance(conflicted=(conflicted.pk,)),
    )
    assert meeting.quorate
    opinion = services.review_record_opinion(
        review=review,
        meeting=meeting,
        actor=world.personas.secretariat,
        decision=Decision.APPROVE_WITH_CONDITIONS,
        reasons="r",
        scientific_validity="s",
        conditions="c",
    )
    assert opinion.excluded_members == [
        {"member_id": conflicted.pk, "name": conflicted.name, "note": ""}
    ]
    plan.refresh_from_db()
    assert plan.status == S.APPROVED


def test_excluding_the_only_member_of_a_category_invalidates_the_meeting(world) -> None:
    _, review = _submitted(world)
    lay = next(m for m in world.members if m.category == "h")
    meeting = services.meeting_record(
        review=review,
        actor=world.personas.secretariat,
        held_on=legal_today(),
        attendance=world.full_attendance(conflicted=(lay.pk,)),
    )
    assert not meeting.quorate
    categories = next(e for e in meeting.quorum_report if e["rule"] == "categories")
    assert categories["params"]["missing"] == "h"


def test_the_rules_are_the_committees_data(world) -> None:
    from saisei.registry.services import committee_rules_set

    committee_rules_set(
        committee=world.committee,
        min_present=3,
        majority_present=False,
        both_sexes=False,
        required_categories=["a"],
        min_no_interest=1,
        min_independent=0,
        actor=world.personas.secretariat,
    )
    _plan, review = _submitted(world)
    review.committee.refresh_from_db()
    three = [{"member_id": m.pk, "present": True} for m in world.members[:3]]
    meeting = services.meeting_record(
        review=review, actor=world.personas.secretariat, held_on=legal_today(), attendance=three
    )
    assert meeting.quorate


def test_gene_therapy_reviews_need_categories_i_and_j(world) -> None:
    from saisei.plans.quorum import required_categories

    rule = "rm.class1.in_vivo_gene_therapy"
    assert required_categories(world.committee, classification_rule=rule, on=date(2025, 5, 31))[
        -2:
    ] == ["i", "j"]
    assert "i" not in required_categories(
        world.committee, classification_rule=rule, on=date(2025, 5, 30)
    )


def test_a_member_of_another_committee_or_a_stranger_cannot_be_listed(world) -> None:
    _, review = _submitted(world)
    with pytest.raises(DomainError) as raised:
        services.meeting_record(
            review=review,
            actor=world.personas.secretariat,
            held_on=legal_today(),
            attendance=[{"member_id": 999999, "present": True}],
        )
    assert raised.value.details["errors"][0]["field"] == "attendance.0.member_id"
    assert not Meeting.objects.exists()


def test_a_rejected_plan_returns_to_draft_and_can_be_submitted_again(world) -> None:
    plan, _ = _submitted(world)
    world.decide(plan, Decision.REJECT)
    plan.refresh_from_db()
    assert plan.status == S.DRAFT
    review = services.plan_submit(plan=plan, actor=world.personas.officer)
    assert review.kind == "initial"
    assert plan.reviews.count() == 2


def test_the_institution_cannot_record_an_opinion(world) -> None:
    _plan, review = _submitted(world)
    with pytest.raises(NotPermitted):
        services.meeting_record(
            review=review,
            actor=world.personas.officer,
            held_on=legal_today(),
            attendance=world.full_attendance(),
        )


# --- filing and the Class I restriction ----------------------------------------------------------


@pytest.mark.registry_on(date(2026, 4, 1))
@time_machine.travel(date(2026, 4, 1), tick=False)
def test_class_i_is_filed_with_the_minister_and_restricted_until_the_91st_day(world) -> None:
    plan = world.plan_in(S.APPROVED, "I")
    services.plan_file(plan=plan, actor=world.personas.officer)
    assert (plan.filed_with, plan.filing_office) == ("minister", "mhlw")
    assert plan.provision_allowed_from == due_date("class1_restriction", date(2026, 4, 1)).due
    assert plan.provision_allowed_from == date(2026, 6, 30)
    services.plan_accept(plan=plan, actor=world.personas.regulator, plan_number="MHLW-1")
    assert plan.status == S.RESTRICTED
    assert not plan_may_provide(plan, date(2026, 6, 29))
    assert plan_may_provide(plan, date(2026, 6, 30))
    with pytest.raises(DomainError):
        services.plan_restriction_release(
            plan=plan, actor=world.personas.regulator, on=date(2026, 6, 29)
        )
    services.plan_restriction_release(plan=plan, actor=None, on=date(2026, 6, 30), system="test")
    assert plan.status == S.ACTIVE


def test_class_ii_is_filed_with_the_bureau_of_the_prefecture_and_may_start_at_once(world) -> None:
    plan = world.plan_in(S.FILED, "II")
    assert (plan.filed_with, plan.filing_office) == ("regional_bureau", "kanto_shinetsu")
    assert plan.provision_allowed_from == plan.filed_on
    assert plan_may_provide(plan, plan.filed_on)
    assert PlanVersion.objects.filter(plan=plan, public=True).count() == 1


def test_a_plan_number_is_unique(world) -> None:
    first = world.plan_in(S.FILED)
    second = world.plan_in(S.FILED)
    services.plan_accept(plan=first, actor=world.personas.regulator, plan_number="KANTO-1")
    with pytest.raises(DomainError) as raised:
        services.plan_accept(plan=second, actor=world.personas.regulator, plan_number="KANTO-1")
    assert raised.value.code == "plan_number_taken"
    second.refresh_from_db()
    assert second.status == S.FILED


def test_only_a_regulator_issues_plan_numbers(world) -> None:
    plan = world.plan_in(S.FILED)
    with pytest.raises(NotPermitted):
        services.plan_accept(plan=plan, actor=world.personas.officer, plan_number="X")


# --- changes -------------------------------------------------------------------------------------


def test_a_change_is_reviewed_then_notified_and_shows_as_a_public_diff(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    services.plan_change_propose(
        plan=plan,
        actor=world.personas.officer,
        changes={
            "target_disease": "股関節症",
            "criteria": [*CRITERIA, {**CRITERIA[0], "time_point": "12 months"}],
        },
        reason="Extend to hips",
    )
    plan.refresh_from_db()
    assert plan.target_disease == CONTENT["target_disease"]  # not applied before approval
    world.decide(plan)
    services.plan_change_notify(plan=plan, actor=world.personas.officer)
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert plan.target_disease == "股関節症"
    assert len(plan.current_criteria()) == 2
    history = public_versions(plan)
    assert [h["version"].reason for h in history] == ["filed", "change notified"]
    changed = {d["field"] for d in history[1]["diff"]}
    assert changed == {"target_disease", "criteria"}
    assert plan.notices.filter(kind=NoticeKind.CHANGE).exists()


def test_a_rejected_change_leaves_the_filed_plan_as_it_was(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    services.plan_change_propose(
        plan=plan, actor=world.personas.officer, changes={"target_disease": "X"}, reason="r"
    )
    world.decide(plan, Decision.REJECT)
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert plan.target_disease == CONTENT["target_disease"]


@pytest.mark.registry_on(date(2026, 4, 1))
def test_a_change_of_a_class_i_plan_is_restricted_while_the_plan_goes_on(world) -> None:
    with time_machine.travel(date(2026, 4, 1), tick=False):
        plan = world.plan_in(S.RESTRICTED, "I")
    with time_machine.travel(date(2026, 8, 1), tick=False):
        services.plan_restriction_release(plan=plan, actor=world.personas.regulator)
        services.plan_change_propose(
            plan=plan, actor=world.personas.officer, changes={"description": "d"}, reason="r"
        )
        world.decide(plan)
        services.plan_change_notify(plan=plan, actor=world.personas.officer)
    # RM Act Art 10(1) restricts the change for 90 days from its notice; Art 10(2) lets the plan
    # be provided as it stood before the change meanwhile.
    assert plan.status == S.ACTIVE
    assert plan.change_allowed_from == date(2026, 8, 1) + timedelta(days=90)
    assert plan_may_provide(plan, date(2026, 8, 2))
    assert plan.version_in_force_on(date(2026, 8, 2)) == plan.version - 1
    assert plan.version_in_force_on(plan.change_allowed_from) == plan.version


@pytest.mark.registry_on(date(2026, 4, 28))
@time_machine.travel(date(2026, 4, 28), tick=False)
def test_a_minor_change_is_applied_with_its_notice_due_date_from_the_law(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    notice = services.plan_minor_change_notify(
        plan=plan,
        actor=world.personas.officer,
        changes={"other_physicians": "月見 医師"},
        changed_on=date(2026, 4, 28),
        summary="Physician added",
    )
    assert notice.due_on == due_date("minor_change", date(2026, 4, 28)).due
    # The law engine's sentence for each recipient of a Class II plan's notice, in order.
    assert notice.due_explanation == " ".join(
        due_date("minor_change", date(2026, 4, 28), to=to).explain()
        for to in ("committee", "regional_bureau")
    )
    plan.refresh_from_db()
    assert plan.other_physicians == "月見 医師"
    assert plan.status == S.ACTIVE


def test_a_substantive_field_is_not_a_minor_change(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    with pytest.raises(DomainError) as raised:
        services.plan_minor_change_notify(
            plan=plan,
            actor=world.personas.officer,
            changes={"target_disease": "X"},
            changed_on=legal_today(),
            summary="s",
        )
    assert raised.value.details["errors"][0]["field"] == "target_disease"


@pytest.mark.registry_on(date(2026, 4, 28))
@time_machine.travel(date(2026, 4, 28), tick=False)
def test_discontinuation_notice_is_due_ten_days_after(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    notice = services.plan_discontinue(
        plan=plan, actor=world.personas.officer, stopped_on=date(2026, 4, 28), reason="r"
    )
    assert notice.due_on == due_date("discontinuation", date(2026, 4, 28)).due
    assert plan.discontinued_on == date(2026, 4, 28)
    assert not plan_may_provide(plan, date(2026, 4, 29))


# --- orders --------------------------------------------------------------------------------------


def test_an_order_against_a_facility_suspends_every_plan_using_it_and_lifting_restores(
    world,
) -> None:
    p = world.personas
    active = world.plan_in(S.ACTIVE)
    restricted = world.plan_in(S.RESTRICTED)
    draft = world.draft()
    other = world.plan_in(S.ACTIVE)
    services.plan_discontinue(plan=other, actor=p.officer, stopped_on=legal_today(), reason="r")
    reach = services.order_preview(
        actor=p.regulator,
        kind=OrderKind.EMERGENCY,
        target_kind=OrderTarget.FACILITY,
        target=world.facility,
    )
    assert {pl.pk for pl in reach} == {active.pk, restricted.pk}
    order = services.order_issue(
        actor=p.regulator,
        kind=OrderKind.EMERGENCY,
        target_kind=OrderTarget.FACILITY,
        target=world.facility,
        reason="Death after infusion (fictional)",
    )
    for plan in (active, restricted):
        plan.refresh_from_db()
        assert plan.status == S.SUSPENDED
        assert not plan_may_provide(plan, legal_today() + timedelta(days=400))
    draft.refresh_from_db()
    assert draft.status == S.DRAFT
    services.order_lift(order=order, actor=p.regulator, reason="Inspection passed")
    active.refresh_from_db()
    restricted.refresh_from_db()
    assert (active.status, restricted.status) == (S.ACTIVE, S.RESTRICTED)
    assert OrderEffect.objects.filter(order=order, restored_on__isnull=False).count() == 2
    assert AuditEvent.objects.filter(action="plans.order.lifted").count() == 1


def test_a_plan_held_by_two_orders_stays_suspended_until_both_are_lifted(world) -> None:
    p = world.personas
    plan = world.plan_in(S.ACTIVE)
    by_facility = services.order_issue(
        actor=p.regulator,
        kind=OrderKind.EMERGENCY,
        target_kind=OrderTarget.FACILITY,
        target=world.facility,
        reason="r",
    )
    by_institution = services.order_issue(
        actor=p.regulator,
        kind=OrderKind.PROVISION_RESTRICTION,
        target_kind=OrderTarget.INSTITUTION,
        target=world.institution,
        reason="r",
    )
    services.order_lift(order=by_facility, actor=p.regulator, reason="r")
    plan.refresh_from_db()
    assert plan.status == S.SUSPENDED
    services.order_lift(order=by_institution, actor=p.regulator, reason="r")
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    with pytest.raises(DomainError) as raised:
        services.order_lift(order=by_institution, actor=p.regulator, reason="r")
    assert raised.value.code == "order_already_lifted"


def test_an_officer_cannot_issue_orders(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    with pytest.raises(NotPermitted):
        services.order_issue(
            actor=world.personas.officer,
            kind=OrderKind.EMERGENCY,
            target_kind=OrderTarget.PLAN,
            target=plan,
            reason="r",
        )
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
