"""Every figure of the national view equals the same figure computed by hand-written SQL.

The SQL here is written from the definitions in saisei.oversight.figures' docstring, one
statement per figure, without the ORM or the code's three-part split of the duties; places are
mapped to bureaus with the registry's table of jurisdictions. Each figure is checked for the
nation, a bureau and a prefecture, on today and on a day months ago.
"""

# The statements are built from constant fragments and "%s" marks; every value is a parameter.
# ruff: noqa: S608
from __future__ import annotations

import json
import statistics
from collections import Counter, defaultdict
from datetime import date
from typing import Any

import pytest
from django.db import connection

from saisei.oversight import figures
from saisei.oversight.areas import NATION, Area
from saisei.registry.regions import PREFECTURE_BUREAU

pytestmark = pytest.mark.django_db

AREAS = [
    NATION,
    Area("bureau", "kanto_shinetsu"),
    Area("bureau", "kinki"),
    Area("prefecture", "27"),
]
DAYS = ["today", "past"]


def _rows(sql: str, params: list[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [tuple(_day(v) for v in row) for row in cursor.fetchall()]


def _day(value: Any) -> Any:
    """SQLite returns dates as text; compare them as dates."""
    if isinstance(value, str) and len(value) == 10 and value[4] == "-" and value[7] == "-":
        return date.fromisoformat(value)
    return value


def _in(area: Area, column: str) -> tuple[str, list[Any]]:
    if area.prefectures is None:
        return "", []
    marks = ", ".join(["%s"] * len(area.prefectures))
    return f" AND {column} IN ({marks})", list(area.prefectures)


def _on(world: Any, which: str) -> date:
    return world.today if which == "today" else world.past


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_plans_by_class_status_and_therapy_equal_sql(world: Any, area: Area) -> None:
    where, params = _in(area, "i.prefecture")
    rows = _rows(
        "SELECT p.risk_class, p.status, p.therapy, COUNT(*) FROM plans_plan p "
        "JOIN registry_institution i ON i.id = p.institution_id "
        f"WHERE p.first_submitted_at IS NOT NULL{where} GROUP BY p.risk_class, p.status, p.therapy",
        params,
    )
    expected: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    therapy: Counter[str] = Counter()
    for risk_class, status, kind, n in rows:
        expected[risk_class][status] += n
        therapy[kind] += n
    got = figures.plan_figures(area)
    assert got.by_class_status == {k: dict(v) for k, v in expected.items()}
    assert got.by_therapy == dict(therapy)
    assert got.total == sum(n for *_k, n in rows)
    if area is NATION:
        # The demo's never-submitted draft is not counted.
        assert (
            got.total
            == _rows(
                "SELECT COUNT(*) FROM plans_plan "
                "WHERE status <> 'draft' OR first_submitted_at IS NOT NULL",
                [],
            )[0][0]
        )


@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_filings_per_month_equal_sql(world: Any, area: Area, which: str) -> None:
    on = _on(world, which)
    where, params = _in(area, "i.prefecture")
    rows = _rows(
        "SELECT SUBSTR(CAST(p.filed_on AS TEXT), 1, 7), p.risk_class, COUNT(*) FROM plans_plan p "
        "JOIN registry_institution i ON i.id = p.institution_id "
        "WHERE p.first_submitted_at IS NOT NULL AND p.filed_on >= %s AND p.filed_on <= %s"
        f"{where} GROUP BY SUBSTR(CAST(p.filed_on AS TEXT), 1, 7), p.risk_class",
        [figures.window_start(on), on, *params],
    )
    expected = {(month, risk_class): n for month, risk_class, n in rows}
    got = {
        (month.strftime("%Y-%m"), risk_class): n
        for month, counts in figures.filings_per_month(area, on)
        for risk_class, n in counts.items()
    }
    assert got == expected
    assert len(figures.filings_per_month(area, on)) == 12


DUTY_SQL = """
SELECT COALESCE(i.prefecture, f.prefecture, '') AS place, o.rule,
  CASE WHEN o.status = 'waived' THEN 'waived'
       WHEN o.met_on IS NOT NULL AND o.met_on <= %(on)s AND o.met_on <= o.due_on THEN 'on_time'
       WHEN o.met_on IS NOT NULL AND o.met_on <= %(on)s THEN 'late'
       WHEN o.due_on < %(on)s THEN 'overdue'
       ELSE 'ahead' END AS state,
  COUNT(*)
FROM obligations_obligation o
LEFT JOIN registry_institution i ON i.organisation_id = o.organisation_id
LEFT JOIN registry_processingfacility f
  ON o.organisation_id IS NULL AND o.subject_type = 'registry.processingfacility'
  AND CAST(f.id AS TEXT) = o.subject_id
WHERE ((o.due_on >= %(start)s AND o.due_on <= %(on)s)
   OR (o.due_on < %(start)s AND (o.status IN ('open', 'overdue') OR o.met_on > %(on)s)))
GROUP BY COALESCE(i.prefecture, f.prefecture, ''), o.rule,
  CASE WHEN o.status = 'waived' THEN 'waived'
       WHEN o.met_on IS NOT NULL AND o.met_on <= %(on)s AND o.met_on <= o.due_on THEN 'on_time'
       WHEN o.met_on IS NOT NULL AND o.met_on <= %(on)s THEN 'late'
       WHEN o.due_on < %(on)s THEN 'overdue'
       ELSE 'ahead' END
"""


def _duty_sql(on: date) -> list[tuple[str, str, str, int]]:
    with connection.cursor() as cursor:
        cursor.execute(DUTY_SQL, {"on": on, "start": figures.window_start(on)})
        return [r for r in cursor.fetchall() if r[2] in ("on_time", "late", "overdue")]


@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_duties_by_rule_and_place_equal_sql(world: Any, area: Area, which: str) -> None:
    on = _on(world, which)
    rows = [r for r in _duty_sql(on) if area.prefectures is None or r[0] in area.prefectures]
    by_rule: dict[str, Counter[str]] = defaultdict(Counter)
    by_place: dict[str, Counter[str]] = defaultdict(Counter)
    for place, rule, state, n in rows:
        by_rule[rule][state] += n
        key = PREFECTURE_BUREAU.get(place, "") if area is NATION else place
        by_place[key][state] += n
    got = figures.duty_figures(area, on)
    full = dict.fromkeys(figures.DUTY_STATES, 0)
    assert got.by_rule == {rule: {**full, **c} for rule, c in sorted(by_rule.items())}
    assert got.by_place == {place: {**full, **c} for place, c in by_place.items()}
    assert sum(got.totals.values()) == sum(n for *_k, n in rows) > 0


@pytest.mark.parametrize("which", DAYS)
def test_a_duty_met_after_the_day_was_overdue_on_it(world: Any, which: str) -> None:
    """The world's duties due before `past` and met after it: overdue on `past`, not today."""
    on = _on(world, which)
    overdue = {
        (r["rule"], r["due_on"])
        for r in figures.duty_rows(NATION, on, state="overdue").values("rule", "due_on")
    }
    met_after_past = (world.past - date.resolution * 500, world.past - date.resolution * 40)
    found = [("minor_change", day) in overdue for day in met_after_past]
    assert found == ([False, False] if which == "today" else [True, True])


@pytest.mark.parametrize("placed_pages", [0, 1, 3])
@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_the_longest_overdue_of_an_area_equal_sql(
    world: Any, area: Area, which: str, placed_pages: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In pages of two rows, placed page by page, read against the area's members once some
    pages have not given the ten, or from the first: the same duties as SQL's."""
    on = _on(world, which)
    pages = figures._pages
    monkeypatch.setattr(figures, "_pages", lambda rows: pages(rows, page=2))
    monkeypatch.setattr(figures, "PLACED_PAGES", placed_pages)
    place = (
        "COALESCE(i.prefecture, CASE WHEN o.organisation_id IS NULL "
        "AND o.subject_type = 'registry.processingfacility' THEN f.prefecture END)"
    )
    rows = _rows(
        f"SELECT o.id, {place} FROM obligations_obligation o "
        "LEFT JOIN registry_institution i ON i.organisation_id = o.organisation_id "
        "LEFT JOIN registry_processingfacility f ON CAST(f.id AS TEXT) = o.subject_id "
        "WHERE o.status <> 'waived' AND o.due_on < %s AND (o.met_on IS NULL OR o.met_on > %s) "
        "ORDER BY o.due_on, o.id",
        [on, on],
    )
    expected = [
        pk for pk, prefecture in rows if area.prefectures is None or prefecture in area.prefectures
    ]
    got = [r["pk"] for r in figures.longest_overdue(area, on)]
    assert got == expected[: figures.TOP]
    assert got or area.prefectures is not None


@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_the_lists_behind_the_duty_figures_hold_the_same_rows(
    world: Any, area: Area, which: str
) -> None:
    on = _on(world, which)
    got = figures.duty_figures(area, on)
    for rule, states in got.by_rule.items():
        for state, n in states.items():
            assert figures.duty_rows(area, on, rule=rule, state=state).count() == n
    if area.kind == "nation":
        for bureau, states in got.by_place.items():
            place = f"bureau:{bureau}" if bureau else "none"
            for state, n in states.items():
                assert figures.duty_rows(area, on, place=place, state=state).count() == n
    longest = _rows(
        "SELECT o.id FROM obligations_obligation o "
        "WHERE o.status <> 'waived' AND o.due_on < %s AND (o.met_on IS NULL OR o.met_on > %s) "
        "ORDER BY o.due_on, o.id",
        [on, on],
    )
    if area is NATION:
        assert [r["pk"] for r in got.longest] == [r[0] for r in longest[: figures.TOP]]


@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_adverse_event_figures_equal_sql(world: Any, area: Area, which: str) -> None:
    on = _on(world, which)
    start = figures.window_start(on)
    where, params = _in(area, "i.prefecture")
    join = (
        "JOIN plans_plan p ON p.id = e.plan_id "
        "JOIN registry_institution i ON i.id = p.institution_id"
    )
    counts = dict(
        _rows(
            f"SELECT e.category, COUNT(*) FROM reporting_adverseevent e {join} "
            "WHERE p.first_submitted_at IS NOT NULL AND e.learned_on >= %s AND e.learned_on <= %s"
            f"{where} GROUP BY e.category",
            [start, on, *params],
        )
    )
    got = figures.event_figures(area, on)
    assert {k: v for k, v in got.by_category.items() if v} == counts
    assert got.serious == sum(n for c, n in counts.items() if c != "non_serious")

    reports = _rows(
        "SELECT r.figures FROM reporting_periodicreport r "
        "JOIN plans_plan p ON p.id = r.plan_id "
        "JOIN registry_institution i ON i.id = p.institution_id "
        "WHERE p.first_submitted_at IS NOT NULL AND r.status IN ('submitted', 'reviewed', 'filed') "
        f"AND r.period_end >= %s AND r.period_end <= %s{where}",
        [start, on, *params],
    )
    loaded = [json.loads(f) if isinstance(f, str) else f for (f,) in reports]
    assert got.reports == len(loaded)
    assert got.treatments == sum(f.get("cases", 0) for f in loaded)
    for category, n in got.reported_by_category.items():
        assert n == sum(f.get("adverse_events", {}).get(category, 0) for f in loaded)
        if got.treatments:
            assert got.per_thousand[category] == round(n * 1000 / got.treatments, 2)

    duties = _rows(
        "SELECT o.rule, o.recipient, o.starts_on, o.due_on, o.met_on, o.status "
        "FROM obligations_obligation o JOIN reporting_adverseevent e "
        "ON o.subject_type = 'reporting.adverseevent' AND o.subject_id = CAST(e.id AS TEXT) "
        f"{join} WHERE p.first_submitted_at IS NOT NULL AND e.category <> 'non_serious' "
        "AND o.rule IN ('ae_death', 'ae_serious') AND o.status <> 'waived' "
        f"AND e.learned_on >= %s AND e.learned_on <= %s{where}",
        [start, on, *params],
    )
    expected = {}
    grouped: dict[tuple[str, str], list[tuple[Any, ...]]] = defaultdict(list)
    for rule, recipient, *rest in duties:
        grouped[rule, recipient].append(tuple(rest))
    for key, rows in grouped.items():
        met = [(s, d, m) for s, d, m, _st in rows if m is not None and m <= on]
        days = [(m - s).days for s, _d, m in met]
        expected[key] = (
            len(rows),
            sum(1 for _s, d, m in met if m <= d),
            sum(1 for _s, d, m in met if m > d),
            len(rows) - len(met),
            statistics.median(days) if days else None,
            max(days) if days else None,
        )
    assert {
        (t.rule, t.recipient): (
            t.reports,
            t.on_time,
            t.late,
            t.outstanding,
            t.median_days,
            t.longest_days,
        )
        for t in got.timeliness
    } == expected
    if area is NATION and which == "today":
        assert got.timeliness and got.treatments


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_committees_and_facilities_most_depended_on_equal_sql(world: Any, area: Area) -> None:
    where, params = _in(area, "i.prefecture")
    dependent = tuple(sorted(figures.DEPENDENT_STATUSES))
    marks = ", ".join(["%s"] * len(dependent))
    committees = _rows(
        "SELECT p.committee_id, COUNT(*) FROM plans_plan p "
        "JOIN registry_institution i ON i.id = p.institution_id "
        f"WHERE p.first_submitted_at IS NOT NULL AND p.status IN ({marks}){where} "
        "GROUP BY p.committee_id ORDER BY COUNT(*) DESC, p.committee_id",
        [*dependent, *params],
    )
    assert [(r["committee_id"], r["n"]) for r in figures.top_committees(area)] == committees[
        : figures.TOP
    ]
    facilities = _rows(
        "SELECT pf.facility_id, COUNT(DISTINCT pf.plan_id), COUNT(DISTINCT p.institution_id) "
        "FROM plans_planfacility pf JOIN plans_plan p ON p.id = pf.plan_id "
        "JOIN registry_institution i ON i.id = p.institution_id "
        f"WHERE pf.is_current = %s AND p.first_submitted_at IS NOT NULL AND p.status IN ({marks})"
        f"{where} GROUP BY pf.facility_id ORDER BY COUNT(DISTINCT pf.plan_id) DESC, pf.facility_id",
        [True, *dependent, *params],
    )
    assert [
        (r["facility_id"], r["n"], r["institutions"]) for r in figures.top_facilities(area)
    ] == facilities[: figures.TOP]
    for row in figures.top_facilities(area):
        assert (
            figures.plan_rows(area, facility=row["facility_id"], dependent=True).count() == row["n"]
        )


@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_orders_in_force_equal_sql(world: Any, area: Area, which: str) -> None:
    on = _on(world, which)
    clause = ""
    params: list[Any] = [on, on]
    if area.prefectures is not None:
        marks = ", ".join(["%s"] * len(area.prefectures))
        clause = (
            f" AND (ti.prefecture IN ({marks}) OR pi.prefecture IN ({marks}) "
            f"OR tf.prefecture IN ({marks}))"
        )
        params += list(area.prefectures) * 3
    rows = _rows(
        "SELECT o.id FROM plans_order o "
        "LEFT JOIN registry_institution ti ON ti.id = o.target_institution_id "
        "LEFT JOIN plans_plan tp ON tp.id = o.target_plan_id "
        "LEFT JOIN registry_institution pi ON pi.id = tp.institution_id "
        "LEFT JOIN registry_processingfacility tf ON tf.id = o.target_facility_id "
        f"WHERE o.issued_on <= %s AND (o.lifted_on IS NULL OR o.lifted_on > %s){clause} "
        "ORDER BY o.id",
        params,
    )
    assert sorted(o.pk for o in figures.orders_in_force(area, on)) == [r[0] for r in rows]
    if area is NATION:
        assert rows  # the demo's order today, the lifted one on `past`


@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_each_committees_record_as_a_reviewer_equals_sql(world: Any, area: Area) -> None:
    where, params = _in(area, "i.prefecture")
    join = (
        "JOIN plans_plan p ON p.id = r.plan_id "
        "JOIN registry_institution i ON i.id = p.institution_id"
    )
    reviews = {
        c: (n, decided, approved)
        for c, n, decided, approved in _rows(
            "SELECT r.committee_id, COUNT(*), "
            "SUM(CASE WHEN r.decided_at IS NOT NULL THEN 1 ELSE 0 END), "
            "SUM(CASE WHEN r.decision IN ('approve', 'approve_with_conditions') THEN 1 ELSE 0 END) "
            f"FROM plans_review r {join} WHERE 1 = 1{where} GROUP BY r.committee_id",
            params,
        )
    }
    meetings = {
        c: (n, failed)
        for c, n, failed in _rows(
            "SELECT m.committee_id, COUNT(*), SUM(CASE WHEN m.quorate THEN 0 ELSE 1 END) "
            f"FROM plans_meeting m JOIN plans_review r ON r.id = m.review_id {join} "
            f"WHERE 1 = 1{where} GROUP BY m.committee_id",
            params,
        )
    }
    conflicts = dict(
        _rows(
            "SELECT m.committee_id, COUNT(*) FROM plans_meetingattendance a "
            "JOIN plans_meeting m ON m.id = a.meeting_id JOIN plans_review r ON r.id = m.review_id "
            f"{join} WHERE a.conflicted = %s{where} GROUP BY m.committee_id",
            [True, *params],
        )
    )
    rows = {row.committee.pk: row for row in figures.committee_rows(area)}
    assert rows
    for pk, row in rows.items():
        assert (row.reviews, row.decided, row.approved) == reviews.get(pk, (0, 0, 0))
        assert (row.meetings, row.quorum_failures) == meetings.get(pk, (0, 0))
        assert row.conflicts == conflicts.get(pk, 0)
    if area is NATION:
        assert set(rows) == {r[0] for r in _rows("SELECT id FROM registry_committee", [])}


def test_a_committee_whose_founder_runs_an_institution_it_reviews_is_flagged(world: Any) -> None:
    from saisei.registry.names import founder_key

    flagged = {
        row.committee.pk: {i.pk for i in row.founder_institutions}
        for row in figures.committee_rows(NATION)
    }
    expected: dict[int, set[int]] = {}
    committees = _rows("SELECT id, founder_name FROM registry_committee", [])
    for pk, founder in committees:
        key = founder_key(founder)
        found = (
            {
                i
                for (i,) in _rows(
                    "SELECT DISTINCT i.id FROM plans_plan p "
                    "JOIN registry_institution i ON i.id = p.institution_id "
                    "WHERE p.committee_id = %s AND i.corporation_key = %s",
                    [pk, key],
                )
            }
            if key
            else set()
        )
        expected[pk] = found
    assert flagged == expected
    assert any(flagged.values())  # the demo's committee reviews its founder's hospital


@pytest.mark.parametrize("which", DAYS)
@pytest.mark.parametrize("area", AREAS, ids=lambda a: a.param or "nation")
def test_each_facilitys_plans_orders_and_yearly_reports_equal_sql(
    world: Any, area: Area, which: str
) -> None:
    on = _on(world, which)
    dependent = tuple(sorted(figures.DEPENDENT_STATUSES))
    marks = ", ".join(["%s"] * len(dependent))
    plans = {
        f: (n, i)
        for f, n, i in _rows(
            "SELECT pf.facility_id, COUNT(DISTINCT pf.plan_id), COUNT(DISTINCT p.institution_id) "
            "FROM plans_planfacility pf JOIN plans_plan p ON p.id = pf.plan_id "
            "WHERE pf.is_current = %s AND p.first_submitted_at IS NOT NULL "
            f"AND p.status IN ({marks}) GROUP BY pf.facility_id",
            [True, *dependent],
        )
    }
    reports: dict[int, list[int]] = {}
    for subject_id, due_on, met_on, status in _rows(
        "SELECT subject_id, due_on, met_on, status FROM obligations_obligation "
        "WHERE rule = 'cpc_periodic_report' AND subject_type = 'registry.processingfacility' "
        "AND due_on < %s",
        [on],
    ):
        counts = reports.setdefault(int(subject_id), [0, 0, 0])
        counts[0] += 1
        if status != "waived" and met_on is not None and due_on < met_on <= on:
            counts[1] += 1
        elif status != "waived" and (met_on is None or met_on > on):
            counts[2] += 1
    where, params = _in(area, "f.prefecture")
    ids = [
        r[0]
        for r in _rows(f"SELECT f.id FROM registry_processingfacility f WHERE 1 = 1{where}", params)
    ]
    rows = {row.facility.pk: row for row in figures.facility_rows(area, on)}
    assert set(rows) == set(ids)
    for pk, row in rows.items():
        assert (row.plans, row.institutions) == plans.get(pk, (0, 0))
        assert [row.reports_due, row.reports_late, row.reports_overdue] == reports.get(
            pk, [0, 0, 0]
        )
    orders = {
        o.target_facility_id for o in figures.orders_in_force(NATION, on) if o.target_facility_id
    }
    assert {pk for pk, row in rows.items() if row.orders_in_force} == orders & set(rows)
