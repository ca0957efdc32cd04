"""Each public plan's reporting as the public search keeps it (saisei.plans.search): read from
the plan's duties (its own, its adverse events', its notices': selectors.plan_obligations), and
written again whenever the obligations say a subject's duties changed."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import date
from typing import Any

from django.db.models import Count, Min, Q

from saisei.obligations.models import OUTSTANDING, Obligation, ObligationStatus
from saisei.plans import search
from saisei.plans.models import PlanNotice
from saisei.plans.obligations import NOTICE, PLAN
from saisei.reporting.models import AdverseEvent
from saisei.reporting.obligation_sources import EVENT

# Subjects per query (under SQLite's limit on bound variables).
CHUNK = 1000


def _chunks(items: list[str]) -> Iterator[list[str]]:
    for start in range(0, len(items), CHUNK):
        yield items[start : start + CHUNK]


def _subjects(plan_ids: list[int]) -> dict[tuple[str, str], int]:
    """Each subject whose duties are these plans', to its plan."""
    subjects: dict[tuple[str, str], int] = {(PLAN, str(pk)): pk for pk in plan_ids}
    for model, subject_type in ((AdverseEvent, EVENT), (PlanNotice, NOTICE)):
        for start in range(0, len(plan_ids), CHUNK):
            found = model.objects.filter(plan_id__in=plan_ids[start : start + CHUNK])
            for pk, plan_id in found.values_list("pk", "plan_id"):
                subjects[(subject_type, str(pk))] = plan_id
    return subjects


def plans_reporting(plan_ids: list[int]) -> dict[int, search.Reporting]:
    """For each plan with duties: the earliest due date of those still open, whether any was met
    late, whether any was met on time. One grouped query per kind of subject and chunk."""
    subjects = _subjects(plan_ids)
    by_type: dict[str, list[str]] = {}
    for subject_type, subject_id in subjects:
        by_type.setdefault(subject_type, []).append(subject_id)
    found: dict[int, list[Any]] = {}
    for subject_type, ids in by_type.items():
        for chunk in _chunks(ids):
            rows = (
                Obligation.objects.filter(subject_type=subject_type, subject_id__in=chunk)
                .order_by()
                .values_list("subject_id")
                .annotate(
                    next_due=Min("due_on", filter=Q(status__in=OUTSTANDING)),
                    late=Count("pk", filter=Q(status=ObligationStatus.MET_LATE)),
                    met=Count("pk", filter=Q(status=ObligationStatus.MET)),
                )
            )
            for subject_id, next_due, late, met in rows:
                plan_id = subjects[(subject_type, subject_id)]
                record = found.setdefault(plan_id, [None, False, False])
                record[0] = _earliest(record[0], next_due)
                record[1] = record[1] or late > 0
                record[2] = record[2] or met > 0
    return {pk: (record[0], record[1], record[2]) for pk, record in found.items()}


def _earliest(a: date | None, b: date | None) -> date | None:
    if a is None or b is None:
        return a or b
    return min(a, b)


def plans_of(subjects: Iterable[tuple[str, str]]) -> set[int]:
    """The plans whose duties these subjects' are (other subjects are no plan's)."""
    plans: set[int] = set()
    by_type: dict[str, list[str]] = {}
    for subject_type, subject_id in subjects:
        by_type.setdefault(subject_type, []).append(subject_id)
    plans.update(int(pk) for pk in by_type.get(PLAN, ()) if pk.isdigit())
    for model, subject_type in ((AdverseEvent, EVENT), (PlanNotice, NOTICE)):
        ids = [int(pk) for pk in by_type.get(subject_type, ()) if pk.isdigit()]
        for start in range(0, len(ids), CHUNK):
            plans.update(
                model.objects.filter(pk__in=ids[start : start + CHUNK]).values_list(
                    "plan_id", flat=True
                )
            )
    return plans


def duties_changed(sender: Any, subjects: set[tuple[str, str]], **kwargs: Any) -> None:
    """The obligations' signal: the search's reporting of the plans whose duties changed."""
    search.refresh_reporting(plans_of(subjects))


def connect() -> None:
    from saisei.obligations.signals import duties_changed as signal

    search.reporting_source(plans_reporting)
    signal.connect(duties_changed, dispatch_uid="reporting.search_record")
