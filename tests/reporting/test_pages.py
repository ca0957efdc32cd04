from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from saisei.obligations.models import Obligation
from saisei.reporting.models import AdverseEvent, AdverseEventReport, PeriodicReport, Treatment
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
            # Not theirs to see: the same 404 as a plan that does not exist.
            "other-officer": 404,
            "holder": 404,
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
        # The Bureau's report was due on the 7th, the committee's on the 5th (not moved).
        assert "2026-05-07" in en and "1 day overdue" in en
        assert "2026-05-05" in en and "3 days overdue" in en
        ja = (
            client_for("officer")
            .get("/obligations/?status=overdue", HTTP_ACCEPT_LANGUAGE="ja")
            .content.decode()
        )
        assert "2026-05-07" in ja and "1日超過" in ja and "3日超過" in ja
        # "Why this date" in each page's language, each recipient's own case.
        assert "skipped: 2026-05-05 national holiday (Children&#x27;s Day)" not in ja
        assert "moves past 2026-05-05 national holiday (Children&#x27;s Day)" in en
        assert "not moved: a report to a certified committee" in en
        assert "名目上の期限 2026-05-05 は行政機関の休日のため" in ja
        assert "繰り延べなし" in ja
        assert "祝日(こどもの日)" in ja and "Children" not in ja
        assert "2026-05-07" in client_for("secretariat").get("/obligations/").content.decode()
        assert "2026-05-07" not in client_for("other-officer").get("/obligations/").content.decode()


def test_the_event_report_page_says_what_is_due_to_whom(active_plan, client_for) -> None:
    with at(dt.date(2026, 4, 28)):
        event = adverse_event_record(
            plan=active_plan,
            patient_code="P-001",
            learned_on=dt.date(2026, 4, 28),
            category="death",
            description="Death (fictional)",
            outcome="fatal",
            causality="possibly_related",
            actor=active_plan.created_by,
        )
    url = f"/reporting/adverse-events/{event.pk}/report/"
    with at(dt.date(2026, 5, 6)):
        en = client_for("officer").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        ja = client_for("officer").get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "What is due to whom" in en
        assert "Regional Bureau of Health and Welfare" in en and "certified committee" in en
        assert "<td>2026-05-05</td>" in en and "<td>2026-05-07</td>" in en
        assert "overdue" in en and "open" in en  # the committee's passed, the Bureau's not
        assert "RM Act Art 17(1)" in en and "Ordinance Art 118(1)(iv)" in en
        assert "再生医療等安全性確保法第17条第1項" in ja and "施行規則第118条第1項第4号" in ja
        assert "RM Act Art 17(1)" not in ja
        # Only the plan's own recipients are offered.
        assert 'value="regional_bureau"' in en and 'value="minister"' not in en
        refused = client_for("officer").post(
            url,
            {
                "er-recipient": "minister",
                "er-reported_on": "2026-05-06",
                "er-summary": "To the Minister",
            },
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert refused.status_code == 400
        assert not AdverseEventReport.objects.exists()
        filed = client_for("officer").post(
            url,
            {
                "er-recipient": "regional_bureau",
                "er-reported_on": "2026-05-06",
                "er-summary": "Initial report",
            },
        )
        assert filed.status_code == 302
        assert AdverseEventReport.objects.get().recipient == "regional_bureau"
        duties = {
            o.recipient: o.status
            for o in Obligation.objects.filter(
                subject_type="reporting.adverseevent", subject_id=str(event.pk)
            )
        }
        assert duties == {"committee": "open", "regional_bureau": "met"}
        after = client_for("officer").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Reports filed" in after and "2026-05-06" in after


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
        # Submitting without the items Ordinance Art 37(1) asks for: each refused on its field.
        for language, words in (
            ("en", "Ordinance Art 37(1)(iii)"),
            ("ja", "施行規則第37条第1項第3号"),
        ):
            refused = client_for("officer").post(
                url,
                {"action": "submit", "ct-conflicts_of_interest": "none"},
                HTTP_ACCEPT_LANGUAGE=language,
            )
            assert refused.status_code == 400
            html = refused.content.decode()
            assert 'id="id_ct-evaluation_error"' in html
            assert 'id="id_ct-non_compliance_error"' in html
            assert 'id="id_ct-conflicts_of_interest_error"' not in html
            assert words in html
        report.refresh_from_db()
        assert report.status == "draft"
        saved = client_for("officer").post(
            url,
            {"action": "save", "ct-evaluation": "Safe and consistent.", "ct-non_compliance": ""},
        )
        assert saved.status_code == 302
        report.refresh_from_db()
        assert (report.status, report.evaluation) == ("draft", "Safe and consistent.")
        submitted = client_for("officer").post(
            url,
            {
                "action": "submit",
                "ct-evaluation": "Safe and consistent.",
                "ct-conflicts_of_interest": "none",
                "ct-non_compliance": "none",
            },
        )
        assert submitted.status_code == 302
        duties = {
            o.recipient: o.status
            for o in Obligation.objects.filter(rule="periodic_report", period=1)
        }
        assert duties == {"committee": "met", "regional_bureau": "open"}
        assert (
            client_for("officer")
            .post(url, {"action": "review", "op-continuation": "continue", "op-opinion": "x"})
            .status_code
            == 403
        )
        # Filing with the authority is refused before the committee's opinion.
        early = client_for("officer").post(
            url, {"action": "file", "fi-filed_on": "2026-06-10"}, HTTP_ACCEPT_LANGUAGE="en"
        )
        assert early.status_code == 400
        assert "Ordinance Art 38" in early.content.decode()
        queue = client_for("secretariat").get("/reporting/reviews/").content.decode()
        assert url in queue
        assert client_for("officer").get("/reporting/reviews/").status_code == 403
        no_choice = client_for("secretariat").post(
            url, {"action": "review", "op-opinion": "Consistent."}
        )
        assert no_choice.status_code == 400
        assert (
            client_for("secretariat")
            .post(
                url,
                {
                    "action": "review",
                    "op-continuation": "continue_with_changes",
                    "op-opinion": "Consistent.",
                },
            )
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
        assert (report.status, report.continuation) == ("filed", "continue_with_changes")
        duties = {
            o.recipient: o.status
            for o in Obligation.objects.filter(rule="periodic_report", period=1)
        }
        assert duties == {"committee": "met", "regional_bureau": "met"}
        csv_text = client_for("officer").get(f"{url}csv/").content.decode("utf-8-sig")
        for row in (
            "cases,treatments,0",
            "institution,evaluation,Safe and consistent.",
            "institution,conflicts_of_interest,none",
            "institution,non_compliance,none",
            "committee,continuation,continue_with_changes",
            "committee,opinion,Consistent.",
            "committee,submitted_on,2026-06-10",
            "authority,filed_on,2026-06-10",
        ):
            assert row in csv_text, row
        printable = client_for("regulator").get(url, HTTP_ACCEPT_LANGUAGE="ja").content.decode()
        assert "定期報告" in printable
        assert "変更又は条件付きで継続" in printable  # the opinion on continuing, in Japanese
        assert "利益相反に関する事項" in printable
        english = client_for("regulator").get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "Continue with changes or conditions" in english
        assert "(ii) Adverse events and their course" in english
        assert "Regional Bureau of Health and Welfare" in english


def test_a_csv_cell_of_written_text_is_never_a_formula(active_plan, personas, client_for) -> None:
    from saisei.reporting.services import periodic_report_generate, periodic_report_write

    with at(dt.date(2026, 6, 10)):
        report = periodic_report_generate(plan=active_plan, period=1, actor=personas.officer)
        periodic_report_write(report=report, actor=personas.officer, evaluation="=HYPERLINK(1)")
        csv_text = client_for("officer").get(f"/reporting/periodic/{report.pk}/csv/")
    assert "institution,evaluation,'=HYPERLINK(1)" in csv_text.content.decode("utf-8-sig")


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
        # Two duties, one per recipient: the committee's and the Regional Bureau's report.
        assert '<span class="badge status-bad">2</span>' in html
        assert "counted once for each recipient" in html
        assert '<tr><th scope="row">certified committee</th><td>0</td><td>0</td><td>1</td>' in html
        assert (
            '<tr><th scope="row">Regional Bureau of Health and Welfare</th><td>0</td><td>0</td>'
            "<td>1</td>" in html
        )
        assert "P-777" not in html
        # Each overdue duty by name, recipient and due date: 7 days from 2026-04-28, the
        # Bureau's rolled past the Golden Week holidays (5 May, and the 6th in lieu of the 3rd).
        death = "Adverse event report: death or a case that may lead to death (7 days)"
        for recipient, due in (
            ("certified committee", "2026-05-05"),
            ("Regional Bureau of Health and Welfare", "2026-05-07"),
        ):
            assert f"<tr><td>{death} <span" in html
            assert f"<td>{recipient}</td><td>{due}</td></tr>" in html
        api = client_for(None).get(f"/api/v1/reporting/public/plans/{active_plan.pk}").json()
        assert [(d["rule"], d["recipient"], d["due_on"]) for d in api["overdue"]] == [
            ("ae_death", "committee", "2026-05-05"),
            ("ae_death", "regional_bureau", "2026-05-07"),
        ]
        ja = (
            client_for(None)
            .get(f"/plans/verify/{active_plan.pk}/", HTTP_ACCEPT_LANGUAGE="ja")
            .content.decode()
        )
        assert "現在期限超過" in ja
