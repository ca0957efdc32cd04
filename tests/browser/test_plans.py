"""The whole path of a provision plan in the browser: an officer drafts and submits it (in
Japanese), the committee meets and approves (in English), the officer files it, the regulator
accepts it with a plan number, and the public page shows it in both languages."""

from __future__ import annotations

import pytest
from django.db import transaction

from saisei.accounts.personas import create_personas
from saisei.core.demo import DemoContext
from saisei.plans.models import Plan
from saisei.registry.demo import load_registry_demo

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "browser-test-password-2026"


def sign_in(context, base: str, username: str):
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(base + "/accounts/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit].primary").click()
    page.wait_for_load_state()
    return page


def test_a_plan_goes_from_draft_to_the_public_page(live_server, browser_context_factory) -> None:
    ctx = DemoContext()
    with transaction.atomic():
        create_personas(ctx, password=PASSWORD)
        load_registry_demo(ctx)
    facility = ctx.objects["third_party_facility"]
    base = live_server.url

    # The officer drafts the plan in Japanese and checks the class before saving.
    officer = sign_in(browser_context_factory("ja-JP"), base, "officer")
    officer.goto(base + "/plans/new/")
    assert officer.locator("html").get_attribute("lang") == "ja"
    officer.locator("#id_title").fill("架空 ブラウザ試験の治療 (fictional)")
    officer.locator("#id_title_en").fill("Browser test therapy (fictional)")
    officer.locator("#id_therapy").select_option("adipose_msc")
    officer.locator("#id_target_disease").fill("変形性膝関節症")
    officer.locator("#id_description").fill("説明 (fictional)")
    officer.locator("#id_responsible_physician").fill("架空 医師")
    officer.locator("#id_uses_cells").check()
    officer.locator("#id_cells_kind").select_option("somatic_stem")
    officer.locator("#id_cells_cultured").check()
    officer.get_by_role("button", name="区分を確認").click()
    officer.wait_for_load_state()
    assert "この回答による区分:II" in officer.locator("#class-preview").inner_text()
    officer.locator("#id_class_reasons").fill("自己の体性幹細胞のため第二種。")
    officer.locator("#id_committee").select_option(str(ctx.objects["committee"].pk))
    officer.locator(f"input[name=facilities][value='{facility.pk}']").check()
    officer.locator("#id_criteria_0_measure").fill("WOMAC")
    officer.locator("#id_criteria_0_method").fill("質問票")
    officer.locator("#id_criteria_0_time_point").fill("6か月")
    officer.locator("#id_criteria_0_success_threshold").fill("20%改善")
    officer.get_by_role("button", name="下書きを保存").click()
    officer.wait_for_load_state()
    plan = Plan.objects.get()
    assert plan.risk_class == "II"
    officer.get_by_role("button", name="委員会に審査を申請する").click()
    officer.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == "under_review"

    # The committee secretariat records a valid meeting and approves, in English.
    secretariat = sign_in(browser_context_factory("en-GB"), base, "secretariat")
    secretariat.goto(base + "/plans/reviews/")
    secretariat.get_by_role("link", name="Browser test therapy (fictional)").click()
    for box in secretariat.locator("input[name^=present_]").all():
        box.check()
    secretariat.get_by_role("button", name="Record the meeting").click()
    secretariat.wait_for_load_state()
    assert "It was valid" in secretariat.content()
    secretariat.locator("#id_meeting").select_option(index=1)
    secretariat.locator("#id_decision").select_option("approve")
    secretariat.locator("#id_reasons").fill("Sound plan")
    secretariat.locator("#id_scientific_validity").fill("The criterion is measurable")
    secretariat.get_by_role("button", name="Record the opinion").click()
    secretariat.wait_for_load_state()
    plan.refresh_from_db()
    assert plan.status == "approved"

    # The officer files it with the Regional Bureau.
    officer.goto(base + f"/plans/{plan.pk}/")
    officer.get_by_role("button", name="行政に提出する").click()
    officer.wait_for_load_state()
    plan.refresh_from_db()
    assert (plan.status, plan.filing_office) == ("filed", "kanto_shinetsu")

    # The regulator accepts the filing from the inbox.
    regulator = sign_in(browser_context_factory("en-GB"), base, "regulator")
    regulator.goto(base + "/plans/filings/")
    regulator.locator(f"#number-{plan.pk}").fill("KANTO-BROWSER-1")
    regulator.get_by_role("button", name="Accept").click()
    regulator.wait_for_load_state()
    plan.refresh_from_db()
    assert (plan.status, plan.plan_number) == ("active", "KANTO-BROWSER-1")

    # The public sees it, in English and in Japanese, without signing in.
    public_en = browser_context_factory("en-GB").new_page()
    public_en.goto(base + "/plans/search/?q=KANTO-BROWSER-1")
    public_en.get_by_role("link", name="Browser test therapy (fictional)").click()
    text = public_en.locator("main").inner_text()
    assert "KANTO-BROWSER-1" in text and "Active" in text and "NA8999001" in text
    assert "third party" in text
    public_ja = browser_context_factory("ja-JP").new_page()
    public_ja.goto(base + f"/plans/verify/{plan.pk}/")
    text = public_ja.locator("main").inner_text()
    assert "提供中" in text and "関東信越厚生局" in text and "委託先" in text
