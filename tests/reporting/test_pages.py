from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saisei.obligations.models import Obligation
from saisei.reporting.models import AdverseEvent, PeriodicReport, Treatment
from saisei.reporting.services import adverse_event_record, treatment_record
from tests.support import at

pytestmark = pytest.mark.django_db


def _hub(plan) -> str:
    return f"/reporting/plans/{plan.pk}/"


def test_the_hub_is_for_those_concerned_and_patient_data_for_the_institution(
    active_plan, client_for
) -> None:
    with at(dt.date(2025, 8, 1)):
        treatment_record(
            plan=active_plan,
            patient_code="P-042",
            treated_on=dt.date(2025, 7, 1),
            actor=active_plan.created_by,
        )
        expected = {
            "officer": 200,
            "staff": 200,
            "secretariat": 200,
            "member": 200,
            "regulator": 200,
            "other-officer": 403,
            "holder": 403,
        }
        for persona, status in expected.items():
            response = client_for(persona).get(_hub(active_plan), HTTP_ACCEPT_LANGUAGE="en")
            assert response.status_code == status, persona
            shows_patient = "P-042" in response.content.decode()
            assert shows_patient == (persona in ("officer", "staff")), persona
        assert client_for(None).get(_hub(active_plan)).status_code == 302


def test_a_bad_treatment_is_shown_as_an_error_and_nothing_is_saved(active_plan, client_for) -> None:
    facility = active_plan.plan_facilities.get().facility_id
    with at(dt.date(2025, 8, 1)):
        response = client_for("staff").post(
            _hub(active_plan),
            {
                "action": "treatment",
                "t-patient_code": "山田太郎",
                "t-treated_on": "2025-07-01",
                "t-facility": facility,
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 400
        assert "never a name" in response.content.decode()
        assert not Treatment.objects.exists()
        ok = client_for("staff").post(
            _hub(active_plan),
            {
                "action": "treatment",
                "t-patient_code": "P-001",
                "t-treated_on": "2025-07-01",
                "t-facility": facility,
            },
        )
        assert ok.status_code == 302
        assert Treatment.objects.get().patient_code == "P-001"


def test_a_csv_upload_with_errors_names_the_lines(active_plan, client_for) -> None:
    upload = SimpleUploadedFile(
        "t.csv", b"patient_code,treated_on\nP-1,2025-07-01\nP-2,2025-99-01\n"
    )
    with at(dt.date(2025, 8, 1)):
        response = client_for("officer").post(
            _hub(active_plan),
            {"action": "treatments_csv", "tc-file": upload},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 400
    assert "line 3" in response.content.decode()
    assert not Treatment.objects.exists()


def test_recording_a_death_shows_its_due_date_in_both_languages(active_plan, client_for) -> None:
    with at(dt.date(2026, 4, 28)):
        response = client_for("officer").post(
            _hub(active_plan),
            {
                "action": "adverse_event",
                "ae-patient_code": "P-001",
                "ae-learned_on": "2026-04-28",
                "ae-category": "death",
                "ae-description": "Death (fictional)",
                "ae-outcome": "fatal",
                "ae-causality": "possibly_related",
            },
        )
        assert response.status_code == 302
        assert AdverseEvent.objects.count() == 1
    with at(dt.date(2026, 5, 8)):
        en = (
            client_for("officer")
            .get("/obligations/?status=overdue", HTTP_ACCEPT_LANGUAGE="en")
            .content.decode()
        )
        assert "2026-05-07" in en and "1 day overdue" in en
        ja = (
            client_for("officer")
            .get("/obligations/?status=overdue", HTTP_ACCEPT_LANGUAGE="ja")
            .content.decode()
        )
        assert "2026-05-07" in ja and "1日超過" in ja
        # "Why this date" in each page's language, with the holidays skipped.
        assert "nominal 2026-05-05 skipped: 2026-05-05 national holiday (Children&#x27;s Day)" in en
        assert "名目上の期限 2026-05-05 は閉庁日のため繰り延べ" in ja
        assert "祝日(こどもの日)" in ja and "Children" not in ja
        assert "2026-05-07" in client_for("secretariat").get("/obligations/").content.decode()
        assert "2026-05-07" not in client_for("other-officer").get("/obligations/").content.decode()


def test_the_periodic_report_goes_through_committee_to_filing_on_its_page(
    active_plan, client_for
) -> None:
    with at(dt.date(2026, 6, 10)):
        assert (
            client_for("officer")
            .post(_hub(active_plan), {"action": "generate", "g-period": "1"})
            .status_code
            == 302
        )
        report = PeriodicReport.objects.get()
        url = f"/reporting/periodic/{report.pk}/"
        assert client_for("officer").post(url, {"action": "submit"}).status_code == 302
        assert (
            client_for("officer").post(url, {"action": "review", "op-opinion": "x"}).status_code
            == 403
        )
        queue = client_for("secretariat").get("/reporting/reviews/").content.decode()
        assert url in queue
        assert client_for("officer").get("/reporting/reviews/").status_code == 403
        assert (
            client_for("secretariat")
            .post(url, {"action": "review", "op-opinion": "Consistent."})
            .status_code
            == 302
        )
        assert (
            client_for("officer")
            .post(url, {"action": "file", "fi-filed_on": "2026-06-10"})
            .status_code
            == 302
        )
        report.refresh_from_db()
        assert report.status == "filed"
        assert Obligation.objects.get(rule="periodic_report", period=1).status == "met"
        csv_text = client_for("officer").get(f"{url}csv/").content.decode("utf-8-sig")
        assert "cases,treatments,0" in csv_text and "committee,opinion,Consistent." in csv_text
        printable = client_for("regulator").get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "定期報告" in printable


def test_the_hub_and_due_page_take_a_bounded_number_of_queries(
    active_plan, client_for, django_assert_max_num_queries
) -> None:
    with at(dt.date(2025, 12, 1)):
        for n in range(12):
            treatment_record(
                plan=active_plan,
                patient_code=f"P-{n}",
                treated_on=dt.date(2025, 7, 1),
                actor=active_plan.created_by,
            )
            adverse_event_record(
                plan=active_plan,
                patient_code=f"P-{n}",
                learned_on=dt.date(2025, 8, 1),
                category="hospitalisation",
                description="x",
                outcome="recovered",
                causality="unlikely",
                actor=active_plan.created_by,
            )
        client = client_for("officer")
        with django_assert_max_num_queries(40):
            assert client.get(_hub(active_plan)).status_code == 200
        with django_assert_max_num_queries(12):
            assert client.get("/obligations/").status_code == 200


def test_the_public_plan_page_counts_overdue_reports_without_patient_data(
    active_plan, client_for
) -> None:
    with at(dt.date(2026, 4, 28)):
        adverse_event_record(
            plan=active_plan,
            patient_code="P-777",
            learned_on=dt.date(2026, 4, 28),
            category="death",
            description="Death (fictional)",
            outcome="fatal",
            causality="possibly_related",
            actor=active_plan.created_by,
        )
    with at(dt.date(2026, 5, 8)):
        page = client_for(None).get(f"/plans/verify/{active_plan.pk}/", HTTP_ACCEPT_LANGUAGE="en")
        html = page.content.decode()
        assert page.status_code == 200
        assert "Overdue now" in html
        assert '<span class="badge status-bad">2</span>' in html
        assert "P-777" not in html
        ja = (
            client_for(None)
            .get(f"/plans/verify/{active_plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
            .content.decode()
        )
        assert "現在期限超過" in ja
