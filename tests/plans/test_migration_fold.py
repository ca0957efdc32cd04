"""Migration plans 0013 on a database written before: a listed committee's founder key and a plan
number in full-width characters are written as the code now reads them."""

from __future__ import annotations

import importlib
from datetime import date
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection

from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import ListedCommittee, ListedPlan, Plan, PublicPlan
from saisei.plans.reference import COMMITTEES_SAMPLE, SAMPLE
from saisei.plans.services.public_list import public_committees_import, public_plans_import
from saisei.registry.names import founder_key

pytestmark = pytest.mark.django_db
MIGRATION = importlib.import_module("saisei.plans.migrations.0013_fold_keys_and_plan_numbers")


def test_the_keys_and_numbers_written_before_are_folded(personas) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    for data, run in ((SAMPLE, public_plans_import), (COMMITTEES_SAMPLE, public_committees_import)):
        run(
            data=data.read_bytes(),
            file_name="list.tsv",
            listed_on=date(2026, 9, 1),
            actor=None,
            system="test",
        )
    committee = ListedCommittee.objects.first()
    assert committee is not None
    # As an older release wrote them: the founder unfolded, a number typed in full width.
    ListedCommittee.objects.filter(pk=committee.pk).update(
        founder="医療法人髙橋会", founder_key="医療法人髙橋会"
    )
    plan = world.plan_in(PlanStatus.ACTIVE)
    Plan.objects.filter(pk=plan.pk).update(plan_number="０２ｂ２５１１００１")  # noqa: RUF001
    # The migration reads only the editor's connection (a schema editor cannot open inside the
    # test's transaction on SQLite).
    MIGRATION.fold(apps, SimpleNamespace(connection=connection))
    committee.refresh_from_db()
    assert committee.founder_key == founder_key("医療法人高橋会")
    plan.refresh_from_db()
    assert plan.plan_number == "02B2511001"
    assert ListedPlan.objects.get(plan_number="02B2511001").plan_id == plan.pk
    [row] = PublicPlan.objects.filter(plan_number="02B2511001")
    assert row.plan_id == plan.pk
