"""Reads of plans, reviews and orders, each starting from what the actor may see."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from saisei.accounts.models import User
from saisei.accounts.permissions import organisation_ids_with
from saisei.core.errors import NotFound
from saisei.core.time import legal_today
from saisei.plans import search
from saisei.plans.content import DIFF_FIELDS, label
from saisei.plans.lifecycle import PUBLIC_STATUSES, PlanStatus
from saisei.plans.models import (
    Condition,
    EvaluationCriterion,
    ListedCommittee,
    ListedCommitteeChange,
    ListedPlan,
    ListedPlanChange,
    ListedStatus,
    Order,
    OrderEffect,
    OrderRecord,
    Plan,
    PlanFacility,
    PlanVersion,
    PublicPlan,
    PublicSource,
    ReportingRecord,
    Review,
)
from saisei.registry.models import Committee, Institution
from saisei.registry.names import founder_key

# What the public history compares, with each field's label (saisei.plans.content).
PUBLIC_DIFF_FIELDS = DIFF_FIELDS
FIELD_LABELS = {name: label(name) for name in DIFF_FIELDS}
VERSION_REASONS = {
    "created": _("created"),
    "draft edited": _("draft edited"),
    "filed": _("as filed"),
    "change notified": _("change notified"),
    "minor change": _("minor change"),
}


def _plain(value: Any) -> str:
    """A snapshot value as text for the diff table."""
    if value is None:
        return ""
    if isinstance(value, dict):
        return " / ".join(str(v) for v in value.values())
    if isinstance(value, list):
        return "; ".join(_plain(v) for v in value)
    return str(value)


def with_details(plans: QuerySet[Plan]) -> QuerySet[Plan]:
    return plans.select_related("institution", "committee").prefetch_related(
        Prefetch("criteria", queryset=EvaluationCriterion.objects.order_by("position", "pk")),
        Prefetch("plan_facilities", queryset=PlanFacility.objects.select_related("facility")),
    )


def plans_visible_to(actor: User, permission: str = "plans.view") -> QuerySet[Plan]:
    """Every plan the actor may see: its institution's, those submitted to its committee, or,
    for a regulator, every plan from its first submission to a committee. A draft never
    submitted is the institution's own working paper: the law gives the authority no part in a
    plan before the committee's review (domain.md §1.3, §1.5; the authority's role starts at
    filing), and the committee's review is the first act the Minister oversees (the Minister
    supervises certified committees). A plan the committee rejected back to draft stays
    visible: its review is on the record.

    `permission` names what the actor reads of them (reporting reads ask "reporting.view"), so
    each app's selectors start from the same scope. The institutions and committees are looked
    up first, so the plans are filtered on their own columns (one index range for an
    institution's or a committee's, not a join through every plan in the country)."""
    orgs = organisation_ids_with(actor, permission)
    plans = Plan.objects.all()
    if orgs is None:
        return plans.filter(first_submitted_at__isnull=False)
    if not orgs:
        return plans.none()
    institutions = list(
        Institution.objects.filter(organisation_id__in=orgs).values_list("pk", flat=True)
    )
    committees = list(
        Committee.objects.filter(organisation_id__in=orgs).values_list("pk", flat=True)
    )
    scope = Q(pk__in=[])
    if institutions:
        scope |= Q(institution_id__in=institutions)
    if committees:
        scope |= Q(committee_id__in=committees, first_submitted_at__isnull=False)
    return plans.filter(scope)


# What the signed-in list shows of a plan (saisei/plans/templates/plans/list.html), and no more:
# no JSON, no long texts.
LIST_COLUMNS = (
    "id",
    "title",
    "title_en",
    "risk_class",
    "status",
    "plan_number",
    "updated_at",
    "institution__id",
    "institution__name",
    "institution__name_en",
)


def plan_list_for(
    actor: User, *, status: str | None = None, q: str | None = None
) -> QuerySet[Plan]:
    """The plans the actor may see, the last changed first (keyset-ready: -updated_at, -id)."""
    plans = plans_visible_to(actor).select_related("institution", "committee")
    if status:
        plans = plans.filter(status=status)
    if q:
        plans = plans.filter(Q(title__icontains=q) | Q(title_en__icontains=q))
    return plans.order_by("-updated_at", "-id")


def plan_get_for(actor: User, pk: int) -> Plan:
    """The plan if the actor may see it; otherwise "not found", so existence is not disclosed."""
    plan = with_details(plans_visible_to(actor)).filter(pk=pk).first()
    if plan is None:
        raise NotFound("plan")
    return plan


def review_queue_for(actor: User, *, open_only: bool = True) -> QuerySet[Review]:
    orgs = organisation_ids_with(actor, "plans.review")
    reviews = Review.objects.select_related("plan", "plan__institution", "committee")
    if orgs is not None:
        reviews = reviews.filter(committee__organisation_id__in=orgs)
    if open_only:
        reviews = reviews.filter(decision="")
    return reviews.order_by("submitted_at", "pk")


def review_get_for(actor: User, pk: int) -> Review:
    orgs = organisation_ids_with(actor, "plans.view")
    reviews = Review.objects.select_related(
        "plan", "plan__institution", "plan__committee", "committee"
    )
    if orgs is not None:
        reviews = reviews.filter(
            Q(committee__organisation_id__in=orgs) | Q(plan__institution__organisation_id__in=orgs)
        )
    review = reviews.filter(pk=pk).first()
    if review is None:
        raise NotFound("review")
    return review


def filings_inbox(actor: User) -> QuerySet[Plan]:
    """Filed plans awaiting a plan number (regulators only; empty for anyone else)."""
    orgs = organisation_ids_with(actor, "plans.accept")
    plans = Plan.objects.filter(status=PlanStatus.FILED).select_related("institution", "committee")
    if orgs is None:
        return plans.order_by("filed_on", "pk")
    return plans.none()


# --- public --------------------------------------------------------------------------------------


def public_plans() -> QuerySet[Plan]:
    return Plan.objects.filter(status__in=PUBLIC_STATUSES)


# What the public search shows of a plan, from its search row (views.common.list_rows and the
# public API's list, saisei.plans.api.public_summaries).
# The columns a row's reporting on a day is read from (reporting_filters, reporting_of).
REPORTING_COLUMNS = ("source", "next_due", "reported_late", "reported")
SEARCH_ROW_COLUMNS = (
    "id",
    # A row without a plan is a plan of MHLW's list alone (PublicPlan.source "mhlw").
    "plan_id",
    "title",
    "title_en",
    "institution_id",
    "institution_name",
    "institution_name_en",
    "prefecture",
    "plan_number",
    "risk_class",
    "therapy",
    "condition",
    "status",
    "orders",
    "filed_on",
    # A row's reporting on the day is reporting_of these.
    *REPORTING_COLUMNS,
)
# The statuses the public search filters by: a public Saisei plan's, and a listed plan's.
SEARCH_STATUSES: tuple[str, ...] = (
    *(value for value, _label in PlanStatus.choices if value in PUBLIC_STATUSES),
    *ListedStatus.values,
)
# The values of the search's other filters (each a facet), in the order of their lists.
SEARCH_CHOICES: dict[str, tuple[str, ...]] = {
    "status": SEARCH_STATUSES,
    "condition": tuple(Condition.values),
    "reporting": tuple(ReportingRecord.values),
    "orders": tuple(OrderRecord.values),
}
# The public search's orders, each served by an index that ends in the row's id (keyset pages).
SEARCH_ORDERS: dict[str, tuple[str, ...]] = {
    "institution": ("institution_name", "title", "id"),
    "number": ("plan_number", "id"),
}


# A search row's reporting on a day, in SQL (reporting_filters) and in Python (reporting_of): the
# same rule. As a plan's verification page counts its duties
# (saisei.obligations.selectors.timeliness): overdue if one still open was due before the day,
# else late if one was met late, else on time if one was met, else none due yet; not known for a
# plan known only from MHLW's list.
def reporting_filters(today: date) -> dict[str, Q]:
    """Each reporting value (ReportingRecord) as a condition on a search row on `today`; the
    conditions exclude each other and cover every row."""
    saisei = Q(source=PublicSource.SAISEI)
    # NULL (nothing open) is never overdue.
    not_overdue = saisei & (Q(next_due__isnull=True) | Q(next_due__gte=today))
    return {
        ReportingRecord.OVERDUE: saisei & Q(next_due__lt=today),
        ReportingRecord.LATE: not_overdue & Q(reported_late=True),
        ReportingRecord.ON_TIME: not_overdue & Q(reported_late=False, reported=True),
        ReportingRecord.NONE_DUE: not_overdue & Q(reported_late=False, reported=False),
        ReportingRecord.NOT_KNOWN: ~saisei,
    }


def reporting_of(row: dict[str, Any], today: date) -> str:
    """A search row's reporting (ReportingRecord) on `today`, from its REPORTING_COLUMNS."""
    if row["source"] == PublicSource.MHLW:
        return ReportingRecord.NOT_KNOWN
    if row["next_due"] is not None and row["next_due"] < today:
        return ReportingRecord.OVERDUE
    if row["reported_late"]:
        return ReportingRecord.LATE
    if row["reported"]:
        return ReportingRecord.ON_TIME
    return ReportingRecord.NONE_DUE


def _public_rows(
    *,
    q: str = "",
    prefecture: str = "",
    risk_class: str = "",
    therapy: str = "",
    status: str = "",
    condition: str = "",
    reporting: str = "",
    orders: str = "",
    institution_id: int | None = None,
) -> QuerySet[PublicPlan]:
    rows = PublicPlan.objects.all()
    if q:
        rows = search.matching(rows, q)
    if prefecture:
        rows = rows.filter(prefecture=prefecture)
    if risk_class:
        rows = rows.filter(risk_class=risk_class)
    if therapy:
        rows = rows.filter(therapy=therapy)
    if status:
        rows = rows.filter(status=status)
    if condition:
        rows = rows.filter(condition=condition)
    if orders:
        rows = rows.filter(orders=orders)
    if reporting:
        rows = rows.filter(reporting_filters(legal_today())[reporting])
    if institution_id is not None:
        rows = rows.filter(institution_id=institution_id)
    return rows


def public_plan_search(*, sort: str = "", **criteria: Any) -> QuerySet[PublicPlan, dict[str, Any]]:
    """The public search's rows (saisei.plans.search) as values of SEARCH_ROW_COLUMNS: plans
    filed through Saisei and plans of MHLW's public list, in the order `sort` names
    (SEARCH_ORDERS; institution, title, row by default). `criteria`: q, prefecture,
    risk_class, therapy, status, condition, reporting, orders, institution_id. Every filter but
    reporting leads an index in the default order (reporting walks it), and the text goes
    through the database's text index."""
    # The text is matched, never shown: the rows are what a page shows of them.
    order = SEARCH_ORDERS.get(sort) or SEARCH_ORDERS["institution"]
    shown: QuerySet[PublicPlan, dict[str, Any]] = (
        _public_rows(**criteria).order_by(*order).values(*SEARCH_ROW_COLUMNS)
    )
    return shown


# What the public search counts its results by.
SEARCH_FACETS = (
    "risk_class",
    "prefecture",
    "therapy",
    "status",
    "condition",
    "reporting",
    "orders",
)
# The facets that are columns of the search row, which the GROUP BY groups by: the leading
# columns of the index `pubplan_facets`, in its order, so that the grouping reads the index in
# order and sorts nothing. Reporting depends on the day: each group counts its rows of each
# reporting value (reporting_filters) instead.
_GROUPED_FACETS = ("risk_class", "prefecture", "therapy", "status", "condition", "orders")
# The reporting values a group counts; NONE_DUE is the rest of the group.
_COUNTED_REPORTING = (
    ReportingRecord.OVERDUE,
    ReportingRecord.LATE,
    ReportingRecord.ON_TIME,
    ReportingRecord.NOT_KNOWN,
)


# What a text search groups its results by besides, to name their institutions.
_NAMED_INSTITUTION = ("institution_id", "institution_name", "institution_name_en", "prefecture")


def public_plan_facets_query(
    *, named: bool = False, **criteria: Any
) -> QuerySet[PublicPlan, tuple[Any, ...]]:
    """The search's GROUP BY (public_plan_counts; the bench's --explain shows it): by the
    facets that are columns, and by institution too when `named`; each group's rows, and its
    rows of each reporting value but the last. It counts rows (COUNT(*)), not ids: a count of a
    column the index `pubplan_facets` does not hold would read every row (PostgreSQL: a
    sequential scan of the table, not an index-only scan)."""
    columns = _GROUPED_FACETS + (_NAMED_INSTITUTION if named else ())
    conditions = reporting_filters(legal_today())
    grouped: QuerySet[PublicPlan, tuple[Any, ...]] = (
        _public_rows(**criteria)
        .order_by()
        .values_list(*columns)
        .annotate(
            found=Count("*"),
            **{
                # Of a column the index holds (a count of a row, which Count("*") cannot
                # filter): the grouping still reads the index alone.
                f"reporting_{value}": Count("risk_class", filter=conditions[value])
                for value in _COUNTED_REPORTING
            },
        )
    )
    return grouped


# The institutions and committees a text search names beside its plans, at most.
SEARCH_NAMED = 10


def public_plan_counts(
    *, named: bool = False, **criteria: Any
) -> tuple[dict[str, dict[str, int]], list[dict[str, Any]]]:
    """How many of the search's results (the same `criteria` as public_plan_search) have each
    value of each facet (SEARCH_FACETS), and, when `named`, the institutions with the most
    results (at most SEARCH_NAMED, with their count as `plans`): one GROUP BY over the results,
    read from the index `pubplan_facets` where no filter leads another."""
    counts: dict[str, dict[str, int]] = {name: {} for name in SEARCH_FACETS}
    reporting = counts["reporting"]
    institutions: dict[tuple[Any, ...], int] = {}
    width = len(_GROUPED_FACETS)
    key_width = width + (len(_NAMED_INSTITUTION) if named else 0)
    for row in public_plan_facets_query(named=named, **criteria):
        values, found = row[:key_width], row[key_width]
        for name, value in zip(_GROUPED_FACETS, values[:width], strict=True):
            counts[name][value] = counts[name].get(value, 0) + found
        rest = found
        for value, counted in zip(_COUNTED_REPORTING, row[key_width + 1 :], strict=True):
            if counted:
                reporting[value] = reporting.get(value, 0) + counted
                rest -= counted
        if rest:
            reporting[ReportingRecord.NONE_DUE] = reporting.get(ReportingRecord.NONE_DUE, 0) + rest
        if named:
            key = tuple(values[width:])
            institutions[key] = institutions.get(key, 0) + found
    # The most results first, then by name.
    ranked = sorted(institutions.items(), key=lambda item: (-item[1], item[0][1], item[0][0]))
    named_rows = [
        {**dict(zip(_NAMED_INSTITUTION, key, strict=True)), "plans": found}
        for key, found in ranked[:SEARCH_NAMED]
    ]
    return counts, named_rows


def public_plan_facets(**criteria: Any) -> dict[str, dict[str, int]]:
    """The search's results counted by facet (public_plan_counts)."""
    return public_plan_counts(**criteria)[0]


# The committees' searchable texts, kept in each process (like the choice labels): built once,
# again when a committee is saved or a list of committees imported (which moves the generation
# in the shared cache, saisei.plans.search.committees_changed), and at the latest after
# COMMITTEE_TEXTS_SECONDS.
COMMITTEE_TEXTS_SECONDS = 300
_committee_memo: dict[str, Any] = {}


def _committee_texts() -> list[tuple[int | None, str, str, str, str]]:
    """(pk or None for a committee only on MHLW's list, name, name in English, number, its
    searchable text) of every committee, by number."""
    generation = search.committee_generation()
    now = time.monotonic()
    if (
        _committee_memo.get("generation") == generation
        and now - _committee_memo.get("built", -COMMITTEE_TEXTS_SECONDS) < COMMITTEE_TEXTS_SECONDS
    ):
        texts: list[tuple[int | None, str, str, str, str]] = _committee_memo["texts"]
        return texts
    texts = []
    registered = Committee.objects.values_list(
        "pk", "name", "name_en", "certification_number", "founder_name"
    )
    for pk, name, name_en, number, founder in registered:
        text = search.search_text(name_en, number, institutions=(name, founder))
        texts.append((pk, name, name_en, number, text))
    listed = ListedCommittee.objects.filter(committee__isnull=True).values_list(
        "number", "name", "founder"
    )
    for number, name, founder in listed:
        text = search.search_text(number, institutions=(name, founder))
        texts.append((None, name, "", number, text))
    texts.sort(key=lambda row: row[3])
    _committee_memo.update(generation=generation, built=now, texts=texts)
    return texts


def public_search_committees(q: str) -> list[dict[str, Any]]:
    """The certified committees whose name, number or founder holds every term of a text
    search (as the plans' text is matched: normalised, and romanised), registered in Saisei
    or only on MHLW's list of committees (at most SEARCH_NAMED, by number). Committees are a
    few hundred in Japan: their texts are matched in Python, not through a text index."""
    terms = search.query_terms(q)
    if not terms:
        return []
    found = [
        {"pk": pk, "name": name, "name_en": name_en, "number": number}
        for pk, name, name_en, number, text in _committee_texts()
        if all(term in text for term in terms)
    ]
    return found[:SEARCH_NAMED]


# What the signed-in API lists of a plan (saisei.plans.api.plan_summaries): the list's columns,
# its committee's names, and no more.
API_LIST_COLUMNS = (
    *LIST_COLUMNS,
    "filed_on",
    "version",
    "committee__id",
    "committee__name",
    "committee__name_en",
)


# What an institution's public page shows of each of its plans
# (registry/templates/registry/institution_public.html).
INSTITUTION_PAGE_COLUMNS = (
    "id",
    "title",
    "title_en",
    "risk_class",
    "status",
    "filed_on",
    "committee__id",
    "committee__name",
    "committee__name_en",
    "committee__certification_number",
)


def institution_public_plans(institution_id: int) -> QuerySet[Plan]:
    """An institution's public plans for its public page: its own rows only."""
    return (
        public_plans()
        .filter(institution_id=institution_id)
        .select_related("committee")
        .only(*INSTITUTION_PAGE_COLUMNS)
        .order_by("title", "pk")
    )


# What an institution's page shows of each plan MHLW's list holds for it.
LISTED_PAGE_COLUMNS = (
    "plan_number",
    "risk_class",
    "title",
    "therapy",
    "delisted_by__listed_on",
    "delisted_by__listed_precision",
)


def institution_listed_plans(institution_id: int) -> QuerySet[ListedPlan, dict[str, Any]]:
    """The plans MHLW's public list holds for an institution, that are not also filed through
    Saisei (those are its filed plans), in the order of their numbers."""
    rows: QuerySet[ListedPlan, dict[str, Any]] = (
        ListedPlan.objects.filter(institution_id=institution_id, plan__isnull=True)
        .order_by("plan_number")
        .values(*LISTED_PAGE_COLUMNS)
    )
    return rows


def plan_listing(plan: Plan) -> ListedPlan | None:
    """The row of MHLW's public list that is this plan filed through Saisei, if any."""
    found: ListedPlan | None = (
        ListedPlan.objects.select_related("last_list", "delisted_by").filter(plan=plan).first()
    )
    return found


def listed_plan_get(plan_number: str) -> ListedPlan:
    """A plan of MHLW's public list by its number, with its institution, lists and history."""
    listed = (
        ListedPlan.objects.select_related(
            "institution", "first_list", "last_list", "delisted_by", "plan"
        )
        .filter(plan_number=plan_number)
        .first()
    )
    if listed is None:
        raise NotFound("listed plan")
    return listed


def listed_plan_changes(listed: ListedPlan) -> list[ListedPlanChange]:
    return list(
        listed.changes.select_related("public_list").order_by("public_list__listed_on", "pk")
    )


def listed_committee_get(number: str) -> ListedCommittee:
    """A committee of MHLW's public list by its number, with its lists and its registration."""
    listed = (
        ListedCommittee.objects.select_related(
            "first_list", "last_list", "delisted_by", "committee"
        )
        .filter(number=number)
        .first()
    )
    if listed is None:
        raise NotFound("listed committee")
    return listed


# At most this many institutions are named as run by one founder (a page, not a report).
FOUNDER_INSTITUTIONS = 50


def institutions_run_by(founder_key: str) -> list[Institution]:
    """The institutions whose corporation is the founder (by the keys of saisei.registry.names):
    those a committee's founder also runs."""
    if not founder_key:
        return []
    found = Institution.objects.filter(corporation_key=founder_key).order_by("name", "pk")
    return list(found[:FOUNDER_INSTITUTIONS])


def committee_founder_reviews(committee: Committee) -> list[Institution]:
    """The institutions run by a committee's founder (by the keys of saisei.registry.names)
    whose plans the committee reviewed."""
    key = founder_key(committee.founder_name)
    if not key:
        return []
    found = (
        Institution.objects.filter(corporation_key=key, plans__committee=committee)
        .distinct()
        .order_by("name", "pk")
    )
    return list(found[:FOUNDER_INSTITUTIONS])


def listed_committee_changes(listed: ListedCommittee) -> list[ListedCommitteeChange]:
    changes = listed.changes.select_related("public_list")
    return list(changes.order_by("public_list__listed_on", "pk"))


def public_plan_get(pk: int) -> Plan:
    plan = with_details(public_plans()).filter(pk=pk).first()
    if plan is None:
        raise NotFound("plan")
    return plan


def public_versions(plan: Plan) -> list[dict[str, Any]]:
    """The public versions (from filing on), each with what changed from the one before."""
    versions = list(PlanVersion.objects.filter(plan=plan, public=True).order_by("number"))
    out: list[dict[str, Any]] = []
    previous: dict[str, Any] | None = None
    for version in versions:
        diff = []
        if previous is not None:
            for field in PUBLIC_DIFF_FIELDS:
                old, new = previous.get(field), version.snapshot.get(field)
                if old != new:
                    diff.append(
                        {
                            "field": field,
                            "label": FIELD_LABELS[field],
                            "old": _plain(old),
                            "new": _plain(new),
                        }
                    )
        out.append(
            {
                "version": version,
                "reason": VERSION_REASONS.get(version.reason, version.reason),
                "diff": diff,
            }
        )
        previous = version.snapshot
    return out


def _ledger(orders: QuerySet[Order]) -> list[Order]:
    """Orders as the public ledger shows them: their targets, and `reach`, the plans each
    suspended (counted apart from the filter's joins)."""
    from django.db.models import IntegerField, OuterRef, Subquery
    from django.db.models.functions import Coalesce

    reach = (
        OrderEffect.objects.filter(order=OuterRef("pk"))
        .order_by()
        .values("order")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return list(
        orders.distinct()
        .select_related("target_plan", "target_institution", "target_facility")
        .annotate(reach=Coalesce(Subquery(reach, output_field=IntegerField()), 0))
        .order_by("-issued_on", "-pk")
    )


def orders_for_committee(committee: Any) -> list[Order]:
    """The orders that reached plans the committee reviews: those against one of its plans,
    and those that suspended one."""
    return _ledger(
        Order.objects.filter(
            Q(target_plan__committee=committee) | Q(effects__plan__committee=committee)
        )
    )


def orders_for_plan(plan: Plan) -> list[Order]:
    """The orders that reach a plan: against it, its institution or a facility that processes
    its cells now, and those that suspended it (the search's order record counts the same,
    saisei.plans.search.order_records)."""
    facilities = plan.plan_facilities.filter(is_current=True).values("facility_id")
    return list(
        Order.objects.filter(
            Q(effects__plan=plan)
            | Q(target_plan=plan)
            | Q(target_institution_id=plan.institution_id)
            | Q(target_facility_id__in=facilities)
        )
        .distinct()
        .select_related("target_plan", "target_institution", "target_facility")
        .order_by("-issued_on", "-pk")
    )


def orders_for_institution(institution: Any) -> list[Order]:
    return _ledger(
        Order.objects.filter(
            Q(target_institution=institution) | Q(effects__plan__institution=institution)
        )
    )


def orders_against_institution(institution_id: int) -> list[Order]:
    """The orders against an institution itself: those that reach a plan known only from MHLW's
    list (the search's order record of a listed plan, saisei.plans.search.order_records)."""
    return list(
        Order.objects.filter(target_institution_id=institution_id)
        .select_related("target_institution")
        .order_by("-issued_on", "-pk")
    )


def orders_for_facility(facility: Any) -> list[Order]:
    return _ledger(Order.objects.filter(target_facility=facility))


def facility_public_plans(facility_id: int) -> list[Plan]:
    """The public plans whose cells the facility processes now (their current version's
    facilities), with their institutions, by institution and title."""
    return list(
        public_plans()
        .filter(plan_facilities__facility_id=facility_id, plan_facilities__is_current=True)
        .select_related("institution")
        .only("id", "title", "title_en", "status", "plan_number", *INSTITUTION_NAMES)
        .distinct()
        .order_by("institution__name", "title", "pk")[:FACILITY_PLANS]
    )


# A facility's page names at most this many plans (a page, not a report).
FACILITY_PLANS = 200
INSTITUTION_NAMES = ("institution__id", "institution__name", "institution__name_en")


def order_list() -> QuerySet[Order]:
    return Order.objects.select_related(
        "target_plan", "target_institution", "target_facility"
    ).order_by("-issued_on", "-pk")


def order_effects(order: Order) -> QuerySet[OrderEffect]:
    return order.effects.select_related("plan", "plan__institution").order_by("plan_id")


# What the orders page's search may find: the kinds of target an order can have.
ORDER_TARGET_LIMIT = 20


def order_targets(q: str, kind: str = "") -> list[dict[str, Any]]:
    """What an order can be issued against, found by name or number (a regulator never types an
    id): plans filed and in force or suspended, by title or plan number; institutions by name
    (as written, or as its spelling key: width, kana and spaces aside); processing facilities
    by name or facility number. At most ORDER_TARGET_LIMIT of each kind."""
    from saisei.core.text import normalise
    from saisei.plans.lifecycle import IN_FORCE
    from saisei.registry.models import ProcessingFacility
    from saisei.registry.names import name_key

    q = " ".join(q.split())[:100]
    if len(q) < 2:
        return []
    found: list[dict[str, Any]] = []
    if kind in ("", "plan"):
        plans = (
            Plan.objects.filter(status__in={*IN_FORCE, PlanStatus.SUSPENDED})
            .filter(Q(title__icontains=q) | Q(title_en__icontains=q) | Q(plan_number__icontains=q))
            .select_related("institution")
            .order_by("plan_number", "pk")[:ORDER_TARGET_LIMIT]
        )
        found += [
            {
                "kind": "plan",
                "pk": p.pk,
                "name": p.title,
                "name_en": p.title_en,
                "detail": f"{p.plan_number} · {p.institution.name}",
                "obj": p,
            }
            for p in plans
        ]
    if kind in ("", "institution"):
        key = name_key(q).facility
        match = Q(name__icontains=q) | Q(name_en__icontains=q)
        if key:
            match |= Q(name_key__contains=key)
        institutions = Institution.objects.filter(match).order_by("name", "pk")[:ORDER_TARGET_LIMIT]
        found += [
            {
                "kind": "institution",
                "pk": i.pk,
                "name": i.name,
                "name_en": i.name_en,
                "detail": i.get_prefecture_display(),
                "obj": i,
            }
            for i in institutions
        ]
    if kind in ("", "facility"):
        text = normalise(q)
        facilities = ProcessingFacility.objects.filter(
            Q(name__icontains=q) | Q(name_en__icontains=q) | Q(number__icontains=text)
        ).order_by("number", "pk")[:ORDER_TARGET_LIMIT]
        found += [
            {
                "kind": "facility",
                "pk": f.pk,
                "name": f.name,
                "name_en": f.name_en,
                "detail": f"{f.number} · {f.operator_name}",
                "obj": f,
            }
            for f in facilities
        ]
    return found


def order_target_get(value: str) -> Any:
    """The target a `kind:id` token of the orders page names, or None (an unknown kind, a
    malformed token, or nothing by that id)."""
    from saisei.registry.models import ProcessingFacility

    kind, _sep, pk = (value or "").partition(":")
    models: dict[str, Any] = {
        "plan": Plan,
        "institution": Institution,
        "facility": ProcessingFacility,
    }
    if kind not in models or not pk.isdigit() or len(pk) > 12:
        return None
    return models[kind].objects.filter(pk=int(pk)).first()
