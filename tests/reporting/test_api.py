from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from saisei.obligations.models import Obligation
from saisei.reporting.models import Treatment
from tests.support import at

pytestmark = pytest.mark.django_db

LEARNED = dt.date(2026, 4, 28)


def _body(response) -> dict:
    body = response.json()
    if response.status_code >= 400:
        assert set(body) == {"code", "message", "details"}
    return body


def _post(client: Client, url: str, data: dict):
    return client.post(url, data, content_type="application/json")


def test_treatments_are_recorded_and_read_only_by_the_institution(active_plan, client_for) -> None:
    url = f"/api/v1/reporting/plans/{active_plan.pk}/treatments"
    with at(dt.date(2025, 8, 1)):
        created = _post(
            client_for("staff"), url, {"patient_code": "P-001", "treated_on": "2025-07-01"}
        )
        assert created.status_code == 201, created.content
        assert created.json()["patient_code"] == "P-001"
        assert client_for("officer").get(url).json()["count"] == 1
        expected = {
            "other-officer": 403,
            "secretariat": 403,
            "member": 403,
            "regulator": 403,
            "holder": 403,
        }
        for persona, status in expected.items():
            assert client_for(persona).get(url).status_code == status, persona
            refused = _post(
                client_for(persona), url, {"patient_code": "P-9", "treated_on": "2025-07-01"}
            )
            assert refused.status_code == status, persona
            assert _body(refused)["code"] == "permission_denied"
        assert client_for(None).get(url).status_code == 401
    assert Treatment.objects.count() == 1


def test_a_bad_csv_is_refused_with_its_lines_and_saves_nothing(active_plan, client_for) -> None:
    url = f"/api/v1/reporting/plans/{active_plan.pk}/treatments/import"
    text = "patient_code,treated_on\nP-1,2025-07-01\n名前,2025-07-02\n"
    with at(dt.date(2025, 8, 1)):
        response = _post(client_for("officer"), url, {"csv": text})
    assert response.status_code == 400
    body = _body(response)
    assert body["code"] == "csv_invalid"
    assert [e["line"] for e in body["details"]["errors"]] == [3]
    assert not Treatment.objects.exists()


def test_a_death_is_due_on_the_seventh_and_seen_by_those_concerned(active_plan, client_for) -> None:
    with at(LEARNED):
        response = _post(
            client_for("officer"),
            f"/api/v1/reporting/plans/{active_plan.pk}/adverse-events",
            {
                "patient_code": "P-001",
                "learned_on": "2026-04-28",
                "category": "death",
                "description": "Death after infusion (fictional)",
                "outcome": "fatal",
                "causality": "possibly_related",
            },
        )
        assert response.status_code == 201, response.content
    with at(dt.date(2026, 5, 8)):
        for persona in ("officer", "secretariat", "regulator"):
            body = (
                client_for(persona).get("/api/v1/obligations?status=overdue&rule=ae_death").json()
            )
            assert body["count"] == 2, persona
            assert {item["due_on"] for item in body["items"]} == {"2026-05-07"}
            assert {item["days_left"] for item in body["items"]} == {-1}
        other = client_for("other-officer").get("/api/v1/obligations").json()
        assert other["count"] == 0
        public = client_for(None).get(f"/api/v1/reporting/public/plans/{active_plan.pk}").json()
        assert public["timeliness"]["overdue"] == 2
        assert "P-001" not in str(public)


def test_the_public_summary_is_only_for_filed_plans(world, client_for) -> None:
    draft = world.plan_in("draft")
    assert client_for(None).get(f"/api/v1/reporting/public/plans/{draft.pk}").status_code == 404


def test_only_a_regulator_waives_an_obligation(active_plan, client_for) -> None:
    with at(LEARNED):
        _post(
            client_for("officer"),
            f"/api/v1/reporting/plans/{active_plan.pk}/adverse-events",
            {
                "patient_code": "P-001",
                "learned_on": "2026-04-28",
                "category": "hospitalisation",
                "description": "Admitted for observation (fictional)",
                "outcome": "recovered",
                "causality": "unlikely",
            },
        )
        duty = Obligation.objects.filter(rule="ae_serious").first()
        url = f"/api/v1/obligations/{duty.pk}/waive"
        assert _post(client_for("officer"), url, {"reason": "x"}).status_code == 403
        assert _post(client_for("other-officer"), url, {"reason": "x"}).status_code == 404
        waived = _post(client_for("regulator"), url, {"reason": "Reported on paper"})
        assert waived.status_code == 200
        assert waived.json()["status"] == "waived"


def test_lists_take_a_bounded_number_of_queries(
    active_plan, client_for, django_assert_max_num_queries
) -> None:
    client = client_for("officer")
    with at(dt.date(2025, 8, 1)):
        for n in range(15):
            _post(
                client,
                f"/api/v1/reporting/plans/{active_plan.pk}/treatments",
                {"patient_code": f"P-{n:03}", "treated_on": "2025-07-01"},
            )
        with django_assert_max_num_queries(10):
            assert (
                client.get(f"/api/v1/reporting/plans/{active_plan.pk}/treatments").json()["count"]
                == 15
            )
    with at(dt.date(2027, 8, 1)):
        from saisei.obligations.services import obligations_tick

        obligations_tick(today=dt.date(2027, 8, 1))
        client = client_for("officer")  # the earlier session has expired by now
        with django_assert_max_num_queries(8):
            assert client.get("/api/v1/obligations").json()["count"] >= 3
