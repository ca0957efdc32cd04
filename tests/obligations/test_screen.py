"""Verify checks the yearly reports in the database first (saisei.obligations.services.screen)
and compares only the subjects in doubt row by row. The screen decides who gets the careful look
and nothing else: on damaged data verify finds exactly what the thorough comparison of every
row finds, and a subject whose rows are all as expected never reaches the careful path.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import date, timedelta

import pytest

from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES, MAX_PERIOD, LawInputError
from saisei.obligations.models import Obligation, ObligationStatusChange
from saisei.obligations.services import compute_due, obligations_tick, obligations_verify
from saisei.obligations.services import verify as verify_module
from saisei.obligations.services.batch import DueDates
from saisei.obligations.services.screen import Screen
from saisei.obligations.sources import ObligationSpec
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Plan
from tests.support import at, needs_postgresql
from tests.support.world import build_world

FILED = date(2025, 6, 2)
TODAY = date(2028, 7, 3)  # periods 1 to 4 of each plan's yearly reports have begun


def _world(personas, n: int):
    with at(FILED):
        world = build_world(personas)
    # Plans filed on different days, so that their reports fall due on different days.
    plans = []
    for i in range(n):
        with at(FILED + timedelta(days=7 * i)):
            plans.append(world.plan_in(PlanStatus.ACTIVE))
    assert obligations_tick(today=TODAY).created > 0
    return world, plans


def _reports(plan, **filters):
    return Obligation.objects.filter(rule="periodic_report", subject_id=str(plan.pk), **filters)


def _careful_subjects(monkeypatch) -> list[tuple[frozenset[str], list[int]]]:
    """The subjects each call of the careful comparison receives, by the rules it compares."""
    calls: list[tuple[frozenset[str], list[int]]] = []
    compare = verify_module._Verification._compare

    def spy(self, rules, subject_type, pks, specs, careful):  # type: ignore[no-untyped-def]
        calls.append((rules, list(pks)))
        return compare(self, rules, subject_type, pks, specs, careful)

    monkeypatch.setattr(verify_module._Verification, "_compare", spy)
    return calls


@pytest.mark.django_db
def test_the_screen_finds_what_comparing_every_row_finds(personas) -> None:
    _unused, plans = _world(personas, 13)
    assert obligations_verify(today=TODAY) == [] == obligations_verify(today=TODAY, thorough=True)

    def damage(plan, filters, **values):
        row = _reports(plan, **filters).order_by("period", "recipient").first()
        assert row is not None
        Obligation.objects.filter(pk=row.pk).update(**values)
        return row

    moved = damage(plans[0], {"period": 1, "recipient": "committee"}, due_on=date(2030, 1, 4))
    damage(plans[1], {"period": 2}, nominal_due=moved.nominal_due)
    damage(plans[2], {"period": 2}, period_end=date(2027, 1, 1))
    damage(plans[3], {"period": 1}, organisation=personas.org("other_institution"))
    damage(plans[4], {"period": 2}, status="open")
    late = _reports(plans[5], period=3).order_by("period", "recipient").first()
    assert late is not None
    damage(plans[5], {"period": 3}, status="met", met_on=late.due_on + timedelta(days=3))
    _reports(plans[6], period=2, recipient="committee").delete()  # missing
    # A period no one owes, a first day that is not the plan's, a recipient it does not have.
    damage(plans[7], {"period": 3}, period=9)
    damage(plans[8], {"period": 1}, starts_on=FILED - timedelta(days=1))
    damage(plans[9], {"period": 1, "recipient": "committee"}, recipient="minister")
    # A met report to the committee, stored as judged under closed days it no longer records:
    # judged under those it recorded (whatever that finds, both ways find the same).
    stale = _reports(plans[10], period=1, recipient="committee").get()
    Obligation.objects.filter(pk=stale.pk).update(
        status="met",
        met_on=stale.starts_on,
        explanation={**stale.explanation, "committee_closed": list(COMMITTEE_CLOSED_DAY_CHOICES)},
    )
    # A plan that closed in its third period: its later reports are no longer owed.
    third = _reports(plans[11], period=3).order_by("recipient").first()
    assert third is not None and third.period_start is not None
    Plan.objects.filter(pk=plans[11].pk).update(closed_on=third.period_start + timedelta(days=10))

    # None of its reports stored at all.
    ObligationStatusChange.objects.filter(obligation__in=_reports(plans[12])).delete()
    _reports(plans[12]).delete()

    found = obligations_verify(today=TODAY)
    assert found == obligations_verify(today=TODAY, thorough=True)
    kinds = {d.kind for d in found}
    assert kinds >= {"due_date", "period", "organisation", "status", "missing", "unexpected"}
    damaged = {f"plans.plan:{plan.pk}" for plan in plans[:10] + plans[11:]}
    assert damaged <= {d.subject for d in found} <= damaged | {f"plans.plan:{plans[10].pk}"}


@pytest.mark.django_db
def test_a_subject_whose_reports_hold_never_reaches_the_careful_path(personas, monkeypatch) -> None:
    _unused, plans = _world(personas, 5)
    calls = _careful_subjects(monkeypatch)
    assert obligations_verify(today=TODAY) == []
    periodic = [pks for rules, pks in calls if rules == frozenset({"periodic_report"})]
    assert periodic == []

    calls.clear()
    row = _reports(plans[3], period=2, recipient="committee").get()
    Obligation.objects.filter(pk=row.pk).update(due_on=row.due_on + timedelta(days=1))
    found = obligations_verify(today=TODAY)
    assert [(d.kind, d.obligation_id) for d in found] == [("due_date", row.pk)]
    periodic = [pks for rules, pks in calls if rules == frozenset({"periodic_report"})]
    assert periodic == [[plans[3].pk]]

    calls.clear()
    obligations_verify(today=TODAY, thorough=True)
    periodic = [pks for rules, pks in calls if rules == frozenset({"periodic_report"})]
    assert sorted(pk for pks in periodic for pk in pks) >= sorted(p.pk for p in plans)


def test_the_batched_due_dates_are_the_law_engines() -> None:
    """DueDates asks a periodic duty's two due dates once per last day of its period: for
    each duty they are compute_due's, as are the other rules' and a period out of range's."""
    due = DueDates()
    yearly = ObligationSpec(
        rule="periodic_report",
        organisation_id=None,
        subject_type="plans.plan",
        subject_id="1",
        subject_label="",
        starts_on=date(2024, 1, 1),
    )
    for offset in range(0, 400, 3):
        for k in (1, 2, 5, MAX_PERIOD):
            for recipient, closed in (
                ("committee", ()),
                ("committee", tuple(COMMITTEE_CLOSED_DAY_CHOICES)),
                ("regional_bureau", ()),
            ):
                spec = dataclasses.replace(
                    yearly,
                    starts_on=yearly.starts_on + timedelta(days=offset),
                    period=k,
                    recipient=recipient,
                    committee_closed=closed,
                )
                try:
                    law = compute_due(spec)
                except LawInputError:
                    with pytest.raises(LawInputError):
                        due.dates(spec)
                    continue
                expected = (law.nominal_due, law.due, law.period_start, law.period_end)
                assert due.dates(spec) == expected
    event = dataclasses.replace(
        yearly,
        rule="ae_serious",
        subject_type="reporting.adverseevent",
        starts_on=date(2026, 4, 28),
        recipient="committee",
    )
    for recipient in ("committee", "regional_bureau"):
        law = compute_due(dataclasses.replace(event, recipient=recipient))
        assert due.dates(dataclasses.replace(event, recipient=recipient)) == (
            law.nominal_due,
            law.due,
            None,
            None,
        )


@pytest.mark.django_db
def test_the_closed_days_a_row_was_judged_against_follow_its_explanation(personas) -> None:
    """Obligation.committee_closed is the database's copy of the explanation's closed days
    (verify's screen reads it from an index, not the explanation): the law's names for a report
    to a committee, none for a report to anyone else, NULL where the explanation has none."""
    _unused, plans = _world(personas, 1)
    to_committee = _reports(plans[0], period=1, recipient="committee").get()
    to_bureau = _reports(plans[0], period=1, recipient="regional_bureau").get()

    def stored(row: Obligation) -> object:
        text = Obligation.objects.values_list("committee_closed", flat=True).get(pk=row.pk)
        return None if text is None else json.loads(text)

    assert stored(to_committee) == to_committee.explanation["committee_closed"]
    assert stored(to_bureau) == []
    Obligation.objects.filter(pk=to_committee.pk).update(
        explanation={**to_committee.explanation, "committee_closed": ["sunday"]}
    )
    assert stored(to_committee) == ["sunday"]
    Obligation.objects.filter(pk=to_bureau.pk).update(explanation={"explain": "a fixed date"})
    assert stored(to_bureau) is None


@pytest.mark.django_db
def test_a_database_writing_dates_otherwise_is_not_screened(personas) -> None:
    """The screen compares dates as ISO text: a PostgreSQL server with another DateStyle is
    not screened, and verify compares every row in Python, finding the same."""
    from django.db import connection

    needs_postgresql("the DateStyle of a PostgreSQL server")
    _unused, plans = _world(personas, 2)
    row = _reports(plans[1], period=2, recipient="committee").get()
    Obligation.objects.filter(pk=row.pk).update(due_on=row.due_on + timedelta(days=1))
    assert Screen.supported()
    with connection.cursor() as cursor:
        cursor.execute("SET DateStyle = 'SQL, DMY'")
    try:
        assert not Screen.supported()
        found = obligations_verify(today=TODAY)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET DateStyle = 'ISO, MDY'")
    assert [(d.kind, d.obligation_id) for d in found] == [("due_date", row.pk)]


@pytest.mark.django_db
def test_a_subject_whose_rows_hold_nulls_where_the_law_cannot_answer_is_in_doubt(
    personas, monkeypatch
) -> None:
    """Rows whose every part of the line is NULL make no line at all: that is never the line
    of a subject whose expected line the law cannot give either."""
    _unused, plans = _world(personas, 2)
    first = _reports(plans[1], period=1).order_by("recipient").first()
    assert first is not None
    _reports(plans[1]).update(period_start=None)
    original = DueDates.period_dates

    def period_dates(self, rule, period_end, recipient, closed):  # type: ignore[no-untyped-def]
        if period_end == first.period_end:  # as for a date beyond the holiday calendar
            raise LawInputError("period", "the computed date is out of range")
        return original(self, rule, period_end, recipient, closed)

    monkeypatch.setattr(DueDates, "period_dates", period_dates)
    thorough = obligations_verify(today=TODAY, thorough=True)
    assert {d.kind for d in thorough} >= {"unknown_rule", "period"}
    assert obligations_verify(today=TODAY) == thorough


@pytest.mark.django_db
def test_a_stored_value_holding_a_separator_puts_its_subject_in_doubt(personas) -> None:
    """Two rows' parts written into one row's recipient, the other row's part left out by a
    NULL: the line reads as expected, but not every row made its part of it."""
    from django.db import DataError, connection, transaction

    _unused, plans = _world(personas, 2)
    a = _reports(plans[1], period=1, recipient="committee").get()
    b = _reports(plans[1], period=1).exclude(recipient="committee").get()

    def rest(row: Obligation) -> str:
        values = (row.period, row.starts_on, row.nominal_due, row.due_on)
        return " ".join(str(v) for v in (*values, row.period_start, row.period_end))

    weird = f"{a.recipient} {rest(a)},{b.recipient}"
    moved = {
        name: getattr(b, name)
        for name in ("period", "nominal_due", "due_on", "period_start", "period_end", "status")
    }
    if connection.vendor == "postgresql":
        # Its varchar(30) refuses such a recipient, and its dates and numbers hold no comma.
        with pytest.raises(DataError), transaction.atomic():
            Obligation.objects.filter(pk=a.pk).update(recipient=weird, **moved)
        return
    Obligation.objects.filter(pk=a.pk).update(recipient=weird, **moved, met_on=b.met_on)
    Obligation.objects.filter(pk=b.pk).update(period_start=None)
    thorough = obligations_verify(today=TODAY, thorough=True)
    assert thorough
    assert obligations_verify(today=TODAY) == thorough
