from __future__ import annotations

import io
from dataclasses import replace
from datetime import date

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.obligations import sources
from saisei.obligations.models import Obligation, ObligationStatus
from saisei.obligations.services import (
    obligation_meet,
    obligation_open,
    obligation_waive,
    obligations_remind,
    obligations_tick,
    obligations_verify,
)
from saisei.obligations.sources import ObligationSpec

pytestmark = pytest.mark.django_db

LEARNED = date(2026, 4, 28)  # domain.md §1.9 worked example: a Tuesday


def _death_spec(
    personas, learned: date = LEARNED, recipient: str = "regional_bureau"
) -> ObligationSpec:
    """The report of a Class II plan's death to the Regional Bureau (for the Minister), unless
    another recipient is named."""
    org = personas.org("institution")
    return ObligationSpec(
        rule="ae_death",
        organisation_id=org.pk,
        subject_type="tests.event",
        subject_id=f"death-{learned}",
        subject_label="death learned of",
        starts_on=learned,
        also_visible_to_id=personas.org("committee").pk,
        recipient=recipient,
    )


def _open(spec: ObligationSpec, today: date) -> Obligation:
    with transaction.atomic():
        return obligation_open(spec=spec, actor=None, today=today, system="test")


@pytest.fixture
def facility_source(personas):
    """A recorded licence: a facility reports every year from 2024-02-29."""
    org = personas.org("other_institution")
    licensed = date(2024, 2, 29)

    def expected(today: date):
        k = 1
        while True:
            spec = ObligationSpec(
                rule="cpc_periodic_report",
                organisation_id=org.pk,
                subject_type="tests.facility",
                subject_id="F1",
                subject_label="Facility F1",
                starts_on=licensed,
                period=k,
            )
            start = date(licensed.year + k - 1, 3, 1) if k > 1 else licensed
            if start > today:
                return
            yield spec
            k += 1

    sources.register("tests.facility", ["cpc_periodic_report"], expected)
    yield
    sources.SOURCES.pop("tests.facility")


@pytest.fixture
def death_source(personas):
    """The recorded death of these tests, as the source of its expected obligation."""
    sources.register("tests.death", ["ae_death"], lambda today: [_death_spec(personas)])
    yield
    sources.SOURCES.pop("tests.death")


def test_a_death_learned_of_on_the_worked_example_day_is_due_after_golden_week(personas) -> None:
    obligation = _open(_death_spec(personas), today=LEARNED)
    assert obligation.recipient == "regional_bureau"
    assert obligation.nominal_due == date(2026, 5, 5)
    assert obligation.due_on == date(2026, 5, 7)
    assert obligation.status == ObligationStatus.OPEN
    skipped = [day["date"] for day in obligation.explanation["skipped"]]
    assert skipped == ["2026-05-05", "2026-05-06"]
    assert "Ordinance Art 118(1)(iv)" in obligation.explanation["basis"]
    assert AuditEvent.objects.filter(
        action="obligations.obligation.opened", target_id=str(obligation.pk)
    ).exists()


def test_the_same_death_reported_to_the_committee_is_due_on_the_holiday_itself(personas) -> None:
    to_bureau = _open(_death_spec(personas), today=LEARNED)
    to_committee = _open(_death_spec(personas, recipient="committee"), today=LEARNED)
    assert to_committee.pk != to_bureau.pk  # one duty per recipient
    assert (to_committee.nominal_due, to_committee.due_on) == (date(2026, 5, 5), date(2026, 5, 5))
    assert to_committee.explanation["skipped"] == []
    assert "Art 17(1)" in to_committee.explanation["basis"]
    closed = _open(
        replace(
            _death_spec(personas, recipient="committee"),
            subject_id="closed-committee",
            committee_closed=("national_holiday",),
        ),
        today=LEARNED,
    )
    assert closed.due_on == date(2026, 5, 7)


def test_recording_the_same_event_twice_opens_one_obligation(personas) -> None:
    first = _open(_death_spec(personas), today=LEARNED)
    second = _open(_death_spec(personas), today=LEARNED)
    assert first.pk == second.pk
    assert Obligation.objects.count() == 1


def test_a_report_on_or_before_the_due_date_meets_it(personas) -> None:
    obligation = _open(_death_spec(personas), today=LEARNED)
    with transaction.atomic():
        met = obligation_meet(
            obligation=obligation,
            met_on=date(2026, 5, 7),
            record=personas.org("institution"),
            actor=personas.officer,
        )
    assert (met.status, met.met_on) == (ObligationStatus.MET, date(2026, 5, 7))
    assert met.met_by_type == "accounts.organisation"


def test_a_report_after_the_due_date_meets_it_late_and_only_once(personas) -> None:
    obligation = _open(_death_spec(personas), today=LEARNED)
    with transaction.atomic():
        met = obligation_meet(
            obligation=obligation,
            met_on=date(2026, 5, 8),
            record=personas.org("institution"),
            actor=personas.officer,
        )
    assert met.status == ObligationStatus.MET_LATE
    with pytest.raises(DomainError) as raised, transaction.atomic():
        obligation_meet(
            obligation=obligation,
            met_on=date(2026, 5, 9),
            record=personas.org("institution"),
            actor=personas.officer,
        )
    assert raised.value.code == "conflict"


def test_the_tick_marks_overdue_from_the_day_after_the_due_date(personas) -> None:
    obligation = _open(_death_spec(personas), today=LEARNED)
    assert obligations_tick(today=date(2026, 5, 7)).marked_overdue == 0
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.OPEN
    assert obligations_tick(today=date(2026, 5, 8)).marked_overdue == 1
    obligation.refresh_from_db()
    assert obligation.status == ObligationStatus.OVERDUE
    assert obligations_tick(today=date(2026, 5, 8)).marked_overdue == 0


def test_the_tick_creates_each_periodic_obligation_once(personas, facility_source) -> None:
    result = obligations_tick(today=date(2026, 11, 25))
    assert result.created == 3  # periods starting 2024-02-29, 2025-03-01, 2026-03-01
    assert obligations_tick(today=date(2026, 11, 25)).created == 0
    first = Obligation.objects.get(rule="cpc_periodic_report", period=1)
    # A yearly period from 29 February ends on the last day of February (Civil Code Art 143).
    assert (first.period_start, first.period_end) == (date(2024, 2, 29), date(2025, 2, 28))
    assert first.nominal_due == date(2025, 4, 29)  # 60 days after the period ends
    assert first.status == ObligationStatus.OVERDUE
    audit = AuditEvent.objects.filter(action="obligations.tick.ran")
    assert audit.count() == 1


def test_verify_finds_no_difference_in_obligations_made_by_the_system(
    personas, facility_source, death_source
) -> None:
    _open(_death_spec(personas), today=LEARNED)
    obligations_tick(today=date(2026, 11, 25))
    assert obligations_verify(today=date(2026, 11, 25)) == []
    out = io.StringIO()
    call_command("obligations", "verify", "--today", "2026-11-25", stdout=out)
    assert "no differences" in out.getvalue()


def test_verify_names_a_corrupted_due_date(personas, facility_source) -> None:
    obligations_tick(today=date(2026, 11, 25))
    corrupted = Obligation.objects.get(period=2)
    Obligation.objects.filter(pk=corrupted.pk).update(due_on=date(2026, 12, 31))
    differences = obligations_verify(today=date(2026, 11, 25))
    assert [(d.kind, d.obligation_id) for d in differences] == [("due_date", corrupted.pk)]
    with pytest.raises(CommandError, match="1 obligation"):
        call_command("obligations", "verify", "--today", "2026-11-25", stdout=io.StringIO())


def test_verify_names_a_missing_and_an_unexpected_obligation(personas, facility_source) -> None:
    obligations_tick(today=date(2026, 11, 25))
    Obligation.objects.filter(period=3).delete()
    stray = Obligation.objects.get(period=1)
    Obligation.objects.filter(pk=stray.pk).update(subject_id="F2")
    kinds = sorted((d.kind, d.subject) for d in obligations_verify(today=date(2026, 11, 25)))
    assert kinds == [
        ("missing", "tests.facility:F1"),
        ("missing", "tests.facility:F1"),
        ("unexpected", "tests.facility:F2"),
    ]


def test_only_a_regulator_waives_and_only_with_a_reason(personas) -> None:
    obligation = _open(_death_spec(personas), today=LEARNED)
    with pytest.raises(NotPermitted):
        obligation_waive(obligation=obligation, reason="duplicate", actor=personas.officer)
    with pytest.raises(DomainError) as raised:
        obligation_waive(obligation=obligation, reason="  ", actor=personas.regulator)
    assert raised.value.code == "invalid_input"
    waived = obligation_waive(
        obligation=obligation, reason="reported on paper", actor=personas.regulator
    )
    assert (waived.status, waived.waived_reason) == (ObligationStatus.WAIVED, "reported on paper")


@pytest.mark.django_db(transaction=True)
def test_reminders_are_sent_once_when_due_soon_and_once_when_overdue(personas) -> None:
    officer = personas.officer
    officer.email = "officer@hinata.example"
    officer.save()
    _open(_death_spec(personas), today=LEARNED)
    assert obligations_remind(today=date(2026, 5, 1)) == 1
    assert obligations_remind(today=date(2026, 5, 2)) == 0
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["officer@hinata.example"]
    assert "2026-05-07" in mail.outbox[0].subject
    obligations_tick(today=date(2026, 5, 8))
    assert obligations_remind(today=date(2026, 5, 8)) == 1
    assert obligations_remind(today=date(2026, 5, 9)) == 0
    assert len(mail.outbox) == 2
    assert "Overdue" in mail.outbox[1].subject and "期限超過" in mail.outbox[1].subject
    assert "期限" in mail.outbox[0].body and "Due: 2026-05-07" in mail.outbox[0].body


def test_the_tick_and_the_reminders_refuse_a_day_to_come() -> None:
    """Marking a duty overdue (or reminding of it) before its date passed would say what is not
    so; the public search decides what is overdue from the day itself."""
    from datetime import timedelta

    from saisei.core.time import legal_today

    tomorrow = (legal_today() + timedelta(days=1)).isoformat()
    for action in ("tick", "remind"):
        with pytest.raises(CommandError, match="after today in Japan"):
            call_command("obligations", action, "--today", tomorrow, stdout=io.StringIO())
