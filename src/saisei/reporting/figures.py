"""The content of a periodic report, computed from the recorded data of its period.

Everything here is aggregate: counts, summary statistics and shares. Patient codes never
appear, so a report can go to the committee, the authority and (in part) the public.
Queries are set-based: a handful per report whatever the number of treatments.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Count

from saisei.reporting.models import (
    AdverseEvent,
    AECategory,
    AEOutcome,
    OutcomeMeasurement,
    Treatment,
)

OPERATORS = {
    ">=": lambda v, t: v >= t,
    ">": lambda v, t: v > t,
    "<=": lambda v, t: v <= t,
    "<": lambda v, t: v < t,
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


def criterion_summary(
    criterion: Any, values: list[Decimal], treated_without: int
) -> dict[str, Any]:
    operator = getattr(criterion, "threshold_operator", "") or ""
    threshold = getattr(criterion, "threshold_value", None)
    summary: dict[str, Any] = {
        "criterion_id": criterion.pk,
        "position": criterion.position,
        "measure": criterion.measure,
        "method": criterion.method,
        "time_point": criterion.time_point,
        "success_threshold": criterion.success_threshold,
        "threshold_operator": operator,
        "threshold_value": _number(threshold),
        "measured": len(values),
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
        floats = [float(v) for v in values]
        summary.update(
            mean=round(statistics.fmean(floats), 4),
            median=round(statistics.median(floats), 4),
            sd=round(statistics.stdev(floats), 4) if len(floats) > 1 else None,
            min=round(min(floats), 4),
            max=round(max(floats), 4),
        )
    if operator in OPERATORS and threshold is not None:
        if values:
            meeting = sum(1 for v in values if OPERATORS[operator](v, threshold))
            summary["meeting_threshold"] = meeting
            summary["share_meeting_threshold"] = round(meeting / len(values), 4)
    else:
        summary["missing"].append("threshold_not_structured")
    if not values:
        summary["missing"].append("no_measurements")
    if treated_without:
        summary["missing"].append("treatments_without_measurement")
    return summary


def periodic_report_figures(plan: Any, period_start: date, period_end: date) -> dict[str, Any]:
    """Patients treated (Ordinance Art 37(1)(i)), the adverse events by category and their
    course by outcome (ii), and each current criterion against its threshold (the evidence for
    the evaluation of (iii))."""
    treatments = Treatment.objects.filter(
        plan=plan, treated_on__gte=period_start, treated_on__lte=period_end
    )
    cases = treatments.aggregate(cases=Count("pk"), patients=Count("patient_code", distinct=True))
    # Ordinance Art 37(1)(ii): the adverse events and their course, as counts of each outcome in
    # each seriousness category (the categories with no event are left out of the course).
    course: dict[str, dict[str, int]] = {}
    for category, outcome, n in (
        AdverseEvent.objects.filter(
            plan=plan, learned_on__gte=period_start, learned_on__lte=period_end
        )
        .order_by()
        .values_list("category", "outcome")
        .annotate(n=Count("pk"))
        .values_list("category", "outcome", "n")
    ):
        course.setdefault(category, dict.fromkeys(AEOutcome.values, 0))[outcome] = n
    adverse_events = {
        category: sum(course.get(category, {}).values()) for category in AECategory.values
    }
    adverse_event_course = {
        category: course[category] for category in AECategory.values if category in course
    }

    criteria = list(plan.criteria.filter(is_current=True).order_by("position", "pk"))
    values: dict[int, list[Decimal]] = defaultdict(list)
    for criterion_id, value in OutcomeMeasurement.objects.filter(
        treatment__plan=plan,
        criterion__in=criteria,
        measured_on__gte=period_start,
        measured_on__lte=period_end,
    ).values_list("criterion_id", "value"):
        values[criterion_id].append(value)
    # Treatments of this period with no measurement yet of a criterion: what the report lacks.
    measured = dict(
        OutcomeMeasurement.objects.filter(treatment__in=treatments, criterion__in=criteria)
        .values_list("criterion_id")
        .annotate(n=Count("treatment_id", distinct=True))
        .values_list("criterion_id", "n")
    )
    summaries = [
        criterion_summary(c, values[c.pk], cases["cases"] - measured.get(c.pk, 0)) for c in criteria
    ]
    return {
        "period_start": period_start.isoformat(),
        "period_end": period_end.isoformat(),
        "cases": cases["cases"],
        "patients": cases["patients"],
        "adverse_events": adverse_events,
        "adverse_events_total": sum(adverse_events.values()),
        "adverse_event_course": adverse_event_course,
        "serious_adverse_events": sum(
            n for category, n in adverse_events.items() if category != AECategory.NON_SERIOUS
        ),
        "criteria": summaries,
        "criteria_missing": not criteria,
    }
