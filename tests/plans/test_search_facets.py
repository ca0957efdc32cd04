"""The public search's facets of what a plan treats and of the orders that reach it: the kind of
condition read from the real list's treatment names, counted and filtered in the page and the API,
and each plan's order record kept in step with the orders issued and lifted, as its verification
page names them."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache

from saisei.plans import search, selectors, services
from saisei.plans.conditions import condition_of
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Condition, OrderRecord, PlanFacility, PublicPlan
from saisei.plans.reference import SAMPLE
from saisei.plans.services.public_list import public_plans_import

S = PlanStatus
pytestmark = pytest.mark.django_db

KNEE = {
    "title": "架空 ひざ関節PRP療法 (fictional)",
    "title_en": "Knee joint PRP therapy (fictional)",
    "therapy": "prp",
    "target_disease": "変形性膝関節症",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _import_sample() -> None:
    public_plans_import(
        data=SAMPLE.read_bytes(),
        file_name="list.tsv",
        listed_on=date(2026, 9, 1),
        actor=None,
        system="test",
    )


# Every row of the real sample, by plan number, and what it treats.
SAMPLE_CONDITIONS = {
    "01A2507002": Condition.HEART,  # 動脈硬化に対する…抗加齢治療: its stated target first
    "02A2606001": Condition.JOINTS,  # 慢性関節炎
    "03A2605009": Condition.NERVES,  # 神経変性疾患
    "03A2605007": Condition.NERVES,  # 脳卒中
    "01A2603003": Condition.JOINTS,  # 変形性関節症
    "03A2604002": Condition.JOINTS,
    "02A2602001": Condition.SKIN,  # 皮膚再生
    "02A2605006": Condition.NERVES,  # 脊髄損傷
    "02A2605011": Condition.PAIN,  # 慢性疼痛
    "03A2508004": Condition.JOINTS,
    "01A2312003": Condition.JOINTS,
    "03A2505012": Condition.JOINTS,  # 膝関節における軟骨欠損
    "03A2505008": Condition.NERVES,
    "02A2210001": Condition.NERVES,  # 脳卒中後遺症
    "01B2304001": Condition.FERTILITY,  # 卵巣
    "02B2511001": Condition.JOINTS,
    "03A2604001": Condition.MUSCLES,  # 筋肉、腱、靭帯…(関節外の軟部組織): not a joint
    "01A2409004": Condition.MUSCLES,
    "03A2306002": Condition.MOUTH,  # 口腔内組織
    "03A2307002": Condition.MOUTH,
    "02A2605012": Condition.CANCER,  # 悪性腫瘍の予防
    "02A2406001": Condition.SKIN,  # 皮膚の再生および創傷治癒
    "03A2505004": Condition.SKIN,  # 豊胸術
    "03A2601002": Condition.MUSCLES,  # スポーツ外傷を含む筋、腱、靱帯損傷
    "01A2408001": Condition.CANCER,  # がんの治療
    "01A2310001": Condition.MOUTH,  # 顎骨再生術又は歯周組織再生術
    "03B2412003": Condition.MOUTH,
    "02B2001004": Condition.MOUTH,
    "03B2406004": Condition.MOUTH,
    "01B2405002": Condition.MOUTH,
}


def test_each_treatment_of_the_real_list_is_counted_under_what_it_treats() -> None:
    _import_sample()
    rows = dict(PublicPlan.objects.values_list("plan_number", "condition"))
    assert rows == SAMPLE_CONDITIONS
    facets = selectors.public_plan_facets()
    expected: dict[str, int] = {}
    for kind in SAMPLE_CONDITIONS.values():
        expected[kind] = expected.get(kind, 0) + 1
    assert facets["condition"] == expected
    joints = {number for number, kind in SAMPLE_CONDITIONS.items() if kind == Condition.JOINTS}
    found = {row["plan_number"] for row in selectors.public_plan_search(condition="joints")}
    assert found == joints
    # Narrowed by another facet, the counts follow.
    hokkaido_mouth = selectors.public_plan_facets(prefecture="01")["condition"]["mouth"]
    assert hokkaido_mouth == 3


@pytest.mark.parametrize(
    ("texts", "kind"),
    [
        (("Knee osteoarthritis",), Condition.JOINTS),
        (("", "Hair loss (AGA)"), Condition.HAIR),
        (("薄毛",), Condition.HAIR),
        (("パーキンソン病",), Condition.NERVES),  # katakana matched as hiragana
        (("ｐａｒｋｉｎｓｏｎ",), Condition.NERVES),  # noqa: RUF001 - full-width on purpose
        (("慢性心不全",), Condition.HEART),
        (("不妊症（着床不全）",), Condition.FERTILITY),  # noqa: RUF001 - as lists write it
        (("", "Anti-aging infusion"), Condition.SKIN),
        (("", "Imaging study"), Condition.OTHER),  # "aging" inside another word is no ageing
        (("疲労回復",), Condition.OTHER),
        # An English word starts a word: not "oral" in "temporal", "pain" in "Spain".
        (("Temporal lobe epilepsy",), Condition.OTHER),
        (("Fatigue after a trip to Spain",), Condition.OTHER),
        (("Cardiac repair",), Condition.HEART),
        # がん in hiragana is cancer; ガン in katakana is part of ガンマ.
        (("ガンマデルタT細胞療法",), Condition.OTHER),
        (("がんの再発予防",), Condition.CANCER),
        ((None, ""), Condition.OTHER),
    ],
)
def test_a_condition_is_read_from_the_disease_or_the_name(
    texts: tuple[str | None, ...], kind: str
) -> None:
    assert condition_of(*texts) == kind


def test_the_page_and_the_api_offer_the_new_facets_and_refuse_unknown_values(client) -> None:
    _import_sample()
    page = client.get("/plans/search/?condition=mouth", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "Plans found: 7" in html
    assert "What it treats" in html and "Mouth, teeth and jaw" in html
    assert "Reports and notices" in html
    # A plan known only from MHLW's list: its reporting is not known.
    assert "Not known (MHLW&#x27;s list says nothing of reporting)" in html
    ja = client.get("/plans/search/?condition=mouth", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "該当する計画:7件" in ja and "口腔・歯・顎" in ja
    api = client.get("/api/v1/public/plans?condition=mouth&orders=none").json()
    assert {item["condition"] for item in api["items"]} == {"mouth"}
    assert {(item["reporting"], item["orders"]) for item in api["items"]} == {("not_known", "none")}
    facets = client.get("/api/v1/public/plans/facets?q=sapporo").json()
    assert {f["value"] for f in facets["reporting"]} == {"not_known"}
    assert sum(f["count"] for f in facets["condition"]) == sum(
        f["count"] for f in facets["risk_class"]
    )
    for name in ("condition", "reporting", "orders"):
        refused = client.get(f"/api/v1/public/plans?{name}=nonsense")
        assert refused.status_code == 400, name
        assert [e["field"] for e in refused.json()["details"]["errors"]] == [name]
        assert client.get(f"/api/v1/public/plans/facets?{name}=nonsense").status_code == 400


def _record(plan: Any) -> str:
    return PublicPlan.objects.get(plan_id=plan.pk).orders


def _agrees(plan: Any) -> None:
    """The search's record says what the verification page lists."""
    orders = selectors.orders_for_plan(plan)
    if not orders:
        assert _record(plan) == OrderRecord.NONE
    elif any(order.in_force for order in orders):
        assert _record(plan) == OrderRecord.IN_FORCE
    else:
        assert _record(plan) == OrderRecord.LIFTED


def test_an_order_reaches_the_records_of_its_plans_and_leaves_them_lifted(world) -> None:
    regulator = world.personas.regulator
    plan = world.plan_in(S.ACTIVE, content=KNEE)
    other = world.plan_in(S.ACTIVE)
    _import_sample()
    listed = PublicPlan.objects.filter(plan__isnull=True).first()
    assert listed is not None
    assert _record(plan) == _record(other) == OrderRecord.NONE
    # An improvement order against the institution suspends nothing, yet reaches every plan
    # of it, those of MHLW's list included, and the plans' pages name it.
    order = services.order_issue(
        actor=regulator,
        kind="improvement",
        target_kind="institution",
        target=plan.institution,
        reason="Records incomplete (fictional)",
    )
    assert _record(plan) == OrderRecord.IN_FORCE
    assert order in selectors.orders_for_plan(plan)
    _agrees(plan)
    _agrees(other)
    in_force = {row["plan_id"] for row in selectors.public_plan_search(orders="in_force")}
    assert plan.pk in in_force
    assert selectors.public_plan_facets()["orders"][OrderRecord.IN_FORCE] == len(in_force)
    assert PublicPlan.objects.get(pk=listed.pk).orders == OrderRecord.NONE
    services.order_lift(order=order, actor=regulator, reason="Mended (fictional)")
    assert _record(plan) == OrderRecord.LIFTED
    _agrees(plan)
    _agrees(other)
    # A plan's own emergency order, on top: in force again, then lifted.
    emergency = services.order_issue(
        actor=regulator, kind="emergency", target_kind="plan", target=plan, reason="r"
    )
    assert _record(plan) == OrderRecord.IN_FORCE
    assert PublicPlan.objects.get(plan_id=plan.pk).status == S.SUSPENDED
    services.order_lift(order=emergency, actor=regulator, reason="r")
    assert _record(plan) == OrderRecord.LIFTED
    # Rewritten whole (a reindex), the records are the same.
    search.rebuild(system="test")
    assert _record(plan) == OrderRecord.LIFTED
    _agrees(other)


def test_an_order_against_a_facility_reaches_the_plans_it_processes_for(world) -> None:
    plan = world.plan_in(S.ACTIVE, content=KNEE)
    current = PlanFacility.objects.filter(plan=plan, is_current=True).select_related("facility")
    facility = current.first()
    assert facility is not None, "the demo plan names a processing facility"
    services.order_issue(
        actor=world.personas.regulator,
        kind="improvement",
        target_kind="facility",
        target=facility.facility,
        reason="Cleanroom records (fictional)",
    )
    assert _record(plan) == OrderRecord.IN_FORCE
    _agrees(plan)


def test_a_listed_plan_is_reached_by_an_order_against_its_institution(world, client) -> None:
    _import_sample()
    listed = PublicPlan.objects.filter(plan__isnull=True).select_related("institution").first()
    assert listed is not None
    services.order_issue(
        actor=world.personas.regulator,
        kind="improvement",
        target_kind="institution",
        target=listed.institution,
        reason="Consent forms missing (fictional)",
    )
    # Its page and the API name the order its record counts.
    page = client.get(f"/plans/listed/{listed.plan_number}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "Orders against its institution" in html and "Consent forms missing" in html
    api = client.get(f"/api/v1/public/listed-plans/{listed.plan_number}").json()
    assert [(o["kind"], o["target_kind"]) for o in api["orders"]] == [
        ("improvement", "institution")
    ]
    same = PublicPlan.objects.filter(institution_id=listed.institution_id)
    assert set(same.values_list("orders", flat=True)) == {OrderRecord.IN_FORCE}
    assert (
        PublicPlan.objects.exclude(institution_id=listed.institution_id)
        .exclude(orders=OrderRecord.NONE)
        .count()
        == 0
    )


def test_a_facility_a_change_adds_or_drops_brings_or_takes_its_order(world) -> None:
    """A notified change of facilities moves the plan into and out of a facility's order."""
    officer = world.personas.officer
    plan = world.plan_in(S.ACTIVE)
    in_house = world.objects["in_house_facility"]
    services.order_issue(
        actor=world.personas.regulator,
        kind="improvement",
        target_kind="facility",
        target=in_house,
        reason="Cleanroom records (fictional)",
    )
    assert _record(plan) == OrderRecord.NONE
    _agrees(plan)
    for facilities, expected in (
        ([world.facility.pk, in_house.pk], OrderRecord.IN_FORCE),
        ([world.facility.pk], OrderRecord.NONE),
    ):
        services.plan_change_propose(
            plan=plan, actor=officer, changes={"facility_ids": facilities}, reason="facilities"
        )
        world.decide(plan)
        services.plan_change_notify(plan=plan, actor=officer)
        plan.refresh_from_db()
        assert _record(plan) == expected
        _agrees(plan)


def test_the_records_are_updated_in_place_without_moving_the_text_index(world) -> None:
    """An order's record is written by UPDATE (search.refresh_orders): on SQLite the text
    index's update trigger fires only for a new text, and the text index still holds every
    row."""
    from django.db import connection

    plan = world.plan_in(S.ACTIVE, content=KNEE)
    services.order_issue(
        actor=world.personas.regulator,
        kind="improvement",
        target_kind="institution",
        target=plan.institution,
        reason="r",
    )
    assert _record(plan) == OrderRecord.IN_FORCE
    found = {row["plan_id"] for row in selectors.public_plan_search(q="ひざ関節")}
    assert plan.pk in found
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' "
                "AND tbl_name = 'plans_publicplan'"
            )
            triggers = dict(cursor.fetchall())
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")  # noqa: S608
            (indexed,) = cursor.fetchone()
        assert set(triggers) == {
            "plans_publicplan_fts_insert",
            "plans_publicplan_fts_delete",
            "plans_publicplan_fts_update",
        }
        assert "AFTER UPDATE OF search_text" in triggers["plans_publicplan_fts_update"]
        assert indexed == PublicPlan.objects.count()
