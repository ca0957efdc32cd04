"""The duty tally stays equal to a count of the duties, whatever changes them, and the duty
figures it serves equal hand-written SQL on every kind of day.

`tally.differences()` counts the duties themselves (joins, no trigger) and compares; each test
changes duties, institutions or facilities the ways the system and an operator can (the ORM, a
bulk update, raw SQL) and asks for no difference, after first checking that the change moved
the tally (so that a trigger that did nothing would fail).
"""

# The SQL here is built from table names the models give; none holds a value.
# ruff: noqa: S608
from __future__ import annotations

import io
from collections import Counter, defaultdict
from datetime import date, timedelta
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from saisei.accounts.models import Organisation
from saisei.obligations.models import Obligation
from saisei.oversight import figures, tally
from saisei.oversight.areas import NATION, Area
from saisei.oversight.models import DutyTally, month_index
from saisei.registry.models import Institution, ProcessingFacility
from saisei.registry.regions import PREFECTURE_BUREAU
from tests.oversight.conftest import OSAKA, TOKYO, _duty
from tests.oversight.test_figures import _duty_sql

pytestmark = pytest.mark.django_db


def _kept() -> dict[tuple[str, str, int, int, int], int]:
    return {
        (r.place, r.rule, r.due_month, r.met_month, r.on_time): r.duties
        for r in DutyTally.objects.all()
        if r.duties
    }


def _assert_in_step(before: dict[Any, int] | None = None) -> None:
    assert tally.differences() == {}
    if before is not None:
        assert _kept() != before, "the change did not reach the tally"


def _tokyo() -> Institution:
    return Institution.objects.get(organisation__slug=TOKYO)


_SUBJECTS = iter(range(10_000, 1_000_000))


def _plan_duty(institution: Institution, **fields: Any) -> Obligation:
    """A duty on a plan of the institution's (a subject of its own, so that none collides)."""
    fields.setdefault("rule", "minor_change")
    fields.setdefault("status", "open")
    return _duty(
        organisation=institution.organisation,
        subject_type="plans.plan",
        subject_id=str(next(_SUBJECTS)),
        recipient="committee",
        **fields,
    )


def test_the_migration_counted_the_worlds_duties(world: Any) -> None:
    assert DutyTally.objects.exists()
    _assert_in_step()
    waived = Obligation.objects.filter(status="waived").count()
    assert waived > 0
    counted = sum(_kept().values())
    assert counted == Obligation.objects.exclude(status="waived").count()


def test_a_check_finds_a_tally_out_of_step_and_a_rebuild_mends_it(world: Any) -> None:
    row = DutyTally.objects.filter(duties__gt=0).first()
    assert row is not None
    DutyTally.objects.filter(pk=row.pk).update(duties=row.duties + 3)
    DutyTally.objects.create(place="99", rule="x", due_month=1, met_month=0, on_time=0, duties=1)
    assert len(tally.differences()) == 2
    with pytest.raises(CommandError, match="differs from the duties in 2 places"):
        call_command("oversight", "check", stdout=io.StringIO())
    out = io.StringIO()
    call_command("oversight", "rebuild", stdout=out)
    assert "rebuilt" in out.getvalue()
    _assert_in_step()
    out = io.StringIO()
    call_command("oversight", "check", stdout=out)
    assert "matches" in out.getvalue()
    # The rebuild recreated the triggers: they still count.
    before = _kept()
    _plan_duty(_tokyo(), due_on=date(2025, 1, 10))
    _assert_in_step(before)


def test_a_wipe_that_empties_the_tally_first_is_mended_by_the_signal_flush_sends(
    world: Any,
) -> None:
    # `flush` deletes table by table in no set order: the tally first, then the duties, whose
    # delete triggers then count each of them once less.
    assert Obligation.objects.exists()
    dependents = [f.related_model._meta.db_table for f in Obligation._meta.related_objects]
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tally.TALLY}")
        for table in dependents:
            cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"DELETE FROM {tally.DUTY}")
    assert any(row.duties < 0 for row in DutyTally.objects.all())
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert not DutyTally.objects.exists()
    _assert_in_step()
    before = _kept()
    _plan_duty(_tokyo(), due_on=date(2025, 1, 10))
    _assert_in_step(before)
    assert sum(_kept().values()) == 1


def test_duties_created_one_by_one_and_in_bulk_are_counted(world: Any) -> None:
    tokyo = _tokyo()
    before = _kept()
    _plan_duty(tokyo, due_on=world.today - timedelta(days=3))
    _assert_in_step(before)
    before = _kept()
    Obligation.objects.bulk_create(
        [
            Obligation(
                rule="ae_serious",
                organisation=tokyo.organisation,
                subject_type="reporting.adverseevent",
                subject_id=str(k),
                subject_label="bulk",
                recipient="committee",
                starts_on=world.today - timedelta(days=k + 20),
                nominal_due=world.today - timedelta(days=k + 5),
                due_on=world.today - timedelta(days=k + 5),
                status="met" if k % 2 else "open",
                met_on=world.today - timedelta(days=k + 6) if k % 2 else None,
                explanation={},
            )
            for k in range(40)
        ]
    )
    _assert_in_step(before)


def test_a_duty_met_waived_rescheduled_moved_or_deleted_moves_in_the_tally(world: Any) -> None:
    tokyo = _tokyo()
    osaka = Institution.objects.get(organisation__slug=OSAKA)
    duty = _plan_duty(tokyo, due_on=world.today - timedelta(days=40))
    steps: list[dict[str, Any]] = [
        {"status": "met_late", "met_on": world.today - timedelta(days=2)},
        {"due_on": world.today - timedelta(days=1)},  # now met on time
        {"rule": "discontinuation"},
        {"organisation": osaka.organisation},
        {"status": "waived", "waived_reason": "test"},
        {"status": "open", "met_on": None, "waived_reason": ""},
    ]
    for change in steps:
        before = _kept()
        for name, value in change.items():
            setattr(duty, name, value)
        duty.save()
        _assert_in_step(before)
    # A change of a column outside the key leaves the tally as it was.
    before = _kept()
    Obligation.objects.filter(pk=duty.pk).update(subject_label="renamed", explanation={"a": 1})
    assert _kept() == before
    _assert_in_step()
    before = _kept()
    duty.delete()
    _assert_in_step(before)


def test_bulk_updates_raw_sql_and_bulk_deletes_are_counted(world: Any) -> None:
    before = _kept()
    Obligation.objects.filter(status="overdue").update(
        status="met_late", met_on=world.today - timedelta(days=1)
    )
    _assert_in_step(before)
    before = _kept()
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE obligations_obligation SET due_on = met_on WHERE met_on IS NOT NULL"
            " AND status = %s",
            ["met_late"],
        )
    _assert_in_step(before)
    before = _kept()
    Obligation.objects.filter(
        rule="minor_change", status_changes__isnull=True, filings__isnull=True
    ).delete()
    _assert_in_step(before)


def test_an_institution_moved_to_another_prefecture_or_organisation_moves_its_duties(
    world: Any,
) -> None:
    tokyo = _tokyo()
    assert Obligation.objects.filter(organisation=tokyo.organisation).exists()
    before = _kept()
    tokyo.prefecture = "01"
    tokyo.save()
    _assert_in_step(before)
    assert any(key[0] == "01" for key in _kept())

    # An organisation with duties and no institution: its duties have no place until one is
    # registered for it; then they move with the institution.
    loose = Organisation.objects.create(kind="institution", slug="tally-test", name="集計試験")
    _plan_duty(
        Institution(organisation=loose), due_on=world.today - timedelta(days=9), status="overdue"
    )
    _assert_in_step()
    before = _kept()
    old_org = tokyo.organisation
    tokyo.organisation = loose
    tokyo.save()  # old_org's duties now have no institution: no place
    _assert_in_step(before)
    before = _kept()
    created = Institution.objects.create(
        organisation=old_org, name="集計試験診療所", prefecture="47", kind="clinic"
    )
    _assert_in_step(before)
    before = _kept()
    created.delete()
    _assert_in_step(before)


def test_a_facility_with_no_account_carries_its_duties_with_it(world: Any) -> None:
    facility = ProcessingFacility.objects.get(operator_institution__isnull=True, domestic=True)
    assert Obligation.objects.filter(
        organisation__isnull=True, subject_id=str(facility.pk)
    ).exists()
    before = _kept()
    facility.prefecture = "40"
    facility.save()
    _assert_in_step(before)
    before = _kept()
    facility.prefecture = ""
    facility.save()
    _assert_in_step(before)

    # A duty counted before its facility exists (the id is not yet taken) moves to the
    # facility's place when it is registered, and back when it is removed.
    next_id = (ProcessingFacility.objects.order_by("-pk").values_list("pk", flat=True)[0]) + 1
    _duty(
        rule="cpc_change_notice",
        organisation=None,
        subject_type="registry.processingfacility",
        subject_id=str(next_id),
        recipient="regional_bureau",
        due_on=world.today - timedelta(days=4),
        status="overdue",
    )
    _assert_in_step()
    before = _kept()
    copy = ProcessingFacility.objects.get(pk=facility.pk)
    copy.pk = next_id
    copy.number = f"{facility.number}-T"
    copy.prefecture = "32"
    copy.save(force_insert=True)
    _assert_in_step(before)
    before = _kept()
    copy.delete()
    _assert_in_step(before)


# The days on which the tally's month arithmetic could go wrong: month and window edges.
def _edge_days(today: date) -> list[date]:
    first = today.replace(day=1)
    previous_first = (first - timedelta(days=1)).replace(day=1)
    start = figures.window_start(today)
    return sorted(
        {
            today,
            first,
            first - timedelta(days=1),
            previous_first,
            start,
            start - timedelta(days=1),
            start + timedelta(days=1),
            date(today.year - 1, 12, 31),
            date(today.year, 1, 1),
        }
    )


def test_duty_figures_equal_sql_on_month_and_window_edges(world: Any) -> None:
    tokyo = _tokyo()
    days = [d for d in _edge_days(world.today) if d <= world.today]
    # Duties due and met a day either side of each edge, some not met at all.
    for edge in days:
        for due in (edge - timedelta(days=1), edge, edge + timedelta(days=1)):
            for met in (None, edge - timedelta(days=1), edge, edge + timedelta(days=1)):
                if met is not None and met > world.today:
                    continue
                status = "open" if met is None else ("met" if met <= due else "met_late")
                _plan_duty(tokyo, due_on=due, met_on=met, status=status)
    _assert_in_step()
    areas = [NATION, Area("bureau", "kanto_shinetsu"), Area("prefecture", "13")]
    for on in days:
        rows = _duty_sql(on)
        for area in areas:
            mine = [r for r in rows if area.prefectures is None or r[0] in area.prefectures]
            by_rule: dict[str, Counter[str]] = defaultdict(Counter)
            by_place: dict[str, Counter[str]] = defaultdict(Counter)
            for place, rule, state, n in mine:
                by_rule[rule][state] += n
                by_place[PREFECTURE_BUREAU.get(place, "") if area is NATION else place][state] += n
            got = figures.duty_figures(area, on)
            full = dict.fromkeys(figures.DUTY_STATES, 0)
            assert got.by_rule == {r: {**full, **c} for r, c in sorted(by_rule.items())}, (on, area)
            assert got.by_place == {p: {**full, **c} for p, c in by_place.items()}, (on, area)


def test_a_month_is_a_number_that_orders_months() -> None:
    assert month_index(date(2026, 1, 31)) + 1 == month_index(date(2026, 2, 1))
    assert month_index(date(2025, 12, 1)) + 1 == month_index(date(2026, 1, 1))
    assert month_index(date(2026, 12, 3)) == 2026 * 12 + 11
