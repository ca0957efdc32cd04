"""End the Class I restriction of every plan whose restriction day has come.

Run daily (for example from cron). Idempotent: a plan already released is not touched.
plan_may_provide() does not depend on this command; it only keeps the status current.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from saisei.core.time import legal_today
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Plan
from saisei.plans.services import plan_restriction_release


class Command(BaseCommand):
    help = "Move Class I plans from 'restricted' to 'active' once the 90-day restriction ends."

    def handle(self, *args: Any, **options: Any) -> None:
        on = legal_today()
        due = Plan.objects.filter(
            status=PlanStatus.RESTRICTED, provision_allowed_from__lte=on
        ).order_by("pk")
        released = 0
        for plan in due:
            plan_restriction_release(
                plan=plan, actor=None, on=on, system="plans-release-restrictions"
            )
            released += 1
        self.stdout.write(f"released {released} plan(s) on {on.isoformat()}")
