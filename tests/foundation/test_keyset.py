"""Keyset pagination (saisei.core.keyset) and the API's cursor (api.schemas.Pagination)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saisei.accounts.models import Organisation, OrganisationKind
from saisei.core.errors import DomainError
from saisei.core.keyset import encode_cursor, keyset_page, keyset_supported

pytestmark = pytest.mark.django_db


def _orgs(n: int) -> list[Organisation]:
    return [
        Organisation.objects.create(
            kind=OrganisationKind.INSTITUTION, slug=f"ks-{i:03d}", name=f"機関{i % 4}"
        )
        for i in range(n)
    ]


def _walk(qs, limit: int) -> tuple[list[int], list[str]]:
    seen: list[int] = []
    cursors: list[str] = []
    page = keyset_page(qs, cursor=None, limit=limit)
    while True:
        seen.extend(o.pk for o in page.items)
        if page.next_cursor is None:
            return seen, cursors
        cursors.append(page.next_cursor)
        page = keyset_page(qs, cursor=page.next_cursor, limit=limit)


def test_following_next_visits_every_row_once_in_the_list_order() -> None:
    _orgs(23)
    # A non-unique leading column: the primary key is added as the tie-breaker.
    qs = Organisation.objects.filter(slug__startswith="ks-").order_by("name")
    expected = list(qs.order_by("name", "pk").values_list("pk", flat=True))
    seen, cursors = _walk(qs, 5)
    assert seen == expected
    assert len(cursors) == 4


def test_a_descending_list_walks_backwards_and_previous_returns_the_page_before() -> None:
    _orgs(12)
    qs = Organisation.objects.filter(slug__startswith="ks-").order_by("-slug")
    first = keyset_page(qs, cursor=None, limit=5)
    assert [o.slug for o in first] == [f"ks-{i:03d}" for i in range(11, 6, -1)]
    assert first.previous_cursor is None
    second = keyset_page(qs, cursor=first.next_cursor, limit=5)
    assert [o.slug for o in second] == [f"ks-{i:03d}" for i in range(6, 1, -1)]
    back = keyset_page(qs, cursor=second.previous_cursor, limit=5)
    assert [o.pk for o in back] == [o.pk for o in first]
    assert back.previous_cursor is None and back.next_cursor is not None
    last = keyset_page(qs, cursor=second.next_cursor, limit=5)
    assert [o.slug for o in last] == ["ks-001", "ks-000"]
    assert last.next_cursor is None


def test_a_deep_page_is_one_query_of_the_page_size() -> None:
    _orgs(30)
    qs = Organisation.objects.filter(slug__startswith="ks-").order_by("slug")
    page = keyset_page(qs, cursor=None, limit=10)
    with CaptureQueriesContext(connection) as queries:
        page = keyset_page(qs, cursor=page.next_cursor, limit=10)
    assert len(queries) == 1
    sql = queries[0]["sql"]
    assert "OFFSET" not in sql.upper()
    assert ") > (" in sql
    assert [o.slug for o in page] == [f"ks-{i:03d}" for i in range(10, 20)]


@pytest.mark.parametrize(
    "cursor",
    [
        "not base64 at all!",
        encode_cursor("x", ["ks-001"]),  # no such direction
        encode_cursor("n", ["ks-001", 3, 4]),  # wrong length
        encode_cursor("n", [None]),  # a null where the column has none
        encode_cursor("n", [{"a": 1}]),  # not a value
        encode_cursor("n", [3.5]),  # cursors carry text and whole numbers only
        encode_cursor("n", [True]),
        encode_cursor("n", [10**30]),  # beyond a 64-bit column
        "A" * 600,
    ],
)
def test_a_bad_cursor_is_a_translated_400(cursor: str) -> None:
    qs = Organisation.objects.order_by("slug")
    with pytest.raises(DomainError) as refused:
        keyset_page(qs, cursor=cursor, limit=5)
    assert refused.value.status == 400
    assert refused.value.details["errors"][0]["field"] == "cursor"


def test_an_ordering_by_an_expression_or_a_join_is_not_keyset() -> None:
    assert keyset_supported(Organisation.objects.order_by("slug"))
    assert not keyset_supported(Organisation.objects.order_by("slug", "-pk"))
    assert not keyset_supported(Organisation.objects.order_by("memberships__role"))


def test_the_api_answers_next_and_follows_it_to_the_end(client) -> None:
    from saisei.registry.models import Institution

    orgs = _orgs(7)
    for i, org in enumerate(orgs):
        Institution.objects.create(organisation=org, name=f"キーセット{i}", prefecture="13")
    seen: list[int] = []
    response = client.get("/api/v1/institutions", {"q": "キーセット", "limit": 3})
    body = response.json()
    assert body["count"] == 7
    while True:
        seen.extend(item["id"] for item in body["items"])
        if body["next"] is None:
            break
        response = client.get(
            "/api/v1/institutions", {"q": "キーセット", "limit": 3, "cursor": body["next"]}
        )
        assert response.status_code == 200
        body = response.json()
        assert body["count"] == 7
    assert len(seen) == 7 == len(set(seen))


def test_the_api_refuses_a_bad_cursor_and_a_cursor_with_an_offset(client) -> None:
    bad = client.get("/api/v1/institutions", {"cursor": encode_cursor("n", ["a"])})
    assert bad.status_code == 400
    assert bad.json()["details"]["errors"][0]["field"] == "cursor"
    good = encode_cursor("n", ["a", 1])
    both = client.get("/api/v1/institutions", {"cursor": good, "offset": 3})
    assert both.status_code == 400
    assert both.json()["details"]["errors"][0]["field"] == "offset"
    malformed = client.get("/api/v1/institutions", {"cursor": "no spaces allowed"})
    assert malformed.status_code == 422


def _raw_cursor(text: str) -> str:
    import base64

    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize(
    "text",
    [
        '["n",["ks-001",Infinity]]',
        '["n",["ks-001",NaN]]',
        '["n",["ks-001",1e400]]',
    ],
)
def test_a_cursor_with_a_number_json_allows_but_no_column_holds_is_a_400(client, text) -> None:
    assert client.get("/api/v1/institutions", {"cursor": _raw_cursor(text)}).status_code == 400


@pytest.mark.parametrize("text", ['["n",["not a date-time",1]]', '["n",[20261201,1]]'])
def test_a_cursor_whose_value_is_not_the_columns_is_a_400(text: str) -> None:
    qs = Organisation.objects.order_by("created_at", "pk")
    with pytest.raises(DomainError) as refused:
        keyset_page(qs, cursor=_raw_cursor(text), limit=5)
    assert refused.value.status == 400


@pytest.mark.parametrize(
    "text",
    [
        '["n",["9999-12-31T23:59:59-12:00",1]]',  # later than any UTC date-time
        '["n",["0001-01-01T00:00:00+14:00",1]]',  # earlier than any UTC date-time
    ],
)
def test_a_date_time_at_the_calendars_edge_is_a_page_or_a_400(text: str) -> None:
    # PostgreSQL holds both instants (an empty page); SQLite's date-times stop at year 9999
    # in UTC, so there the cursor is refused. Neither may be a server error.
    qs = Organisation.objects.order_by("created_at", "pk")
    try:
        page = keyset_page(qs, cursor=_raw_cursor(text), limit=5)
    except DomainError as refused:
        assert connection.vendor == "sqlite"
        assert refused.status == 400
    else:
        assert connection.vendor == "postgresql"
        assert isinstance(page.items, list)
