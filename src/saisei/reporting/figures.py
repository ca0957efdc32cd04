"""The content of a periodic report, computed from the recorded data of its period.

Everything here is aggregate: counts, summary statistics and shares. Patient codes never
appear, so a report can go to the committee, the authority and (in part) the public.
Queries are set-based: five per report whatever the number of treatments.
"""

from __future__ import annotations

import math
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, NamedTuple

from django.db import connection

from saisei.plans.models import EvaluationCriterion
from saisei.reporting.models import (
    AdverseEvent,
    AECategory,
    AEOutcome,
    OutcomeMeasurement,
    Treatment,
)

# How many of the sorted values meet `value <operator> threshold`, by bisection.
MEETING: dict[str, Callable[[list[float], float], int]] = {
    ">=": lambda values, t: len(values) - bisect_left(values, t),
    ">": lambda values, t: len(values) - bisect_right(values, t),
    "<=": lambda values, t: bisect_right(values, t),
    "<": lambda values, t: bisect_left(values, t),
}


def _number(value: Decimal | float | None) -> float | None:
    return None if value is None else round(float(value), 4)


# How the report page and its CSV show the stored figures (which keep four decimals): the
# summary statistics to two decimals, the share meeting the threshold to a tenth of a percent.
STATISTICS = ("mean", "median", "sd", "min", "max")
STATISTIC_PLACES = 2
PERCENT_PLACES = 1


def shown(value: Decimal | float | int | None, places: int = STATISTIC_PLACES) -> str:
    """A figure rounded half up to `places` decimals for display ("31.14"); "" when none."""
    if value is None:
        return ""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return str(rounded if rounded else abs(rounded))  # never "-0.00"


def shown_percent(share: Decimal | float | None) -> str:
    """A share (0.6667) as a percentage for display ("66.7"); "" when none."""
    return "" if share is None else shown(Decimal(str(share)) * 100, PERCENT_PLACES)


def shown_share(share: Decimal | float | None) -> str:
    """A share (0.6667) to the precision shown_percent gives it ("0.667"); "" when none."""
    return shown(share, PERCENT_PLACES + 2)


def criterion_summary(criterion: Any, values: list[float], treated_without: int) -> dict[str, Any]:
    """One criterion's figures from its measured values, sorted ascending (as floats: what the
    statistics are computed in; each value has at most four decimals, so comparing it with the
    threshold as floats orders them as the decimals do)."""
    operator = getattr(criterion, "threshold_operator", "") or ""
    threshold = getattr(criterion, "threshold_value", None)
    n = len(values)
    summary: dict[str, Any] = {
        "criterion_id": criterion.pk,
        "position": criterion.position,
        "measure": criterion.measure,
        "method": criterion.method,
        "time_point": criterion.time_point,
        "success_threshold": criterion.success_threshold,
        "threshold_operator": operator,
        "threshold_value": _number(threshold),
        "measured": n,
        "mean": None,
        "median": None,
        "sd": None,
        "min": None,
        "max": None,
        "meeting_threshold": None,
        "share_meeting_threshold": None,
        "treated_without_measurement": treated_without,
        "missing": [],
    }
    if values:
        mean = math.fsum(values) / n  # statistics.fmean
        middle = n // 2
        summary.update(
            mean=round(mean, 4),
            median=round(values[middle] if n % 2 else (values[middle - 1] + values[middle]) / 2, 4),
            sd=round(_sample_sd(values, mean), 4) if n > 1 else None,
            min=round(values[0], 4),
            max=round(values[-1], 4),
        )
    if operator in MEETING and threshold is not None:
        if values:
            meeting = MEETING[operator](values, float(threshold))
            summary["meeting_threshold"] = meeting
            summary["share_meeting_threshold"] = round(meeting / n, 4)
    else:
        summary["missing"].append("threshold_not_structured")
    if not values:
        summary["missing"].append("no_measurements")
    if treated_without:
        summary["missing"].append("treatments_without_measurement")
    return summary


def _sample_sd(values: list[float], mean: float) -> float:
    """The sample standard deviation (statistics.stdev), in two passes over the values with the
    rounding error of the mean corrected, rather than in exact fractions value by value."""
    deviations = [x - mean for x in values]
    total = math.fsum(deviations)
    squares = math.fsum(d * d for d in deviations) - total * total / len(values)
    return math.sqrt(max(squares, 0.0) / (len(values) - 1))


def _rows(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows: list[tuple[Any, ...]] = cursor.fetchall()
        return rows


# The report's reads, as SQL: the criteria, three aggregates and one pass over the values, each
# through an index on the plan (or its criteria) and the dates. Through the ORM, compiling them
# cost a third of the report, and a Decimal made for each value (only to become a float)
# another third.
# Only table names (the models' own) are put into the text; every value is a parameter.
_CRITERION = EvaluationCriterion._meta.db_table
_TREATMENT = Treatment._meta.db_table
_OUTCOME = OutcomeMeasurement._meta.db_table
_EVENT = AdverseEvent._meta.db_table
_CRITERIA_SQL = (
    "SELECT id, position, measure, method, time_point, success_threshold, "  # noqa: S608
    f"threshold_operator, threshold_value FROM {_CRITERION} "
    "WHERE plan_id = %s AND is_current ORDER BY position, id"
)
_CASES_SQL = (
    f"SELECT COUNT(*), COUNT(DISTINCT patient_code) FROM {_TREATMENT} "  # noqa: S608
    "WHERE plan_id = %s AND treated_on >= %s AND treated_on <= %s"
)
_COURSE_SQL = (
    f"SELECT category, outcome, COUNT(*) FROM {_EVENT} "  # noqa: S608
    "WHERE plan_id = %s AND learned_on >= %s AND learned_on <= %s GROUP BY category, outcome"
)


class _Criterion(NamedTuple):
    """What a report shows of a current evaluation criterion."""

    pk: int
    position: int
    measure: str
    method: str
    time_point: str
    success_threshold: str
    threshold_operator: str
    threshold_value: Decimal | float | None  # a float from SQLite, a Decimal from PostgreSQL


def _values_sql(criteria: int) -> str:
    """Each value of the plan's criteria measured in the range, as a float (what the statistics
    are computed in), from the index on (criterion, measured_on, treatment, value) alone.

    A measurement's criterion is always one of its treatment's plan (outcome_record and the
    import check it), so the plan's criteria find the plan's measurements without a join to
    the treatments: one probe of the treatments per value was most of the query."""
    return (
        "SELECT criterion_id, CAST(value AS DOUBLE PRECISION) FROM "  # noqa: S608
        f"{_OUTCOME} WHERE criterion_id IN ({', '.join(['%s'] * criteria)}) "
        "AND measured_on >= %s AND measured_on <= %s"
    )


def _measured_sql(criteria: int) -> str:
    """How many of the treatments in the range have a measurement of each criterion: a
    treatment has at most one of each (one_outcome_per_criterion), so its rows are counted."""
    return (
        f"SELECT o.criterion_id, COUNT(*) FROM {_TREATMENT} t "  # noqa: S608
        f"JOIN {_OUTCOME} o ON o.treatment_id = t.id "
        "WHERE t.plan_id = %s AND t.treated_on >= %s AND t.treated_on <= %s "
        f"AND o.criterion_id IN ({', '.join(['%s'] * criteria)}) GROUP BY o.criterion_id"
    )


def periodic_report_figures(plan: Any, period_start: date, period_end: date) -> dict[str, Any]:
    """Patients treated (Ordinance Art 37(1)(i)), the adverse events by category and their
    course by outcome (ii), and each current criterion against its threshold (the evidence for
    the evaluation of (iii))."""
    in_range = [plan.pk, period_start, period_end]
    [(cases, patients)] = _rows(_CASES_SQL, in_range)
    # Ordinance Art 37(1)(ii): the adverse events and their course, as counts of each outcome in
    # each seriousness category (the categories with no event are left out of the course).
    course: dict[str, dict[str, int]] = {}
    for category, outcome, n in _rows(_COURSE_SQL, in_range):
        course.setdefault(category, dict.fromkeys(AEOutcome.values, 0))[outcome] = n
    adverse_events = {
        category: sum(course.get(category, {}).values()) for category in AECategory.values
    }
    adverse_event_course = {
        category: course[category] for category in AECategory.values if category in course
    }

    criteria = [_Criterion(*row) for row in _rows(_CRITERIA_SQL, [plan.pk])]
    ids = [c.pk for c in criteria]
    values: dict[int, list[float]] = defaultdict(list)
    measured: dict[int, int] = {}
    if criteria:
        for criterion_id, value in _rows(_values_sql(len(ids)), [*ids, period_start, period_end]):
            values[criterion_id].append(value)
        for measured_values in values.values():
            measured_values.sort()
        # Treatments of this period with no measurement yet of a criterion: what the report lacks.
        measured = dict(_rows(_measured_sql(len(ids)), [*in_range, *ids]))
    summaries = [
        criterion_summary(c, values[c.pk], cases - measured.get(c.pk, 0)) for c in criteria
    ]
    return {
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "cases": cases,
        "patients": patients,
        "adverse_events": adverse_events,
        "adverse_events_total": sum(adverse_events.values()),
        "adverse_event_course": adverse_event_course,
        "serious_adverse_events": sum(
            n for category, n in adverse_events.items() if category != AECategory.NON_SERIOUS
        ),
        "criteria": summaries,
        "criteria_missing": not criteria,
    }
