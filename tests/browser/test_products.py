from __future__ import annotations

import pytest

from saisei.products.reference import load

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(
    ("locale", "name", "labels", "status"),
    [
        (
            "ja-JP",
            "アムシェプリ",
            ("薬事審議会の了承日", "承認日", "期限の終了日"),
            "条件及び期限付承認(期限内)",
        ),
        (
            "en-GB",
            "AMCHEPRY",
            ("Council endorsement date", "Approval date", "Time limit ends"),
            "Conditionally approved, within its time limit",
        ),
    ],
)
def test_amchepry_page_shows_status_time_limit_and_both_labelled_dates(
    live_server, browser_context_factory, locale, name, labels, status
) -> None:
    load()
    page = browser_context_factory(locale).new_page()
    page.goto(live_server.url + "/products/amchepry/?as_of=2026-04-01")
    assert page.get_by_role("heading", level=1).inner_text().startswith(name)
    assert page.locator("[data-status]").first.inner_text() == status
    council, approval, limit = labels
    dates = page.locator("dl.key-dates")
    assert dates.locator("dt", has_text=council).count() == 1
    assert page.get_by_test_id("council-endorsed-on").inner_text().startswith("2026-02-19")
    assert dates.locator("dt", has_text=approval).first.is_visible()
    assert page.get_by_test_id("approved-on").inner_text().startswith("2026-03-06")
    assert dates.locator("dt", has_text=limit).count() == 1
    assert page.get_by_test_id("time-limit-ends-on").inner_text() == "2033-03-05"


@pytest.mark.parametrize(
    ("locale", "badge", "window", "finding"),
    [
        (
            "ja-JP",
            "記録された事象からは判定できません",
            "2023-09-18から(終わりは不明):",
            "審議会の部会が承認は適当でないと判断(不承認の処分ではない)",
        ),
        (
            "en-GB",
            "Cannot be computed from the recorded events",
            "From 2023-09-18, with no known end:",
            "Council panel found approval not appropriate (not a refusal)",
        ),
    ],
)
def test_heartsheet_after_the_panel_shows_no_definite_status_and_says_why(
    live_server, browser_context_factory, locale, badge, window, finding
) -> None:
    load()
    page = browser_context_factory(locale).new_page()
    page.goto(live_server.url + "/products/heartsheet/?as_of=2024-07-20")
    status = page.locator("[data-status]").first
    assert status.get_attribute("data-status") == "unknown"
    assert status.inner_text() == badge
    assert window in page.get_by_test_id("status-gaps").inner_text()
    assert page.get_by_role("row", name=finding).is_visible()
