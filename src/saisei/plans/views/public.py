"""The public pages: search of filed plans, one plan's verification page, and a plan or a
certified committee as MHLW's public lists show it."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from saisei.core.errors import NotFound
from saisei.core.keyset import keyset_page
from saisei.core.time import legal_today
from saisei.plans import search, selectors
from saisei.plans.forms import SearchForm
from saisei.plans.labels import list_date
from saisei.plans.models import ListedPlanChangeKind, PublicList, plan_may_provide
from saisei.plans.services.public_list import COMMITTEE_NUMBER, PLAN_NUMBER
from saisei.plans.views.common import list_rows, office_label, with_cursor
from saisei.registry.models import CommitteeKind, FounderType

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
            **_listing(plan),
        },
    )


def _listing(plan: Any) -> dict[str, Any]:
    """The plan's row of MHLW's public list, as its verification page names it."""
    listed = selectors.plan_listing(plan)
    if listed is None:
        return {}
    return {
        "listing": listed,
        "listing_last": _list_date(listed.last_list),
        "listing_delisted": _list_date(listed.delisted_by),
    }


# What the import may report of a row (ListedPlan.notes), as a patient reads it.
LISTED_NOTES = {
    "bureau_letter": _(
        "The letter in the plan number is not that of the Regional Bureau of the prefecture. "
        "What the letter means is not published; it appears to be the Regional Bureau that "
        "received the plan. The plan is shown as the list gives it."
    ),
    "class": _("MHLW's list gives another class than the plan filed through Saisei."),
    "institution": _(
        "MHLW's list names another institution than the plan filed through Saisei under this "
        "number."
    ),
    "institution_ambiguous": _(
        "The list's name of the institution fits more than one institution of the prefecture: it "
        "is shown apart from them, as which one it is is not known."
    ),
}
# The fields of a listed plan a change may name.
LISTED_FIELDS = {
    "risk_class": _("Class"),
    "prefecture": _("Prefecture"),
    "institution_id": _("Institution"),
    "institution_name": _("Institution as listed"),
    "title": _("Treatment"),
    "therapy": _("Therapy"),
    "documents": _("Public documents"),
}


def _list_date(public_list: PublicList | None) -> str:
    if public_list is None:
        return ""
    return list_date(public_list.listed_on, public_list.listed_precision)


def _changes(changes: list[Any], labels: dict[str, Any]) -> list[dict[str, Any]]:
    """A listed plan's or committee's history as its page shows it: each list's date, what it
    found, and the fields a change changed."""
    return [
        {
            "date": _list_date(change.public_list),
            "kind": change.get_kind_display(),
            "fields": [str(labels.get(name, name)) for name in change.fields]
            if change.kind in (ListedPlanChangeKind.CHANGED, ListedPlanChangeKind.RELISTED)
            else [],
        }
        for change in changes
    ]


def listed_plan(request: HttpRequest, number: str) -> HttpResponse:
    """A plan as MHLW's public list shows it: what the list says, where and when it says it,
    and what it does not say."""
    if not PLAN_NUMBER.fullmatch(number):
        raise Http404
    try:
        listed = selectors.listed_plan_get(number)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "plans/listed_plan.html",
        {
            "listed": listed,
            "first_listed": _list_date(listed.first_list),
            "last_listed": _list_date(listed.last_list),
            "delisted": _list_date(listed.delisted_by),
            "documents": list(enumerate(listed.documents, start=1)),
            "notes": [LISTED_NOTES[n["kind"]] for n in listed.notes if n["kind"] in LISTED_NOTES],
            "changes": _changes(selectors.listed_plan_changes(listed), LISTED_FIELDS),
        },
    )


# What the import may report of a committee (ListedCommittee.notes), as a patient reads it.
COMMITTEE_NOTES = {
    "committee_kind": _(
        "The committee's number is of another kind of committee than its published scope."
    ),
    "registered_kind": _("Saisei registers this committee as another kind than the list's scope."),
}


COMMITTEE_FIELDS = {
    "name": _("Name"),
    "kind": _("Kind"),
    "scope": _("Scope of review"),
    "founder": _("Founder"),
    "founder_representative": _("Representative"),
    "founder_address": _("Founder's address"),
    "source_url": _("Published at"),
}


def listed_committee(request: HttpRequest, number: str) -> HttpResponse:
    """A certified committee as MHLW's public list shows it, and the institutions its founder
    also runs."""
    if not COMMITTEE_NUMBER.fullmatch(number):
        raise Http404
    try:
        listed = selectors.listed_committee_get(number)
    except NotFound:
        raise Http404 from None
    return render(
        request,
        "plans/listed_committee.html",
        {
            "listed": listed,
            "kind": CommitteeKind(listed.kind).label if listed.kind else "",
            "founder_type": FounderType(listed.founder_type).label,
            "first_listed": _list_date(listed.first_list),
            "last_listed": _list_date(listed.last_list),
            "delisted": _list_date(listed.delisted_by),
            "runs": selectors.institutions_run_by(listed.founder_key),
            "notes": [
                COMMITTEE_NOTES[n["kind"]] for n in listed.notes if n["kind"] in COMMITTEE_NOTES
            ],
            "changes": _changes(selectors.listed_committee_changes(listed), COMMITTEE_FIELDS),
        },
    )
