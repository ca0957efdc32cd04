"""The facility tally stays equal to a count of the current links of dependent plans, whatever
changes the links, the plans or their institutions, and the facilities the dashboard ranks are
read from it (their figures against SQL: test_figures).

Each test first checks that the change moved the tally (a trigger that did nothing would fail),
then that `tally.facility_differences()` (a count by joins, no trigger) finds no difference.
"""

# The SQL here is built from table names the models give; none holds a value.
# ruff: noqa: S608
from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.core.management.sql import emit_post_migrate_signal
from django.db import IntegrityError, connection, transaction

from saisei.oversight import figures, tally
from saisei.oversight.areas import NATION, parse_area
from saisei.oversight.models import FacilityTally
from saisei.plans.models import Plan, PlanFacility
from saisei.registry.models import Institution, ProcessingFacility
from tests.oversight.conftest import TOKYO

pytestmark = pytest.mark.django_db


def _kept() -> dict[tuple[int, int, str], int]:
    return {
        (r.facility_id, r.institution_id, r.place): r.plans
        for r in FacilityTally.objects.all()
        if r.plans
    }


def _assert_in_step(before: dict[Any, int] | None = None) -> None:
    assert tally.facility_differences() == {}
    if before is not None:
        assert _kept() != before, "the change did not reach the tally"


def _dependent_plan() -> Plan:
    plan = (
        Plan.objects.filter(
            institution__organisation__slug=TOKYO,
            status__in=tally.DEPENDENT_STATUSES,
            plan_facilities__is_current=True,
        )
        .distinct()
        .first()
    )
    assert plan is not None
    return plan


def _other_facility(plan: Plan) -> ProcessingFacility:
    named = plan.plan_facilities.filter(is_current=True).values("facility_id")
    facility = ProcessingFacility.objects.exclude(pk__in=named).first()
    assert facility is not None
    return facility


def test_the_migration_counted_the_worlds_links(world: Any) -> None:
    assert FacilityTally.objects.filter(plans__gt=0).exists()
    _assert_in_step()
    links = PlanFacility.objects.filter(
        is_current=True,
        plan__status__in=tally.DEPENDENT_STATUSES,
        plan__first_submitted_at__isnull=False,
    ).count()
    assert sum(_kept().values()) == links


def test_a_check_finds_the_facility_tally_out_of_step_and_a_rebuild_mends_it(world: Any) -> None:
    row = FacilityTally.objects.filter(plans__gt=0).first()
    assert row is not None
    FacilityTally.objects.filter(pk=row.pk).update(plans=row.plans + 2)
    with pytest.raises(CommandError, match="facility tally differs from the plans' links in 1"):
        call_command("oversight", "check", stdout=io.StringIO())
    call_command("oversight", "rebuild", stdout=io.StringIO())
    out = io.StringIO()
    call_command("oversight", "check", stdout=out)
    assert "facility tally matches" in out.getvalue()
    # The rebuild recreated the triggers: they still count.
    plan = _dependent_plan()
    before = _kept()
    PlanFacility.objects.create(plan=plan, facility=_other_facility(plan))
    _assert_in_step(before)


def test_a_link_added_retired_moved_restored_or_deleted_moves_in_the_tally(world: Any) -> None:
    plan = _dependent_plan()
    facility = _other_facility(plan)
    before = _kept()
    link = PlanFacility.objects.create(plan=plan, facility=facility)
    _assert_in_step(before)
    assert _kept()[facility.pk, plan.institution_id, plan.institution.prefecture] >= 1

    before = _kept()
    PlanFacility.objects.filter(pk=link.pk).update(is_current=False, retired_in_version=2)
    _assert_in_step(before)
    before = _kept()
    PlanFacility.objects.filter(pk=link.pk).update(is_current=True, retired_in_version=None)
    _assert_in_step(before)
    # Moved to another institution's plan that does not name the facility.
    other = (
        Plan.objects.exclude(institution_id=plan.institution_id)
        .filter(status__in=tally.DEPENDENT_STATUSES)
        .exclude(plan_facilities__facility=facility)
        .first()
    )
    assert other is not None
    before = _kept()
    PlanFacility.objects.filter(pk=link.pk).update(plan=other)
    _assert_in_step(before)
    assert _kept()[facility.pk, other.institution_id, other.institution.prefecture] >= 1
    before = _kept()
    PlanFacility.objects.filter(pk=link.pk).delete()
    _assert_in_step(before)


def test_a_plan_that_stops_or_starts_depending_or_moves_institution_moves_its_links(
    world: Any,
) -> None:
    plan = _dependent_plan()
    before = _kept()
    Plan.objects.filter(pk=plan.pk).update(status="discontinued")
    _assert_in_step(before)
    before = _kept()
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {tally.PLAN} SET status = %s WHERE id = %s", ["suspended", plan.pk])
    _assert_in_step(before)
    osaka = Institution.objects.exclude(pk=plan.institution_id).filter(plans__isnull=False).first()
    assert osaka is not None
    before = _kept()
    Plan.objects.filter(pk=plan.pk).update(institution=osaka)
    _assert_in_step(before)
    assert any(key[1] == osaka.pk for key in _kept())
    # A change of a column the tally does not count leaves it alone.
    before = _kept()
    Plan.objects.filter(pk=plan.pk).update(title="集計に関わらない変更")
    assert _kept() == before
    _assert_in_step()


def test_an_institution_moved_to_another_prefecture_takes_its_rows_along(world: Any) -> None:
    tokyo = Institution.objects.get(organisation__slug=TOKYO)
    hokkaido = parse_area("pref:01")
    assert figures.top_facilities(hokkaido) == []
    before = _kept()
    tokyo.prefecture = "01"
    tokyo.save()
    _assert_in_step(before)
    ranked = figures.top_facilities(hokkaido)
    assert ranked
    assert sum(r["n"] for r in ranked) == sum(
        n for (_f, institution, _p), n in _kept().items() if institution == tokyo.pk
    )
    # The nation ranks the same facilities with the same counts wherever the institution is.
    assert {r["facility_id"] for r in ranked} <= {
        r["facility_id"] for r in figures.top_facilities(NATION)
    }


def test_a_plan_names_a_facility_once_at_a_time(world: Any) -> None:
    plan = _dependent_plan()
    link = plan.plan_facilities.filter(is_current=True).first()
    assert link is not None
    with pytest.raises(IntegrityError), transaction.atomic():
        PlanFacility.objects.create(plan=plan, facility_id=link.facility_id)
    # A retired link beside a current one is the plan's history, not a second naming.
    PlanFacility.objects.create(
        plan=plan, facility_id=link.facility_id, is_current=False, retired_in_version=1
    )
    _assert_in_step()


def test_a_wipe_that_empties_the_tally_first_is_mended_by_the_signal_flush_sends(
    world: Any,
) -> None:
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {tally.FACILITY_TALLY}")
        cursor.execute(f"DELETE FROM {tally.LINK}")
    assert any(row.plans < 0 for row in FacilityTally.objects.all())
    emit_post_migrate_signal(verbosity=0, interactive=False, db=connection.alias)
    assert not FacilityTally.objects.filter(plans__gt=0).exists()
    _assert_in_step()
