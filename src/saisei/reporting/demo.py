"""Demo step: a fictional plan with two years of reporting, some on time, some late, some overdue.

Every date is counted back from today, so the demo shows the same picture whenever it is
loaded. The plan is Class II, so each serious adverse event and each year's periodic report owes
two duties, one to the committee and one to the Regional Bureau (for the Minister), each with its
own date and status: a hospitalisation reported to the committee on time and to the Bureau
late; a case that may lead to death reported to the committee, not yet to the Bureau (overdue);
a serious case whose nominal last day is a national holiday, so that the committee's report is
due on the holiday itself while the Bureau's moves to the next open day; the first year's report
submitted to the committee on time and filed with the Bureau late; the second year's submitted
on time and reviewed, but not yet filed with the Bureau (overdue).
All through the real services, so obligations, audit and verification hold as in use.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from saisei.core.time import legal_today
from saisei.law import ClosedDayKind, add_years, closed_reasons, due_date, period_bounds
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligation_record_filing, obligations_tick
from saisei.reporting import services

PRP_JOINT = {
    "purpose": "treatment",
    "excluded_practice": None,
    "pmd_act_clinical_trial": False,
    "approved_product_on_label": False,
    "nucleic_acids_in_vivo": False,
    # Uncultured autologous platelets into a joint: non-homologous use, so Class II.
    "cells": {
        "species": "human",
        "source": "autologous",
        "kind": "somatic",
        "gene_modified": False,
        "cultured": False,
        "reconstructive": False,
        "homologous": False,
    },
}

# What the institution wrote in its periodic reports (Ordinance Art 37(1)(iii)-(v)).
YEAR_ONE_ITEMS = {
    "evaluation": (
        "8例中7例で3か月時点の評価を行い、5例が改善率30%以上。重篤な疾病等はなく、安全性及び科学的"
        "妥当性に問題はないと評価する (fictional) / 5 of 7 measured met the threshold; no serious "
        "adverse event (fictional)."
    ),
    "conflicts_of_interest": "なし / none (fictional)",
    "non_compliance": "なし / none (fictional)",
}
YEAR_TWO_ITEMS = {
    "evaluation": (
        "入院1件(関節炎、回復)。評価済み3例の改善率は基準を満たす例と満たさない例があり、評価未了の"
        "症例を継続して評価する (fictional) / one hospitalisation, recovered; evaluation goes on "
        "(fictional)."
    ),
    "conflicts_of_interest": "なし / none (fictional)",
    "non_compliance": (
        "同意書の版の取り違え1件。再同意を取得し手順を改めた (fictional) / one consent form of the "
        "wrong version; consent taken again and the procedure changed (fictional)."
    ),
}

# VAS improvement (%) at 3 months of the first year's patients; the threshold is 30.
FIRST_YEAR_OUTCOMES = ["45", "12", "38", "30", "52", "8", "33", None]


def load_demo_reporting(context: Any) -> None:
    from saisei.plans import services as plans
    from saisei.plans.demo import _decide

    objects, users = context.objects, context.users
    officer, staff, secretariat = users["officer"], users["staff"], users["secretariat"]
    regulator = users["regulator"]
    today = legal_today()
    filed = add_years(today, -2) - timedelta(days=100)

    plan = plans.plan_create(
        institution=objects["institution"],
        actor=officer,
        content={
            "title": "架空 多血小板血漿(PRP)の膝関節内投与(報告デモ)",
            "title_en": "Platelet-rich plasma into the knee joint, reporting demo (fictional)",
            "therapy": "prp",
            "plan_type": "treatment",
            "target_disease": "変形性膝関節症",
            "description": "自己血から調製したPRPを膝関節内に投与する。架空のデモデータです。",
            "class_reasons": "非相同利用のため第二種 (fictional)",
            "responsible_physician": "架空 医師 (fictional)",
        },
        answers=PRP_JOINT,
        criteria=[
            {
                "measure": "膝痛VASの改善率(%) / knee pain VAS improvement (%)",
                "method": "視覚的アナログスケール / visual analogue scale",
                "time_point": "3か月 / 3 months",
                "success_threshold": "30%以上の改善 / at least 30% improvement",
                "threshold_operator": ">=",
                "threshold_value": "30",
            }
        ],
        facility_ids=[objects["third_party_facility"].pk],
        committee=objects["committee"],
    )
    plans.plan_submit(plan=plan, actor=officer)
    _decide(plan, objects["committee_members"], secretariat, held_on=filed - timedelta(days=14))
    plans.plan_file(plan=plan, actor=officer, filed_on=filed)
    plans.plan_accept(plan=plan, actor=regulator, plan_number="DEMO-R001")
    plan.refresh_from_db()
    facility = objects["third_party_facility"]
    criterion = plan.criteria.get()

    # Year 1: eight patients, seven measured at three months.
    for n, value in enumerate(FIRST_YEAR_OUTCOMES):
        treated = filed + timedelta(days=20 + 35 * n)
        t = services.treatment_record(
            plan=plan,
            patient_code=f"HN-{n + 1:04d}",
            treated_on=treated,
            facility=facility,
            lot=f"PRP-{treated:%y%m%d}",
            actor=staff,
            today=today,
        )
        if value is not None:
            services.outcome_record(
                treatment=t,
                criterion=criterion,
                measured_on=treated + timedelta(days=91),
                value=Decimal(value),
                actor=staff,
                today=today,
            )
    # Year 2: five patients, not all measured yet.
    start2, _end2 = period_bounds("periodic_report", filed, 2)
    for n in range(5):
        treated = start2 + timedelta(days=15 + 40 * n)
        t = services.treatment_record(
            plan=plan,
            patient_code=f"HN-{n + 101:04d}",
            treated_on=treated,
            facility=facility,
            lot=f"PRP-{treated:%y%m%d}",
            actor=staff,
            today=today,
        )
        if n < 3:
            services.outcome_record(
                treatment=t,
                criterion=criterion,
                measured_on=treated + timedelta(days=90),
                value=Decimal(25 + 7 * n),
                actor=staff,
                today=today,
            )

    # A mild event, reported with the other events of its 60-day period, on time.
    mild_on = filed + timedelta(days=25)
    services.adverse_event_record(
        plan=plan,
        patient_code="HN-0001",
        learned_on=mild_on,
        category="non_serious",
        description="投与部位の腫脹 / swelling at the injection site (fictional)",
        outcome="recovered",
        causality="related",
        actor=staff,
        today=today,
    )
    cycle = services.ae_cycle_period(plan, mild_on)
    _cycle_start, cycle_end = period_bounds("ae_other_cycle", filed, cycle)
    services.adverse_event_report_file(
        plan=plan,
        period=cycle,
        recipient="committee",
        reported_on=cycle_end + timedelta(days=4),
        summary="60日間の非重篤な疾病等 1件 (fictional)",
        actor=officer,
        today=today,
    )
    # A hospitalisation: to the committee on time, to the Regional Bureau late.
    hosp_on = today - timedelta(days=200)
    hosp = services.adverse_event_record(
        plan=plan,
        patient_code="HN-0103",
        learned_on=hosp_on,
        category="hospitalisation",
        description="投与後の関節炎による入院 / admitted with arthritis (fictional)",
        outcome="recovered",
        causality="possibly_related",
        actor=officer,
        today=today,
    )
    services.adverse_event_report_file(
        plan=plan,
        event=hosp,
        recipient="committee",
        reported_on=hosp_on + timedelta(days=9),
        summary="入院1件の報告 (fictional)",
        actor=officer,
        today=today,
    )
    services.adverse_event_report_file(
        plan=plan,
        event=hosp,
        recipient="regional_bureau",
        reported_on=hosp_on + timedelta(days=24),
        summary="入院1件の報告(遅延) (fictional)",
        actor=officer,
        today=today,
    )
    # A serious case whose 15th day is a national holiday: the committee's report is due that
    # day (its rules record no closed days), the Bureau's on the next open day. The committee
    # had it the day before; the Bureau on its own last day, after the holiday.
    other_on = _learned_before_a_holiday(today)
    other = services.adverse_event_record(
        plan=plan,
        patient_code="HN-0102",
        learned_on=other_on,
        category="other_serious",
        description="投与後の高熱による救急受診 / emergency visit with high fever (fictional)",
        outcome="recovered",
        causality="possibly_related",
        actor=officer,
        today=today,
    )
    to_bureau = due_date("ae_serious", other_on, to="regional_bureau")
    services.adverse_event_report_file(
        plan=plan,
        event=other,
        recipient="committee",
        reported_on=to_bureau.nominal_due - timedelta(days=1),
        summary="重篤な症例1件の報告 (fictional)",
        actor=officer,
        today=today,
    )
    services.adverse_event_report_file(
        plan=plan,
        event=other,
        recipient="regional_bureau",
        reported_on=to_bureau.due,
        summary="重篤な症例1件の報告 (fictional)",
        actor=officer,
        today=today,
    )
    # A case that may lead to death: reported to the committee, not yet to the Regional Bureau
    # (overdue).
    severe_on = today - timedelta(days=20)
    severe = services.adverse_event_record(
        plan=plan,
        patient_code="HN-0104",
        learned_on=severe_on,
        category="life_threatening",
        description="投与後の敗血症性ショック / septic shock after injection (fictional)",
        outcome="recovering",
        causality="possibly_related",
        actor=officer,
        today=today,
    )
    services.adverse_event_report_file(
        plan=plan,
        event=severe,
        recipient="committee",
        reported_on=severe_on + timedelta(days=3),
        summary="重篤な症例1件の報告 (fictional)",
        actor=officer,
        today=today,
    )

    # The first year's report: submitted to the committee on time, its opinion given, then
    # filed with the Regional Bureau late (after the 90 days, whatever days are closed).
    _start1, end1 = period_bounds("periodic_report", filed, 1)
    report = services.periodic_report_generate(
        plan=plan, period=1, actor=officer, today=end1 + timedelta(days=10)
    )
    services.periodic_report_submit(
        report=report, actor=officer, today=end1 + timedelta(days=12), **YEAR_ONE_ITEMS
    )
    services.periodic_report_review(
        report=report,
        continuation="continue",
        opinion="評価基準に照らし継続して差し支えない (fictional)",
        actor=secretariat,
        today=end1 + timedelta(days=40),
    )
    services.periodic_report_file(
        report=report,
        filed_on=end1 + timedelta(days=110),
        actor=officer,
        today=end1 + timedelta(days=110),
    )
    # The second year's: submitted to the committee on time and reviewed, with a condition,
    # but not yet filed with the Bureau, whose 90 days have passed (overdue).
    _start2, end2 = period_bounds("periodic_report", filed, 2)
    report2 = services.periodic_report_generate(
        plan=plan, period=2, actor=officer, today=end2 + timedelta(days=5)
    )
    services.periodic_report_write(report=report2, actor=officer, **YEAR_TWO_ITEMS)
    services.periodic_report_submit(report=report2, actor=officer, today=end2 + timedelta(days=30))
    services.periodic_report_review(
        report=report2,
        continuation="continue_with_changes",
        opinion="3か月時点の評価が未了の症例を次回報告までに評価すること (fictional)",
        actor=secretariat,
        today=end2 + timedelta(days=60),
    )

    result = obligations_tick(today=today)
    # The clinic's in-house processing facility filed its yearly reports with the Regional
    # Bureau (outside Saisei): the first ones on time, one late; the latest is still due.
    in_house = objects["in_house_facility"]
    facility_duties = Obligation.objects.filter(
        rule="cpc_periodic_report", subject_id=str(in_house.pk), due_on__lt=today
    ).order_by("period")
    for duty in list(facility_duties)[:-1]:
        late = duty.period == 2
        obligation_record_filing(
            obligation=duty,
            filed_on=duty.due_on + timedelta(days=12 if late else -5),
            reference=f"KANTO-CPC-{duty.period:03d} (fictional)",
            actor=officer,
            today=today,
        )
    context.objects["reporting_plan"] = plan
    context.lines.append(
        f"reporting: plan {plan.pk} filed {filed}; tick created {result.created}, "
        f"marked {result.marked_overdue} overdue"
    )


_HOLIDAYS = (
    ClosedDayKind.NATIONAL_HOLIDAY,
    ClosedDayKind.SUBSTITUTE_HOLIDAY,
    ClosedDayKind.CITIZENS_HOLIDAY,
)


def _learned_before_a_holiday(today: date) -> date:
    """The latest day, 30 to 400 days ago, whose serious-event report falls due (15 days on) on
    a national holiday, where the committee's date and the Bureau's differ; there is always one
    (Japan has over a dozen holidays a year)."""
    for back in range(30, 401):
        learned = today - timedelta(days=back)
        nominal = learned + timedelta(days=15)
        if any(reason.kind in _HOLIDAYS for reason in closed_reasons(nominal)):
            return learned
    raise AssertionError("no national holiday in 400 days")
