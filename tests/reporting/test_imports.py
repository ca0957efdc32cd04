"""CSV imports that do not block the system.

An import reads and checks every row with no transaction open, reading the plan's facilities or
criteria and the rows already recorded once each, then writes all rows in one short transaction
(bulk inserts in chunks, one audit event), or nothing. While a large file is being checked
other users' writes and bearer-token reads go on. Timings live in `make bench`, not here.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.test import Client
from django.test.utils import CaptureQueriesContext

from saisei.accounts.models import ApiToken
from saisei.accounts.services import token_create
from saisei.audit.models import AuditEvent
from saisei.audit.services import audit_verify
from saisei.core.errors import DomainError
from saisei.plans.lifecycle import PlanStatus
from saisei.plans.models import Plan
from saisei.reporting import services
from saisei.reporting.models import OutcomeMeasurement, Treatment
from tests.support import at

TODAY = dt.date(2025, 12, 1)  # the plan (tests/reporting/conftest.py) is active from 2025-06-02
FIRST_DAY = dt.date(2025, 6, 2)


def _treatments_csv(rows: int, *, facility: str = "", start: int = 0) -> bytes:
    days = (TODAY - FIRST_DAY).days
    lines = ["patient_code,treated_on,facility_number,lot"]
    for n in range(start, start + rows):
        day = FIRST_DAY + timedelta(days=n % days)
        lines.append(f"IM-{n:06d},{day.isoformat()},{facility},LOT-{n % 50}")
    return ("\n".join(lines) + "\n").encode()


def _upload(data: bytes, name: str = "rows.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="text/csv")


def _import_url(plan: Plan, what: str = "treatments") -> str:
    return f"/api/v1/reporting/plans/{plan.pk}/{what}/import"


@pytest.mark.django_db
def test_twenty_thousand_rows_import_through_the_api_with_set_based_queries(
    active_plan, client_for
) -> None:
    client = client_for("officer")
    with at(TODAY), CaptureQueriesContext(connection) as queries:
        response = client.post(
            _import_url(active_plan), {"file": _upload(_treatments_csv(services.MAX_IMPORT_ROWS))}
        )
    assert response.status_code == 201, response.content
    assert response.json() == {"created": 20_000}
    assert Treatment.objects.filter(plan=active_plan).count() == 20_000
    assert Treatment.objects.filter(plan=active_plan, patient_code="IM-019999").get().lot == (
        "LOT-49"
    )
    events = AuditEvent.objects.filter(action="reporting.treatments.imported")
    assert [e.data["rows"] for e in events] == [20_000]
    assert audit_verify().ok
    # Set-based: the reads do not grow with the rows (the old import read the plan's facilities
    # once per row), and the rows go in chunks of hundreds, not one INSERT each.
    # An executemany is logged once, as "<rows> times: <sql>".
    sql = [re.sub(r"^\d+ TIMES: ", "", q["sql"].lstrip().upper()) for q in queries.captured_queries]
    table = Treatment._meta.db_table.upper()
    inserts = [s for s in sql if s.startswith("INSERT") and table in s]
    selects = [s for s in sql if s.startswith("SELECT")]
    assert 1 <= len(inserts) <= 20_000 // 100
    assert len(selects) <= 25


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row", [0, 1_000, 1_999])
def test_an_invalid_row_anywhere_writes_nothing(active_plan, personas, bad_row) -> None:
    lines = _treatments_csv(2_000).decode().splitlines()
    lines[1 + bad_row] = f"山田太郎,{FIRST_DAY.isoformat()},,L"  # a name, never a code
    with pytest.raises(DomainError) as raised:
        services.treatments_import_csv(
            plan=active_plan, source="\n".join(lines), actor=personas.officer, today=TODAY
        )
    assert raised.value.code == "csv_invalid"
    assert [(e["line"], e["field"]) for e in raised.value.details["errors"]] == [
        (bad_row + 2, "patient_code")
    ]
    assert not Treatment.objects.exists()
    assert not AuditEvent.objects.filter(action="reporting.treatments.imported").exists()


@pytest.mark.django_db
def test_every_bad_line_is_named_and_nothing_is_silently_shortened(active_plan, personas) -> None:
    text = (
        "patient_code,treated_on,lot\n"
        "P-1,2025-07-01,ok\n"
        "P-2,20250701,ok\n"  # an ISO basic date is not the documented YYYY-MM-DD
        "P-3,2025-07-01," + "L" * 61 + "\n"
        "P-4,2030-01-01,ok\n"
        "\n"  # blank lines are skipped
        "P-5,2025-05-01,ok\n"
    )
    with pytest.raises(DomainError) as raised:
        services.treatments_import_csv(
            plan=active_plan, source=text, actor=personas.officer, today=TODAY
        )
    errors = raised.value.details["errors"]
    assert [(e["line"], e["field"], e["code"]) for e in errors] == [
        (3, "treated_on", "invalid_input"),
        (4, "lot", "invalid_input"),
        (5, "treated_on", "date_in_future"),
        (7, "", "plan_restricted"),  # before the plan could be provided
    ]
    assert all(e["message"] for e in errors)
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_every_line_with_a_bad_value_is_named_even_when_the_value_repeats(
    active_plan, personas
) -> None:
    """A date or facility number is checked once, and its verdict holds for every line that
    repeats it: each bad line is still named, each good one still passes."""
    text = (
        "patient_code,treated_on,facility_number,lot\n"
        "P-1,2025-07-01,,a\n"
        "P-2,2025-02-30,,b\n"  # no such day
        "P-3,2025-07-01,NOPE,c\n"
        "P-4,2025-02-30,,d\n"
        "P-5,2025-07-01,NOPE,e\n"
        "P-6,2025-05-01,,f\n"  # before the plan could be provided
        "P-7,2025-05-01,,g\n"
    )
    with pytest.raises(DomainError) as raised:
        services.treatments_import_csv(
            plan=active_plan, source=text, actor=personas.officer, today=TODAY
        )
    assert [(e["line"], e["field"], e["code"]) for e in raised.value.details["errors"]] == [
        (3, "treated_on", "invalid_input"),
        (4, "facility", "facility_not_in_plan"),
        (5, "treated_on", "invalid_input"),
        (6, "facility", "facility_not_in_plan"),
        (7, "", "plan_restricted"),
        (8, "", "plan_restricted"),
    ]
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_rows_shorter_or_longer_than_the_header_read_by_column(active_plan, personas) -> None:
    text = (
        "lot,patient_code,treated_on\n"  # any column order; facility_number absent
        "L-1,P-1,2025-07-01,extra,cells\n"
        "L-2,P-2\n"  # no treated_on
        "L-3,P-3,2025-07-03\n"
    )
    with pytest.raises(DomainError) as raised:
        services.treatments_import_csv(
            plan=active_plan, source=text, actor=personas.officer, today=TODAY
        )
    assert [(e["line"], e["field"]) for e in raised.value.details["errors"]] == [(3, "treated_on")]
    services.treatments_import_csv(
        plan=active_plan,
        source=text.replace("L-2,P-2\n", ""),
        actor=personas.officer,
        today=TODAY,
    )
    facility = active_plan.plan_facilities.get(is_current=True).facility
    assert sorted(
        Treatment.objects.values_list(
            "patient_code", "treated_on", "lot", "facility_id", "recorded_by_id"
        )
    ) == [
        ("P-1", dt.date(2025, 7, 1), "L-1", facility.pk, personas.officer.pk),
        ("P-3", dt.date(2025, 7, 3), "L-3", facility.pk, personas.officer.pk),
    ]
    assert all(t.created_at is not None for t in Treatment.objects.all())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("data", "line"),
    [
        ("patient_code,treated_on\nP-1,2025-07-01\nP-\xe9,2025-07-02\n".encode("latin-1"), 3),
        (b"patient_code,treated_on\nP-1,2025-07-01\nP-2,2025-07\x00-02\n", 3),
    ],
    ids=["not-utf8", "nul-byte"],
)
def test_an_unreadable_file_is_refused_with_its_line(active_plan, personas, data, line) -> None:
    with pytest.raises(DomainError) as raised:
        services.treatments_import_csv(
            plan=active_plan, source=data, actor=personas.officer, today=TODAY
        )
    assert raised.value.code == "csv_invalid"
    assert [e["line"] for e in raised.value.details["errors"]] == [line]
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_a_file_over_the_row_limit_is_refused(active_plan, personas, monkeypatch) -> None:
    monkeypatch.setattr(services.imports, "MAX_IMPORT_ROWS", 10)
    with pytest.raises(DomainError) as raised:
        services.treatments_import_csv(
            plan=active_plan, source=_treatments_csv(11), actor=personas.officer, today=TODAY
        )
    assert raised.value.details["errors"][0]["line"] == 12
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_the_write_refuses_a_file_checked_before_the_plan_was_suspended(
    active_plan, personas
) -> None:
    batch = services.treatments_import_check(
        plan=active_plan, source=_treatments_csv(5), actor=personas.officer, today=TODAY
    )
    Plan.objects.filter(pk=active_plan.pk).update(status=PlanStatus.SUSPENDED)
    with pytest.raises(DomainError) as raised:
        services.treatments_import_write(batch=batch)
    assert raised.value.code == "plan_suspended"
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_the_write_refuses_rows_whose_facility_left_the_plan_meanwhile(
    active_plan, personas
) -> None:
    batch = services.treatments_import_check(
        plan=active_plan, source=_treatments_csv(3), actor=personas.officer, today=TODAY
    )
    active_plan.plan_facilities.update(is_current=False)
    with pytest.raises(DomainError) as raised:
        services.treatments_import_write(batch=batch)
    assert [(e["line"], e["code"]) for e in raised.value.details["errors"]] == [
        (2, "facility_not_in_plan"),
        (3, "facility_not_in_plan"),
        (4, "facility_not_in_plan"),
    ]
    assert not Treatment.objects.exists()


def _outcomes(plan: Plan, personas, text: str):
    return services.outcomes_import_csv(plan=plan, source=text, actor=personas.officer, today=TODAY)


@pytest.mark.django_db
def test_an_outcome_value_must_fit_its_column(active_plan, personas) -> None:
    services.treatments_import_csv(
        plan=active_plan, source=_treatments_csv(3), actor=personas.officer, today=TODAY
    )
    text = (
        "patient_code,treated_on,criterion,measured_on,value,note\n"
        "IM-000000,2025-06-02,1,2025-07-01,1e30,\n"  # the finding that broke every read
        "IM-000001,2025-06-03,1,2025-07-01,1.23456,\n"  # five decimals in a four-decimal column
        "IM-000002,2025-06-04,1,2025-07-01,12.5," + "n" * 301 + "\n"
    )
    with pytest.raises(DomainError) as raised:
        _outcomes(active_plan, personas, text)
    assert [(e["line"], e["field"]) for e in raised.value.details["errors"]] == [
        (2, "value"),
        (3, "value"),
        (4, "note"),
    ]
    assert not OutcomeMeasurement.objects.exists()


@pytest.mark.django_db
def test_an_outcome_recorded_while_the_file_was_checked_refuses_the_whole_file(
    active_plan, personas
) -> None:
    services.treatments_import_csv(
        plan=active_plan, source=_treatments_csv(2), actor=personas.officer, today=TODAY
    )
    text = (
        "patient_code,treated_on,criterion,measured_on,value\n"
        "IM-000000,2025-06-02,1,2025-07-01,10\n"
        "IM-000001,2025-06-03,1,2025-07-01,20\n"
    )
    batch = services.outcomes_import_check(
        plan=active_plan, source=text, actor=personas.officer, today=TODAY
    )
    services.outcome_record(
        treatment=Treatment.objects.get(patient_code="IM-000001"),
        criterion=active_plan.criteria.get(),
        measured_on=dt.date(2025, 7, 1),
        value=Decimal("21"),
        actor=personas.staff,
        today=TODAY,
    )
    with pytest.raises(DomainError) as raised:
        services.outcomes_import_write(batch=batch)
    assert (raised.value.code, raised.value.status) == ("duplicate", 409)
    assert list(OutcomeMeasurement.objects.values_list("value", flat=True)) == [Decimal("21")]
    assert not AuditEvent.objects.filter(action="reporting.outcomes.imported").exists()


@pytest.mark.django_db
def test_outcomes_import_through_the_api_as_a_file(active_plan, client_for, personas) -> None:
    services.treatments_import_csv(
        plan=active_plan, source=_treatments_csv(2), actor=personas.officer, today=TODAY
    )
    text = (
        "\ufeffpatient_code,treated_on,criterion,measured_on,value,note\n"
        "IM-000000,2025-06-02,1,2025-07-01,10.5,first\n"
        "IM-000001,2025-06-03,1,2025-07-02,-3,\n"
    )
    with at(TODAY):
        response = client_for("staff").post(
            _import_url(active_plan, "outcomes"), {"file": _upload(text.encode())}
        )
    assert response.status_code == 201, response.content
    assert sorted(OutcomeMeasurement.objects.values_list("value", "note")) == [
        (Decimal("-3"), ""),
        (Decimal("10.5"), "first"),
    ]


@pytest.mark.django_db
def test_the_import_takes_a_file_upload_not_a_json_body(active_plan, client_for) -> None:
    with at(TODAY):
        response = client_for("officer").post(
            _import_url(active_plan),
            {"csv": "patient_code,treated_on\nP-1,2025-07-01\n"},
            content_type="application/json",
        )
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_input"
    assert "file" in {e["field"].rsplit(".", 1)[-1] for e in body["details"]["errors"]}
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_the_openapi_documents_the_upload_and_its_limit(client_for, settings) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    for what in ("treatments", "outcomes"):
        operation = schema["paths"][f"/api/v1/reporting/plans/{{plan_id}}/{what}/import"]["post"]
        body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
        assert body["properties"]["file"]["format"] == "binary"
        assert "SAISEI_MAX_UPLOAD_BYTES" in operation["description"]
        assert f"{settings.SAISEI_MAX_UPLOAD_BYTES:,}" in operation["description"]
        assert "413" in operation["responses"]


# While the file is being checked -------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_other_writes_and_token_reads_go_on_while_an_import_is_being_checked(
    active_plan, personas, monkeypatch
) -> None:
    """The checking phase holds no transaction, hence no lock: SQLite's single write lock is
    free, so another user's write and a bearer token's read (which records the token's last
    use, a write) succeed while the import is paused halfway through its rows."""
    rows = 4_000
    halfway = threading.Event()
    resume = threading.Event()
    seen = {"rows": 0, "in_transaction": None}
    check = services.imports._check_patient_code

    def pausing_check(code: str) -> str:
        seen["rows"] += 1
        if seen["rows"] == rows // 2:
            seen["in_transaction"] = connection.in_atomic_block
            halfway.set()
            assert resume.wait(timeout=30), "the test never resumed the import"
        return check(code)

    monkeypatch.setattr(services.imports, "_check_patient_code", pausing_check)
    token = token_create(user=personas.regulator, name="reader", actor=personas.regulator)
    result: dict[str, object] = {}

    def run_import() -> None:
        try:
            client = Client()
            client.force_login(personas.officer)
            response = client.post(
                _import_url(active_plan), {"file": _upload(_treatments_csv(rows))}
            )
            result["status"] = response.status_code
            result["body"] = response.json()
        except BaseException as exc:  # reported by the assertions below
            result["error"] = exc
        finally:
            halfway.set()
            connections.close_all()

    with at(TODAY):
        importer = threading.Thread(target=run_import)
        importer.start()
        try:
            assert halfway.wait(timeout=60), "the import never reached its rows"
            assert "error" not in result, result
            assert seen["in_transaction"] is False  # checked with no transaction open
            staff = Client()
            staff.force_login(personas.staff)
            written = staff.post(
                f"/api/v1/reporting/plans/{active_plan.pk}/treatments",
                {"patient_code": "OTHER-1", "treated_on": "2025-11-30"},
                content_type="application/json",
            )
            read = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token.secret}")
        finally:
            resume.set()
            importer.join(timeout=120)
    assert not importer.is_alive()
    assert written.status_code == 201, written.content
    assert read.status_code == 200, read.content
    assert ApiToken.objects.get(pk=token.token.pk).last_used_at is not None
    assert result.get("status") == 201, result
    assert result["body"] == {"created": rows}
    assert Treatment.objects.filter(plan=active_plan).count() == rows + 1
    assert audit_verify().ok
