"""The law engine's words on plan pages in the page's language: the classification path, what
decided the class, and when a Class I plan may be provided."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine

from saisei.law.text_ja import QUESTIONS_JA
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from tests.plans.test_pages import form_data

pytestmark = pytest.mark.django_db
S = PlanStatus


def test_the_class_check_reads_in_japanese_on_a_japanese_page(world, client_for) -> None:
    client = client_for("officer")
    data = {**form_data(world), "check": "1"}
    ja = client.post("/plans/new/", data, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert QUESTIONS_JA["rule8.homologous"] in ja
    assert "ルール8:非相同利用" in ja
    assert "homologous use" not in ja
    assert "いいえ" in ja  # answers are words, not True/False
    en = client.post("/plans/new/", data, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Are the cells used for the same function" in en
    assert "rule 8: non-homologous use" in en
    assert "False" not in en and ">No<" in en


def test_a_stored_path_and_the_deciding_rule_read_in_each_language(world, client_for) -> None:
    plan = world.plan_in(S.ACTIVE)
    public = client_for(None).get(f"/plans/verify/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
    html = public.content.decode()
    assert "ルール6:培養した幹細胞" in html
    assert "(rm.class2.cultured_stem)" not in html  # the id is for machines
    detail = client_for("officer").get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
    assert QUESTIONS_JA["rule6.cultured_stem"] in detail.content.decode()


@pytest.mark.registry_on(date(2026, 4, 1))
def test_the_class_one_restriction_is_explained_in_both_languages(world, client_for) -> None:
    with time_machine.travel(date(2026, 4, 1), tick=False):
        plan = world.plan_in(S.RESTRICTED, "I")
        client = client_for("officer")
        ja = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        en = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "2026-06-30から提供できます:2026-04-01を1日目として91日目" in ja
    assert "Allowed from 2026-06-30: day 91 counting 2026-04-01 as day 1" in en
    with time_machine.travel(date(2026, 5, 1), tick=False):
        services.plan_restriction_extend(
            plan=plan, actor=world.personas.regulator, until=date(2026, 9, 1), reason="審議会"
        )
        client = client_for("officer")  # a new sign-in: the first session has expired
        ja = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    # The explanation follows the extension instead of keeping the old date.
    assert "2026-09-01から提供できます:厚生労働大臣が2026-05-01に" in ja
    assert "2026-06-30から提供できます" not in ja
