"""The public plan search (saisei.plans.search) and the plans lists: text through the database's
own index in Japanese and English, any width of input, short queries, pages by cursor, and an
index that follows the plans and their institutions."""

# Full-width letters are what these tests type on purpose.
# ruff: noqa: RUF001

from __future__ import annotations

import re
from io import StringIO
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext

from saisei.plans import search, selectors, services
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Plan, PublicPlan
from saisei.plans.views import public as public_views
from saisei.registry.models import Institution

S = PlanStatus

KNEE = {
    "title": "架空 ひざ関節PRP療法 (fictional)",
    "title_en": "Knee joint PRP therapy (fictional)",
    "therapy": "prp",
    "target_disease": "変形性膝関節症",
}
SKIN = {
    "title": "架空 皮膚線維芽細胞治療 (fictional)",
    "title_en": "Dermal fibroblast therapy (fictional)",
    "therapy": "fibroblasts",
    "target_disease": "皮膚のしわ",
}


@pytest.fixture(autouse=True)
def _fresh_cache() -> Any:
    """The anonymous page cache is per process: no test reads another's results."""
    cache.clear()
    yield
    cache.clear()


def _found(q: str) -> set[int]:
    return set(selectors.public_plan_search(q=q).values_list("plan_id", flat=True))


def _api_ids(client: Any, **params: Any) -> tuple[list[int], dict[str, Any]]:
    body = client.get("/api/v1/public/plans", params).json()
    return [item["id"] for item in body["items"]], body


@pytest.fixture
def knee_and_skin(world) -> tuple[Plan, Plan]:
    return world.plan_in(S.ACTIVE, content=KNEE), world.plan_in(S.ACTIVE, content=SKIN)


def test_normalise_folds_width_case_and_kana() -> None:
    assert search.normalise("ＰＲＰ療法") == "prp療法"
    assert search.normalise("ﾋｻﾞ　カンセツ") == "ひざ かんせつ"
    assert search.normalise("Knee  JOINT") == "knee joint"
    assert search.query_terms("ＰＲＰ　ひざ prp") == ["prp", "ひざ"]


def test_japanese_and_english_text_finds_the_plans_that_hold_it(knee_and_skin) -> None:
    knee, skin = knee_and_skin
    assert _found("関節PRP") == {knee.pk}
    assert _found("線維芽細胞") == {skin.pk}
    assert _found("fibroblast") == {skin.pk}
    assert _found("Knee joint") == {knee.pk}  # both terms, anywhere
    assert _found("変形性膝関節症") == {knee.pk}  # the target disease
    assert _found("ひなた再生") == {knee.pk, skin.pk}  # the institution's name
    assert _found(knee.plan_number) == {knee.pk}
    assert _found("fibroblast knee") == set()  # every term must match
    assert _found("存在しない治療") == set()


def test_full_width_half_width_and_katakana_input_find_the_same(knee_and_skin) -> None:
    knee, _skin = knee_and_skin
    for q in ("ＰＲＰ療法", "prp療法", "PRP療法", "ＫＮＥＥ", "ﾋｻﾞ関節", "ヒザ関節", "ひざ関節"):
        assert _found(q) == {knee.pk}, q


def test_short_queries_match_without_the_trigram_index(knee_and_skin) -> None:
    knee, skin = knee_and_skin
    assert _found("膝") == {knee.pk}
    assert _found("ﾋｻﾞ") == {knee.pk}  # two characters once normalised
    assert _found("皮膚") == {skin.pk}
    assert _found("皮膚 fibroblast") == {skin.pk}  # a short and a long term together
    assert _found("膝 fibroblast") == set()
    assert _found("%") == set() and _found("_") == set()  # LIKE's wildcards are literal


def test_the_text_goes_through_the_databases_own_index(knee_and_skin) -> None:
    with CaptureQueriesContext(connection) as queries:
        assert _found("関節PRP")
    sql = " ".join(q["sql"] for q in queries.captured_queries)
    if connection.vendor == "sqlite":
        assert f"{search.FTS_TABLE} MATCH" in sql
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {search.FTS_TABLE}")  # noqa: S608
            assert cursor.fetchone()[0] == PublicPlan.objects.count() == 2
    else:
        assert "LIKE" in sql
        with connection.cursor() as cursor:
            cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'pubplan_text'")
            (definition,) = cursor.fetchone()
        assert "gin" in definition and "gin_trgm_ops" in definition


def test_the_index_follows_a_plan_into_within_and_out_of_public_view(world) -> None:
    plan = world.plan_in(S.APPROVED, content=KNEE)
    assert not PublicPlan.objects.filter(plan_id=plan.pk).exists()
    services.plan_file(plan=plan, actor=world.personas.officer)
    assert PublicPlan.objects.get(plan_id=plan.pk).status == S.FILED
    services.plan_accept(plan=plan, actor=world.personas.regulator, plan_number="KNEE-INDEX-1")
    entry = PublicPlan.objects.get(plan_id=plan.pk)
    assert (entry.status, entry.plan_number) == (S.ACTIVE, "KNEE-INDEX-1")
    assert _found("knee-index-1") == {plan.pk}
    services.order_issue(
        actor=world.personas.regulator,
        kind="emergency",
        target_kind="plan",
        target=plan,
        reason="r",
    )
    assert PublicPlan.objects.get(plan_id=plan.pk).status == S.SUSPENDED
    # No transition leads out of public view; a plan put back past the services (a repair) is
    # taken out of the index by sync, and its text with it.
    Plan.objects.filter(pk=plan.pk).update(status=S.DRAFT)
    search.sync([plan.pk])
    assert not PublicPlan.objects.filter(plan_id=plan.pk).exists()
    assert _found("関節PRP") == set() and _found("膝") == set()


def test_a_minor_change_of_a_public_plan_reaches_the_index(world) -> None:
    plan = world.plan_in(S.ACTIVE, content=KNEE)
    services.plan_minor_change_notify(
        plan=plan,
        actor=world.personas.officer,
        changes={"title_en": "Shoulder PRP therapy (fictional)"},
        changed_on=plan.filed_on,
        summary="Name in English",
    )
    assert _found("shoulder") == {plan.pk}
    assert _found("knee") == set()


def test_an_institutions_new_name_reaches_its_plans_in_the_index(knee_and_skin) -> None:
    knee, skin = knee_and_skin
    institution = Institution.objects.get(pk=knee.institution_id)
    institution.name = "架空あさひ再生医療センター"
    institution.name_en = "Asahi Regenerative Centre (fictional)"
    institution.save()
    assert _found("あさひ再生") == {knee.pk, skin.pk}
    assert _found("asahi") == {knee.pk, skin.pk}
    assert _found("ひなた再生") == set()
    assert set(PublicPlan.objects.values_list("institution_name", flat=True)) == {
        "架空あさひ再生医療センター"
    }


def test_rebuild_writes_the_same_index_the_services_keep(world, knee_and_skin) -> None:
    world.plan_in(S.DRAFT)
    world.plan_in(S.CLOSED)
    # Every column but the row's own id, which a rebuild numbers afresh.
    columns = [f.attname for f in PublicPlan._meta.concrete_fields if f.attname != "id"]
    kept = sorted(PublicPlan.objects.values_list(*columns))
    PublicPlan.objects.all().delete()
    out = StringIO()
    call_command("plans", "reindex", stdout=out)
    assert "3 public plan(s) indexed" in out.getvalue()
    assert sorted(PublicPlan.objects.values_list(*columns)) == kept
    assert _found("線維芽細胞") == {knee_and_skin[1].pk}


def _rows_of(html: str) -> list[int]:
    return [int(pk) for pk in re.findall(r'<td><a href="/plans/verify/(\d+)/">', html)]


def _link(html: str, rel: str) -> str | None:
    found = re.search(rf'<a href="([^"]+)" rel="{rel}">', html)
    return None if found is None else found.group(1).replace("&amp;", "&")


def test_the_search_page_goes_forward_and_back_by_cursor(world, client_for, monkeypatch) -> None:
    plans = [world.plan_in(S.ACTIVE, content=KNEE) for _ in range(5)]
    world.plan_in(S.ACTIVE, content=SKIN)
    monkeypatch.setattr(public_views, "SEARCH_PAGE_SIZE", 2)
    client = client_for(None)
    html = client.get("/plans/search/", {"q": "ＰＲＰ"}).content.decode()
    seen = _rows_of(html)
    assert _link(html, "prev") is None
    pages = [seen]
    while (following := _link(html, "next")) is not None:
        html = client.get("/plans/search/" + following).content.decode()
        pages.append(_rows_of(html))
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(pk for page in pages for pk in page) == sorted(p.pk for p in plans)
    # Back from the last page comes to the one before it, in the same order.
    back = client.get("/plans/search/" + _link(html, "prev")).content.decode()
    assert _rows_of(back) == pages[1]
    assert "q=" in _link(back, "next")  # the query is kept in the links


def test_the_search_page_counts_what_it_found(knee_and_skin, client_for) -> None:
    html = client_for(None).get("/plans/search/?q=PRP", HTTP_ACCEPT_LANGUAGE="en").content
    assert "Plans found: 1" in html.decode()


def test_a_bad_cursor_is_a_400_on_the_page_and_the_api(knee_and_skin, client_for) -> None:
    client = client_for(None)
    for cursor in ("not-a-cursor", "W10", "x" * 600):
        assert client.get("/plans/search/", {"cursor": cursor}).status_code == 400
        response = client.get("/api/v1/public/plans", {"cursor": cursor})
        assert response.status_code in (400, 422)
        assert response.json()["code"]
    response = client.get("/api/v1/public/plans", {"cursor": "not-a-cursor"})
    assert response.status_code == 400
    assert response.json()["details"]["errors"][0]["field"] == "cursor"
    assert client_for("officer").get("/plans/", {"cursor": "W10"}).status_code == 400


def test_the_public_api_pages_by_cursor_and_matches_the_page(world, client_for) -> None:
    knees = [world.plan_in(S.ACTIVE, content=KNEE) for _ in range(3)]
    world.plan_in(S.ACTIVE, content=SKIN)
    client = client_for(None)
    first, body = _api_ids(client, q="ｐｒｐ", limit=2)
    assert body["count"] == 3 and len(first) == 2 and body["next"]
    second, body = _api_ids(client, q="ｐｒｐ", limit=2, cursor=body["next"])
    assert body["next"] is None
    assert sorted(first + second) == sorted(p.pk for p in knees)
    item = client.get("/api/v1/public/plans", {"q": "線維芽"}).json()["items"][0]
    assert item["title_en"] == SKIN["title_en"] and item["status"] == S.ACTIVE
    # A list item is the search row; its url reads the whole public plan.
    assert "facilities" not in item and "classification" not in item
    whole = client.get(item["url"]).json()
    assert whole["id"] == item["id"] and whole["facilities"] and whole["criteria"]
    assert "classification" not in whole


# Whatever cache the settings name (none, in a test run), this test needs one that keeps.
LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}


@override_settings(CACHES=LOCAL_CACHE, SAISEI_SEARCH_CACHE_SECONDS=60)
def test_the_anonymous_page_is_cached_and_a_change_shows_at_once(world, client_for) -> None:
    world.plan_in(S.ACTIVE, content=KNEE)
    anonymous = client_for(None)
    anonymous.get("/plans/search/?q=fibroblast")
    with CaptureQueriesContext(connection) as cached:
        html = anonymous.get("/plans/search/?q=ＦＩＢＲＯＢＬＡＳＴ").content.decode()
    assert not any("plans_publicplan" in q["sql"] for q in cached.captured_queries)
    assert _rows_of(html) == []
    skin = world.plan_in(S.ACTIVE, content=SKIN)
    assert _rows_of(anonymous.get("/plans/search/?q=fibroblast").content.decode()) == [skin.pk]
    # A signed-in user's page is never served from (or put in) the cache.
    officer = client_for("officer")
    with CaptureQueriesContext(connection) as signed_in:
        officer.get("/plans/search/?q=fibroblast")
    assert any("plans_publicplan" in q["sql"] for q in signed_in.captured_queries)


def test_the_plans_list_page_goes_by_cursor_within_the_actors_plans(
    world, client_for, monkeypatch
) -> None:
    from saisei.plans.views import drafting

    own = [world.plan_in(S.ACTIVE), world.plan_in(S.DRAFT), world.plan_in(S.UNDER_REVIEW)]
    other = world.draft(institution=world.other_institution, actor=world.personas.other_officer)
    monkeypatch.setattr(drafting, "LIST_PAGE_SIZE", 2)
    client = client_for("officer")
    html = client.get("/plans/").content.decode()
    rows = re.findall(r'<a href="/plans/(\d+)/">', html)
    following = _link(html, "next")
    assert following is not None and _link(html, "prev") is None
    html = client.get("/plans/" + following).content.decode()
    rows += re.findall(r'<a href="/plans/(\d+)/">', html)
    assert _link(html, "next") is None and _link(html, "prev") is not None
    # Newest change first, only the officer's institution's.
    assert [int(pk) for pk in rows] == [p.pk for p in reversed(own)]
    assert str(other.pk) not in rows


def test_the_plans_list_makes_a_fixed_number_of_queries(
    world, client_for, django_assert_max_num_queries
) -> None:
    for _ in range(4):
        world.plan_in(S.ACTIVE)
    client = client_for("regulator")
    client.get("/plans/")
    with django_assert_max_num_queries(12):
        assert client.get("/plans/").status_code == 200
    with django_assert_max_num_queries(12):
        assert client_for(None).get("/plans/search/?q=脂肪").status_code == 200


def test_a_committee_sees_the_plans_submitted_to_it_by_cursor(world, client_for) -> None:
    submitted = [world.plan_in(S.UNDER_REVIEW), world.plan_in(S.ACTIVE)]
    world.plan_in(S.DRAFT)  # never submitted: not the committee's
    client = client_for("secretariat")
    first = client.get("/api/v1/plans", {"limit": 1}).json()
    assert first["count"] == 2 and first["next"]
    second = client.get("/api/v1/plans", {"limit": 1, "cursor": first["next"]}).json()
    assert second["next"] is None
    ids = [first["items"][0]["id"], second["items"][0]["id"]]
    assert ids == [p.pk for p in reversed(submitted)]


@pytest.mark.parametrize("language", ["ja", "en"])
@pytest.mark.parametrize(
    "data",
    [None, {"prefecture": "13", "risk_class": "II", "therapy": "prp"}, {"prefecture": "<x>"}],
)
def test_the_search_forms_quick_select_writes_djangos_markup(language, data) -> None:
    from django import forms
    from django.utils import translation

    from saisei.plans.forms import QuickSelect, SearchForm

    with translation.override(language):
        form = SearchForm(data)
        for name in ("prefecture", "risk_class", "therapy"):
            assert isinstance(form.fields[name].widget, QuickSelect)
            django = forms.Select(choices=form.fields[name].choices)
            assert str(form[name]) == str(SearchForm(data)[name].as_widget(widget=django))


def test_the_text_index_follows_every_write_to_the_search_table(knee_and_skin) -> None:
    knee, skin = knee_and_skin
    PublicPlan.objects.filter(plan_id=knee.pk).update(search_text="chondrocyte")
    assert _found("chondrocyte") == {knee.pk}
    assert _found("関節PRP") == set()
    PublicPlan.objects.filter(plan_id=skin.pk).delete()
    assert _found("線維芽細胞") == set()
    search.rebuild()
    assert _found("関節PRP") == {knee.pk} and _found("線維芽細胞") == {skin.pk}
    assert _found("chondrocyte") == set()


@pytest.mark.parametrize(
    ("persona", "url"), [(None, "/api/v1/public/plans"), ("regulator", "/api/v1/plans")]
)
def test_a_page_by_cursor_makes_as_few_queries_as_the_first(
    world, client_for, django_assert_max_num_queries, persona, url
) -> None:
    for _ in range(3):
        world.plan_in(S.ACTIVE)
    client = client_for(persona)
    first = client.get(url, {"limit": 1}).json()
    assert first["next"]
    with django_assert_max_num_queries(10):
        second = client.get(url, {"limit": 1, "cursor": first["next"]})
    assert second.status_code == 200
    assert second.json()["items"][0]["id"] != first["items"][0]["id"]
    assert client.get(url, {"cursor": "W10"}).status_code == 400


def test_a_search_row_shows_markup_in_a_title_as_text(world, client_for) -> None:
    plan = world.plan_in(
        S.ACTIVE, content={"title": '膝<script>alert("x")</script>', "title_en": "Knee & <b>"}
    )
    Institution.objects.filter(pk=plan.institution_id).update(name_en='Clinic "A" <i>')
    search.rebuild()
    html = client_for(None).get("/plans/search/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert _rows_of(html) == [plan.pk]
    assert "Knee &amp; &lt;b&gt;" in html and "<b>" not in html
    assert "Clinic &quot;A&quot; &lt;i&gt;" in html
    japanese = client_for(None).get("/plans/search/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "膝&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in japanese
    assert "<script>alert" not in japanese


def test_search_forms_share_their_choices_and_each_still_validates_its_own() -> None:
    from saisei.plans.forms import SearchForm

    one, two = SearchForm({"prefecture": "13"}), SearchForm({"prefecture": "99"})
    assert one.fields["prefecture"].choices is two.fields["prefecture"].choices
    assert one.is_valid() and one.cleaned_data["prefecture"] == "13"
    assert not two.is_valid() and "prefecture" in two.errors
    # A form that narrows its own field's choices leaves every other form's alone.
    one.fields["prefecture"].choices = [("", "Any"), ("13", "Tokyo")]
    three = SearchForm({"prefecture": "01"})
    assert three.is_valid() and len(three.fields["prefecture"].choices) == 48
    assert 'value="01"' in str(three["prefecture"])
