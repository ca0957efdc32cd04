from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
import time_machine
from django.core.management import call_command

from saisei.audit.models import AuditEvent
from saisei.plans.lifecycle import PlanStatus

pytestmark = pytest.mark.django_db


@pytest.mark.registry_on(date(2026, 4, 1))
def test_the_daily_command_releases_restrictions_that_have_ended(world) -> None:
    with time_machine.travel(date(2026, 4, 1), tick=False):
        plan = world.plan_in(PlanStatus.RESTRICTED, "I")
    out = StringIO()
    with time_machine.travel(date(2026, 6, 29), tick=False):
        call_command("plans-release-restrictions", stdout=out)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.RESTRICTED
    with time_machine.travel(date(2026, 6, 30), tick=False):
        call_command("plans-release-restrictions", stdout=out)
        call_command("plans-release-restrictions", stdout=out)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.ACTIVE
    assert "released 1 plan(s) on 2026-06-30" in out.getvalue()
    event = AuditEvent.objects.get(action="plans.plan.restriction_ended")
    assert event.actor_label == "system:plans-release-restrictions"
