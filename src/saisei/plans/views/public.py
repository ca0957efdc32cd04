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
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from saisei.core.errors import NotFound
from saisei.core.keyset import keyset_page
from saisei.core.links import url_maker
from saisei.core.time import legal_today
from saisei.plans import search, selectors
from saisei.plans.conditions import condition_of
from saisei.plans.forms import SearchForm
from saisei.plans.labels import LISTED_NOTES, choice_labels, in_choice_order, list_date
from saisei.plans.models import ListedPlanChangeKind, PublicList, plan_may_provide
from saisei.plans.services.public_list import COMMITTEE_NUMBER, PLAN_NUMBER
from saisei.plans.views.common import list_rows, office_label, with_cursor
from saisei.registry.models import CommitteeKind, FounderType
from saisei.registry.regions import PREFECTURE_BUREAU

# Rows on a page of the public search.
SEARCH_PAGE_SIZE = 50
# How long an anonymous search page's results are kept when the setting does not say.
DEFAULT_CACHE_SECONDS = 60


def _search_page(criteria: dict[str, Any], cursor: str | None) -> dict[str, Any]:
    """One page of the public search: its rows, the number found, the cursors either side and
    the results counted by each facet."""
    rows = selectors.public_plan_search(**criteria)
    page = keyset_page(rows, cursor=cursor, limit=SEARCH_PAGE_SIZE)
    filters = {name: value for name, value in criteria.items() if name != "sort"}
    # One pass over the results counts them by facet and, for a text, by institution.
    facets, institutions = selectors.public_plan_counts(
        named=bool(search.query_terms(criteria.get("q") or "")), **filters
    )
    return {
        "rows": page.items,
        # Every result has one class: the facet's counts add up to the number found, which
        # saves a second pass over the results.
        "count": sum(facets["risk_class"].values()),
        "next": page.next_cursor,
        "previous": page.previous_cursor,
        "facets": facets,
        # One search: the institutions and committees a text names, beside its plans.
        "institutions": institutions,
        "committees": selectors.public_search_committees(criteria.get("q") or ""),
    }


# The regions the prefecture facet groups by: the areas of the Regional Bureaus, with which
# Class II and III plans are filed (saisei.registry.regions).
REGIONS = {
    "hokkaido": _("Hokkaido"),
    "tohoku": _("Tohoku"),
    "kanto_shinetsu": _("Kanto and Shinetsu"),
    "tokai_hokuriku": _("Tokai and Hokuriku"),
    "kinki": _("Kinki"),
    "chugoku_shikoku": _("Chugoku"),
    "shikoku": _("Shikoku"),
    "kyushu": _("Kyushu and Okinawa"),
}
FACET_LABELS = {
    "risk_class": _("Class"),
    "therapy": _("Therapy"),
    "condition": _("What it treats"),
    "status": _("Status"),
    "reporting": _("Reports and notices"),
    "orders": _("Orders"),
    "prefecture": _("Prefecture"),
}
# The facets listed before the prefectures, in this order, and those shown open.
LISTED_FACETS = ("risk_class", "therapy", "condition", "status", "reporting", "orders")
OPEN_FACETS = frozenset({"risk_class", "therapy", "condition"})


def _named_institutions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    english = (get_language() or "").startswith("en")
    url = url_maker("registry:institution")
    prefectures = choice_labels("prefecture")
    return [
        {
            "name": row["institution_name_en"]
            if english and row["institution_name_en"]
            else row["institution_name"],
            "url": url(row["institution_id"]),
            "prefecture": prefectures.get(row["prefecture"], ""),
            "plans": row["plans"],
        }
        for row in rows
    ]


def _named_committees(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    english = (get_language() or "").startswith("en")
    registered = url_maker("registry:committee")
    listed = url_maker("plans:listed_committee")
    return [
        {
            "name": row["name_en"] if english and row["name_en"] else row["name"],
            "number": row["number"],
            "url": registered(row["pk"]) if row["pk"] is not None else listed(row["number"]),
        }
        for row in rows
    ]


def _facet_links(request: HttpRequest, counts: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
    """The facets as the page offers them: each value found, with its count and the address of
    the search narrowed to it (or widened again, for the value chosen); the prefectures grouped
    by region."""

    def link(name: str, value: str, count: int, labels: dict[str, str]) -> dict[str, Any]:
        query = request.GET.copy()
        query.pop("cursor", None)
        chosen = query.get(name) == value
        if chosen:
            query.pop(name, None)
        else:
            query[name] = value
        return {
            "label": labels.get(value, value),
            "count": count,
            "url": "?" + query.urlencode(),
            "chosen": chosen,
        }

    facets = []
    for name in LISTED_FACETS:
        labels = choice_labels(name)
        values = [
            link(name, v, counts[name][v], labels) for v in in_choice_order(name, counts[name])
        ]
        facets.append(
            {
                "label": FACET_LABELS[name],
                "values": values,
                # Open: the facets a patient narrows by first, and any with a value chosen (a
                # phone shows the results sooner with the others folded).
                "open": name in OPEN_FACETS or any(value["chosen"] for value in values),
            }
        )
    prefectures = choice_labels("prefecture")
    regions: dict[str, list[dict[str, Any]]] = {}
    for code in sorted(counts["prefecture"]):
        region = PREFECTURE_BUREAU.get(code, "")
        regions.setdefault(region, []).append(
            link("prefecture", code, counts["prefecture"][code], prefectures)
        )
    facets.append(
        {
            "label": FACET_LABELS["prefecture"],
            "open": bool(request.GET.get("prefecture")),
            "regions": [
                {"label": REGIONS.get(region, region), "values": values}
                for region, values in regions.items()
            ],
        }
    )
    return facets


def _cache_key(criteria: dict[str, Any], cursor: str | None) -> str:
    """The anonymous page's cache key: the index's generation, the criteria as the search reads
    them (the query normalised: full-width and half-width letters share an entry), the cursor."""
    described = {
        **{name: value for name, value in criteria.items() if value not in ("", None)},
        "q": search.query_terms(criteria.get("q") or ""),
        "cursor": cursor or "",
        "generation": search.generation(),
        # What is overdue depends on the day (selectors.reporting_filters).
        "today": legal_today().isoformat(),
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
            "filtered": any(value for name, value in criteria.items() if name != "q"),
            "plans": list_rows(
                results["rows"], detail="plans:public", institution="registry:institution"
            ),
            "count": results["count"],
            "facets": _facet_links(request, results["facets"]),
            "institutions": _named_institutions(results["institutions"]),
            "committees": _named_committees(results["committees"]),
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
            "condition": choice_labels("condition").get(condition_of(listed.title), ""),
            "documents": list(enumerate(listed.documents, start=1)),
            "notes": [LISTED_NOTES[n["kind"]] for n in listed.notes if n["kind"] in LISTED_NOTES],
            "changes": _changes(selectors.listed_plan_changes(listed), LISTED_FIELDS),
            "orders": selectors.orders_against_institution(listed.institution_id),
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
