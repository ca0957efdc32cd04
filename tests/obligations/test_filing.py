"""Duties filed outside Saisei (a facility's yearly report, a renewal): recording the filing."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from saisei.audit.models import AuditEvent
from saisei.core.errors import DomainError, NotPermitted
from saisei.obligations.models import Obligation, ObligationFiling
from saisei.obligations.services import obligation_record_filing, obligations_tick
from tests.support import at
from tests.support.world import build_world

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def facility_duties(personas):
    with at(TODAY):
        world = build_world(personas)
    obligations_tick(today=TODAY)
    facility = world.objects["in_house_facility"]
    return Obligation.objects.filter(
        rule="cpc_periodic_report", subject_id=str(facility.pk)
    ).order_by("period")


def test_a_filing_meets_the_facility_report_on_time_or_late(facility_duties, personas) -> None:
    first, second = facility_duties[0], facility_duties[1]
    filing = obligation_record_filing(
        obligation=first,
        filed_on=first.due_on,
        reference="KANTO-1",
        actor=personas.officer,
        today=TODAY,
    )
    first.refresh_from_db()
    assert (first.status, first.met_by_type, first.met_by_id) == (
        "met",
        "obligations.obligationfiling",
        str(filing.pk),
    )
    obligation_record_filing(
        obligation=second,
        filed_on=second.due_on + dt.timedelta(days=1),
        reference="KANTO-2",
        actor=personas.officer,
        today=TODAY,
    )
    second.refresh_from_db()
    assert second.status == "met_late"
    assert AuditEvent.objects.filter(action="obligations.filing.recorded").count() == 2


def test_only_duties_filed_outside_saisei_take_a_filing(active_plan_duty, personas) -> None:
    with pytest.raises(DomainError) as raised:
        obligation_record_filing(
            obligation=active_plan_duty,
            filed_on=TODAY,
            reference="X",
            actor=personas.officer,
            today=TODAY,
        )
    assert [e["field"] for e in raised.value.errors] == ["obligation"]
    assert raised.value.details["rule"] == "periodic_report"
    assert not ObligationFiling.objects.exists()


@pytest.fixture
def active_plan_duty(personas):
    with at(TODAY):
        world = build_world(personas)
        world.plan_in("active")
    obligations_tick(today=TODAY)
    return Obligation.objects.filter(rule="periodic_report").first()


def test_no_one_else_records_the_institutions_filing(facility_duties, personas) -> None:
    duty = facility_duties[0]
    for persona in (personas.other_officer, personas.regulator, personas.staff, personas.holder):
        with pytest.raises(NotPermitted):
            obligation_record_filing(
                obligation=duty, filed_on=duty.due_on, reference="X", actor=persona, today=TODAY
            )
    duty.refresh_from_db()
    assert duty.status == "overdue"


def test_bad_filings_are_refused_with_the_field(facility_duties, personas) -> None:
    duty = facility_duties[0]
    cases = [
        ({"filed_on": TODAY + dt.timedelta(days=1), "reference": "X"}, "filed_on"),
        ({"filed_on": duty.starts_on - dt.timedelta(days=1), "reference": "X"}, "filed_on"),
        ({"filed_on": duty.due_on, "reference": "  "}, "reference"),
    ]
    for kwargs, field in cases:
        with pytest.raises(DomainError) as raised:
            obligation_record_filing(obligation=duty, actor=personas.officer, today=TODAY, **kwargs)
        assert [e["field"] for e in raised.value.errors] == [field]
    assert not ObligationFiling.objects.exists()


def test_the_due_page_and_the_api_record_a_filing(facility_duties, client_for) -> None:
    first, second = facility_duties[0], facility_duties[1]
    client = client_for("officer")
    page = client.get("/obligations/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"/obligations/{first.pk}/filing/" in page
    response = client.post(
        f"/obligations/{first.pk}/filing/",
        {f"f{first.pk}-filed_on": first.due_on.isoformat(), f"f{first.pk}-reference": "KANTO-1"},
    )
    assert response.status_code == 302
    first.refresh_from_db()
    assert first.status == "met"
    api = client.post(
        f"/api/v1/obligations/{second.pk}/filing",
        {"filed_on": second.due_on.isoformat(), "reference": "KANTO-2"},
        content_type="application/json",
    )
    assert api.status_code == 200, api.content
    assert api.json()["status"] == "met"
    other = client_for("other-officer").post(
        f"/api/v1/obligations/{second.pk}/filing",
        {"filed_on": second.due_on.isoformat(), "reference": "X"},
        content_type="application/json",
    )
    assert other.status_code == 404


def test_the_due_page_form_carries_its_csrf_token_and_records_with_it(
    facility_duties, personas
) -> None:
    first = facility_duties[0]
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.user("officer"))
    page = client.get("/obligations/", HTTP_ACCEPT_LANGUAGE="ja").content.decode()
    form = re.search(
        rf'<form method="post" action="/obligations/{first.pk}/filing/" class="form">(.*?)</form>',
        page,
        re.S,
    )
    assert form is not None
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1))
    assert token is not None
    assert f'<label for="f{first.pk}-filed_on">' in form.group(1)
    data = {f"f{first.pk}-filed_on": first.due_on.isoformat(), f"f{first.pk}-reference": "KANTO-1"}
    refused = client.post(f"/obligations/{first.pk}/filing/", data)
    assert refused.status_code == 403
    recorded = client.post(
        f"/obligations/{first.pk}/filing/", {**data, "csrfmiddlewaretoken": token.group(1)}
    )
    assert recorded.status_code == 302
    first.refresh_from_db()
    assert first.status == "met"
