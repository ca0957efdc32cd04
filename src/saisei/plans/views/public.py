"""The public pages: search of filed plans and one plan's verification page."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.errors import NotFound
from saisei.core.keyset import keyset_page
from saisei.core.time import legal_today
from saisei.plans import search, selectors
from saisei.plans.forms import SearchForm
from saisei.plans.models import plan_may_provide
from saisei.plans.views.common import list_rows, office_label, with_cursor

# Rows on a page of the public search.
SEARCH_PAGE_SIZE = 50
# How long an anonymous search page's results are kept when the setting does not say.
DEFAULT_CACHE_SECONDS = 60


def _search_page(criteria: dict[str, Any], cursor: str | None) -> dict[str, Any]:
    """One page of the public search: its rows, the number found and the cursors either side."""
    rows = selectors.public_plan_search(**criteria)
    page = keyset_page(rows, cursor=cursor, limit=SEARCH_PAGE_SIZE)
    return {
        "rows": page.items,
        "count": rows.count(),
        "next": page.next_cursor,
        "previous": page.previous_cursor,
    }


def _cache_key(criteria: dict[str, Any], cursor: str | None) -> str:
    """The anonymous page's cache key: the index's generation, the criteria as the search reads
    them (the query normalised: full-width and half-width letters share an entry), the cursor."""
    described = {
        **{name: value for name, value in criteria.items() if value not in ("", None)},
        "q": search.query_terms(criteria.get("q") or ""),
        "cursor": cursor or "",
        "generation": search.generation(),
    }
    digest = hashlib.sha256(json.dumps(described, sort_keys=True).encode()).hexdigest()
    return f"plans:search:page:{digest}"


def public_search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    criteria: dict[str, Any] = dict(form.cleaned_data) if form.is_valid() else {}
    cursor = request.GET.get("cursor") or None
    # What a visitor who is not signed in sees is the same for every such visitor: kept for a
    # short time (SAISEI_SEARCH_CACHE_SECONDS), never for a signed-in user. Only the results
    # are kept, not the page (which carries the language and a CSRF token).
    timeout = getattr(settings, "SAISEI_SEARCH_CACHE_SECONDS", DEFAULT_CACHE_SECONDS)
    if request.user.is_authenticated or not timeout:
        results = _search_page(criteria, cursor)
    else:
        key = _cache_key(criteria, cursor)
        results = cache.get(key)
        if results is None:
            results = _search_page(criteria, cursor)
            cache.set(key, results, timeout)
    return render(
        request,
        "plans/public_search.html",
        {
            "form": form,
            "plans": list_rows(
                results["rows"], detail="plans:public", institution="registry:institution"
            ),
            "count": results["count"],
            "next_url": with_cursor(request, results["next"]),
            "previous_url": with_cursor(request, results["previous"]),
        },
    )


def public_plan(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        plan = selectors.public_plan_get(pk)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "plans/public_detail.html",
        {
            "plan": plan,
            "office": office_label(plan),
            "may_provide_today": plan_may_provide(plan, legal_today()),
            "version_in_force": plan.version_in_force_on(legal_today()),
            "change_restricted": plan.change_restricted_on(legal_today()),
            "versions": selectors.public_versions(plan),
            "orders": selectors.orders_for_plan(plan),
        },
    )
