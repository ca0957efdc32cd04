from __future__ import annotations

import pytest
from django.core.management import call_command

from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Order, Plan
from saisei.registry.models import Committee, Institution, ProcessingFacility

pytestmark = pytest.mark.django_db


def test_the_demo_has_a_plan_in_every_status_and_everything_is_fictional() -> None:
    call_command("demo", "--quiet")
    assert set(Plan.objects.values_list("status", flat=True)) == set(PlanStatus.values)
    assert Order.objects.filter(lifted_on__isnull=True).count() == 1
    for model in (Institution, Committee, ProcessingFacility):
        objects = list(model.objects.all())
        assert objects, model
        for obj in objects:
            assert "架空" in obj.name
    assert all("架空" in p.title and "fictional" in p.title_en for p in Plan.objects.all())
    assert ProcessingFacility.objects.filter(operator_institution__isnull=True).exists()
