"""Demo step: fictional provision plans in every lifecycle status, built through the services.

Each plan goes the real way (draft → review → meeting → opinion → filing → …) so the demo has
the same history rows and audit events a real plan would. Every name is marked fictional.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from saisei.core.time import legal_today
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Decision, OrderKind, OrderTarget, Plan

S = PlanStatus

_ANSWERS_BASE: dict[str, Any] = {
    "purpose": "treatment",
    "excluded_practice": None,
    "pmd_act_clinical_trial": False,
    "approved_product_on_label": False,
    "nucleic_acids_in_vivo": False,
}
_CELLS = {
    "species": "human",
    "source": "autologous",
    "kind": "somatic_stem",
    "gene_modified": False,
    "cultured": True,
    "reconstructive": False,
    "homologous": False,
}
ANSWERS: dict[str, dict[str, Any]] = {
    # Autologous adipose-derived stem cells: rule 6, Class II.
    "adipose": {**_ANSWERS_BASE, "cells": _CELLS},
    # Allogeneic cells: rule 5, Class I.
    "allogeneic": {**_ANSWERS_BASE, "cells": {**_CELLS, "source": "allogeneic"}},
    # PRP into the skin: uncultured, homologous, rule 9, Class III.
    "prp_skin": {
        **_ANSWERS_BASE,
        "cells": {**_CELLS, "kind": "somatic", "cultured": False, "homologous": True},
    },
}

# (key, institution key, status, answers, title, title_en, therapy, disease, committee key)
PLANS: tuple[tuple[str, str, str, str, str, str, str, str, str], ...] = (
    (
        "draft",
        "institution",
        S.DRAFT,
        "adipose",
        "架空 脂肪由来幹細胞による膝治療(下書き)",
        "Adipose stem cells for knees, draft (fictional)",
        "adipose_msc",
        "変形性膝関節症",
        "committee",
    ),
    (
        "under_review",
        "institution",
        S.UNDER_REVIEW,
        "adipose",
        "架空 脂肪由来幹細胞による腰痛治療",
        "Adipose stem cells for back pain (fictional)",
        "adipose_msc",
        "慢性腰痛",
        "committee",
    ),
    (
        "approved",
        "institution",
        S.APPROVED,
        "prp_skin",
        "架空 PRP皮膚再生療法",
        "PRP skin rejuvenation (fictional)",
        "prp",
        "皮膚の萎縮",
        "certified_committee",
    ),
    (
        "filed",
        "institution",
        S.FILED,
        "adipose",
        "架空 脂肪由来幹細胞による股関節治療",
        "Adipose stem cells for hips (fictional)",
        "adipose_msc",
        "変形性股関節症",
        "committee",
    ),
    (
        "restricted",
        "institution",
        S.RESTRICTED,
        "allogeneic",
        "架空 同種間葉系幹細胞による心不全治療",
        "Allogeneic MSC for heart failure (fictional)",
        "other",
        "慢性心不全",
        "committee",
    ),
    (
        "active",
        "institution",
        S.ACTIVE,
        "adipose",
        "架空 脂肪由来幹細胞による膝治療",
        "Adipose stem cells for knees (fictional)",
        "adipose_msc",
        "変形性膝関節症",
        "committee",
    ),
    (
        "change_under_review",
        "institution",
        S.CHANGE_UNDER_REVIEW,
        "adipose",
        "架空 脂肪由来幹細胞による肩治療",
        "Adipose stem cells for shoulders (fictional)",
        "adipose_msc",
        "腱板損傷",
        "committee",
    ),
    (
        "change_approved",
        "institution",
        S.CHANGE_APPROVED,
        "adipose",
        "架空 脂肪由来幹細胞による肘治療",
        "Adipose stem cells for elbows (fictional)",
        "adipose_msc",
        "上腕骨外側上顆炎",
        "committee",
    ),
    (
        "discontinued",
        "other_institution",
        S.DISCONTINUED,
        "prp_skin",
        "架空 PRP歯肉再生療法",
        "PRP gum regeneration (fictional)",
        "prp",
        "歯周病",
        "committee",
    ),
    (
        "closed",
        "other_institution",
        S.CLOSED,
        "adipose",
        "架空 脂肪由来幹細胞による糖尿病治療",
        "Adipose stem cells for diabetes (fictional)",
        "adipose_msc",
        "2型糖尿病",
        "committee",
    ),
    (
        "suspended",
        "other_institution",
        S.SUSPENDED,
        "adipose",
        "架空 脂肪由来幹細胞の静脈内投与",
        "Intravenous adipose stem cells (fictional)",
        "adipose_msc",
        "慢性疼痛",
        "committee",
    ),
)


def _criteria(disease: str) -> list[dict[str, str]]:
    return [
        {
            "measure": f"{disease}の症状スコア (fictional)",
            "method": "標準化質問票 / standardised questionnaire",
            "time_point": "6か月 / 6 months",
            "success_threshold": "ベースラインから20%改善 / 20% improvement from baseline",
        }
    ]


def _decide(
    plan: Plan, members: list[Any], secretariat: Any, *, held_on: date | None = None
) -> None:
    review = plan.reviews.filter(decision="").latest("submitted_at")
    meeting = services.meeting_record(
        review=review,
        actor=secretariat,
        held_on=held_on or legal_today(),
        attendance=[{"member_id": m.pk, "present": True} for m in members],
        location="架空会議室 (fictional)",
    )
    services.review_record_opinion(
        review=review,
        meeting=meeting,
        actor=secretariat,
        decision=Decision.APPROVE,
        reasons="安全性及び科学的妥当性について問題なし (fictional)",
        scientific_validity="評価基準は測定可能で妥当 (fictional)",
    )


def load_plans_demo(context: Any) -> None:
    objects, users = context.objects, context.users
    regulator, secretariat = users["regulator"], users["secretariat"]
    officers = {"institution": users["officer"], "other_institution": users["other-officer"]}
    members = objects["committee_members"]
    plans: dict[str, Plan] = {}
    number = 0
    for key, inst, status, answers, title, title_en, therapy, disease, committee in PLANS:
        officer = officers[inst]
        plan = services.plan_create(
            institution=objects[inst],
            actor=officer,
            content={
                "title": title,
                "title_en": title_en,
                "therapy": therapy,
                "plan_type": "treatment",
                "target_disease": disease,
                "description": f"{title}の説明。架空のデモデータです。",
                "class_reasons": "区分判定フローチャートの回答による (fictional)",
                "responsible_physician": "架空 医師 (fictional)",
            },
            answers=ANSWERS[answers],
            criteria=_criteria(disease),
            facility_ids=[objects["third_party_facility"].pk]
            + ([objects["in_house_facility"].pk] if inst == "institution" else []),
            committee=objects["committee"] if committee == "committee" else None,
        )
        plans[key] = plan
        if status == S.DRAFT:
            continue
        if committee != "committee":
            # A Class III plan may go to the certified (Class III only) committee; the demo
            # has no persona there, so it is reviewed by Kasumi, which may review any class.
            services.plan_update(plan=plan, actor=officer, committee=objects["committee"])
        services.plan_submit(plan=plan, actor=officer)
        if status == S.UNDER_REVIEW:
            continue
        _decide(plan, members, secretariat)
        if status == S.APPROVED:
            continue
        services.plan_file(plan=plan, actor=officer)
        if status == S.FILED:
            continue
        number += 1
        services.plan_accept(plan=plan, actor=regulator, plan_number=f"DEMO-{number:04d}")
        if status in (S.RESTRICTED, S.ACTIVE):
            continue
        if status in (S.CHANGE_UNDER_REVIEW, S.CHANGE_APPROVED):
            services.plan_change_propose(
                plan=plan,
                actor=officer,
                changes={"target_disease": f"{disease}及び関連疾患"},
                reason="対象疾患の追加 (fictional)",
            )
            if status == S.CHANGE_APPROVED:
                _decide(plan, members, secretariat)
            continue
        if status in (S.DISCONTINUED, S.CLOSED):
            services.plan_discontinue(
                plan=plan, actor=officer, stopped_on=legal_today(), reason="患者募集の終了"
            )
            if status == S.CLOSED:
                services.plan_close(
                    plan=plan,
                    actor=officer,
                    closed_on=legal_today(),
                    summary="終了届 (fictional)",
                )
            continue
        if status == S.SUSPENDED:
            services.order_issue(
                actor=regulator,
                kind=OrderKind.EMERGENCY,
                target_kind=OrderTarget.PLAN,
                target=plan,
                reason="静脈内投与後の重篤な有害事象 (fictional)",
            )
    # A minor change on the active plan, so its public history shows a diff.
    services.plan_minor_change_notify(
        plan=plans["active"],
        actor=officers["institution"],
        changes={"other_physicians": "架空 副医師 (fictional)"},
        changed_on=legal_today(),
        summary="医師の追加 (fictional)",
    )
    context.objects["plans"] = plans
    context.lines.append("plans: " + ", ".join(f"{k}={p.pk}" for k, p in plans.items()))
