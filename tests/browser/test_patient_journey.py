"""A patient's journey in the browser, in Japanese and in English, on a phone-width window: search
a real clinic of MHLW's list by name in either script, open its plan and its institution; find a
demo hospital's plan, open its committee and see that the committee's founder runs the hospital;
and the guide's three outcomes."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.management import call_command

from saisei.plans.reference import load as load_public_lists

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 360, "height": 740}


def _phone(chromium: Any, locale: str) -> Any:
    context = chromium.new_context(locale=locale, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    return context, page


def _fits(page: Any) -> None:
    """The page is no wider than the phone's window."""
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


@pytest.mark.parametrize(("locale", "query"), [("ja-JP", "札幌"), ("en-GB", "Sapporo")])
def test_a_patient_finds_a_real_clinic_and_its_plans(
    live_server: Any, chromium: Any, locale: str, query: str
) -> None:
    load_public_lists()
    context, page = _phone(chromium, locale)
    try:
        page.goto(live_server.url + "/plans/search/")
        page.locator("#id_q").fill(query)
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_load_state()
        _fits(page)
        # The clinic written three ways in the list is one institution, named once.
        page.get_by_role("link", name="リペアセルクリニック", exact=False).first.click()
        page.wait_for_load_state()
        assert "/registry/institutions/" in page.url
        _fits(page)
        listed = page.locator("a[href^='/plans/listed/']")
        assert listed.count() == 3
        listed.first.click()
        page.wait_for_load_state()
        assert "/plans/listed/" in page.url
        # The plan's page says where its facts come from and what is not known.
        source = page.locator("a.url").first.get_attribute("href") or ""
        assert source.startswith("https://")
        text = page.locator("main").inner_text()
        assert ("厚生労働省" in text) if locale == "ja-JP" else ("MHLW's public list" in text)
        _fits(page)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["ja-JP", "en-GB"])
def test_a_patient_opens_a_plans_committee_and_sees_who_founded_it(
    live_server: Any, chromium: Any, locale: str
) -> None:
    call_command("demo", "--quiet")
    context, page = _phone(chromium, locale)
    try:
        page.goto(live_server.url + "/plans/search/?q=tsukimi")
        rows = page.locator("tbody tr td:first-child a")
        assert rows.count() >= 1
        rows.first.click()
        page.wait_for_load_state()
        assert "/plans/verify/" in page.url
        page.locator("a[href^='/registry/committees/']").first.click()
        page.wait_for_load_state()
        note = page.get_by_role("note").first.inner_text()
        assert ("設置者" in note) if locale == "ja-JP" else ("Its founder also runs" in note)
        hospital = "架空つきみ記念病院" if locale == "ja-JP" else "Tsukimi Memorial Hospital"
        assert hospital in note
        _fits(page)
    finally:
        context.close()


@pytest.mark.parametrize(
    ("locale", "answers", "expected"),
    [
        ("en-GB", "offered=product", "PMD Act"),
        ("ja-JP", "offered=product", "医薬品医療機器等法"),
        (
            "en-GB",
            "offered=cells&source=own&cultured=yes&stem=yes&pluripotent=no&gene=no",
            "Class II",
        ),
        (
            "ja-JP",
            "offered=cells&source=own&cultured=yes&stem=yes&pluripotent=no&gene=no",
            "第二種",
        ),
        ("en-GB", "offered=cell_free", "Outside both Acts"),
        ("ja-JP", "offered=cell_free", "どちらの法律の対象でもありません"),
    ],
)
def test_the_guide_gives_each_of_its_three_outcomes(
    live_server: Any, chromium: Any, locale: str, answers: str, expected: str
) -> None:
    context, page = _phone(chromium, locale)
    try:
        page.goto(live_server.url + "/guide/")
        _fits(page)
        # Answered through the form, as a patient would: each answer is a radio button.
        for pair in answers.split("&"):
            name, value = pair.split("=")
            page.locator(f"input[name={name}][value={value}]").check()
        page.locator("form.form button[type=submit]").click()
        page.wait_for_load_state()
        answer = page.locator("#answer").inner_text()
        assert expected in answer
        assert ("法的根拠" in answer) if locale == "ja-JP" else ("Legal basis" in answer)
        _fits(page)
    finally:
        context.close()
