"""A periodic report's figures against the same statistics computed the plain way.

The figures are computed from the database's values as floats, sorted, with the share meeting
the threshold counted by bisection: these tests hold them to statistics and Decimal
comparisons of every value, on both databases.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from saisei.core.errors import DomainError
from saisei.reporting.figures import periodic_report_figures
from saisei.reporting.models import AdverseEvent, OutcomeMeasurement, Treatment
from saisei.reporting.services import outcome_record, outcomes_import_csv
from tests.support import at

pytestmark = pytest.mark.django_db

START, END = dt.date(2025, 6, 2), dt.date(2026, 6, 1)


def _record(plan, personas, values: list[Decimal], *, measured_on: dt.date) -> None:
    facility = plan.plan_facilities.get(is_current=True).facility
    treatments = Treatment.objects.bulk_create(
        Treatment(
            plan=plan,
            patient_code=f"F-{n % 7}",  # patients treated more than once
            treated_on=START + dt.timedelta(days=n % 300),
            facility=facility,
            recorded_by=personas.officer,
        )
        for n in range(len(values))
    )
    criterion = plan.criteria.get()
    OutcomeMeasurement.objects.bulk_create(
        OutcomeMeasurement(
            treatment=t,
            criterion=criterion,
            measured_on=measured_on,
            value=value,
            recorded_by=personas.officer,
        )
        for t, value in zip(treatments, values, strict=True)
    )


def test_the_statistics_and_the_share_meeting_each_kind_of_threshold(active_plan, personas) -> None:
    rng = random.Random(12)
    # Four decimals, negatives, repeated values, and values on the threshold itself.
    values = [Decimal(rng.randrange(-500_000, 2_000_000)).scaleb(-4) for _ in range(240)]
    threshold = Decimal("12.3456")
    values += [threshold] * 5 + [Decimal("99999999.9999"), Decimal("-0.0001")]
    _record(active_plan, personas, values, measured_on=dt.date(2026, 1, 15))
    _record(active_plan, personas, [Decimal("5")] * 3, measured_on=dt.date(2026, 6, 2))  # after
    criterion = active_plan.criteria.get()
    floats = [float(v) for v in values]
    compare = {
        ">=": lambda v: v >= threshold,
        ">": lambda v: v > threshold,
        "<=": lambda v: v <= threshold,
        "<": lambda v: v < threshold,
    }
    for operator, meets in compare.items():
        criterion.threshold_operator, criterion.threshold_value = operator, threshold
        criterion.save()
        figures = periodic_report_figures(active_plan, START, END)
        [c] = figures["criteria"]
        assert c["measured"] == len(values)
        assert c["mean"] == round(statistics.fmean(floats), 4)
        assert c["median"] == round(statistics.median(floats), 4)
        assert c["sd"] == round(statistics.stdev(floats), 4)
        assert (c["min"], c["max"]) == (round(min(floats), 4), round(max(floats), 4))
        meeting = sum(1 for v in values if meets(v))
        assert (c["meeting_threshold"], c["share_meeting_threshold"]) == (
            meeting,
            round(meeting / len(values), 4),
        )
        assert c["threshold_value"] == 12.3456
    # Every treatment is in the period; the three measured after it are left out of the
    # statistics, but they have their measurement.
    assert figures["cases"] == len(values) + 3
    assert figures["patients"] == 7
    assert c["treated_without_measurement"] == 0


def test_one_value_an_even_count_and_no_structured_threshold(active_plan, personas) -> None:
    _record(active_plan, personas, [Decimal("7.5")], measured_on=dt.date(2026, 1, 1))
    [c] = periodic_report_figures(active_plan, START, END)["criteria"]
    assert (c["mean"], c["median"], c["sd"], c["min"], c["max"]) == (7.5, 7.5, None, 7.5, 7.5)
    assert c["missing"] == ["threshold_not_structured"]
    _record(active_plan, personas, [Decimal("2.5")], measured_on=dt.date(2026, 1, 2))
    [c] = periodic_report_figures(active_plan, START, END)["criteria"]
    assert (c["median"], c["sd"]) == (5.0, round(statistics.stdev([7.5, 2.5]), 4))


def test_a_plan_without_criteria_and_the_queries_of_a_report(active_plan, personas) -> None:
    _record(active_plan, personas, [Decimal(n) for n in range(50)], measured_on=END)
    AdverseEvent.objects.create(
        plan=active_plan,
        patient_code="F-1",
        learned_on=dt.date(2025, 9, 1),
        category="hospitalisation",
        description="Fever",
        outcome="recovering",
        causality="unknown",
        recorded_by=personas.officer,
    )
    with CaptureQueriesContext(connection) as queries:
        figures = periodic_report_figures(active_plan, START, END)
    assert len(queries) == 5  # as many for 50 treatments as for 50,000
    assert figures["adverse_event_course"] == {
        "hospitalisation": {
            "recovered": 0,
            "recovering": 1,
            "not_recovered": 0,
            "sequelae": 0,
            "fatal": 0,
            "unknown": 0,
        }
    }
    assert figures["serious_adverse_events"] == 1
    active_plan.criteria.update(is_current=False)
    figures = periodic_report_figures(active_plan, START, END)
    assert (figures["criteria"], figures["criteria_missing"], figures["cases"]) == ([], True, 50)


def test_a_measurement_is_only_ever_of_a_criterion_of_its_treatments_plan(
    active_plan, world, personas
) -> None:
    """What the figures rest on when they find a plan's measurements by its criteria alone."""
    with at(START):
        other = world.plan_in("active")
    _record(active_plan, personas, [Decimal("1")], measured_on=dt.date(2025, 7, 1))
    treatment = Treatment.objects.get(plan=active_plan)
    foreign = other.criteria.get()
    with pytest.raises(DomainError) as raised:
        outcome_record(
            treatment=treatment,
            criterion=foreign,
            measured_on=dt.date(2025, 8, 1),
            value=Decimal("2"),
            actor=personas.officer,
            today=END,
        )
    assert raised.value.code == "criterion_not_in_plan"
    # The import knows only the plan's own criteria, by their numbers in the plan.
    active_plan.criteria.update(is_current=False)
    with pytest.raises(DomainError) as raised:
        outcomes_import_csv(
            plan=active_plan,
            source="patient_code,treated_on,criterion,measured_on,value\n"
            f"F-0,{START.isoformat()},1,2025-08-01,2\n",
            actor=personas.officer,
            today=END,
        )
    assert [e["code"] for e in raised.value.details["errors"]] == ["criterion_not_in_plan"]
    assert not OutcomeMeasurement.objects.filter(criterion=foreign).exists()
    assert periodic_report_figures(other, START, END)["criteria"][0]["measured"] == 0
