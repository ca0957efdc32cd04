"""One public search over the plans filed through Saisei and those of MHLW's public list: the real
sample found by its Japanese names and by their romanised readings, a listed plan shown once with
the Saisei plan filed under its number, the history a newer list leaves, and the same in the API."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.cache import cache

from saisei.plans import search, selectors
from saisei.plans.models import ListedPlan, ListedStatus, Plan, PublicPlan, PublicSource
from saisei.plans.reference import SAMPLE
from saisei.plans.services.public_list import public_plans_import
from saisei.registry.models import Institution

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    cache.clear()
    yield
    cache.clear()


def _import(data: bytes, listed_on: date = date(2026, 9, 1)) -> Any:
    return public_plans_import(
        data=data, file_name="list.tsv", listed_on=listed_on, actor=None, system="test"
    )


def _numbers(**criteria: Any) -> list[str]:
    return [row["plan_number"] for row in selectors.public_plan_search(**criteria)]


def _sample_numbers(test: Any) -> set[str]:
    """The sample's plan numbers whose row passes `test` (its columns, as listed)."""
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()[1:]
    return {cells[0] for cells in (line.split("\t") for line in lines) if test(cells)}


def test_every_plan_of_the_list_is_found_and_shows_as_listed() -> None:
    _import(SAMPLE.read_bytes())
    rows = list(selectors.public_plan_search())
    assert len(rows) == 30
    assert {row["plan_id"] for row in rows} == {None}
    assert set(PublicPlan.objects.values_list("source", flat=True)) == {PublicSource.MHLW}
    assert {row["status"] for row in rows} == {ListedStatus.LISTED}
    assert {row["plan_number"] for row in rows} == _sample_numbers(lambda cells: True)


def test_sapporo_in_japanese_and_in_latin_letters_finds_the_same_clinics() -> None:
    _import(SAMPLE.read_bytes())
    in_sapporo = _sample_numbers(lambda cells: "札幌" in cells[3])
    assert len(in_sapporo) >= 10
    assert set(_numbers(q="札幌")) == in_sapporo
    # The institutions' names are indexed romanised: an English speaker's spelling finds them.
    assert set(_numbers(q="Sapporo")) == in_sapporo
    assert set(_numbers(q="ｓａｐｐｏｒｏ")) == in_sapporo  # noqa: RUF001 - full-width on purpose
    # A katakana loanword is read back in English: クリニック is "clinic".
    clinics = _sample_numbers(lambda cells: "クリニック" in cells[3])
    assert set(_numbers(q="sapporo clinic")) == in_sapporo & clinics


def test_a_prefecture_is_found_by_its_name_in_either_language() -> None:
    _import(SAMPLE.read_bytes())
    hokkaido = _sample_numbers(lambda cells: cells[2] == "北海道")
    assert set(_numbers(q="北海道")) >= hokkaido
    assert set(_numbers(q="hokkaido")) == set(_numbers(q="北海道"))


def test_a_clinic_written_three_ways_is_one_institution_with_all_its_plans() -> None:
    _import(SAMPLE.read_bytes())
    written = {
        "医療法人美喜有会\u3000リペアセルクリニック札幌院",
        "医療法人美喜有会 リペアセルクリニック 札幌院",
    }
    numbers = _sample_numbers(lambda cells: cells[3] in written)
    assert len(numbers) == 3
    [institution] = {
        listed.institution_id for listed in ListedPlan.objects.filter(plan_number__in=numbers)
    }
    assert set(_numbers(institution_id=institution)) == numbers
    # The search shows it under its one registered name, not under each spelling.
    names = {row["institution_name"] for row in selectors.public_plan_search(q="リペアセル")}
    assert names == {Institution.objects.get(pk=institution).name}


def test_a_listed_plan_filed_through_saisei_is_one_row_the_saisei_plan(personas) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    plan = world.plan_in("active", risk_class="II")
    Plan.objects.filter(pk=plan.pk).update(plan_number="02B2511001")
    search.sync([plan.pk])
    _import(SAMPLE.read_bytes())
    [row] = PublicPlan.objects.filter(plan_number="02B2511001")
    assert (row.source, row.plan_id, row.status) == (PublicSource.SAISEI, plan.pk, "active")
    assert row.listed_id == ListedPlan.objects.get(plan_number="02B2511001").pk
    # The list's spelling of the institution finds the Saisei plan too.
    listed_name = ListedPlan.objects.get(plan_number="02B2511001").institution_name
    assert plan.pk in {r["plan_id"] for r in selectors.public_plan_search(q=listed_name)}
    # The list's 30 plans and the world's public plans, the linked one counted once.
    public = {"active", "restricted", "filed", "discontinued", "closed", "suspended"}
    others = Plan.objects.filter(status__in=public).exclude(pk=plan.pk).count()
    assert PublicPlan.objects.count() == 30 + others


def test_a_plan_accepted_under_a_listed_number_takes_over_its_listing(personas) -> None:
    from saisei.plans import services
    from tests.support.world import build_world

    world = build_world(personas)
    _import(SAMPLE.read_bytes())
    listed = ListedPlan.objects.get(plan_number="02B2511001")
    assert PublicPlan.objects.get(listed=listed).plan_id is None
    plan = world.plan_in("filed")
    services.plan_accept(plan=plan, actor=personas.regulator, plan_number="02B2511001")
    listed.refresh_from_db()
    assert listed.plan_id == plan.pk
    [row] = PublicPlan.objects.filter(plan_number="02B2511001")
    assert (row.plan_id, row.listed_id, row.source) == (plan.pk, listed.pk, PublicSource.SAISEI)


@pytest.mark.parametrize("typed", ["０２ｂ２５１１００１", "02b2511001", " 02B2511001 "])  # noqa: RUF001
def test_a_listed_number_typed_in_another_width_or_case_is_the_same_number(
    personas, typed: str
) -> None:
    from saisei.plans import services
    from tests.support.world import build_world

    world = build_world(personas)
    _import(SAMPLE.read_bytes())
    plan = world.plan_in("filed")
    services.plan_accept(plan=plan, actor=personas.regulator, plan_number=typed)
    plan.refresh_from_db()
    assert plan.plan_number == "02B2511001"
    assert ListedPlan.objects.get(plan_number="02B2511001").plan_id == plan.pk
    # A number of another shape stays as the authority gave it.
    other = world.plan_in("filed")
    services.plan_accept(plan=other, actor=personas.regulator, plan_number="jRCTb-test-1")
    other.refresh_from_db()
    assert other.plan_number == "jRCTb-test-1"


def test_a_saisei_plan_no_longer_public_leaves_its_listing_shown(personas) -> None:
    from tests.support.world import build_world

    world = build_world(personas)
    plan = world.plan_in("active")
    Plan.objects.filter(pk=plan.pk).update(plan_number="02B2511001")
    _import(SAMPLE.read_bytes())
    Plan.objects.filter(pk=plan.pk).update(status="draft")
    search.sync([plan.pk])
    [row] = PublicPlan.objects.filter(plan_number="02B2511001")
    assert (row.plan_id, row.source, row.status) == (None, PublicSource.MHLW, "listed")


def test_a_plan_a_newer_list_left_is_still_found_as_no_longer_listed() -> None:
    lines = SAMPLE.read_text(encoding="utf-8").splitlines()
    _import(SAMPLE.read_bytes())
    gone = lines[1].split("\t")[0]
    newer = ("\n".join([lines[0], *lines[2:]]) + "\n").encode()
    _import(newer, listed_on=date(2026, 10, 1))
    [row] = selectors.public_plan_search(q=gone)
    assert row["status"] == ListedStatus.DELISTED
    assert _numbers(status="delisted") == [gone]
    assert len(_numbers(status="listed")) == 29


def test_the_search_orders_by_plan_number_when_asked() -> None:
    _import(SAMPLE.read_bytes())
    numbers = _numbers(sort="number")
    assert numbers == sorted(numbers) and len(numbers) == 30


def test_the_page_links_a_listed_plan_to_its_listing_in_both_languages(client: Any) -> None:
    _import(SAMPLE.read_bytes())
    number = sorted(_sample_numbers(lambda cells: "札幌" in cells[3]))[0]
    for language, label in (("ja", "厚生労働省の公表リストに掲載"), ("en", "In MHLW&#x27;s list")):
        client.cookies["saisei_language"] = language
        page = client.get("/plans/search/", {"q": "Sapporo"}).content.decode()
        assert f'href="/plans/listed/{number}/"' in page
        assert label in page


def test_the_api_lists_a_listed_plan_and_reads_it_at_its_listing(client: Any) -> None:
    _import(SAMPLE.read_bytes())
    body = client.get("/api/v1/public/plans", {"q": "sapporo", "sort": "number"}).json()
    items = body["items"]
    assert [item["plan_number"] for item in items] == sorted(
        _sample_numbers(lambda cells: "札幌" in cells[3])
    )
    first = items[0]
    assert (first["id"], first["source"], first["status"]) == (None, "mhlw", "listed")
    assert first["url"] == f"/api/v1/public/listed-plans/{first['plan_number']}"
    listed = client.get(first["url"]).json()
    assert listed["plan_number"] == first["plan_number"]
    assert listed["therapy_inferred"] is True and listed["plan"] is None
    assert listed["first_list"] == {
        "listed_on": "2026-09-01",
        "precision": "day",
        "source": listed["first_list"]["source"],
    }
    assert [change["kind"] for change in listed["changes"]] == ["listed"]
    assert client.get("/api/v1/public/listed-plans/01A9999999").status_code == 404
    assert client.get("/api/v1/public/listed-plans/not-a-number").status_code == 404


def test_the_api_refuses_a_status_or_order_it_does_not_know(client: Any) -> None:
    for params, field in (({"status": "draft"}, "status"), ({"sort": "price"}, "sort")):
        response = client.get("/api/v1/public/plans", params, HTTP_ACCEPT_LANGUAGE="ja")
        assert response.status_code == 400
        body = response.json()
        assert [error["field"] for error in body["details"]["errors"]] == [field]


def test_the_facets_count_the_results_and_narrow_them(client: Any) -> None:
    _import(SAMPLE.read_bytes())
    classes = {"2": 0, "3": 0}
    for cells in (line.split("\t") for line in SAMPLE.read_text(encoding="utf-8").splitlines()[1:]):
        classes[cells[1]] += 1
    facets = selectors.public_plan_facets()
    assert facets["risk_class"] == {"II": classes["2"], "III": classes["3"]}
    assert sum(facets["prefecture"].values()) == 30
    assert facets["status"] == {"listed": 30}
    # Narrowed by one facet, the others count what is left.
    narrowed = selectors.public_plan_facets(risk_class="III")
    assert sum(narrowed["therapy"].values()) == classes["3"]
    body = client.get("/api/v1/public/plans/facets", {"q": "札幌"}).json()
    assert sum(v["count"] for v in body["prefecture"]) == len(
        _sample_numbers(lambda cells: "札幌" in cells[3])
    )
    classes_found = [v["value"] for v in body["risk_class"]]
    assert classes_found == sorted(classes_found)
    client.cookies["saisei_language"] = "en"
    page = client.get("/plans/search/", {"risk_class": "III"}).content.decode()
    # The chosen value leads back to every class; another class's link is not offered.
    assert 'aria-current="true" class="chosen">Class III</a>' in page
    assert f'<span class="count">({classes["3"]})</span>' in page
    assert ">Class II</a>" not in page
    assert ">Hokkaido</p>" in page


def test_one_search_names_the_institutions_and_committees_it_finds(client: Any) -> None:
    from saisei.plans.reference import load

    load()
    [repair] = {
        listed.institution_id
        for listed in ListedPlan.objects.filter(institution_name__contains="リペアセル")
    }
    named = selectors.public_plan_counts(named=True, q="Repair cell sapporo")[1]
    assert [row["institution_id"] for row in named] == [repair]
    assert named[0]["plans"] == 3
    # A committee of MHLW's list by a word of its name, in either script.
    from saisei.plans.models import ListedCommittee

    committee = ListedCommittee.objects.order_by("number").first()
    assert committee is not None
    word = committee.name[:4]
    found = selectors.public_search_committees(word)
    assert committee.number in {row["number"] for row in found}
    client.cookies["saisei_language"] = "en"
    page = client.get("/plans/search/", {"q": "Repair cell sapporo"}).content.decode()
    assert f'<a href="/registry/institutions/{repair}/">' in page
    assert "3 plans found" in page


def test_a_name_without_english_is_shown_in_japanese_and_marked_so(client: Any) -> None:
    _import(SAMPLE.read_bytes())
    institution = Institution.objects.filter(name_en="").order_by("pk").first()
    assert institution is not None
    url = f"/registry/institutions/{institution.pk}/"
    client.cookies["saisei_language"] = "en"
    english = client.get(url).content.decode()
    assert (
        f'<h1><span lang="ja">{institution.name}</span> '
        '<span class="fallback">(in Japanese)</span></h1>'
    ) in english
    client.cookies["saisei_language"] = "ja"
    assert f"<h1>{institution.name}</h1>" in client.get(url).content.decode()


def test_a_renamed_committee_is_found_under_its_new_name_at_once(personas) -> None:
    from saisei.registry.models import Committee
    from tests.support.world import build_world

    committee = Committee.objects.get(pk=build_world(personas).committee.pk)
    assert selectors.public_search_committees("架空はやて") == []
    committee.name = "架空はやて特定認定再生医療等委員会"
    committee.save()
    [found] = selectors.public_search_committees("架空はやて")
    assert found["pk"] == committee.pk
    # Romanised as the plans' institutions are.
    assert [c["pk"] for c in selectors.public_search_committees("hayate")] == [committee.pk]
