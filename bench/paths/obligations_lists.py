"""The obligation lists: the regulator's overdue list (API at page 1 and deep, and the page), an
institution's "What is due" (page and API), and a committee's list (API).

Each floor is the bare request of its kind by the same client (bench.harness) plus the SQL
that returns the same rows: the page's columns (for the page, the explanation's sentence in the
page's language, as the page shows it) read from the index that matches the list's order, and,
for the API, the count it answers beside them. A scoped list's floor reads the actor's own rows
by the indexes of the two columns that make a duty theirs (the one that must meet it and the
one it is addressed to).

The deep page is the 500th of 20 rows when the list has that many (about 10,000 overdue duties:
3x national), else its last: reached by a cursor, it must cost what page 1 costs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.harness import READ, Context, Measure, ok, register

LIMIT = 20  # the API's pages in these measures (its default is 50)
DEEP_PAGE = 500
PAGE_ROWS = 50  # saisei.obligations.views.PAGE_SIZE

API_COLUMNS = (
    "o.id, o.rule, g.slug, o.subject_type, o.subject_id, o.subject_label, o.recipient, "
    "o.starts_on, o.period, o.period_start, o.period_end, o.nominal_due, o.due_on, o.status, "
    "o.met_on, o.waived_reason, o.explanation"
)
API_FROM = "obligations_obligation o LEFT JOIN accounts_organisation g ON g.id = o.organisation_id"
# Overdue today: outstanding (rank 0, open or overdue) and past its due date.
OVERDUE = "(o.rank, o.due_on) < (0, %s)"
OVERDUE_COUNT = (
    "SELECT COUNT(*) FROM obligations_obligation o "
    "WHERE o.status = 'overdue' OR (o.status = 'open' AND o.due_on < %s)"
)


def _page_columns(vendor: str) -> str:
    """The page's columns, with the explanation's Japanese sentence (English where none)."""
    if vendor == "sqlite":
        text = "NULLIF(json_extract(o.explanation, '$.{}'), '')"
    else:
        text = "NULLIF(o.explanation ->> '{}', '')"
    explain = ", ".join(text.format(key) for key in ("explain_ja", "explanation", "explain"))
    return (
        "o.id, o.rank, o.rule, o.organisation_id, o.also_visible_to_id, o.subject_label, "
        "o.recipient, o.period, o.period_start, o.period_end, o.due_on, o.status, o.met_on, "
        f"COALESCE({explain}, '')"
    )


def _vendor() -> str:
    from django.db import connection

    return connection.vendor


def _scope(ctx: Context, key: str) -> list[int]:
    from saisei.accounts.permissions import organisation_ids_with

    if f"obligations.scope.{key}" not in ctx.store:
        scope = organisation_ids_with(ctx.users[key], "obligations.view")
        if not scope:
            raise AssertionError(f"the {key} user sees no obligations")
        ctx.store[f"obligations.scope.{key}"] = sorted(scope)
    return ctx.store[f"obligations.scope.{key}"]


def _scoped(ctx: Context, key: str) -> tuple[str, list[int]]:
    scope = _scope(ctx, key)
    marks = ", ".join(["%s"] * len(scope))
    return f"(o.organisation_id IN ({marks}) OR o.also_visible_to_id IN ({marks}))", scope + scope


def _deep_cursor(ctx: Context) -> str:
    """The cursor of the regulator's 500th overdue page of LIMIT rows (or of its last page)."""
    from saisei.core.keyset import encode_cursor

    if "obligations.deep" not in ctx.store:
        (total,) = ctx.sql(OVERDUE_COUNT, [ctx.today])[0]
        pages = max(1, -(-total // LIMIT))
        page = min(DEEP_PAGE, pages)
        if page < 2:
            raise AssertionError(f"{total} overdue duties: no page after the first")
        rank, due_on, pk = ctx.sql(
            f"SELECT o.rank, o.due_on, o.id FROM obligations_obligation o WHERE {OVERDUE} "
            "ORDER BY o.rank, o.due_on, o.id LIMIT 1 OFFSET %s",
            [ctx.today, (page - 1) * LIMIT - 1],
        )[0]
        key = (rank, due_on, pk)
        ctx.store["obligations.deep"] = (encode_cursor("n", [rank, str(due_on), pk]), key)
    return ctx.store["obligations.deep"][0]


# --- the regulator's overdue list ----------------------------------------------------------------


def regulator_overdue_api(ctx: Context) -> Any:
    client = ctx.api(ctx.users["regulator"])
    body = ok(client.get("/api/v1/obligations", {"status": "overdue", "limit": LIMIT})).json()
    assert len(body["items"]) == LIMIT and body["next"], body["count"]
    return body


def regulator_overdue_api_floor(ctx: Context) -> Any:
    ctx.bare(ctx.api(ctx.users["regulator"]))
    rows = ctx.sql(
        f"SELECT {API_COLUMNS} FROM {API_FROM} WHERE {OVERDUE} "
        "ORDER BY o.rank, o.due_on, o.id LIMIT %s",
        [ctx.today, LIMIT + 1],
    )
    return rows, ctx.sql(OVERDUE_COUNT, [ctx.today])


def regulator_overdue_deep_api(ctx: Context) -> Any:
    client = ctx.api(ctx.users["regulator"])
    query = {"status": "overdue", "limit": LIMIT, "cursor": _deep_cursor(ctx)}
    body = ok(client.get("/api/v1/obligations", query)).json()
    assert body["items"], "the deep page is empty"
    return body


def regulator_overdue_deep_api_floor(ctx: Context) -> Any:
    _deep_cursor(ctx)
    _cursor, key = ctx.store["obligations.deep"]
    ctx.bare(ctx.api(ctx.users["regulator"]))
    rows = ctx.sql(
        f"SELECT {API_COLUMNS} FROM {API_FROM} WHERE {OVERDUE} "
        "AND (o.rank, o.due_on, o.id) > (%s, %s, %s) ORDER BY o.rank, o.due_on, o.id LIMIT %s",
        [ctx.today, *key, LIMIT + 1],
    )
    return rows, ctx.sql(OVERDUE_COUNT, [ctx.today])


def regulator_overdue_page(ctx: Context) -> Any:
    client = ctx.page(ctx.users["regulator"])
    return ok(client.get("/obligations/", {"status": "overdue"}))


def regulator_overdue_page_floor(ctx: Context) -> Any:
    ctx.bare(ctx.page(ctx.users["regulator"]))
    return ctx.sql(
        f"SELECT {_page_columns(_vendor())} FROM obligations_obligation o "
        f"WHERE {OVERDUE} ORDER BY o.rank, o.due_on, o.id LIMIT %s",
        [ctx.today, PAGE_ROWS + 1],
    )


# --- an institution's "What is due" and a committee's list ---------------------------------------


def institution_page(ctx: Context) -> Any:
    return ok(ctx.page(ctx.users["institution"]).get("/obligations/"))


def institution_page_floor(ctx: Context) -> Any:
    where, params = _scoped(ctx, "institution")
    ctx.bare(ctx.page(ctx.users["institution"]))
    return ctx.sql(
        f"SELECT {_page_columns(_vendor())} FROM obligations_obligation o "
        f"WHERE {where} AND o.rank = 0 ORDER BY o.rank, o.due_on, o.id LIMIT %s",
        [*params, PAGE_ROWS + 1],
    )


def _scoped_api(ctx: Context, key: str) -> Any:
    body = ok(ctx.api(ctx.users[key]).get("/api/v1/obligations", {"limit": LIMIT})).json()
    assert body["items"], f"the {key} user's list is empty"
    return body


def _scoped_api_floor(ctx: Context, key: str) -> Any:
    where, params = _scoped(ctx, key)
    ctx.bare(ctx.api(ctx.users[key]))
    rows = ctx.sql(
        f"SELECT {API_COLUMNS} FROM {API_FROM} WHERE {where} "
        "ORDER BY o.rank, o.due_on, o.id LIMIT %s",
        [*params, LIMIT + 1],
    )
    return rows, ctx.sql(f"SELECT COUNT(*) FROM obligations_obligation o WHERE {where}", params)


# --- the SQL the requests run, for --explain ------------------------------------------------------


def _ran(ctx: Context, run: Any) -> Sequence[tuple[str, Sequence[Any]]]:
    """The statements a request ran on obligations (the list and its count), as executed."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        run(ctx)
    return [(q["sql"], ()) for q in captured if "obligations_obligation" in q["sql"]]


def _measure(name: str, run: Any, floor: Any, *, p99: float, **extra: Any) -> Measure:
    return Measure(
        name,
        READ,
        run,
        floor=floor,
        floor_label="bare request + the list's rows (and count) by hand-written indexed SQL",
        ratio=3.0,
        p99_ms=p99,
        explain=lambda ctx: _ran(ctx, run),
        area="obligations",
        **extra,
    )


OVERDUE_API_PAGE_1 = "Obligations API: regulator overdue, page 1"

register(
    _measure(OVERDUE_API_PAGE_1, regulator_overdue_api, regulator_overdue_api_floor, p99=100.0),
    _measure(
        "Obligations API: regulator overdue, page 500 (cursor)",
        regulator_overdue_deep_api,
        regulator_overdue_deep_api_floor,
        p99=100.0,
        same_as=OVERDUE_API_PAGE_1,
    ),
    _measure(
        "Obligations page: regulator ?status=overdue",
        regulator_overdue_page,
        regulator_overdue_page_floor,
        p99=150.0,
    ),
    _measure(
        "Obligations page: institution's What is due",
        institution_page,
        institution_page_floor,
        p99=150.0,
    ),
    _measure(
        "Obligations API: institution's list",
        lambda ctx: _scoped_api(ctx, "institution"),
        lambda ctx: _scoped_api_floor(ctx, "institution"),
        p99=100.0,
    ),
    _measure(
        "Obligations API: committee's list",
        lambda ctx: _scoped_api(ctx, "committee"),
        lambda ctx: _scoped_api_floor(ctx, "committee"),
        p99=100.0,
    ),
)
