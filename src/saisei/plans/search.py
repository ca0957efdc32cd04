"""The public plan search: its narrow table (PublicPlan), kept in step with the plans, and the text
match through each database's own index.

One row per public plan holds what the search filters, sorts, matches and shows, so a page is one
range of one index whatever the country's size. A row is a plan filed through Saisei or a plan of
MHLW's public list that no public Saisei plan stands for: one search over both. The services call
`sync` for the plans whose status or public fields they changed, and the import of MHLW's list for
the listed plans it wrote, in the same transaction; an institution's new name reaches its plans
through Django's post_save signal, so the registry needs no knowledge of plans; and `rebuild` (the
`saisei plans reindex` command) writes the whole table, set by set, after a bulk load.

The text is matched by trigram, which needs no word breaks and so serves Japanese as well as
English: SQLite through an FTS5 table with the trigram tokenizer (kept in step with PublicPlan by
triggers), PostgreSQL through a pg_trgm GIN index on `search_text` (migration 0011 makes either).
Both the text and the query are normalised alike (`normalise`), so full-width and half-width
letters, digits and katakana, capitals, and katakana against hiragana find each other; the
institutions' names are indexed romanised too (`romanise`), so "Sapporo" finds 札幌. No Japanese
tokenizer splits the text into words for the index: a trigram index finds any run of three
characters, so a word inside a long treatment name matches wherever the word breaks fall. A term
shorter than a trigram cannot use the index: it is a LIKE on the narrow table, which walks the
list's own index until the page is full.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import date
from functools import lru_cache
from typing import Any

from django.core.cache import cache
from django.db import connections, transaction
from django.db.models import BooleanField, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.utils import translation

from saisei.core.text import normalise, romanise
from saisei.plans.conditions import condition_of
from saisei.plans.lifecycle import PUBLIC_STATUSES
from saisei.plans.models import (
    ListedPlan,
    ListedStatus,
    Order,
    OrderEffect,
    OrderRecord,
    Plan,
    PlanFacility,
    PublicPlan,
    PublicSource,
)
from saisei.registry.regions import PREFECTURE_NAMES_JA, Prefecture

# The FTS5 table migration 0011 makes on SQLite (rowid = PublicPlan.id).
FTS_TABLE = "plans_publicplan_fts"
# Terms of a query beyond this many are ignored: the query is already bounded (SEARCH_MAX), and
# this keeps the SQL of one search small.
MAX_TERMS = 8
# A trigram index finds terms of at least this many characters.
TRIGRAM = 3
# Rows written per INSERT by rebuild and sync (memory stays flat in the number of plans).
BATCH = 2000
# The key of the counter that changes whenever the index does (the anonymous page cache's keys
# carry it, so a cached page never outlives a change in this process).
GENERATION_KEY = "plans:search:generation"
# The counter that moves whenever a committee's searchable text may have changed (each process
# keeps the texts, saisei.plans.selectors.public_search_committees, while it stands still).
COMMITTEE_GENERATION_KEY = "plans:search:committee-generation"

_COLUMNS = (
    "pk",
    "institution_id",
    "institution__name",
    "institution__name_en",
    "institution__prefecture",
    "title",
    "title_en",
    "target_disease",
    "plan_number",
    "risk_class",
    "therapy",
    "status",
    "filed_on",
    "listing__pk",
    "listing__institution_name",
)
_LISTED_COLUMNS = (
    "pk",
    "institution_id",
    "institution__name",
    "institution__name_en",
    "institution_name",
    "prefecture",
    "title",
    "plan_number",
    "risk_class",
    "therapy",
    "delisted_by_id",
)


def query_terms(q: str) -> list[str]:
    """The distinct terms of a query (split at white space, full-width spaces included), in
    order, at most MAX_TERMS."""
    terms: list[str] = []
    for term in normalise(q).split():
        if term not in terms:
            terms.append(term)
    return terms[:MAX_TERMS]


@lru_cache(maxsize=64)
def _prefecture_names(code: str) -> tuple[str, str]:
    with translation.override("en"):
        english = str(Prefecture(code).label) if code in Prefecture.values else ""
    return PREFECTURE_NAMES_JA.get(code, ""), english


def search_text(
    *parts: str | None, institutions: Iterable[str | None] = (), prefecture: str = ""
) -> str:
    """The searchable text of a plan, one part per line (no term holds a line break, so no
    match spans two of them): its names, disease and number (`parts`); the names of its
    institution (`institutions`: as registered, in English, as MHLW's list spells it), each
    also romanised (saisei.core.text.romanise), so "Sapporo" finds 札幌; its prefecture in
    Japanese and English."""
    lines = [normalise(part) for part in parts if part]
    names = [name for name in dict.fromkeys(institutions) if name]
    lines += [normalise(name) for name in names]
    lines += [normalise(reading) for name in names if (reading := romanise(name))]
    if prefecture:
        lines += [normalise(name) for name in _prefecture_names(prefecture) if name]
    return "\n".join(line for line in lines if line)


def _plan_rows(plans: QuerySet[Plan]) -> Iterator[PublicPlan]:
    values = (
        plans.filter(status__in=PUBLIC_STATUSES)
        .order_by("pk")
        .values_list(*_COLUMNS)
        .iterator(chunk_size=BATCH)
    )
    for (
        pk,
        institution_id,
        name,
        name_en,
        prefecture,
        title,
        title_en,
        disease,
        number,
        risk_class,
        therapy,
        status,
        filed_on,
        listed_id,
        listed_name,
    ) in values:
        yield PublicPlan(
            plan_id=pk,
            listed_id=listed_id,
            source=PublicSource.SAISEI,
            institution_id=institution_id,
            institution_name=name,
            institution_name_en=name_en,
            title=title,
            title_en=title_en,
            plan_number=number or "",
            prefecture=prefecture,
            risk_class=risk_class,
            therapy=therapy,
            status=status,
            filed_on=filed_on,
            condition=condition_of(disease, title, title_en),
            search_text=search_text(
                title,
                title_en,
                disease,
                number,
                institutions=(name, name_en, listed_name),
                prefecture=prefecture,
            ),
        )


def _listed_rows(listed: QuerySet[ListedPlan]) -> Iterator[PublicPlan]:
    """The rows of listed plans that no public Saisei plan stands for."""
    values = (
        listed.exclude(plan__status__in=PUBLIC_STATUSES)
        .order_by("pk")
        .values_list(*_LISTED_COLUMNS)
        .iterator(chunk_size=BATCH)
    )
    for (
        pk,
        institution_id,
        name,
        name_en,
        listed_name,
        prefecture,
        title,
        number,
        risk_class,
        therapy,
        delisted_by,
    ) in values:
        yield PublicPlan(
            listed_id=pk,
            source=PublicSource.MHLW,
            institution_id=institution_id,
            institution_name=name,
            institution_name_en=name_en,
            title=title,
            plan_number=number,
            prefecture=prefecture,
            risk_class=risk_class,
            therapy=therapy,
            status=ListedStatus.DELISTED if delisted_by else ListedStatus.LISTED,
            condition=condition_of(title),
            search_text=search_text(
                title,
                number,
                institutions=(name, name_en, listed_name),
                prefecture=prefecture,
            ),
        )


# A Saisei plan's reporting as the search keeps it (PublicPlan.next_due, reported_late,
# reported): the earliest due date of its duties still open, whether any was met late, whether
# any was met at all.
Reporting = tuple[date | None, bool, bool]
NO_REPORTING: Reporting = (None, False, False)
# Who reads the plans' duties for their reporting: saisei.reporting registers itself in its
# ready() (plans does not import reporting, which knows which duties are a plan's).
_reporting_sources: list[Callable[[list[int]], dict[int, Reporting]]] = []


def reporting_source(
    read: Callable[[list[int]], dict[int, Reporting]],
) -> Callable[[list[int]], dict[int, Reporting]]:
    """Register the function that gives plans' reporting (plan id to Reporting; a plan it does
    not name has no duty yet)."""
    _reporting_sources[:] = [read]
    return read


def _reporting(plan_ids: list[int]) -> dict[int, Reporting]:
    if not plan_ids or not _reporting_sources:
        return {}
    return _reporting_sources[0](plan_ids)


def _record(lifted: Iterable[date | None]) -> str:
    """An order record from the orders' lifting dates (None: in force)."""
    found = list(lifted)
    if not found:
        return OrderRecord.NONE
    return OrderRecord.IN_FORCE if any(day is None for day in found) else OrderRecord.LIFTED


def order_records(
    plans: dict[int, int], listed: dict[int, int]
) -> tuple[dict[int, str], dict[int, str]]:
    """The order records (OrderRecord) of Saisei plans and of listed plans, each given as id to
    its institution's id: the orders against a plan, its institution or a facility that
    processes its cells now, and those that suspended it (as selectors.orders_for_plan shows
    them); for a plan known only from MHLW's list, those against its institution. Orders are
    few: four small queries per call."""
    lifted: dict[int, list[date | None]] = {pk: [] for pk in plans}
    by_institution: dict[int, list[date | None]] = {}
    institutions = set(plans.values()) | set(listed.values())
    if institutions:
        for institution_id, day in Order.objects.filter(
            target_institution_id__in=institutions
        ).values_list("target_institution_id", "lifted_on"):
            by_institution.setdefault(institution_id, []).append(day)
    if plans:
        ids = list(plans)
        for plan_id, day in Order.objects.filter(target_plan_id__in=ids).values_list(
            "target_plan_id", "lifted_on"
        ):
            lifted[plan_id].append(day)
        for plan_id, day in OrderEffect.objects.filter(plan_id__in=ids).values_list(
            "plan_id", "order__lifted_on"
        ):
            lifted[plan_id].append(day)
        facilities: dict[int, list[int]] = {}
        for plan_id, facility_id in PlanFacility.objects.filter(
            plan_id__in=ids, is_current=True
        ).values_list("plan_id", "facility_id"):
            facilities.setdefault(facility_id, []).append(plan_id)
        if facilities:
            for facility_id, day in Order.objects.filter(
                target_facility_id__in=list(facilities)
            ).values_list("target_facility_id", "lifted_on"):
                for plan_id in facilities[facility_id]:
                    lifted[plan_id].append(day)
    plan_records = {
        pk: _record([*lifted[pk], *by_institution.get(institution_id, ())])
        for pk, institution_id in plans.items()
    }
    listed_records = {
        pk: _record(by_institution.get(institution_id, ())) for pk, institution_id in listed.items()
    }
    return plan_records, listed_records


def _complete(batch: list[PublicPlan]) -> None:
    """Fill the rows' order records and their plans' reporting, a batch at a time."""
    plans = {row.plan_id: row.institution_id for row in batch if row.plan_id is not None}
    listed = {
        row.listed_id: row.institution_id
        for row in batch
        if row.plan_id is None and row.listed_id is not None
    }
    plan_records, listed_records = order_records(plans, listed)
    reporting = _reporting(list(plans))
    for row in batch:
        if row.plan_id is not None:
            row.orders = plan_records[row.plan_id]
            row.next_due, row.reported_late, row.reported = reporting.get(row.plan_id, NO_REPORTING)
        elif row.listed_id is not None:
            row.orders = listed_records[row.listed_id]


def _write(rows: Iterator[PublicPlan]) -> int:
    written = 0
    batch: list[PublicPlan] = []
    for row in rows:
        batch.append(row)
        if len(batch) == BATCH:
            _complete(batch)
            PublicPlan.objects.bulk_create(batch)
            written += len(batch)
            batch = []
    if batch:
        _complete(batch)
        PublicPlan.objects.bulk_create(batch)
        written += len(batch)
    return written


def _update_grouped(rows: dict[int, tuple[Any, ...]], key: str, fields: tuple[str, ...]) -> None:
    """Set `fields` of the rows whose `key` (plan_id or listed_id) is each of `rows`: one UPDATE
    per distinct set of values and chunk (the text is not touched: no text index moves)."""
    by_values: dict[tuple[Any, ...], list[int]] = {}
    for pk, values in rows.items():
        by_values.setdefault(values, []).append(pk)
    for values, pks in by_values.items():
        for chunk in _chunks(sorted(pks)):
            PublicPlan.objects.filter(**{f"{key}__in": chunk}).update(
                **dict(zip(fields, values, strict=True))
            )


def refresh_orders(plan_ids: Iterable[int] = (), *, institution_ids: Iterable[int] = ()) -> None:
    """After an order was issued or lifted: the order records of these plans' rows and of every
    row of these institutions (their Saisei plans and their listed plans). The caller's
    transaction holds it."""
    rows = PublicPlan.objects.filter(
        _rows_of(plan_ids=set(plan_ids), institution_ids=set(institution_ids))
    ).values_list("plan_id", "listed_id", "institution_id")
    plans: dict[int, int] = {}
    listed: dict[int, int] = {}
    for plan_id, listed_id, institution_id in rows:
        if plan_id is not None:
            plans[plan_id] = institution_id
        elif listed_id is not None:
            listed[listed_id] = institution_id
    if not plans and not listed:
        return
    plan_records, listed_records = order_records(plans, listed)
    _update_grouped({pk: (v,) for pk, v in plan_records.items()}, "plan_id", ("orders",))
    _update_grouped({pk: (v,) for pk, v in listed_records.items()}, "listed_id", ("orders",))
    changed()


def _rows_of(*, plan_ids: set[int], institution_ids: set[int]) -> Q:
    found = Q(pk__in=[])
    if plan_ids:
        found |= Q(plan_id__in=sorted(plan_ids))
    if institution_ids:
        found |= Q(institution_id__in=sorted(institution_ids))
    return found


def refresh_reporting(plan_ids: Iterable[int]) -> None:
    """After these plans' duties changed (one opened, met, waived or moved to another date):
    their rows' reporting (a plan not public has none). The caller's transaction holds it."""
    ids = sorted(set(plan_ids))
    if not ids:
        return
    for chunk in _chunks(ids):
        public = list(
            PublicPlan.objects.filter(plan_id__in=chunk).values_list("plan_id", flat=True)
        )
        if not public:
            continue
        reporting = _reporting(public)
        _update_grouped(
            {pk: reporting.get(pk, NO_REPORTING) for pk in public},
            "plan_id",
            ("next_due", "reported_late", "reported"),
        )
    changed()


def _chunks(ids: list[int]) -> Iterator[list[int]]:
    for start in range(0, len(ids), BATCH):
        yield ids[start : start + BATCH]


def sync(plan_ids: Iterable[int] = (), *, listed_ids: Iterable[int] = ()) -> None:
    """Make the index say what these plans (filed through Saisei) and these plans of MHLW's list
    say now: a public plan's row written afresh, a plan no longer (or not yet) public gone, a
    listed plan shown alone unless a public Saisei plan stands for it. A plan and its listing
    are written together. The caller's transaction holds it."""
    plans = set(plan_ids)
    listed = set(listed_ids)
    if not plans and not listed:
        return
    with transaction.atomic():
        for chunk in _chunks(sorted(listed)):
            plans.update(
                ListedPlan.objects.filter(pk__in=chunk, plan__isnull=False).values_list(
                    "plan_id", flat=True
                )
            )
        for chunk in _chunks(sorted(plans)):
            listed.update(ListedPlan.objects.filter(plan_id__in=chunk).values_list("pk", flat=True))
        # Every old row goes before any is written: a plan's row takes over its listing's.
        for chunk in _chunks(sorted(plans)):
            PublicPlan.objects.filter(plan_id__in=chunk).delete()
        for chunk in _chunks(sorted(listed)):
            PublicPlan.objects.filter(listed_id__in=chunk).delete()
        for chunk in _chunks(sorted(plans)):
            _write(_plan_rows(Plan.objects.filter(pk__in=chunk)))
        for chunk in _chunks(sorted(listed)):
            _write(_listed_rows(ListedPlan.objects.filter(pk__in=chunk)))
    changed()


def sync_plan(plan: Plan) -> None:
    sync([plan.pk])


def sync_institution(institution_id: int) -> None:
    """After an institution's names or prefecture changed: its plans' rows, and its listed
    plans'."""
    sync(
        Plan.objects.filter(institution_id=institution_id).values_list("pk", flat=True),
        listed_ids=ListedPlan.objects.filter(institution_id=institution_id).values_list(
            "pk", flat=True
        ),
    )


def writes_state_of(apps: Any) -> bool:
    """Does this code write the search table as a migration's state of it (`apps`) has it? A
    migration that refills the table with this code does so only then; otherwise a later
    migration, whose state the code is, refills it."""
    state = apps.get_model("plans", "PublicPlan")
    return {f.column for f in state._meta.concrete_fields} == {
        f.column for f in PublicPlan._meta.concrete_fields
    }


def rebuild(*, system: str = "plans reindex") -> int:
    """Write the whole index from the plans (after a bulk load, or to repair it); the number of
    public plans. One transaction, audited as `system`; rows are read and written BATCH at a
    time."""
    from saisei.audit.services import audit_record

    with transaction.atomic():
        if connections[PublicPlan.objects.db].vendor == "sqlite":
            # Emptied at once rather than row by row through the delete trigger.
            with connections[PublicPlan.objects.db].cursor() as cursor:
                cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608 - a constant
        PublicPlan.objects.all().delete()
        written = _write(_plan_rows(Plan.objects.all()))
        written += _write(_listed_rows(ListedPlan.objects.all()))
        audit_record(
            action="plans.search.rebuilt", actor=None, data={"rows": written}, system=system
        )
    changed()
    return written


def changed() -> None:
    """Move the cache generation on now and again once the transaction commits (a page read
    between the two sees the rows before the change and is cached under a generation the commit
    leaves behind)."""
    _bump()
    transaction.on_commit(_bump)


def _bump(key: str = GENERATION_KEY) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.set(key, 1, timeout=None)


def generation() -> int:
    value = cache.get(GENERATION_KEY)
    return int(value) if value is not None else 0


def _fts_query(terms: Iterable[str]) -> str:
    """An FTS5 query that every term must match as a substring (each a quoted string)."""
    return " AND ".join('"' + term.replace('"', '""') + '"' for term in terms)


def matching(rows: QuerySet[PublicPlan], q: str) -> QuerySet[PublicPlan]:
    """The rows whose text holds every term of `q` (normalised)."""
    terms = query_terms(q)
    long_terms = [term for term in terms if len(term) >= TRIGRAM]
    for term in terms:
        if len(term) < TRIGRAM:
            rows = rows.filter(search_text__contains=term)
    if not long_terms:
        return rows
    if connections[rows.db].vendor == "sqlite":
        # The unary + keeps SQLite from driving the query from the matches (sorting every one
        # of a common term's thousands, joined rows and all, before the LIMIT): the list's own
        # index is walked in order instead, each entry looked up in the set the FTS5 index
        # found, until the page is full. No match at all walks the index once (a few ms at 3x).
        table = PublicPlan._meta.db_table
        sql = f'+"{table}"."id" IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s)'  # noqa: S608 - constants; the query is a parameter
        return rows.filter(
            RawSQL(sql, [_fts_query(long_terms)], output_field=BooleanField())  # noqa: S611
        )
    # PostgreSQL: LIKE '%term%' is served by the pg_trgm GIN index on search_text.
    for term in long_terms:
        rows = rows.filter(search_text__contains=term)
    return rows


def connect() -> None:
    """Follow the registry's institutions and committees (called from PlansConfig.ready())."""
    from django.db.models.signals import post_save

    from saisei.registry.models import Committee, Institution

    post_save.connect(_institution_saved, sender=Institution, dispatch_uid="plans.search")
    post_save.connect(_committee_saved, sender=Committee, dispatch_uid="plans.search.committee")


def committees_changed() -> None:
    """A committee's names changed, or a list of committees was imported: every process reads
    the committees afresh, now and once the transaction commits."""
    _bump(COMMITTEE_GENERATION_KEY)
    transaction.on_commit(lambda: _bump(COMMITTEE_GENERATION_KEY))


def committee_generation() -> int:
    value = cache.get(COMMITTEE_GENERATION_KEY)
    return int(value) if value is not None else 0


def _committee_saved(sender: Any, instance: Any, **kwargs: Any) -> None:
    committees_changed()


# What the index copies from an institution.
_INSTITUTION_FIELDS = frozenset({"name", "name_en", "prefecture"})


def _institution_saved(sender: Any, instance: Any, created: bool, **kwargs: Any) -> None:
    # A new institution has no plans yet; a fixture load ("raw") is followed by a rebuild.
    if created or kwargs.get("raw"):
        return
    fields = kwargs.get("update_fields")
    if fields is None or _INSTITUTION_FIELDS & set(fields):
        sync_institution(instance.pk)
