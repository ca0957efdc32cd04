"""A regulator, in the browser, goes from the national view's count of overdue duties to the
clinic that owes one, then to the facility that processes its cells, and issues an order
against the facility; the facility's public page then shows the order. In both languages."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from saisei.accounts.models import User
from saisei.plans.models import Order
from saisei.registry.models import Institution
from tests.browser.test_plans import PASSWORD
from tests.browser.test_plans import sign_in as _sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CLINIC = "demo-hinata-clinic"


@pytest.mark.parametrize(
    ("locale", "heading", "order_kind"),
    [("en-GB", "National view", "Emergency suspension order"), ("ja-JP", "全国の状況", "緊急命令")],
)
def test_a_regulator_goes_from_an_overdue_count_to_an_order_on_the_clinics_facility(
    live_server, browser_context_factory, locale: str, heading: str, order_kind: str
) -> None:
    call_command("demo", "--quiet", stdout=io.StringIO())
    regulator = User.objects.get(username="regulator")
    regulator.set_password(PASSWORD)
    regulator.save()
    clinic = Institution.objects.get(organisation__slug=CLINIC)
    facility = clinic.facilities.get()
    base = live_server.url

    page = _sign_in(browser_context_factory(locale), base, "regulator")
    page.goto(base + "/oversight/")
    assert page.locator("h1").inner_text() == heading
    # The tile's count is the number of rows the list behind it holds.
    tile = page.locator("a[href*='state=overdue']").first
    count = int(tile.locator(".tile-number").inner_text())
    assert count > 0
    tile.click()
    page.wait_for_load_state()
    assert page.locator("table tbody tr").count() == count
    # The clinic that owes one of them, and the facility that processes its cells.
    page.locator(f"table tbody a[href='/registry/institutions/{clinic.pk}/']").first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() in (clinic.name, clinic.name_en)
    page.locator(f"a[href='/registry/facilities/{facility.pk}/']").first.click()
    page.wait_for_load_state()
    page.locator(f"a[href='/plans/orders/?target=facility:{facility.pk}']").click()
    page.wait_for_load_state()
    assert facility.number in page.locator("#order-target").inner_text()
    page.locator("#id_kind").select_option("emergency")
    page.locator("#id_reason").fill(
        "A death after treatment: the facility's processing is examined."
    )
    page.locator("button[name=preview]").click()
    page.wait_for_load_state()
    reach = page.locator("#order-reach li").count()
    assert reach > 0
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    order = Order.objects.get(target_facility=facility)
    assert (order.kind, order.lifted_on, order.effects.count()) == ("emergency", None, reach)

    # The facility's public page, for anyone, names the order.
    public = browser_context_factory(locale).new_page()
    public.goto(f"{base}/registry/facilities/{facility.pk}/")
    assert order_kind in public.locator("main").inner_text()
