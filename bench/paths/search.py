"""The public plan search and the plans lists, page 1 and page 500, by text, by prefecture, and
an institution's and a committee's own lists.

Each request's floor is the bare request of its kind by the same client (bench.harness) plus the
indexed SQL that returns what the response shows: the page's rows (one range of the list's index,
from the cursor's key) and the number found (on the search page, the results counted by facet,
and for a text by institution too, whose sum is the number found); the API lists the same
columns, and a signed-in list its plans' committees, filing dates and versions besides. A text
query's floor is the same through the database's text index (FTS5 MATCH on SQLite, the pg_trgm
GIN index's LIKE on PostgreSQL), so its ratio is to the raw index query.

Page 500 is the deepest page the data set has when it has fewer than 500 (at small scales): its
cursor is built from the row before it, as the page before it would have handed it out.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from bench.harness import READ, Context, Measure, ok, register

PAGE = 50
DEEP_PAGE = 500
PREFECTURE = "13"  # Tokyo: the most institutions
TEXT_JA = "線維芽細胞"  # cultured fibroblast plans, about one in twenty
TEXT_EN = "fibroblast"
TEXT_SHORT = "軟骨"  # two characters: below a trigram

# What the page's rows show of a row's reporting: what it is read from
# (saisei.plans.selectors.REPORTING_COLUMNS).
PUBLIC_COLUMNS = (
    "id, plan_id, institution_id, institution_name, institution_name_en, title, "
    "title_en, plan_number, prefecture, risk_class, therapy, condition, status, orders, "
    "filed_on, source, next_due, reported_late, reported"
)
PUBLIC_ORDER = "ORDER BY institution_name, title, id"
# The page counts its results by these columns (saisei.plans.selectors._GROUPED_FACETS), each
# group's rows of each reporting value but the last besides (the day the one parameter of each).
FACETS = "risk_class, prefecture, therapy, status, condition, orders"
NOT_OVERDUE = "source = 'saisei' AND (next_due IS NULL OR next_due >= %s)"
REPORTING_COUNTS = (
    "count(CASE WHEN source = 'saisei' AND next_due < %s THEN 1 END), "
    f"count(CASE WHEN {NOT_OVERDUE} AND reported_late THEN 1 END), "
    f"count(CASE WHEN {NOT_OVERDUE} AND NOT reported_late AND reported THEN 1 END), "
    "count(CASE WHEN source <> 'saisei' THEN 1 END)"
)
# ... and, for a text, by institution (saisei.plans.selectors.public_plan_counts).
NAMED = "institution_id, institution_name, institution_name_en"
# What the plans page lists (saisei.plans.selectors.LIST_COLUMNS), and what the API lists besides
# (API_LIST_COLUMNS).
LIST_COLUMNS = (
    "p.id, p.title, p.title_en, p.risk_class, p.status, p.plan_number, p.updated_at, "
    "i.id, i.name, i.name_en"
)
API_LIST_COLUMNS = f"{LIST_COLUMNS}, p.filed_on, p.version, c.id, c.name, c.name_en"


def _vendor() -> str:
    return _connection().vendor


def _text_where(q: str) -> tuple[str, list[Any]]:
    """The text condition as the raw index query writes it (the query normalised)."""
    from saisei.plans.search import FTS_TABLE, normalise

    term = normalise(q)
    if len(term) < 3:
        return "search_text LIKE %s", [f"%{term}%"]
    if _vendor() == "sqlite":
        # As the search writes it: the list's index walked, each entry looked up in the matches.
        return (
            f"+id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)",
            [f'"{term}"'],
        )
    return "search_text LIKE %s", [f"%{term}%"]


# --- cursors for page 500 --------------------------------------------------------------------


def _public_cursor(ctx: Context, where: str = "", params: Sequence[Any] = ()) -> str | None:
    """The `next` cursor the page before the deep page hands out (None: page 1 is the deepest)."""
    from saisei.core.keyset import encode_cursor

    key = ("public", where, tuple(params))
    if key not in ctx.store:
        clause = f"WHERE {where}" if where else ""
        (count,) = ctx.sql(f"SELECT count(*) FROM plans_publicplan {clause}", params)[0]
        offset = min((DEEP_PAGE - 1) * PAGE, max(count - PAGE, 0)) - 1
        cursor = None
        if offset >= 0:
            row = ctx.sql(
                f"SELECT institution_name, title, id FROM plans_publicplan {clause} "
                f"{PUBLIC_ORDER} LIMIT 1 OFFSET %s",
                [*params, offset],
            )[0]
            cursor = encode_cursor("n", list(row))
        ctx.store[key] = cursor
    return ctx.store[key]


def _plans_cursor(ctx: Context) -> str | None:
    """The deep page's cursor of the nation's plans list (the regulator's), newest change first."""
    from saisei.core.keyset import encode_cursor
    from saisei.plans.models import Plan

    key = ("plans",)
    if key not in ctx.store:
        count = Plan.objects.count()
        offset = min((DEEP_PAGE - 1) * PAGE, max(count - PAGE, 0)) - 1
        cursor = None
        if offset >= 0:
            updated, pk = Plan.objects.order_by("-updated_at", "-id").values_list(
                "updated_at", "id"
            )[offset]
            cursor = encode_cursor("n", [updated.isoformat(), pk])
        ctx.store[key] = cursor
    return ctx.store[key]


def _deep_key(cursor: str | None) -> list[Any] | None:
    from saisei.core.keyset import decode_cursor
    from saisei.plans.models import PublicPlan

    if cursor is None:
        return None
    fields = [PublicPlan._meta.get_field(n) for n in ("institution_name", "title", "id")]
    return decode_cursor(cursor, fields, _connection())[1]


# --- floors ----------------------------------------------------------------------------------


def _public_rows_sql(where: str, params: list[Any], key: list[Any] | None) -> tuple[str, list]:
    conditions = [where] if where else []
    params = list(params)
    if key is not None:
        conditions.append("(institution_name, title, id) > (%s, %s, %s)")
        params.extend(key)
    clause = f"WHERE {' AND '.join(conditions)}" if conditions else ""
    return (
        f"SELECT {PUBLIC_COLUMNS} FROM plans_publicplan {clause} {PUBLIC_ORDER} LIMIT {PAGE + 1}",
        params,
    )


def _count_sql(where: str, params: list[Any]) -> tuple[str, list[Any]]:
    clause = f"WHERE {where}" if where else ""
    return f"SELECT count(*) FROM plans_publicplan {clause}", list(params)


def _overdue_where() -> tuple[str, list[Any]]:
    """The rows whose reporting is overdue on the day, as simply as SQL says it (the search
    filters by saisei.plans.selectors.reporting_filters)."""
    from saisei.core.time import legal_today

    return "source = %s AND next_due < %s", ["saisei", legal_today()]


def _facets_sql(where: str, params: list[Any], *, named: bool = False) -> tuple[str, list[Any]]:
    from saisei.core.time import legal_today

    clause = f"WHERE {where}" if where else ""
    # A text search's page names the institutions of its results too, from the same GROUP BY.
    columns = f"{FACETS}, {NAMED}" if named else FACETS
    today = legal_today()
    return (
        f"SELECT {columns}, count(*), {REPORTING_COUNTS} FROM plans_publicplan {clause} "
        f"GROUP BY {columns}",
        [today, today, today, *params],
    )


def _public_floor(
    where: str = "",
    params: Sequence[Any] = (),
    *,
    deep: bool = False,
    api: bool = False,
    text: bool = False,
) -> Callable[[Context], Any]:
    def floor(ctx: Context) -> Any:
        key = _deep_key(_public_cursor(ctx, where, params)) if deep else None
        client = ctx.api(None) if api else ctx.page(None)
        ctx.bare(client)
        sql, args = _public_rows_sql(where, list(params), key)
        rows = ctx.sql(sql, args)
        if api:
            ctx.sql(*_count_sql(where, list(params)))
        else:
            # The page's number found is the sum of a facet's counts.
            ctx.sql(*_facets_sql(where, list(params), named=text))
        return rows

    return floor


def _plans_floor(
    user: str,
    scope: str,
    scope_params: Callable[[Context], list[Any]],
    *,
    deep: bool = False,
    api: bool = True,
) -> Callable[[Context], Any]:
    """The signed-in list's floor: the page of the actor's plans, newest change first, in the
    index that leads with its scope, and its count; for the API the page's details too."""

    def floor(ctx: Context) -> Any:
        from saisei.core.keyset import decode_cursor
        from saisei.plans.models import Plan

        user_obj = ctx.users[user]
        client = ctx.api(user_obj) if api else ctx.page(user_obj)
        ctx.bare(client)
        conditions = [scope] if scope else []
        params = scope_params(ctx)
        if deep and (cursor := _plans_cursor(ctx)) is not None:
            fields = [Plan._meta.get_field("updated_at"), Plan._meta.get_field("id")]
            _dir, key = decode_cursor(cursor, fields, _connection())
            conditions.append("(p.updated_at, p.id) < (%s, %s)")
            params = [
                *params,
                *(
                    field.get_db_prep_value(value, _connection(), prepared=False)
                    for field, value in zip(fields, key, strict=True)
                ),
            ]
        clause = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        columns = API_LIST_COLUMNS if api else LIST_COLUMNS
        rows = ctx.sql(
            f"SELECT {columns} FROM plans_plan p "
            "JOIN registry_institution i ON i.id = p.institution_id "
            "LEFT JOIN registry_committee c ON c.id = p.committee_id "
            f"{clause} ORDER BY p.updated_at DESC, p.id DESC LIMIT {PAGE + 1}",
            params,
        )
        if api:
            count_clause = f"WHERE {scope}" if scope else ""
            ctx.sql(f"SELECT count(*) FROM plans_plan p {count_clause}", scope_params(ctx))
        return rows

    return floor


def _connection() -> Any:
    from django.db import connection

    return connection


def _institution_ids(ctx: Context) -> list[Any]:
    return [ctx.sample["institution"]]


def _committee_ids(ctx: Context) -> list[Any]:
    return [ctx.sample["committee"]]


def _none(ctx: Context) -> list[Any]:
    return []


# --- runs ------------------------------------------------------------------------------------


# A row of a plans page links to the plan (its public page or its own, or its listing).
_ROW = re.compile(rb'<td><a href="/plans/((verify/)?\d+|listed/[0-9A-Z]+)/">')


def _with_rows(response: Any) -> Any:
    """The response, after checking it shows rows: an empty page (a cursor that matches nothing)
    would time nothing."""
    if response["Content-Type"].startswith("application/json"):
        shown = bool(response.json()["items"])
    else:
        shown = _ROW.search(response.content) is not None
    if not shown:
        raise AssertionError(f"{response.request.get('PATH_INFO')} showed no rows")
    return response


def _get(
    client_of: Callable[[Context], Any], url: str, params: Callable[[Context], dict[str, Any]]
) -> Callable[[Context], Any]:
    def run(ctx: Context) -> Any:
        return _with_rows(ok(client_of(ctx).get(url, params(ctx))))

    return run


def _anonymous_page(ctx: Context) -> Any:
    return ctx.page(None)


def _anonymous_api(ctx: Context) -> Any:
    return ctx.api(None)


def _fixed(**params: Any) -> Callable[[Context], dict[str, Any]]:
    return lambda ctx: dict(params)


def _deep_public(where: str = "", params: Sequence[Any] = (), **extra: Any) -> Callable:
    def build(ctx: Context) -> dict[str, Any]:
        cursor = _public_cursor(ctx, where, params)
        return {**extra, **({"cursor": cursor} if cursor else {})}

    return build


def _deep_plans(**extra: Any) -> Callable[[Context], dict[str, Any]]:
    def build(ctx: Context) -> dict[str, Any]:
        cursor = _plans_cursor(ctx)
        return {**extra, **({"cursor": cursor} if cursor else {})}

    return build


def _user_api(user: str) -> Callable[[Context], Any]:
    return lambda ctx: ctx.api(ctx.users[user])


def _user_page(user: str) -> Callable[[Context], Any]:
    return lambda ctx: ctx.page(ctx.users[user])


# --- explain: the ORM's own SQL of each hot path ---------------------------------------------


def _explain_public(
    criteria: dict[str, Any],
    *,
    deep: bool = False,
    where: str = "",
    params: Sequence[Any] = (),
) -> Callable[[Context], list[tuple[str, Sequence[Any]]]]:
    def explain(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
        from saisei.core.keyset import RowCompare
        from saisei.plans import selectors
        from saisei.plans.models import PublicPlan

        rows = selectors.public_plan_search(**criteria)
        page = rows
        key = _deep_key(_public_cursor(ctx, where, params)) if deep else None
        if key is not None:
            fields = [PublicPlan._meta.get_field(n) for n in ("institution_name", "title", "id")]
            page = rows.filter(RowCompare(fields, ">", key))
        count_sql, count_params = rows.order_by().values("pk").query.sql_with_params()
        filters = {name: value for name, value in criteria.items() if name != "sort"}
        facets = selectors.public_plan_facets_query(named=bool(filters.get("q")), **filters)
        return [
            page[: PAGE + 1].query.sql_with_params(),
            (f"SELECT count(*) FROM ({count_sql}) found", count_params),
            facets.query.sql_with_params(),
        ]

    return explain


def _explain_plans(
    user: str, *, deep: bool = False, api: bool = True
) -> Callable[[Context], list[Any]]:
    def explain(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
        from saisei.core.keyset import RowCompare, decode_cursor
        from saisei.plans import selectors
        from saisei.plans.models import Plan

        plans = selectors.plan_list_for(ctx.users[user])
        # The columns each reads (saisei.plans.api.plans, saisei.plans.views.drafting).
        if api:
            plans = plans.values(*selectors.API_LIST_COLUMNS)
        else:
            plans = (
                plans.select_related(None)
                .select_related("institution")
                .only(*selectors.LIST_COLUMNS)
            )
        page = plans
        if deep and (cursor := _plans_cursor(ctx)) is not None:
            fields = [Plan._meta.get_field("updated_at"), Plan._meta.get_field("id")]
            page = plans.filter(
                RowCompare(fields, "<", decode_cursor(cursor, fields, _connection())[1])
            )
        return [page[: PAGE + 1].query.sql_with_params()]

    return explain


def _measures() -> list[Measure]:
    api, page = 100.0, 150.0
    m: list[Measure] = []

    def public(
        name: str,
        *,
        api_call: bool,
        criteria: dict[str, Any],
        where_of: Callable[[], tuple[str, list[Any]]] | None = None,
        deep: bool = False,
        same_as: str | None = None,
    ) -> Measure:
        url = "/api/v1/public/plans" if api_call else "/plans/search/"
        client = _anonymous_api if api_call else _anonymous_page
        extra = {**criteria, **({"limit": PAGE} if api_call else {})}

        def where() -> tuple[str, list[Any]]:
            return where_of() if where_of else ("", [])

        def run(ctx: Context) -> Any:
            w, p = where()
            params = _deep_public(w, p, **extra)(ctx) if deep else dict(extra)
            return _with_rows(ok(client(ctx).get(url, params)))

        def floor(ctx: Context) -> Any:
            w, p = where()
            return _public_floor(w, p, deep=deep, api=api_call, text=bool(criteria.get("q")))(ctx)

        def explain(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
            w, p = where()
            return _explain_public(criteria, deep=deep, where=w, params=p)(ctx)

        return Measure(
            name,
            READ,
            run,
            floor,
            floor_label="bare request + indexed SQL of the rows and "
            + (
                "count"
                if api_call
                else "facets (their sum the count)"
                + (", by institution too" if criteria.get("q") else "")
            ),
            ratio=3.0,
            p99_ms=api if api_call else page,
            same_as=same_as,
            explain=explain,
            area="search",
        )

    m.append(public("Search page 1 (anonymous)", api_call=False, criteria={}))
    m.append(
        public(
            "Search page 500 (anonymous)",
            api_call=False,
            criteria={},
            deep=True,
            same_as="Search page 1 (anonymous)",
        )
    )
    m.append(public("Search API page 1 (anonymous)", api_call=True, criteria={}))
    m.append(
        public(
            "Search API page 500 (anonymous)",
            api_call=True,
            criteria={},
            deep=True,
            same_as="Search API page 1 (anonymous)",
        )
    )
    for label, q in (("ja", TEXT_JA), ("en", TEXT_EN), ("2 characters", TEXT_SHORT)):
        m.append(
            public(
                f"Search page, text {label} ({q})",
                api_call=False,
                criteria={"q": q},
                where_of=lambda q=q: _text_where(q),
            )
        )
        m.append(
            public(
                f"Search API, text {label} ({q})",
                api_call=True,
                criteria={"q": q},
                where_of=lambda q=q: _text_where(q),
            )
        )
    m.append(
        public(
            f"Search page, prefecture {PREFECTURE}",
            api_call=False,
            criteria={"prefecture": PREFECTURE},
            where_of=lambda: ("prefecture = %s", [PREFECTURE]),
        )
    )
    m.append(
        public(
            "Search page, reports overdue",
            api_call=False,
            criteria={"reporting": "overdue"},
            where_of=_overdue_where,
        )
    )

    # A regulator sees every plan from its first submission to a committee (plans_visible_to).
    REGULATOR_SCOPE = "p.first_submitted_at IS NOT NULL"

    def plans(
        name: str,
        user: str,
        scope: str,
        scope_params: Callable[[Context], list[Any]],
        *,
        api_call: bool = True,
        deep: bool = False,
        same_as: str | None = None,
    ) -> Measure:
        url = "/api/v1/plans" if api_call else "/plans/"
        client = _user_api(user) if api_call else _user_page(user)
        extra = {"limit": PAGE} if api_call else {}
        params = _deep_plans(**extra) if deep else _fixed(**extra)
        return Measure(
            name,
            READ,
            _get(client, url, params),
            _plans_floor(user, scope, scope_params, deep=deep, api=api_call),
            floor_label="bare request + indexed SQL of the actor's rows"
            + (" and count" if api_call else ""),
            ratio=3.0,
            p99_ms=api if api_call else page,
            same_as=same_as,
            explain=_explain_plans(user, deep=deep, api=api_call),
            area="search",
        )

    m.append(
        plans(
            "Plans API, the institution's own",
            "institution",
            "p.institution_id = %s",
            _institution_ids,
        )
    )
    m.append(
        plans(
            "Plans API, the committee's own",
            "committee",
            "p.committee_id = %s AND p.first_submitted_at IS NOT NULL",
            _committee_ids,
        )
    )
    m.append(plans("Plans API page 1 (regulator)", "regulator", REGULATOR_SCOPE, _none))
    m.append(
        plans(
            "Plans API page 500 (regulator)",
            "regulator",
            REGULATOR_SCOPE,
            _none,
            deep=True,
            same_as="Plans API page 1 (regulator)",
        )
    )
    m.append(plans("Plans page 1 (regulator)", "regulator", REGULATOR_SCOPE, _none, api_call=False))
    m.append(
        plans(
            "Plans page 500 (regulator)",
            "regulator",
            REGULATOR_SCOPE,
            _none,
            api_call=False,
            deep=True,
            same_as="Plans page 1 (regulator)",
        )
    )
    m.append(
        plans(
            "Plans page, the institution's own",
            "institution",
            "p.institution_id = %s",
            _institution_ids,
            api_call=False,
        )
    )
    return m


register(*_measures())
