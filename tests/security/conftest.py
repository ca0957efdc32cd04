"""The demo, with patient-level data at both fictional institutions, for the security walks.

The demo records patients only at Hinata (codes HN-…); Tsukimi gets a plan of its own here,
active since 40 days ago, with a treatment, an outcome and a serious adverse event under a code
no one else could guess, so a leak in either direction shows.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

HINATA = "demo-hinata-clinic"
TSUKIMI = "demo-tsukimi-hospital"
TSUKIMI_CODE = "TK-WALK-0777"

# The institution each institution persona belongs to; every other persona belongs to none.
INSTITUTION_OF = {"officer": HINATA, "staff": HINATA, "other-officer": TSUKIMI}
PERSONAS: list[str | None] = [
    None,
    "officer",
    "staff",
    "other-officer",
    "secretariat",
    "member",
    "regulator",
    "holder",
]


@dataclass
class PatientWorld:
    hinata_plan: Any  # the demo's reporting plan (DEMO-R001)
    tsukimi_plan: Any
    tsukimi_event: Any

    def user(self, username: str) -> Any:
        from saisei.accounts.models import User

        return User.objects.get(username=username)


def patient_codes_by_institution() -> dict[str, set[str]]:
    from saisei.reporting.models import AdverseEvent, Treatment

    codes: dict[str, set[str]] = {}
    for model in (Treatment, AdverseEvent):
        for slug, code in model.objects.values_list(
            "plan__institution__organisation__slug", "patient_code"
        ):
            codes.setdefault(slug, set()).add(code)
    return codes


def forbidden_codes(persona: str | None, codes: dict[str, set[str]]) -> set[str]:
    """Every patient code the persona must never meet: all but its own institution's."""
    own = INSTITUTION_OF.get(persona or "")
    return set().union(*(c for slug, c in codes.items() if slug != own))


def _tsukimi_plan(world_today: Any) -> tuple[Any, Any]:
    from saisei.accounts.models import User
    from saisei.plans import services as plans
    from saisei.plans.demo import _decide
    from saisei.registry.models import Committee, Institution, ProcessingFacility
    from saisei.reporting import services as reporting
    from saisei.reporting.demo import PRP_JOINT

    officer = User.objects.get(username="other-officer")
    secretariat = User.objects.get(username="secretariat")
    regulator = User.objects.get(username="regulator")
    committee = Committee.objects.get(organisation__slug="demo-kasumi-committee")
    facility = ProcessingFacility.objects.get(number="FA3999001")
    filed = world_today - timedelta(days=40)
    plan = plans.plan_create(
        institution=Institution.objects.get(organisation__slug=TSUKIMI),
        actor=officer,
        content={
            "title": "架空 つきみ PRP 膝関節内投与 (fictional)",
            "title_en": "Tsukimi PRP into the knee (fictional)",
            "therapy": "prp",
            "plan_type": "treatment",
            "target_disease": "変形性膝関節症",
            "description": "架空のデモデータです。",
            "class_reasons": "非相同利用のため第二種 (fictional)",
            "responsible_physician": "架空 医師 (fictional)",
        },
        answers=PRP_JOINT,
        criteria=[
            {
                "measure": "VAS (%)",
                "method": "VAS",
                "time_point": "1 month",
                "success_threshold": ">= 30",
                "threshold_operator": ">=",
                "threshold_value": "30",
            }
        ],
        facility_ids=[facility.pk],
        committee=committee,
    )
    plans.plan_submit(plan=plan, actor=officer)
    members = list(committee.members.filter(is_active=True))
    _decide(plan, members, secretariat, held_on=filed - timedelta(days=7))
    plans.plan_file(plan=plan, actor=officer, filed_on=filed)
    plans.plan_accept(plan=plan, actor=regulator, plan_number="WALK-TSUKIMI-1")
    plan.refresh_from_db()
    treatment = reporting.treatment_record(
        plan=plan,
        patient_code=TSUKIMI_CODE,
        treated_on=filed + timedelta(days=5),
        facility=facility,
        lot="WALK-LOT",
        actor=officer,
    )
    reporting.outcome_record(
        treatment=treatment,
        criterion=plan.criteria.get(),
        measured_on=filed + timedelta(days=35),
        value=Decimal("41"),
        actor=officer,
    )
    event = reporting.adverse_event_record(
        plan=plan,
        patient_code=TSUKIMI_CODE,
        learned_on=world_today - timedelta(days=2),
        category="hospitalisation",
        description="投与後の発熱による入院 / admitted with fever (fictional)",
        outcome="recovering",
        causality="possibly_related",
        treatment=treatment,
        actor=officer,
    )
    reporting.adverse_event_report_file(
        plan=plan,
        event=event,
        recipient="committee",
        reported_on=world_today - timedelta(days=1),
        summary="入院1件の報告 (fictional)",
        actor=officer,
    )
    return plan, event


@pytest.fixture(scope="module")
def patient_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[PatientWorld]:
    """Built once for the module inside a transaction rolled back at its end; each test's own
    writes roll back to it (its `db` savepoint)."""
    from saisei.core.time import legal_today
    from saisei.plans.models import Plan

    with (
        django_db_blocker.unblock(),
        # The demo's accounts get real passwords; a fast hasher keeps the build quick.
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("demo", "--quiet", stdout=io.StringIO())
            tsukimi_plan, event = _tsukimi_plan(legal_today())
            yield PatientWorld(
                hinata_plan=Plan.objects.get(plan_number="DEMO-R001"),
                tsukimi_plan=tsukimi_plan,
                tsukimi_event=event,
            )
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def world(patient_world: PatientWorld, db: None) -> PatientWorld:
    """The module's patient world, in a test's own transaction."""
    return patient_world
