"""A committee's closed days: per-committee data, kept by its secretariat, audited, and moving the
reports still owed to it (Civil Code Art 142; domain.md §1.9)."""

from __future__ import annotations

import datetime as dt
from typing import get_args

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.errors import NotPermitted
from saisei.law import COMMITTEE_CLOSED_DAY_CHOICES
from saisei.obligations.models import Obligation
from saisei.obligations.services import obligations_tick, obligations_verify
from saisei.registry.api import ClosedDayName
from saisei.registry.services import committee_closed_days_set
from saisei.reporting.services import adverse_event_record, adverse_event_report_file
from tests.support import at

pytestmark = pytest.mark.django_db

# Learned on Monday 2026-04-20: a serious event's 15 days end on Children's Day, 2026-05-05,
# followed by the substitute holiday 05-06 (domain.md §1.9's Golden Week).
DAY = dt.date(2026, 4, 20)
NOMINAL = dt.date(2026, 5, 5)
NEXT_OPEN = dt.date(2026, 5, 7)


def _hospitalisation(plan, code: str):
    return adverse_event_record(
        plan=plan,
        patient_code=code,
        learned_on=DAY,
        category="hospitalisation",
        description="入院 (fictional)",
        outcome="recovering",
        causality="possibly_related",
        actor=plan.created_by,
        today=DAY,
    )


@pytest.fixture
def two_events(world_on):
    """Two hospitalisations under one Class II plan: one reported to the committee, one not."""
    world = world_on(DAY)
    with at(DAY):
        plan = world.plan_in("active")
        reported = _hospitalisation(plan, "P-001")
        outstanding = _hospitalisation(plan, "P-002")
        adverse_event_report_file(
            plan=plan,
            event=reported,
            recipient="committee",
            reported_on=DAY,
            summary="入院1件 (fictional)",
            actor=plan.created_by,
            today=DAY,
        )

    def duty(event, recipient: str = "committee") -> Obligation:
        return Obligation.objects.get(
            rule="ae_serious",
            subject_type="reporting.adverseevent",
            subject_id=str(event.pk),
            recipient=recipient,
        )

    return world, duty, reported, outstanding


def test_closed_days_move_an_outstanding_report_to_the_committee_but_not_a_met_one(
    two_events,
) -> None:
    world, duty, reported, outstanding = two_events
    assert duty(outstanding).due_on == NOMINAL  # not moved by default
    assert (duty(reported).status, duty(reported).due_on) == ("met", NOMINAL)
    bureau_before = duty(outstanding, "regional_bureau").due_on
    owed_to_committee = Obligation.objects.filter(
        also_visible_to=world.committee.organisation,
        recipient="committee",
        status__in=("open", "overdue"),
    )
    # The plan's first periodic report and 60-day cycle too: their explanations now name the
    # committee's closed days, though their dates do not fall on one.
    assert owed_to_committee.count() > 1
    owed = set(owed_to_committee.values_list("pk", flat=True))

    with at(DAY):
        committee_closed_days_set(
            committee=world.committee,
            closed_days=["national_holiday", "sunday"],
            actor=world.personas.secretariat,
        )

    world.committee.refresh_from_db()
    # Stored in the law's order of choices, whatever order they came in.
    assert world.committee.rule_closed_days == ["sunday", "national_holiday"]
    moved = duty(outstanding)
    assert (moved.nominal_due, moved.due_on, moved.status) == (NOMINAL, NEXT_OPEN, "open")
    assert moved.explanation["committee_closed"] == ["sunday", "national_holiday"]
    assert [s["date"] for s in moved.explanation["skipped"]] == ["2026-05-05", "2026-05-06"]
    assert "Civil Code Art 142" in moved.explanation["explain"]
    assert "national holidays" in moved.explanation["explain"]
    assert "民法第142条" in moved.explanation["explain_ja"]
    kept = duty(reported)
    assert (kept.status, kept.due_on, kept.explanation["committee_closed"]) == ("met", NOMINAL, [])
    # The report to the Bureau follows the Act on Holidays of Administrative Organs, not the
    # committee's rules.
    assert duty(outstanding, "regional_bureau").due_on == bureau_before == NEXT_OPEN

    changed = AuditEvent.objects.get(action="registry.committee.closed_days_changed")
    assert changed.actor_id == world.personas.secretariat.pk
    assert changed.data == {
        "from": [],
        "to": ["sunday", "national_holiday"],
        "rescheduled": len(owed),
    }
    rescheduled = AuditEvent.objects.filter(action="obligations.obligation.rescheduled")
    assert set(rescheduled.values_list("target_id", flat=True)) == {str(pk) for pk in owed}
    assert str(kept.pk) not in set(rescheduled.values_list("target_id", flat=True))
    obligations_tick(today=DAY)
    assert obligations_verify(today=DAY) == []


def test_saving_the_same_closed_days_again_changes_and_records_nothing(two_events) -> None:
    world, duty, _reported, outstanding = two_events
    with at(DAY):
        for _ in range(2):
            committee_closed_days_set(
                committee=world.committee,
                closed_days=["national_holiday"],
                actor=world.personas.secretariat,
            )
        assert (
            AuditEvent.objects.filter(action="registry.committee.closed_days_changed").count() == 1
        )
        # Cleared again: back to the nominal date, and recorded.
        committee_closed_days_set(
            committee=world.committee, closed_days=[], actor=world.personas.secretariat
        )
    assert duty(outstanding).due_on == NOMINAL
    assert AuditEvent.objects.filter(action="registry.committee.closed_days_changed").count() == 2


def test_only_the_committees_own_secretariat_keeps_its_closed_days(
    two_events, client_for, secretariat_of
) -> None:
    world, _duty, _reported, _outstanding = two_events
    other = secretariat_of(world.certified_committee)
    url = f"/api/v1/committees/{world.committee.pk}/closed-days"
    body = {"closed_days": ["sunday"]}
    other_client = client_for(None)
    other_client.force_login(other)
    with at(DAY):
        assert other_client.put(url, body, content_type="application/json").status_code == 404
        expected = {None: 401, "officer": 404, "member": 403, "regulator": 403}
        for persona, status in expected.items():
            response = client_for(persona).put(url, body, content_type="application/json")
            assert response.status_code == status, (persona, response.content)
            assert set(response.json()) == {"code", "message", "details"}
        page = f"/registry/committees/{world.committee.pk}/closed-days/"
        assert other_client.post(page, {"closed_days": ["sunday"]}).status_code == 404
        assert client_for("member").post(page, {"closed_days": ["sunday"]}).status_code == 403
        with pytest.raises(NotPermitted):
            committee_closed_days_set(
                committee=world.committee, closed_days=["sunday"], actor=world.personas.member
            )
        # Its own secretariat may keep its own committee's rules.
        assert (
            other_client.put(
                f"/api/v1/committees/{world.certified_committee.pk}/closed-days",
                body,
                content_type="application/json",
            ).status_code
            == 200
        )
    world.committee.refresh_from_db()
    assert world.committee.rule_closed_days == []
    assert AuditEvent.objects.filter(action="registry.committee.closed_days_changed").count() == 1


def test_the_api_takes_at_most_four_of_the_law_s_names(world, client_for) -> None:
    assert set(get_args(ClosedDayName)) == set(COMMITTEE_CLOSED_DAY_CHOICES)
    client = client_for("secretariat")
    url = f"/api/v1/committees/{world.committee.pk}/closed-days"
    for body in (
        {"closed_days": ["holidays"]},
        {"closed_days": ["sunday", "saturday", "national_holiday", "year_end_closure", "sunday"]},
        {"closed_days": "sunday"},
    ):
        response = client.put(url, body, content_type="application/json")
        assert response.status_code == 422, body
    ok = client.put(
        url, {"closed_days": ["year_end_closure", "saturday"]}, content_type="application/json"
    )
    assert ok.status_code == 200, ok.content
    assert ok.json()["closed_days"] == ["saturday", "year_end_closure"]
    public = client_for(None).get(f"/api/v1/committees/{world.committee.pk}").json()
    assert public["closed_days"] == ["saturday", "year_end_closure"]


def test_the_committee_page_explains_and_saves_the_closed_days_in_both_languages(
    world, client_for
) -> None:
    url = f"/registry/committees/{world.committee.pk}/"
    secretariat = client_for("secretariat")
    english = secretariat.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Civil Code Art 142" in english
    assert "Act on Holidays of Administrative Organs" in english
    assert f"/registry/committees/{world.committee.pk}/closed-days/" in english
    japanese = secretariat.get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "民法第142条" in japanese
    assert "行政機関の休日に関する法律" in japanese
    assert "closed-days/" not in client_for("member").get(url).content.decode()
    response = secretariat.post(
        f"/registry/committees/{world.committee.pk}/closed-days/",
        {"closed_days": ["sunday", "national_holiday"]},
    )
    assert response.status_code == 302
    world.committee.refresh_from_db()
    assert world.committee.rule_closed_days == ["sunday", "national_holiday"]
    bad = secretariat.post(
        f"/registry/committees/{world.committee.pk}/closed-days/", {"closed_days": ["holidays"]}
    )
    assert bad.status_code == 400
    world.committee.refresh_from_db()
    assert world.committee.rule_closed_days == ["sunday", "national_holiday"]
