"""Reporting: the CSV import of a year of treatments, and a periodic report's figures.

- "CSV import of 20,000 treatments": the two services the API and the import page call (every
  row read and checked by `treatments_import_check` with no transaction of its own, then the
  short write transaction of `treatments_import_write`: the inserts and the audit event), into
  the plan with the most treatments (or, where it is not in force, another plan of an
  institution of the sample's users), by its institution's officer. Its floor is one raw
  `executemany` INSERT of the same 20,000 rows, as a hand-written loader would do it. Both run
  in a transaction rolled back afterwards, so that every run starts from the same data set and
  the harness times nothing but the work (the import's own transaction becomes a savepoint).
- "periodic report of a plan with ~1,200 treatments": `periodic_report_figures` over every day
  of that plan's provision to date (all its treatments, outcomes and adverse events). Its floor
  is the raw SQL of the same figures: the criteria; the cases and patients, the adverse events
  by category and outcome, and the treatments measured for each criterion, each one aggregate;
  and one raw pass over the values measured in the range (fetched, as a median and a standard
  deviation need them: SQLite has no aggregate for either; count, mean and range come with
  them).

`--explain` shows the query plan of every query each one runs (captured as it runs).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bench.harness import JOB, Context, Measure, register

IMPORT_ROWS = 20_000


@dataclass(frozen=True)
class _ImportData:
    plan: Any
    actor: Any
    csv: bytes
    rows: list[tuple[str, date, str]]
    facility_id: int


def _big_plan(ctx: Context) -> Any:
    from saisei.plans.models import Plan

    if "reporting.plan" not in ctx.store:
        ctx.store["reporting.plan"] = Plan.objects.get(pk=ctx.sample["plan_big"])
    return ctx.store["reporting.plan"]


def _import_target(ctx: Context) -> tuple[Any, Any]:
    """The plan to import into, and who imports: the big plan by its institution's officer
    when it is in force; otherwise (the generated statuses are drawn at random, and at a small
    scale the big plan may be closed) the in-force plan of the officer's institution, or of the
    biggest institution's staff, with the most treatments."""
    from django.db.models import Count

    from saisei.plans.lifecycle import PROVIDING_STATUSES, PlanStatus
    from saisei.plans.models import Plan

    in_force = Plan.objects.filter(
        status__in=PROVIDING_STATUSES - {PlanStatus.RESTRICTED},
        provision_allowed_from__lte=ctx.today,
    )
    for key in ("officer", "institution"):
        user = ctx.users[key]
        organisations = user.memberships.filter(is_active=True).values("organisation_id")
        plans = in_force.filter(institution__organisation_id__in=organisations)
        plan = plans.filter(pk=ctx.sample["plan_big"]).first() or (
            plans.annotate(n=Count("treatments")).order_by("-n", "pk").first()
        )
        if plan is not None:
            return plan, user
    raise AssertionError("no plan in force in the sample users' institutions")


def _import_data(ctx: Context) -> _ImportData:
    """The file (built once): 20,000 treatments spread over the plan's provision to date."""
    if "reporting.import" not in ctx.store:
        plan, actor = _import_target(ctx)
        facility = plan.plan_facilities.get(is_current=True).facility
        start = plan.provision_allowed_from
        span = max((ctx.today - start).days, 1)
        rows = [
            (f"IMP-{n:06d}", start + timedelta(days=n % span), f"LOT-{n % 97:03d}")
            for n in range(IMPORT_ROWS)
        ]
        csv = (
            "patient_code,treated_on,facility_number,lot\n"
            + "".join(
                f"{code},{day.isoformat()},{facility.number},{lot}\n" for code, day, lot in rows
            )
        ).encode()
        ctx.store["reporting.import"] = _ImportData(
            plan=plan, actor=actor, csv=csv, rows=rows, facility_id=facility.pk
        )
    return ctx.store["reporting.import"]


def _rolled_back(work: Callable[[], Any]) -> Any:
    from django.db import transaction

    with transaction.atomic():
        result = work()
        transaction.set_rollback(True)
    return result


def csv_import(ctx: Context) -> None:
    from saisei.reporting.services import treatments_import_check, treatments_import_write

    data = _import_data(ctx)

    def work() -> None:
        batch = treatments_import_check(
            plan=data.plan, source=data.csv, actor=data.actor, today=ctx.today
        )
        result = treatments_import_write(batch=batch)
        if result.created != IMPORT_ROWS:
            raise AssertionError(f"imported {result.created} rows, not {IMPORT_ROWS}")

    _rolled_back(work)


def csv_import_floor(ctx: Context) -> None:
    from django.db import connection
    from django.utils import timezone

    from saisei.reporting.models import Treatment

    data = _import_data(ctx)
    sql = (
        f"INSERT INTO {Treatment._meta.db_table} (plan_id, patient_code, treated_on, "
        "facility_id, lot, recorded_by_id, created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)"
    )
    now = timezone.now()
    params = [
        (data.plan.pk, code, day, data.facility_id, lot, data.actor.pk, now)
        for code, day, lot in data.rows
    ]

    def work() -> None:
        with connection.cursor() as cursor:
            cursor.executemany(sql, params)

    _rolled_back(work)


def _report_range(ctx: Context) -> tuple[Any, date, date]:
    plan = _big_plan(ctx)
    return plan, plan.filed_on, ctx.today


def periodic_report(ctx: Context) -> None:
    from saisei.reporting.figures import periodic_report_figures

    plan, start, end = _report_range(ctx)
    figures = periodic_report_figures(plan, start, end)
    if not figures["cases"]:
        raise AssertionError("the big plan has no treatments in range: nothing was measured")


def _figures_floor_sql(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
    plan, start, end = _report_range(ctx)
    current = "SELECT id FROM plans_evaluationcriterion WHERE plan_id = %s AND is_current"
    return [
        (
            "SELECT id, position, measure, method, time_point, success_threshold, "
            "threshold_operator, threshold_value FROM plans_evaluationcriterion "
            "WHERE plan_id = %s AND is_current ORDER BY position, id",
            [plan.pk],
        ),
        (
            "SELECT COUNT(*), COUNT(DISTINCT patient_code) FROM reporting_treatment "
            "WHERE plan_id = %s AND treated_on BETWEEN %s AND %s",
            [plan.pk, start, end],
        ),
        (
            "SELECT category, outcome, COUNT(*) FROM reporting_adverseevent "
            "WHERE plan_id = %s AND learned_on BETWEEN %s AND %s GROUP BY category, outcome",
            [plan.pk, start, end],
        ),
        (
            # Each criterion's values in the range: what its median and standard deviation
            # need (SQLite has no aggregate for either), and its count, mean and range with them.
            # (A measurement's criterion is one of its treatment's plan: no join is needed.)
            "SELECT criterion_id, CAST(value AS DOUBLE PRECISION) "
            f"FROM reporting_outcomemeasurement WHERE criterion_id IN ({current}) "
            "AND measured_on BETWEEN %s AND %s",
            [plan.pk, start, end],
        ),
        (
            # One measurement per treatment and criterion (one_outcome_per_criterion).
            "SELECT o.criterion_id, COUNT(*) "
            "FROM reporting_outcomemeasurement o "
            "JOIN reporting_treatment t ON t.id = o.treatment_id "
            f"WHERE t.plan_id = %s AND t.treated_on BETWEEN %s AND %s "
            f"AND o.criterion_id IN ({current}) GROUP BY o.criterion_id",
            [plan.pk, start, end, plan.pk],
        ),
    ]


def periodic_report_floor(ctx: Context) -> None:
    for sql, params in _figures_floor_sql(ctx):
        ctx.sql(sql, params)


def _captured(work: Callable[[], Any]) -> list[tuple[str, Sequence[Any]]]:
    """The SELECTs `work` runs, with their parameters, for EXPLAIN."""
    from django.db import connection

    seen: list[tuple[str, Sequence[Any]]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        if not many and sql.lstrip().upper().startswith("SELECT"):
            seen.append((sql, tuple(params or ())))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        work()
    return seen


def csv_import_explain(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
    return _captured(lambda: csv_import(ctx))


def periodic_report_explain(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
    return _captured(lambda: periodic_report(ctx))


register(
    Measure(
        f"CSV import of {IMPORT_ROWS:,} treatments",
        JOB,
        csv_import,
        csv_import_floor,
        floor_label=f"raw executemany of the same {IMPORT_ROWS:,} rows",
        ratio=3.0,
        repeat=5,
        explain=csv_import_explain,
        area="reporting",
    ),
    Measure(
        "periodic report of a plan with ~1,200 treatments",
        JOB,
        periodic_report,
        periodic_report_floor,
        floor_label="the raw aggregates and one raw pass over the values",
        ratio=2.0,
        repeat=30,
        explain=periodic_report_explain,
        area="reporting",
    ),
)
