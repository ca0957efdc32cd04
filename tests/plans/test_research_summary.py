"""A research plan's summary report (総括報告書, domain.md §1.8 `research_summary`): due a year
after the later of the stop date and the end of data collection, met by recording its filing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from saisei.audit.models import AuditEvent
from saisei.core.errors import Conflict, DomainError, NotPermitted
from saisei.core.time import legal_today
from saisei.law import due_date
from saisei.obligations.models import Obligation
from saisei.obligations.services import (
    obligation_record_filing,
    obligations_tick,
    obligations_verify,
)
from saisei.plans import services
from saisei.plans.lifecycle import PlanStatus
from tests.support import at

pytestmark = pytest.mark.django_db
S = PlanStatus
RESEARCH = {"plan_type": "research"}


def _summary(plan) -> Obligation | None:
    return Obligation.objects.filter(
        rule="research_summary", subject_type="plans.plan", subject_id=str(plan.pk)
    ).first()


@pytest.mark.registry_on(date(2026, 4, 1))
def test_the_summary_is_due_a_year_after_the_stop_when_data_collection_ended_first(
    world,
) -> None:
    with at(date(2026, 4, 1)):
        plan = world.plan_in(S.ACTIVE, content=RESEARCH)
    with at(date(2026, 9, 10)):
        services.plan_discontinue(
            plan=plan,
            actor=world.personas.officer,
            stopped_on=date(2026, 9, 10),
            reason="Enrolment complete",
            data_collection_ended_on=date(2026, 9, 1),
        )
    duty = _summary(plan)
    expected = due_date("research_summary", date(2026, 9, 10))
    assert (duty.starts_on, duty.due_on, duty.status) == (date(2026, 9, 10), expected.due, "open")
    assert duty.recipient == "committee"
    assert duty.also_visible_to_id == world.committee.organisation_id
    obligations_tick(today=date(2026, 9, 10))
    assert obligations_verify(today=date(2026, 9, 10)) == []


@pytest.mark.registry_on(date(2026, 4, 1))
def test_a_later_end_of_data_collection_starts_the_clock_and_its_filing_meets_it(world) -> None:
    with at(date(2026, 4, 1)):
        plan = world.plan_in(S.ACTIVE, content=RESEARCH)
    with at(date(2026, 9, 10)):
        services.plan_discontinue(
            plan=plan, actor=world.personas.officer, stopped_on=date(2026, 9, 10), reason="r"
        )
    assert _summary(plan) is None  # follow-up goes on: the clock has not started
    with at(date(2027, 3, 31)):
        services.plan_data_collection_end(
            plan=plan, actor=world.personas.officer, ended_on=date(2027, 3, 31)
        )
        with pytest.raises(Conflict):  # recorded once
            services.plan_data_collection_end(
                plan=plan, actor=world.personas.officer, ended_on=date(2027, 3, 30)
            )
    duty = _summary(plan)
    assert duty.starts_on == date(2027, 3, 31)
    assert duty.due_on == due_date("research_summary", date(2027, 3, 31)).due
    assert AuditEvent.objects.filter(action="plans.plan.data_collection_ended").count() == 1
    with at(date(2027, 12, 1)):
        obligation_record_filing(
            obligation=duty,
            filed_on=date(2027, 12, 1),
            reference="jRCTb030999999",
            actor=world.personas.officer,
        )
    duty.refresh_from_db()
    assert duty.status == "met"
    obligations_tick(today=date(2027, 12, 1))
    assert obligations_verify(today=date(2027, 12, 1)) == []


def test_only_research_plans_record_data_collection_and_only_their_institution(world) -> None:
    treatment = world.plan_in(S.ACTIVE)
    with pytest.raises(DomainError) as raised:
        services.plan_discontinue(
            plan=treatment,
            actor=world.personas.officer,
            stopped_on=legal_today(),
            reason="r",
            data_collection_ended_on=legal_today(),
        )
    assert raised.value.details["errors"][0]["field"] == "data_collection_ended_on"
    treatment.refresh_from_db()
    assert treatment.status == S.ACTIVE  # nothing half-written
    research = world.plan_in(S.DISCONTINUED, content=RESEARCH)
    with pytest.raises(NotPermitted):
        services.plan_data_collection_end(
            plan=research, actor=world.personas.other_officer, ended_on=legal_today()
        )
    active = world.plan_in(S.ACTIVE, content=RESEARCH)
    with pytest.raises(DomainError) as raised:
        services.plan_data_collection_end(
            plan=active, actor=world.personas.officer, ended_on=legal_today()
        )
    assert [e["field"] for e in raised.value.errors] == ["ended_on"]
    assert raised.value.errors[0]["message"] == raised.value.message
    assert raised.value.details["status"] == S.ACTIVE
    assert not Obligation.objects.filter(rule="research_summary").exists()


def test_the_page_and_the_api_record_the_end_of_data_collection(world, client_for) -> None:
    plan = world.plan_in(S.DISCONTINUED, content=RESEARCH)
    client = client_for("officer")
    page = client.get(f"/plans/{plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    assert "データ収集の終了を記録" in page
    bad = client.post(
        f"/api/v1/plans/{plan.pk}/data-collection-end",
        # In the legal calendar (a day past it is refused by the schema) but in the future.
        {"ended_on": (legal_today() + timedelta(days=365)).isoformat()},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert bad.json()["details"]["errors"][0]["field"] == "ended_on"
    today = legal_today().isoformat()
    response = client.post(f"/plans/{plan.pk}/data-collection-end/", {"dc-ended_on": today})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.data_collection_ended_on == legal_today()
    assert _summary(plan) is not None
    again = client.post(
        f"/api/v1/plans/{plan.pk}/data-collection-end",
        {"ended_on": today},
        content_type="application/json",
    )
    assert again.status_code == 409
