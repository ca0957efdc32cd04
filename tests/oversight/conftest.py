"""The oversight tests' world: the demo, plus rows that give every figure of the dashboard
something to count in more than one place and on more than one day.

The demo has plans at a Tokyo clinic and an Osaka hospital, a third-party facility in Saitama
with no account, adverse events, a periodic report and an order. Added here, as rows (the
figures read rows; the services that write them have their own tests): duties of every state on
today and on a day months ago, among them one met only after that day, one waived and one owed
by a facility with no account; more adverse events of each seriousness with their report
duties; periodic reports sent and not sent, inside and outside the window; a lifted order.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.support.shared import rolled_back

TOKYO = "demo-hinata-clinic"
OSAKA = "demo-tsukimi-hospital"


@dataclass
class OversightWorld:
    today: date
    past: date  # a day months ago: the dated figures differ there


def _duty(**fields: Any) -> Any:
    from saisei.obligations.models import Obligation

    fields.setdefault("nominal_due", fields["due_on"])
    fields.setdefault("starts_on", fields["due_on"] - timedelta(days=10))
    fields.setdefault("subject_label", "oversight test duty")
    fields.setdefault("explanation", {})
    return Obligation.objects.create(**fields)


def _extras(today: date) -> OversightWorld:
    from saisei.accounts.models import User
    from saisei.plans.models import Order, Plan
    from saisei.registry.models import Institution, ProcessingFacility
    from saisei.reporting.models import AdverseEvent, PeriodicReport

    past = today - timedelta(days=150)
    tokyo = Institution.objects.get(organisation__slug=TOKYO)
    osaka = Institution.objects.get(organisation__slug=OSAKA)
    regulator = User.objects.get(username="regulator")
    plan = Plan.objects.get(plan_number="DEMO-R001")
    osaka_plan = Plan.objects.filter(institution=osaka, status="discontinued").first()
    assert osaka_plan is not None
    third_party = ProcessingFacility.objects.get(operator_institution__isnull=True, domestic=True)

    # Duties of each state, on today and on `past`, at both institutions.
    for org, subject in ((tokyo.organisation, plan), (osaka.organisation, osaka_plan)):
        common = {
            "organisation": org,
            "subject_type": "plans.plan",
            "subject_id": str(subject.pk),
            "recipient": "committee",
        }
        _duty(
            rule="minor_change",
            due_on=today - timedelta(days=20),
            status="met",
            met_on=today - timedelta(days=25),
            **common,
        )
        _duty(
            rule="minor_change",
            due_on=today - timedelta(days=30),
            status="met_late",
            met_on=today - timedelta(days=3),
            **common,
        )
        _duty(rule="discontinuation", due_on=today - timedelta(days=5), status="overdue", **common)
        # Overdue since long before the window: counted as overdue whatever its age.
        _duty(
            rule="discontinuation", due_on=today - timedelta(days=900), status="overdue", **common
        )
        # Due on `past`'s window, met only after `past`: overdue on `past`, late today.
        _duty(
            rule="minor_change",
            due_on=past - timedelta(days=40),
            status="met_late",
            met_on=past + timedelta(days=20),
            **common,
        )
        # Due before `past`'s window and met after `past`: overdue on `past` only.
        _duty(
            rule="minor_change",
            due_on=past - timedelta(days=500),
            status="met_late",
            met_on=past + timedelta(days=3),
            **common,
        )
        # Waived, and due ahead: neither is counted.
        _duty(
            rule="minor_change",
            due_on=today - timedelta(days=8),
            status="waived",
            waived_reason="test waiver",
            **common,
        )
        _duty(rule="minor_change", due_on=today + timedelta(days=8), status="open", **common)
        _duty(rule="minor_change", due_on=today, status="open", **common)
    # A duty of a facility with no account: it belongs to the facility's prefecture.
    _duty(
        rule="cpc_change_notice",
        organisation=None,
        subject_type="registry.processingfacility",
        subject_id=str(third_party.pk),
        recipient="regional_bureau",
        due_on=today - timedelta(days=12),
        status="overdue",
    )

    # Adverse events of each seriousness, learned of on several days, with their report duties.
    template = AdverseEvent.objects.filter(plan=plan).first()
    assert template is not None
    days = (today - timedelta(days=3), today - timedelta(days=60), past - timedelta(days=10))
    for n, (category, learned) in enumerate(
        [
            ("death", days[0]),
            ("life_threatening", days[1]),
            ("hospitalisation", days[0]),
            ("other_serious", days[2]),
            ("non_serious", days[1]),
            ("disability", days[2]),
        ]
    ):
        for target in (plan, osaka_plan):
            event = AdverseEvent.objects.create(
                plan=target,
                patient_code=f"OV-{n}-{target.pk}",
                learned_on=learned,
                category=category,
                description="oversight test event",
                outcome="recovering",
                causality="possible",
                recorded_by=template.recorded_by,
            )
            if category == "non_serious":
                continue
            rule = "ae_death" if category in ("death", "life_threatening") else "ae_serious"
            limit = 7 if rule == "ae_death" else 15
            due = learned + timedelta(days=limit)
            for k, recipient in enumerate(("committee", "regional_bureau")):
                met_on = None if (n + k) % 3 == 0 else learned + timedelta(days=(n + k) * 4)
                met_on = met_on if met_on is None or met_on <= today else None
                status = "open" if met_on is None else ("met" if met_on <= due else "met_late")
                _duty(
                    rule=rule,
                    organisation=target.institution.organisation,
                    subject_type="reporting.adverseevent",
                    subject_id=str(event.pk),
                    recipient=recipient,
                    starts_on=learned,
                    due_on=due,
                    status=status,
                    met_on=met_on,
                )

    # Periodic reports: sent ones in the window count; a draft and an old one do not.
    reference = PeriodicReport.objects.filter(plan=plan).first()
    assert reference is not None
    for k, (status, end, cases, deaths, hosp) in enumerate(
        [
            ("submitted", today - timedelta(days=40), 400, 1, 3),
            ("filed", past - timedelta(days=20), 600, 0, 2),
            ("draft", today - timedelta(days=10), 1000, 5, 5),
            ("filed", today - timedelta(days=800), 900, 4, 4),
        ]
    ):
        PeriodicReport.objects.create(
            plan=osaka_plan,
            period=100 + k,
            period_start=end - timedelta(days=364),
            period_end=end,
            status=status,
            generated_at=reference.generated_at,
            created_by=reference.created_by,
            figures={
                "cases": cases,
                "patients": cases // 2,
                "adverse_events": {"death": deaths, "hospitalisation": hosp},
            },
        )
    # Orders: one lifted between `past` and today, one issued after `past`.
    Order.objects.create(
        kind="improvement",
        target_kind="institution",
        target_institution=osaka,
        reason="test",
        issued_on=past - timedelta(days=30),
        issued_by=regulator,
        lifted_on=past + timedelta(days=30),
        lifted_by=regulator,
        lift_reason="test",
    )
    Order.objects.create(
        kind="improvement",
        target_kind="facility",
        target_facility=third_party,
        reason="test",
        issued_on=past + timedelta(days=1),
        issued_by=regulator,
    )
    return OversightWorld(today=today, past=past)


@pytest.fixture(scope="module")
def oversight_world(django_db_setup: None, django_db_blocker: Any) -> Iterator[OversightWorld]:
    from saisei.core.time import legal_today

    with (
        rolled_back(django_db_blocker),
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        call_command("demo", "--quiet", stdout=io.StringIO())
        yield _extras(legal_today())


@pytest.fixture
def world(oversight_world: OversightWorld, db: None) -> OversightWorld:
    return oversight_world
