"""The demo registry as a test world, and plans built in any lifecycle status through the real
services (no shortcuts). Every app's tests that need plans build them here."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from saisei.core.time import legal_today
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Decision, OrderKind, OrderTarget, Plan, Review
from saisei.registry.demo import load_registry_demo

S = PlanStatus
_numbers = itertools.count(1)

BASE_ANSWERS: dict[str, Any] = {
    "purpose": "treatment",
    "excluded_practice": None,
    "pmd_act_clinical_trial": False,
    "approved_product_on_label": False,
    "nucleic_acids_in_vivo": False,
}


def answers(risk_class: str = "II") -> dict[str, Any]:
    cells = {
        "species": "human",
        "source": "autologous",
        "kind": "somatic_stem",
        "gene_modified": False,
        "cultured": True,
        "reconstructive": False,
        "homologous": False,
    }
    if risk_class == "I":
        cells["source"] = "allogeneic"
    elif risk_class == "III":
        cells.update(kind="somatic", cultured=False, homologous=True)
    return {**BASE_ANSWERS, "cells": cells}


OUTSIDE_ANSWERS: dict[str, Any] = {**BASE_ANSWERS, "cells": None}

CONTENT: dict[str, Any] = {
    "title": "架空 脂肪由来幹細胞治療 (fictional)",
    "title_en": "Adipose-derived stem cell therapy (fictional)",
    "therapy": "adipose_msc",
    "plan_type": "treatment",
    "target_disease": "変形性膝関節症",
    "description": "自己脂肪由来幹細胞を膝関節内に投与する。",
    "class_reasons": "自己の体性幹細胞を用いるため第二種。",
    "responsible_physician": "日向 医師",
}
CRITERIA: list[dict[str, str]] = [
    {
        "measure": "WOMAC pain score",
        "method": "Questionnaire",
        "time_point": "6 months",
        "success_threshold": "20% reduction from baseline",
    }
]


@dataclass
class World:
    personas: Any
    objects: dict[str, Any]

    @property
    def institution(self) -> Any:
        return self.objects["institution"]

    @property
    def other_institution(self) -> Any:
        return self.objects["other_institution"]

    @property
    def committee(self) -> Any:
        return self.objects["committee"]

    @property
    def certified_committee(self) -> Any:
        return self.objects["certified_committee"]

    @property
    def facility(self) -> Any:
        return self.objects["third_party_facility"]

    @property
    def members(self) -> list[Any]:
        return self.objects["committee_members"]

    # --- building plans ----------------------------------------------------------------------

    def draft(self, risk_class: str = "II", **overrides: Any) -> Plan:
        return services.plan_create(
            institution=overrides.pop("institution", self.institution),
            actor=overrides.pop("actor", self.personas.officer),
            content={**CONTENT, **overrides.pop("content", {})},
            answers=answers(risk_class),
            criteria=CRITERIA,
            facility_ids=[self.facility.pk],
            committee=overrides.pop("committee", self.committee),
        )

    def full_attendance(self, conflicted: tuple[int, ...] = ()) -> list[dict[str, Any]]:
        return [
            {"member_id": m.pk, "present": True, "conflicted": m.pk in conflicted}
            for m in self.members
        ]

    def open_review(self, plan: Plan) -> Review:
        return plan.reviews.filter(decision="").latest("submitted_at")

    def decide(self, plan: Plan, decision: str = Decision.APPROVE) -> Any:
        review = self.open_review(plan)
        meeting = services.meeting_record(
            review=review,
            actor=self.personas.secretariat,
            held_on=legal_today(),
            attendance=self.full_attendance(),
        )
        return services.review_record_opinion(
            review=review,
            meeting=meeting,
            actor=self.personas.secretariat,
            decision=decision,
            reasons="Reasons (fictional)",
            scientific_validity="Criteria are measurable.",
            conditions="Report at 3 months." if decision == "approve_with_conditions" else "",
        )

    def plan_in(
        self, status: str, risk_class: str | None = None, content: dict[str, Any] | None = None
    ) -> Plan:
        if risk_class is None:
            risk_class = "I" if status == S.RESTRICTED else "II"
        officer = self.personas.officer
        plan = self.draft(risk_class, content=content or {})
        if status == S.DRAFT:
            return plan
        services.plan_submit(plan=plan, actor=officer)
        if status == S.UNDER_REVIEW:
            return plan
        self.decide(plan)
        if status == S.APPROVED:
            return plan
        services.plan_file(plan=plan, actor=officer)
        if status == S.FILED:
            return plan
        services.plan_accept(
            plan=plan, actor=self.personas.regulator, plan_number=f"TEST-{next(_numbers)}"
        )
        if status in (S.RESTRICTED, S.ACTIVE):
            assert plan.status == status, plan.status
            return plan
        if status in (S.CHANGE_UNDER_REVIEW, S.CHANGE_APPROVED):
            services.plan_change_propose(
                plan=plan,
                actor=officer,
                changes={"description": "改訂された説明 (fictional)"},
                reason="Dose change",
            )
            if status == S.CHANGE_APPROVED:
                self.decide(plan)
            return plan
        if status in (S.DISCONTINUED, S.CLOSED):
            services.plan_discontinue(
                plan=plan, actor=officer, stopped_on=legal_today(), reason="Stopped"
            )
            if status == S.CLOSED:
                services.plan_close(
                    plan=plan, actor=officer, closed_on=legal_today(), summary="Closed"
                )
            return plan
        if status == S.SUSPENDED:
            services.order_issue(
                actor=self.personas.regulator,
                kind=OrderKind.EMERGENCY,
                target_kind=OrderTarget.PLAN,
                target=plan,
                reason="Serious adverse event (fictional)",
            )
            plan.refresh_from_db()
            return plan
        raise AssertionError(status)


def build_world(personas: Any) -> World:
    with transaction.atomic():
        load_registry_demo(personas.context)
    return World(personas=personas, objects=personas.context.objects)
