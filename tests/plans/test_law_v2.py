"""Plans under the law as the statute's text says it (domain.md §1.3, §1.5, §1.8): filing after
the opinion, duties opened at filing, the Class I restriction (extended within the period,
shortened, a change restricted while the plan goes on), orders that do and do not suspend, and
notices owed to the committee and to the plan's authority."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError
from saisei.core.time import legal_today
from saisei.obligations.models import Obligation
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import (
    Decision,
    OrderKind,
    OrderTarget,
    Plan,
    plan_may_provide,
)
from tests.support import at
from tests.support.world import answers

pytestmark = pytest.mark.django_db
S = PlanStatus


def _approved(world, risk_class: str = "II", *, held_on: date | None = None) -> Plan:
    plan = world.draft(risk_class)
    services.plan_submit(plan=plan, actor=world.personas.officer)
    review = world.open_review(plan)
    meeting = services.meeting_record(
        review=review,
        actor=world.personas.secretariat,
        held_on=held_on or legal_today(),
        attendance=world.full_attendance(),
    )
    services.review_record_opinion(
        review=review,
        meeting=meeting,
        actor=world.personas.secretariat,
        decision=Decision.APPROVE,
        reasons="r",
        scientific_validity="s",
    )
    return plan


def test_a_filing_dated_before_the_opinion_is_refused_with_a_translated_error(world) -> None:
    today = legal_today()
    plan = _approved(world, held_on=today - timedelta(days=3))
    with pytest.raises(DomainError) as raised:
        services.plan_file(plan=plan, actor=world.personas.officer, filed_on=today - timedelta(4))
    assert raised.value.code == "plan_filed_before_opinion"
    assert raised.value.details["errors"][0]["field"] == "filed_on"
    plan.refresh_from_db()
    assert plan.status == S.APPROVED
    services.plan_file(plan=plan, actor=world.personas.officer, filed_on=today - timedelta(3))
    plan.refresh_from_db()
    assert plan.status == S.FILED


def test_the_api_refuses_a_filing_before_the_opinion(world, client_for) -> None:
    today = legal_today()
    plan = _approved(world, held_on=today)
    client = client_for("officer")
    response = client.post(
        f"/api/v1/plans/{plan.pk}/file",
        {"filed_on": (today - timedelta(days=1)).isoformat()},
        content_type="application/json",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "plan_filed_before_opinion"
    assert body["details"]["errors"][0]["field"] == "filed_on"


def test_filing_opens_the_first_periodic_report_to_the_committee_and_the_bureau(world) -> None:
    plan = _approved(world, "II")
    services.plan_file(plan=plan, actor=world.personas.officer)
    duties = Obligation.objects.filter(subject_type="plans.plan", subject_id=str(plan.pk))
    assert sorted(duties.values_list("rule", "period", "recipient")) == [
        ("periodic_report", 1, "committee"),
        ("periodic_report", 1, "regional_bureau"),
    ]
    bureau = duties.get(recipient="regional_bureau")
    assert "Ordinance Art 118(1)(v)" in bureau.explanation["basis"]


def test_a_class_i_plans_duties_go_to_the_minister(world) -> None:
    plan = _approved(world, "I")
    services.plan_file(plan=plan, actor=world.personas.officer)
    recipients = set(
        Obligation.objects.filter(subject_id=str(plan.pk), rule="periodic_report").values_list(
            "recipient", flat=True
        )
    )
    assert recipients == {"committee", "minister"}


def test_a_class_i_minor_change_is_notified_to_the_committee_and_filed_with_the_minister(
    world,
) -> None:
    plan = world.plan_in(S.RESTRICTED, risk_class="I")
    today = legal_today()
    notice = services.plan_minor_change_notify(
        plan=plan,
        actor=world.personas.officer,
        changes={"other_physicians": "月見 医師"},
        changed_on=today,
        summary="Physician added",
    )
    duties = Obligation.objects.filter(subject_type="plans.plannotice", subject_id=str(notice.pk))
    assert sorted(duties.values_list("recipient", "status")) == [
        ("committee", "met"),
        ("minister", "met"),
    ]
    assert notice.filed_on == notice.notified_on == today


@pytest.mark.registry_on(date(2026, 4, 20))
def test_a_notice_filed_with_the_bureau_late_is_met_late_for_the_bureau_only(world) -> None:
    with at(date(2026, 4, 20)):
        plan = world.plan_in(S.ACTIVE, risk_class="II")
    with at(date(2026, 5, 20)):
        notice = services.plan_minor_change_notify(
            plan=plan,
            actor=world.personas.officer,
            changes={"other_physicians": "月見 医師"},
            changed_on=date(2026, 4, 28),
            notified_on=date(2026, 5, 5),
            filed_on=date(2026, 5, 8),
            summary="Physician added",
        )
    duties = {
        o.recipient: o
        for o in Obligation.objects.filter(
            subject_type="plans.plannotice", subject_id=str(notice.pk)
        )
    }
    # Due 2026-05-08 to both (an ordinary Friday): the committee was told on time, the Bureau
    # received it on the due day; a day later would have been late.
    assert duties["committee"].due_on == date(2026, 5, 8)
    assert duties["committee"].status == "met"
    assert duties["regional_bureau"].status == "met"
    assert notice.filed_on == date(2026, 5, 8)


def test_an_extension_must_be_notified_inside_the_current_period(world) -> None:
    plan = world.plan_in(S.RESTRICTED, risk_class="I")
    allowed = plan.provision_allowed_from
    with at(allowed), pytest.raises(DomainError) as raised:
        services.plan_restriction_extend(
            plan=plan, actor=world.personas.regulator, until=allowed + timedelta(30), reason="x"
        )
    assert raised.value.details["errors"][0]["field"] == "notified_on"
    services.plan_restriction_extend(
        plan=plan, actor=world.personas.regulator, until=allowed + timedelta(30), reason="Council"
    )
    plan.refresh_from_db()
    assert plan.provision_allowed_from == allowed + timedelta(30)
    assert "Art 8(2)" in plan.provision_allowed_explanation


def test_the_minister_can_shorten_the_restriction_and_provision_may_start(world) -> None:
    plan = world.plan_in(S.RESTRICTED, risk_class="I")
    today = legal_today()
    assert not plan_may_provide(plan, today)
    with pytest.raises(DomainError):
        services.plan_restriction_shorten(
            plan=plan, actor=world.personas.regulator, until=today - timedelta(1), reason="x"
        )
    services.plan_restriction_shorten(
        plan=plan, actor=world.personas.regulator, until=today, reason="Meets the standards"
    )
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert plan.provision_allowed_from == today
    assert plan_may_provide(plan, today)
    assert "Art 8(3)" in plan.provision_allowed_explanation
    assert AuditEvent.objects.filter(
        action="plans.plan.restriction_shortened", target_id=str(plan.pk)
    ).exists()
    with pytest.raises(DomainError):
        services.plan_restriction_shorten(
            plan=plan, actor=world.personas.officer, until=today, reason="x"
        )


def test_a_class_i_change_restricts_the_change_not_the_plan(world) -> None:
    today = legal_today()
    plan = world.plan_in(S.RESTRICTED, risk_class="I")
    services.plan_restriction_shorten(
        plan=plan, actor=world.personas.regulator, until=today, reason="Meets the standards"
    )
    plan.refresh_from_db()
    before = plan.version
    services.plan_change_propose(
        plan=plan, actor=world.personas.officer, changes={"target_disease": "膝"}, reason="r"
    )
    world.decide(plan)
    services.plan_change_notify(plan=plan, actor=world.personas.officer)
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert plan_may_provide(plan, today)
    assert plan.change_version == plan.version > before
    assert plan.change_allowed_from == today + timedelta(days=90)
    assert plan.version_in_force_on(today) == plan.change_version - 1
    assert plan.version_in_force_on(plan.change_allowed_from) == plan.change_version
    # The change's own restriction can be extended within it (Art 10(1) applying Art 8(2)).
    services.plan_restriction_extend(
        plan=plan,
        actor=world.personas.regulator,
        until=today + timedelta(days=120),
        reason="Council",
        which="change",
    )
    plan.refresh_from_db()
    assert (plan.status, plan.change_allowed_from) == (S.ACTIVE, today + timedelta(days=120))


def test_the_public_page_says_which_version_is_in_force(world, client) -> None:
    today = legal_today()
    plan = world.plan_in(S.RESTRICTED, risk_class="I")
    services.plan_restriction_shorten(
        plan=plan, actor=world.personas.regulator, until=today, reason="ok"
    )
    services.plan_change_propose(
        plan=plan, actor=world.personas.officer, changes={"target_disease": "膝"}, reason="r"
    )
    world.decide(plan)
    services.plan_change_notify(plan=plan, actor=world.personas.officer)
    plan.refresh_from_db()
    html = client.get(f"/plans/verify/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Version {plan.change_version - 1}" in html
    assert "Art 10(2)" in html
    api = client.get(f"/api/v1/public/plans/{plan.pk}").json()
    assert api["version_in_force"] == plan.change_version - 1


def test_an_improvement_order_does_not_suspend_but_a_restriction_order_does(world) -> None:
    plan = world.plan_in(S.ACTIVE)
    order = services.order_issue(
        actor=world.personas.regulator,
        kind=OrderKind.IMPROVEMENT,
        target_kind=OrderTarget.PLAN,
        target=plan,
        reason="Revise the consent form",
    )
    plan.refresh_from_db()
    assert plan.status == S.ACTIVE
    assert order.effects.count() == 0
    services.order_issue(
        actor=world.personas.regulator,
        kind=OrderKind.PROVISION_RESTRICTION,
        target_kind=OrderTarget.PLAN,
        target=plan,
        reason="The improvement order was not obeyed",
    )
    plan.refresh_from_db()
    assert plan.status == S.SUSPENDED


@pytest.mark.registry_on(date(2026, 5, 20))
def test_in_vivo_gene_therapy_filed_under_the_transitional_rule_is_not_restricted(world) -> None:
    gene = {
        **answers("I"),
        "nucleic_acids_in_vivo": True,
        "in_vivo_provided_before_amendment": True,
        "cells": None,
    }
    with at(date(2026, 5, 20)):
        plan = services.plan_create(
            institution=world.institution,
            actor=world.personas.officer,
            content={
                "title": "架空 in vivo 遺伝子治療 (fictional)",
                "therapy": "gene_therapy",
                "plan_type": "treatment",
                "target_disease": "架空疾患",
                "description": "説明",
                "class_reasons": "第一種",
                "responsible_physician": "日向 医師",
            },
            answers=gene,
            criteria=[{"measure": "m", "method": "x", "time_point": "t", "success_threshold": "s"}],
            facility_ids=[world.facility.pk],
            committee=world.committee,
        )
        services.plan_submit(plan=plan, actor=world.personas.officer)
        world.decide(plan)
        services.plan_file(plan=plan, actor=world.personas.officer)
    plan.refresh_from_db()
    assert plan.transitional
    assert plan.provision_allowed_from == date(2026, 5, 20)
    assert "supplementary provisions Art 3(2)" in plan.provision_allowed_explanation


@pytest.mark.parametrize(
    ("location", "note", "field"),
    [
        ("会" * 201, "", "location"),
        ("会議室\x00", "", "location"),
        ("", "n" * 301, "attendance.0.conflict_note"),
    ],
)
def test_a_meeting_refuses_texts_past_their_columns_and_control_characters(
    world, location: str, note: str, field: str
) -> None:
    plan = world.draft("II")
    services.plan_submit(plan=plan, actor=world.personas.officer)
    attendance = world.full_attendance()
    attendance[0]["conflict_note"] = note
    with pytest.raises(DomainError) as raised:
        services.meeting_record(
            review=world.open_review(plan),
            actor=world.personas.secretariat,
            held_on=legal_today(),
            attendance=attendance,
            location=location,
        )
    assert raised.value.details["errors"][0]["field"] == field
    assert not plan.reviews.get().meetings.exists()
