"""A processing facility's public page: the public plans whose cells it processes and the orders
against it, from plans (through saisei.registry.sections), in both languages; no draft."""

from __future__ import annotations

from django.test import Client

from saisei.plans.lifecycle import S
from saisei.plans.models import OrderKind, OrderTarget
from saisei.plans.services import order_issue
from tests.support.world import World


def test_the_facility_page_names_its_plans_and_orders_but_no_draft(world: World) -> None:
    active = world.plan_in(S.ACTIVE, content={"title": "架空 加工を委託する計画 (fictional)"})
    world.plan_in(S.DRAFT, content={"title": "架空 下書きの計画 (fictional)"})
    order_issue(
        actor=world.personas.regulator,
        kind=OrderKind.IMPROVEMENT,
        target_kind=OrderTarget.FACILITY,
        target=world.facility,
        reason="架空 施設への改善命令 (fictional)",
    )
    url = f"/registry/facilities/{world.facility.pk}/"
    ja = Client().get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert f'href="/plans/verify/{active.pk}/"' in ja
    assert "架空 加工を委託する計画 (fictional)" in ja
    assert "下書きの計画" not in ja
    assert "架空 施設への改善命令 (fictional)" in ja
    en = Client().get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Plans whose cells it processes" in en
    assert f'href="/registry/institutions/{world.institution.pk}/"' in en
