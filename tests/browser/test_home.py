from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_follows_the_browser_language_and_the_switch(
    live_server, browser_context_factory
) -> None:
    page = browser_context_factory("ja-JP").new_page()
    page.goto(live_server.url + "/")
    assert page.locator("html").get_attribute("lang") == "ja"
    assert (
        page.get_by_role("heading", level=1).inner_text()
        == "日本の再生医療を、ひとつの公開レジストリで"
    )
    page.get_by_label("言語").select_option("en")
    page.get_by_role("button", name="変更").click()
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == "en"
    page.goto(live_server.url + "/")
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Regenerative medicine in Japan, in one open registry"
    )
