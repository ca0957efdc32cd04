"""An institution's public page: its facts from the registry, its filed plans and the orders
against it from plans (contributed through saisei.registry.sections, which the registry reads
without importing plans)."""

from __future__ import annotations

from django.test import Client

from saisei.plans.lifecycle import S
from saisei.plans.models import OrderKind, OrderTarget
from saisei.plans.services import order_issue
from saisei.registry import sections
from tests.support.world import World


def test_the_public_page_lists_the_filed_plans_and_orders_but_no_draft(world: World) -> None:
    active = world.plan_in(S.ACTIVE, content={"title": "架空 公開される計画 (fictional)"})
    world.plan_in(S.DRAFT, content={"title": "架空 下書きの計画 (fictional)"})
    order_issue(
        actor=world.personas.regulator,
        kind=OrderKind.IMPROVEMENT,
        target_kind=OrderTarget.INSTITUTION,
        target=world.institution,
        reason="架空 改善命令の理由 (fictional)",
    )

    page = Client().get(
        f"/registry/institutions/{world.institution.pk}/", HTTP_ACCEPT_LANGUAGE="ja"
    )

    assert page.status_code == 200
    body = page.content.decode()
    assert "架空 公開される計画 (fictional)" in body
    assert f'href="/plans/verify/{active.pk}/"' in body
    assert "架空 下書きの計画 (fictional)" not in body
    assert "架空 改善命令の理由 (fictional)" in body
    assert [plan.pk for plan in page.context["plans"]] == [active.pk]


def test_the_plans_app_contributes_its_section_once() -> None:
    from saisei.plans import registry_sections

    registry_sections.register()  # a second ready() (the test runner's) replaces, not repeats
    assert {"plans": registry_sections.institution_section} == sections.institution._sections
