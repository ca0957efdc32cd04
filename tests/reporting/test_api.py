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
        # The committee and the regulator see the plan, so they are refused its patient-level
        # records (403); another institution and a holder do not see it at all (404).
        expected = {
            "other-officer": (404, "not_found"),
            "secretariat": (403, "permission_denied"),
            "member": (403, "permission_denied"),
            "regulator": (403, "permission_denied"),
            "holder": (404, "not_found"),
        }
        for persona, (status, code) in expected.items():
            assert client_for(persona).get(url).status_code == status, persona
            refused = _post(
                client_for(persona), url, {"patient_code": "P-9", "treated_on": "2025-07-01"}
            )
            assert refused.status_code == status, persona
            assert _body(refused)["code"] == code
        assert client_for(None).get(url).status_code == 401
    assert Treatment.objects.count() == 1


def test_a_bad_csv_is_refused_with_its_lines_and_saves_nothing(active_plan, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = f"/api/v1/reporting/plans/{active_plan.pk}/treatments/import"
    text = "patient_code,treated_on\nP-1,2025-07-01\n名前,2025-07-02\n"
    upload = SimpleUploadedFile("t.csv", text.encode(), content_type="text/csv")
    with at(dt.date(2025, 8, 1)):
        response = client_for("officer").post(url, {"file": upload})
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
            # One duty per recipient: the committee's on the nominal date (a holiday, not moved),
            # the Regional Bureau's on the next open day.
            assert {(i["recipient"], i["due_on"], i["days_left"]) for i in body["items"]} == {
                ("committee", "2026-05-05", -3),
                ("regional_bureau", "2026-05-07", -1),
            }
        other = client_for("other-officer").get("/api/v1/obligations").json()
        assert other["count"] == 0
        public = client_for(None).get(f"/api/v1/reporting/public/plans/{active_plan.pk}").json()
        assert public["timeliness"]["overdue"] == 2
        assert [(r["recipient"], r["timeliness"]["overdue"]) for r in public["by_recipient"]] == [
            ("committee", 1),
            ("regional_bureau", 1),
        ]
        assert "P-001" not in str(public)


def test_an_event_says_what_is_due_to_whom_and_takes_reports_to_its_recipients(
    active_plan, client_for
) -> None:
    events_url = f"/api/v1/reporting/plans/{active_plan.pk}/adverse-events"
    with at(LEARNED):
        created = _post(
            client_for("officer"),
            events_url,
            {
                "patient_code": "P-001",
                "learned_on": "2026-04-28",
                "category": "death",
                "description": "Death after infusion (fictional)",
                "outcome": "fatal",
                "causality": "possibly_related",
            },
        )
        assert created.status_code == 201, created.content
        duties = {d["recipient"]: d for d in created.json()["duties"]}
        assert {r: (d["due_on"], d["status"]) for r, d in duties.items()} == {
            "committee": ("2026-05-05", "open"),
            "regional_bureau": ("2026-05-07", "open"),
        }
        assert "Art 17(1)" in duties["committee"]["basis"]
        assert "Art 118(1)(iv)" in duties["regional_bureau"]["basis"]
        assert duties["regional_bureau"]["legal_name"] == "疾病等報告"
        event_id = created.json()["id"]
        reports_url = f"/api/v1/reporting/plans/{active_plan.pk}/adverse-event-reports"
        report = {"reported_on": "2026-04-28", "summary": "Initial", "event_id": event_id}
        refused = client_for("officer").post(
            reports_url,
            {**report, "recipient": "minister"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="ja",
        )
        assert refused.status_code == 400
        body = _body(refused)
        assert (body["code"], body["details"]["errors"][0]["field"]) == (
            "invalid_input",
            "recipient",
        )
        assert "地方厚生局" in body["message"]
        assert (
            _post(client_for("officer"), reports_url, {**report, "recipient": "jrct"}).status_code
            == 422
        )
        too_long = _post(
            client_for("officer"),
            reports_url,
            {**report, "recipient": "committee", "summary": "x" * 4001},
        )
        assert too_long.status_code == 422
        filed = _post(
            client_for("officer"), reports_url, {**report, "recipient": "regional_bureau"}
        )
        assert filed.status_code == 201, filed.content
    with at(dt.date(2026, 5, 6)):
        for language, words in (("en", "not moved"), ("ja", "繰り延べなし")):
            listed = client_for("secretariat").get(events_url, HTTP_ACCEPT_LANGUAGE=language).json()
            [item] = listed["items"]
            duties = {d["recipient"]: d for d in item["duties"]}
            assert (duties["committee"]["status"], duties["regional_bureau"]["status"]) == (
                "overdue",
                "met",
            )
            assert duties["regional_bureau"]["met_on"] == "2026-04-28"
            assert words in duties["committee"]["explanation"]
            assert [r["recipient"] for r in item["reports"]] == ["regional_bureau"]


def test_the_periodic_report_api_follows_article_37_and_38(active_plan, client_for) -> None:
    from saisei.audit.models import AuditEvent

    with at(dt.date(2026, 6, 10)):
        created = _post(
            client_for("officer"),
            f"/api/v1/reporting/plans/{active_plan.pk}/periodic-reports",
            {"period": 1},
        )
        assert created.status_code == 201, created.content
        report = created.json()
        assert [d["recipient"] for d in report["duties"]] == ["committee", "regional_bureau"]
        url = f"/api/v1/reporting/periodic-reports/{report['id']}"
        missing = _post(client_for("officer"), f"{url}/submit", {})
        assert missing.status_code == 400
        body = _body(missing)
        assert [e["field"] for e in body["details"]["errors"]] == [
            "evaluation",
            "conflicts_of_interest",
            "non_compliance",
        ]
        too_long = client_for("officer").patch(
            url, {"evaluation": "x" * 4001}, content_type="application/json"
        )
        assert too_long.status_code == 422
        written = client_for("officer").patch(
            url,
            {"evaluation": "Safe.", "conflicts_of_interest": "none"},
            content_type="application/json",
        )
        assert written.status_code == 200, written.content
        assert (written.json()["evaluation"], written.json()["status"]) == ("Safe.", "draft")
        submitted = _post(client_for("officer"), f"{url}/submit", {"non_compliance": "none"})
        assert submitted.status_code == 200, submitted.content
        duties = {d["recipient"]: d["status"] for d in submitted.json()["duties"]}
        assert duties == {"committee": "met", "regional_bureau": "open"}
        early = _post(client_for("officer"), f"{url}/file", {"filed_on": "2026-06-10"})
        assert early.status_code == 409
        assert _body(early)["code"] == "report_wrong_status"
        bad = _post(
            client_for("secretariat"), f"{url}/review", {"continuation": "maybe", "opinion": "x"}
        )
        assert bad.status_code == 422
        reviewed = _post(
            client_for("secretariat"),
            f"{url}/review",
            {"continuation": "not_appropriate", "opinion": "Outcomes do not support continuing."},
        )
        assert reviewed.status_code == 200, reviewed.content
        assert reviewed.json()["continuation"] == "not_appropriate"
        filed = _post(client_for("officer"), f"{url}/file", {"filed_on": "2026-06-10"})
        assert filed.status_code == 200, filed.content
        duties = {d["recipient"]: d["status"] for d in filed.json()["duties"]}
        assert duties == {"committee": "met", "regional_bureau": "met"}
    assert (
        AuditEvent.objects.get(action="reporting.periodic_report.reviewed").data["continuation"]
        == "not_appropriate"
    )


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
