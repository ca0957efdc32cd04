"""The pages of what MHLW's public list says: a listed plan's page and its institution's, in both
languages; what the list does not say is said."""

from __future__ import annotations

from datetime import date

import pytest

from saisei.plans.models import ListedPlan
from saisei.plans.reference import load
from saisei.plans.services.public_list import COLUMNS, public_plans_import
from saisei.registry.models import Institution

pytestmark = pytest.mark.django_db


def _page(client, path: str, language: str) -> str:
    client.cookies["saisei_language"] = language
    response = client.get(path)
    assert response.status_code == 200
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    return html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", ["Class III", "September 2026", "Adipose-derived stem cells", "does not say"]),
        ("ja", ["第三種", "2026年9月", "脂肪由来幹細胞", "一覧に掲載"]),
    ],
)
def test_a_listed_plans_page_says_what_the_list_says_and_what_it_does_not(
    client, language: str, words: list[str]
) -> None:
    load()
    html = _page(client, "/plans/listed/03A2505004/", language)
    for word in words:
        assert word in html
    listed = ListedPlan.objects.get(plan_number="03A2505004")
    assert f'href="/registry/institutions/{listed.institution_id}/"' in html
    assert (
        '<a href="https://saiseiiryo.mhlw.go.jp/published_plan/download/03A2505004/5/0" '
        'rel="noopener noreferrer">'
    ) in html


def test_an_unknown_or_malformed_number_is_not_found(client) -> None:
    load()
    assert client.get("/plans/listed/99Z9999999/").status_code == 404
    assert client.get("/plans/listed/03A2505004x/").status_code == 404


@pytest.mark.parametrize("language", ["ja", "en"])
def test_an_institution_known_from_the_list_shows_its_plans_and_spellings(
    client, language: str
) -> None:
    load()
    kushiro = Institution.objects.get(name_key="釧路孝仁会記念病院")
    html = _page(client, f"/registry/institutions/{kushiro.pk}/", language)
    for number in ("03A2505004", "03A2505008", "03A2505012"):
        assert f'href="/plans/listed/{number}/"' in html
    assert "社会医療法人　孝仁会　釧路孝仁会記念病院" in html
    assert ("Not known" if language == "en" else "不明") in html


def test_what_a_list_writes_is_shown_as_text(client) -> None:
    row = "01A2612001\t2\t北海道\t<b>Clinic</b>\t<script>alert(1)</script>治療\t"
    public_plans_import(
        data=("\t".join(COLUMNS) + "\n" + row + "\n").encode(),
        file_name="list.tsv",
        listed_on=date(2026, 12, 1),
        actor=None,
        system="test",
    )
    html = _page(client, "/plans/listed/01A2612001/", "en")
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;" in html
    institution = ListedPlan.objects.get().institution
    html = _page(client, f"/registry/institutions/{institution.pk}/", "ja")
    assert "<b>Clinic</b>" not in html and "&lt;b&gt;Clinic&lt;/b&gt;" in html


@pytest.mark.parametrize("language", ["ja", "en"])
def test_a_plan_filed_through_saisei_names_its_row_of_the_list(
    client, personas, language: str
) -> None:
    from saisei.plans.models import Plan
    from saisei.plans.reference import SAMPLE
    from tests.support.world import build_world

    world = build_world(personas)
    plan = world.plan_in("active")
    page = f"/plans/verify/{plan.pk}/"
    client.cookies["saisei_language"] = language
    assert "/plans/listed/" not in client.get(page).content.decode()
    Plan.objects.filter(pk=plan.pk).update(plan_number="02B2511001")
    public_plans_import(
        data=SAMPLE.read_bytes(),
        file_name=SAMPLE.name,
        listed_on=date(2026, 9, 1),
        listed_precision="month",
        actor=None,
        system="test",
    )
    html = _page(client, page, language)
    assert 'href="/plans/listed/02B2511001/"' in html
    assert ("September 2026" if language == "en" else "2026年9月") in html
