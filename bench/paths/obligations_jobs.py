"""The daily obligations jobs over the whole country: `obligations tick` and `verify`.

The generated data set holds every duty the law expects as of its day, so the tick has nothing
to create; it may still have duties to mark overdue (the set is generated as of its day and
marked by no tick), so each measure ticks once, untimed, before its first run (`prepare`), and
a run of the tick that finds anything to do fails the measure.

The floor of each is one raw pass over the rows it must read: the compared columns of every
stored duty and the columns of the subject tables the sources derive duties from, fetched to
Python (`cursor.fetchmany` a chunk at a time). Peak Python memory of one run is measured too
(tracemalloc): one chunk of subjects, and for verify the law's answers per distinct question.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from bench.harness import JOB, Context, Measure, register

# The columns verify compares, and those the sources read of their subjects: the same rows a
# hand-written pass would have to fetch.
OBLIGATIONS_SQL = (
    "SELECT id, rule, subject_type, subject_id, starts_on, period, recipient, organisation_id, "
    "nominal_due, due_on, period_start, period_end, status, met_on, met_by_type "
    "FROM obligations_obligation"
)
SUBJECTS_SQL = (
    "SELECT p.id, p.title, p.filed_on, p.filed_with, p.risk_class, p.closed_on, "
    "i.organisation_id, c.organisation_id, c.rule_closed_days FROM plans_plan p "
    "JOIN registry_institution i ON i.id = p.institution_id "
    "LEFT JOIN registry_committee c ON c.id = p.committee_id WHERE p.filed_on IS NOT NULL",
    "SELECT id, plan_id, category, learned_on FROM reporting_adverseevent",
    "SELECT id, kind, event_on, plan_id FROM plans_plannotice",
)
TICK_SQL = (
    "SELECT rule, subject_type, subject_id, starts_on, period, recipient "
    "FROM obligations_obligation WHERE period > 0",
    "SELECT id, status, due_on FROM obligations_obligation WHERE status = 'open' AND due_on < %s",
)


def _fetch(ctx: Context, sql: str, params: Sequence[Any] = ()) -> int:
    """Every row of `sql`, to Python, a chunk at a time (as the jobs hold one chunk)."""
    from django.db import connection

    count = 0
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        while rows := cursor.fetchmany(2000):
            count += len(rows)
    return count


def _prepared(ctx: Context) -> None:
    """Tick once, before the first run: it marks what the generator left open past due."""
    from saisei.obligations.services import obligations_tick

    obligations_tick(today=ctx.today)


def tick(ctx: Context) -> None:
    from saisei.obligations.services import obligations_tick

    result = obligations_tick(today=ctx.today)
    if result.created or result.marked_overdue:
        raise AssertionError(f"the tick had something to do: {result}")


def tick_floor(ctx: Context) -> None:
    _fetch(ctx, TICK_SQL[0])
    _fetch(ctx, SUBJECTS_SQL[0])
    _fetch(ctx, SUBJECTS_SQL[1])
    _fetch(ctx, TICK_SQL[1], [ctx.today])


def verify(ctx: Context) -> None:
    from saisei.obligations.services import obligations_verify

    differences = obligations_verify(today=ctx.today)
    if differences:
        raise AssertionError(f"{len(differences)} differences, e.g. {differences[0]}")


def verify_floor(ctx: Context) -> None:
    _fetch(ctx, OBLIGATIONS_SQL)
    for sql in SUBJECTS_SQL:
        _fetch(ctx, sql)


def _explain_tick(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
    """The tick's queries per chunk of plans: the chunk's pks, the stored keys of the plans
    that may lack a report (see _explain_verify's last, the count per plan), the open duties."""
    return [
        (
            "SELECT id FROM plans_plan WHERE filed_on IS NOT NULL AND id > %s ORDER BY id "
            "LIMIT 1000",
            [0],
        ),
        (
            "SELECT rule, subject_type, subject_id, starts_on, period, recipient "
            "FROM obligations_obligation WHERE rule IN ('periodic_report') "
            "AND subject_type IN ('plans.plan') AND subject_id IN ('1', '2', '3')",
            [],
        ),
        (
            "SELECT id, status FROM obligations_obligation WHERE status = 'open' "
            "AND due_on < %s ORDER BY id",
            [ctx.today],
        ),
    ]


def _explain_verify(ctx: Context) -> list[tuple[str, Sequence[Any]]]:
    """Verify's reads per chunk of plans: the screen's query of the chunk's stored yearly
    reports (saisei.obligations.services.screen, by the index obligation_verify),
    the lookup of a source compared row by row, the count of each rule's rows that shows whether
    any is of a subject outside the chunks, and the count per plan the tick reads."""
    from saisei.obligations.services.batch import DueDates
    from saisei.obligations.services.screen import Screen

    screen = Screen("periodic_report", ctx.today, DueDates())
    return [
        screen.query("plans.plan", ["1", "2", "3"]),
        (
            "SELECT id, rule, subject_id, starts_on, period, recipient, organisation_id, "
            "nominal_due, due_on, period_start, period_end, status, met_on "
            "FROM obligations_obligation WHERE rule IN ('ae_death', 'ae_serious', "
            "'ae_other_cycle') AND subject_type = 'plans.plan' AND subject_id IN ('1', '2', '3')",
            [],
        ),
        (
            "SELECT rule, COUNT(id) FROM obligations_obligation GROUP BY rule",
            [],
        ),
        (
            "SELECT subject_id, starts_on, recipient, COUNT(id), MIN(period), MAX(period) "
            "FROM obligations_obligation WHERE rule = 'periodic_report' "
            "AND subject_type = 'plans.plan' AND subject_id IN ('1', '2', '3') "
            "GROUP BY subject_id, starts_on, recipient",
            [],
        ),
    ]


# Under 5 s at 3x national (the target), with nothing to do.
register(
    Measure(
        "obligations tick, nothing to do",
        JOB,
        tick,
        floor=tick_floor,
        floor_label="raw pass over the duty keys, plans, events and open duties",
        seconds=5.0,
        repeat=3,
        memory=True,
        prepare=_prepared,
        explain=_explain_tick,
        area="obligations",
    ),
    Measure(
        "obligations verify",
        JOB,
        verify,
        floor=verify_floor,
        floor_label="raw pass over every duty's compared columns and the subjects",
        seconds=5.0,
        repeat=3,
        memory=True,
        prepare=_prepared,
        explain=_explain_verify,
        area="obligations",
    ),
)
