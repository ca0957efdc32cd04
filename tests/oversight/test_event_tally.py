"""The event tally stays equal to a count of the adverse events themselves, whatever changes the
events, their plans or the plans' institutions, and the dashboard's event figures read from it
equal a count of the events (for the nation and for an area, this month and months before).

Each test first checks that the change moved the tally (a trigger that did nothing would fail),
then that `tally.event_differences()` (a count by joins, no trigger) finds no difference.
"""

# The SQL here is built from table names the models give; none holds a value.
# ruff: noqa: S608
from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from saisei.core.time import legal_today
from saisei.oversight import figures, tally
from saisei.oversight.areas import NATION, Area, parse_area
from saisei.oversight.models import EventTally, month_index
from saisei.plans.models import Plan
from saisei.registry.models import Institution
from saisei.reporting.models import AdverseEvent
from tests.oversight.conftest import TOKYO

pytestmark = pytest.mark.django_db

TOKYO_AREA = parse_area("pref:13")
HOKKAIDO = parse_area("pref:01")


def _kept() -> dict[tuple[str, str, int], int]:
    return {
        (r.place, r.category, r.learned_month): r.events
        for r in EventTally.objects.all()
        if r.events
    }


def _assert_in_step(before: dict[Any, int] | None = None) -> None:
    assert tally.event_differences() == {}
    if before is not None:
        assert _kept() != before, "the change did not reach the tally"


def _counted(area: Area, on: date) -> Counter[str]:
    """The window's events of the area by category, counted from the events themselves."""
    rows = figures.event_rows(area, on).values_list("category", flat=True)
    return Counter(rows)


def _assert_figures(on: date) -> None:
    for area in (NATION, TOKYO_AREA, HOKKAIDO, parse_area("bureau:kanto_shinetsu")):
        counts, serious = figures.window_events(area, on)
        assert +counts == _counted(area, on), area.param
        assert sorted(serious) == sorted(
            figures.event_rows(area, on, serious=True).values_list("pk", flat=True)
        ), area.param


def _tokyo_plan() -> Plan:
    plan = Plan.objects.filter(
        institution__organisation__slug=TOKYO, adverse_events__isnull=False
    ).first()
    assert plan is not None
    return plan


def _event(plan: Plan, learned_on: date, category: str = "death") -> AdverseEvent:
    template = AdverseEvent.objects.filter(plan=plan).first()
    assert template is not None
    return AdverseEvent.objects.create(
        plan=plan,
        patient_code=f"ET-{learned_on:%Y%m%d}-{category}",
        learned_on=learned_on,
        category=category,
        description="event tally test",
        outcome="recovering",
        causality="possible",
        recorded_by=template.recorded_by,
    )


def test_the_migration_counted_the_worlds_events(world: Any) -> None:
    assert EventTally.objects.filter(events__gt=0).exists()
    _assert_in_step()
    assert sum(_kept().values()) == AdverseEvent.objects.count()
    _assert_figures(world.today)
    _assert_figures(world.past)


def test_a_check_finds_the_event_tally_out_of_step_and_a_rebuild_mends_it(world: Any) -> None:
    row = EventTally.objects.filter(events__gt=0).first()
    assert row is not None
    EventTally.objects.filter(pk=row.pk).update(events=row.events + 1)
    with pytest.raises(CommandError, match="event tally differs from the events in 1 places"):
        call_command("oversight", "check", stdout=io.StringIO())
    call_command("oversight", "rebuild", stdout=io.StringIO())
    out = io.StringIO()
    call_command("oversight", "check", stdout=out)
    assert "event tally matches the adverse events" in out.getvalue()
    # The rebuild recreated the triggers: they still count.
    before = _kept()
    _event(_tokyo_plan(), legal_today())
    _assert_in_step(before)


def test_an_event_added_changed_moved_or_deleted_moves_in_the_tally(world: Any) -> None:
    today = legal_today()
    plan = _tokyo_plan()
    place = plan.institution.prefecture
    before = _kept()
    # This month's (counted from the events) and one of a month before (from the tally).
    now = _event(plan, today, "hospitalisation")
    earlier = _event(plan, today - timedelta(days=40), "non_serious")
    _assert_in_step(before)
    assert _kept()[place, "hospitalisation", month_index(today)] >= 1
    _assert_figures(today)

    for change in (
        {"category": "death"},
        {"learned_on": today - timedelta(days=75)},
    ):
        before = _kept()
        AdverseEvent.objects.filter(pk=earlier.pk).update(**change)
        _assert_in_step(before)
        _assert_figures(today)
    # Moved to another institution's plan, in another prefecture, by raw SQL.
    osaka_plan = Plan.objects.exclude(institution__prefecture=place).filter(
        first_submitted_at__isnull=False
    )[0]
    before = _kept()
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {tally.EVENT_TABLE} SET plan_id = %s WHERE id = %s", [osaka_plan.pk, now.pk]
        )
    _assert_in_step(before)
    _assert_figures(today)
    # A change of a column the tally does not count leaves it alone.
    before = _kept()
    AdverseEvent.objects.filter(pk=now.pk).update(description="集計に関わらない変更")
    assert _kept() == before
    before = _kept()
    AdverseEvent.objects.filter(pk__in=[now.pk, earlier.pk]).delete()
    _assert_in_step(before)
    _assert_figures(today)


def test_a_plan_moved_to_another_institution_takes_its_events_along(world: Any) -> None:
    today = legal_today()
    plan = _tokyo_plan()
    _event(plan, today)
    _event(plan, today - timedelta(days=40))
    sapporo = Institution.objects.exclude(prefecture=plan.institution.prefecture).first()
    assert sapporo is not None
    Institution.objects.filter(pk=sapporo.pk).update(prefecture="01")
    before = _kept()
    Plan.objects.filter(pk=plan.pk).update(institution=sapporo)
    _assert_in_step(before)
    counts, _serious = figures.window_events(HOKKAIDO, today)
    assert sum(counts.values()) >= 2
    _assert_figures(today)
    # Unrelated plan columns leave the tally alone.
    before = _kept()
    Plan.objects.filter(pk=plan.pk).update(title="集計に関わらない変更")
    assert _kept() == before


def test_an_institution_moved_to_another_prefecture_takes_its_events_along(world: Any) -> None:
    today = legal_today()
    tokyo = Institution.objects.get(organisation__slug=TOKYO)
    _event(_tokyo_plan(), today - timedelta(days=40))
    assert +figures.window_events(HOKKAIDO, today)[0] == Counter()
    before = _kept()
    tokyo.prefecture = "01"
    tokyo.save()
    _assert_in_step(before)
    assert sum(figures.window_events(HOKKAIDO, today)[0].values()) >= 1
    _assert_figures(today)
    _assert_figures(world.past)


def test_a_wipe_that_empties_the_tally_first_is_mended_by_the_signal_flush_sends(
    world: Any,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tally.EVENT_TALLY}")
        cursor.execute("DELETE FROM reporting_adverseeventreport WHERE event_id IS NOT NULL")
        cursor.execute(f"DELETE FROM {tally.EVENT_TABLE}")
    assert any(row.events < 0 for row in EventTally.objects.all())
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert not EventTally.objects.filter(events__gt=0).exists()
    _assert_in_step()
