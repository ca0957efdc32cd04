"""Idempotent creation: one Idempotency-Key, one record, however often it is sent.

Every POST that answers 201 takes the `Idempotency-Key` header; the pages' creating forms carry
a hidden key. The first request with a key creates the record and its answer is kept with the
key (per actor, for 24 hours); a repeat with the same body creates nothing and gets that answer,
one with another body is refused. The concurrent variant needs PostgreSQL: SQLite's shared
in-memory test database refuses a second writer ("table is locked") instead of making it wait.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from typing import Any

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.test import Client

from saisei.accounts.models import ApiToken
from saisei.api.idempotency import KEY_HEADER, creates
from saisei.api.models import IdempotencyKey
from saisei.audit.models import AuditEvent
from saisei.config.api import api
from saisei.reporting.models import AdverseEvent, Treatment
from saisei.reporting.selectors import event_duties
from tests.reporting.conftest import active_plan, world
from tests.support import at, needs_postgresql

# The reporting tests' world: the demo registry as on 2025-06-02 and an active Class II plan.
__all__ = ["active_plan", "world"]

LEARNED = dt.date(2026, 4, 28)
KEY = "7d1c2a0e-5b7e-4a43-9f0c-2f3a1d9e6b11"
AE = {
    "patient_code": "P-001",
    "learned_on": "2026-04-28",
    "category": "death",
    "description": "Death after infusion (fictional)",
    "outcome": "fatal",
    "causality": "possibly_related",
}


def _events_url(plan: Any) -> str:
    return f"/api/v1/reporting/plans/{plan.pk}/adverse-events"


def _post(client: Client, url: str, body: dict[str, Any], key: str | None = KEY) -> Any:
    headers = {} if key is None else {"HTTP_IDEMPOTENCY_KEY": key}
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def _one_event_and_its_duties(plan: Any) -> AdverseEvent:
    event = AdverseEvent.objects.get(plan=plan)
    # A death owes two reports: to the committee and to the plan's authority.
    assert sorted(d.recipient for d in event_duties(event)) == ["committee", "regional_bureau"]
    assert AuditEvent.objects.filter(action__startswith="reporting.adverse_event").count() == 1
    return event


# The API -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_a_repeated_post_with_one_key_creates_one_event_and_answers_as_the_first(
    active_plan, client_for
) -> None:
    client = client_for("officer")
    with at(LEARNED):
        first = _post(client, _events_url(active_plan), AE)
        # The same JSON written with other spacing and key order is the same request.
        again = client.post(
            _events_url(active_plan),
            json.dumps(dict(reversed(list(AE.items()))), indent=2),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=KEY,
        )
    assert first.status_code == again.status_code == 201, first.content
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert not first.has_header("Idempotent-Replayed")
    event = _one_event_and_its_duties(active_plan)
    assert first.json()["id"] == event.pk


@pytest.mark.django_db
def test_without_a_key_each_post_creates_a_record(active_plan, client_for) -> None:
    client = client_for("officer")
    with at(LEARNED):
        for _ in range(2):
            assert _post(client, _events_url(active_plan), AE, key=None).status_code == 201
    assert AdverseEvent.objects.count() == 2
    assert not IdempotencyKey.objects.exists()


@pytest.mark.django_db
def test_the_same_key_with_another_body_is_refused(active_plan, client_for) -> None:
    client = client_for("officer")
    with at(LEARNED):
        assert _post(client, _events_url(active_plan), AE).status_code == 201
        refused = _post(client, _events_url(active_plan), {**AE, "patient_code": "P-002"})
        elsewhere = _post(
            client,
            f"/api/v1/reporting/plans/{active_plan.pk}/treatments",
            {"patient_code": "P-001", "treated_on": "2026-04-01"},
        )
    for response in (refused, elsewhere):
        assert response.status_code == 422
        body = response.json()
        assert set(body) == {"code", "message", "details"}
        assert body["code"] == "idempotency_key_reused"
        assert [e["field"] for e in body["details"]["errors"]] == [KEY_HEADER]
    _one_event_and_its_duties(active_plan)
    assert not Treatment.objects.exists()


@pytest.mark.django_db
def test_two_actors_with_the_same_key_are_independent(active_plan, client_for) -> None:
    with at(LEARNED):
        by_officer = _post(client_for("officer"), _events_url(active_plan), AE)
        by_staff = _post(client_for("staff"), _events_url(active_plan), AE)
    assert by_officer.status_code == by_staff.status_code == 201
    assert by_officer.json()["id"] != by_staff.json()["id"]
    assert not by_staff.has_header("Idempotent-Replayed")
    assert AdverseEvent.objects.count() == 2
    assert IdempotencyKey.objects.filter(key=KEY).count() == 2


@pytest.mark.django_db
def test_a_refused_request_keeps_nothing_so_its_corrected_retry_may_reuse_the_key(
    active_plan, client_for
) -> None:
    client = client_for("officer")
    with at(LEARNED):
        refused = _post(client, _events_url(active_plan), {**AE, "learned_on": "2026-05-30"})
        assert refused.status_code == 400  # in the future
        assert not IdempotencyKey.objects.exists()
        created = _post(client, _events_url(active_plan), AE)
    assert created.status_code == 201
    assert not created.has_header("Idempotent-Replayed")
    _one_event_and_its_duties(active_plan)


@pytest.mark.django_db
def test_a_key_lasts_a_day(active_plan, client_for) -> None:
    client = client_for("officer")
    noon = dt.datetime(2026, 4, 28, 3, 0, tzinfo=dt.UTC)
    with time_machine.travel(noon, tick=False) as clock:
        assert _post(client, _events_url(active_plan), AE).status_code == 201
        clock.shift(dt.timedelta(hours=23, minutes=59))
        assert _post(client, _events_url(active_plan), AE)["Idempotent-Replayed"] == "true"
        clock.shift(dt.timedelta(minutes=2))
        later = _post(client, _events_url(active_plan), AE)
    assert later.status_code == 201
    assert not later.has_header("Idempotent-Replayed")
    assert AdverseEvent.objects.count() == 2
    assert IdempotencyKey.objects.count() == 1  # the expired row gave way to the new one


@pytest.mark.django_db
@pytest.mark.parametrize("key", ["", "with space", "x" * 256, "キー", "trailing-newline\n"])
def test_a_malformed_key_is_refused(active_plan, client_for, key) -> None:
    with at(LEARNED):
        response = _post(client_for("officer"), _events_url(active_plan), AE, key=key)
    assert response.status_code == 422
    assert [e["field"] for e in response.json()["details"]["errors"]] == [KEY_HEADER]
    assert not AdverseEvent.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_posts_with_one_key_create_one_event_and_its_duties(
    active_plan, personas
) -> None:
    needs_postgresql("concurrent writers need PostgreSQL (set DATABASE_URL)")
    barrier = threading.Barrier(20)
    responses: list[Any] = []
    errors: list[BaseException] = []

    def post() -> None:
        try:
            client = Client()
            client.force_login(personas.officer)
            barrier.wait(timeout=30)
            responses.append(_post(client, _events_url(active_plan), AE))
        except BaseException as exc:
            errors.append(exc)
        finally:
            connections.close_all()

    with at(LEARNED):
        threads = [threading.Thread(target=post) for _ in range(20)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=120)
    assert not any(t.is_alive() for t in threads)
    assert errors == []
    assert [r.status_code for r in responses] == [201] * 20
    assert len({r.content for r in responses}) == 1
    assert sum(r.has_header("Idempotent-Replayed") for r in responses) == 19
    _one_event_and_its_duties(active_plan)


@pytest.mark.django_db
def test_every_creating_post_documents_and_takes_the_key(client_for) -> None:
    schema = Client().get("/api/v1/openapi.json").json()
    documented = set()
    creating = set()
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            names = {p["name"] for p in operation.get("parameters", [])}
            if KEY_HEADER in names:
                documented.add((method, path))
            if method == "post" and "201" in operation["responses"]:
                creating.add((method, path))
    assert len(creating) >= 20
    assert documented == creating
    bound = [
        operation
        for router in api._get_bound_routers()
        for view in router.path_operations.values()
        for operation in view.operations
    ]
    assert sum(creates(operation) for operation in bound) == len(creating)
    for operation in bound:
        wrapped = getattr(operation.view_func, "saisei_idempotent", False)
        assert wrapped == creates(operation), operation.path


@pytest.mark.django_db
def test_a_token_created_with_a_key_is_not_shown_again(client_for, personas) -> None:
    client = client_for("officer")
    first = _post(client, "/api/v1/me/tokens", {"name": "ci"})
    again = _post(client, "/api/v1/me/tokens", {"name": "ci"})
    assert first.status_code == 201
    secret = first.json()["token"]
    assert again.status_code == 409
    body = again.json()
    assert body["code"] == "idempotency_result_withheld"
    assert body["details"]["result"]["id"] == first.json()["id"]
    assert "token" not in body["details"]["result"]
    assert ApiToken.objects.filter(user=personas.officer).count() == 1
    assert secret not in IdempotencyKey.objects.get().body  # the secret is never stored


@pytest.mark.django_db
def test_an_import_with_a_key_imports_once(active_plan, client_for) -> None:
    client = client_for("officer")
    url = f"/api/v1/reporting/plans/{active_plan.pk}/treatments/import"
    data = b"patient_code,treated_on\nP-1,2025-07-01\nP-2,2025-07-02\n"
    with at(dt.date(2025, 8, 1)):
        answers = [
            client.post(
                url,
                {"file": SimpleUploadedFile("t.csv", data, content_type="text/csv")},
                HTTP_IDEMPOTENCY_KEY=KEY,
            )
            for _ in range(2)
        ]
        other_file = client.post(
            url,
            {"file": SimpleUploadedFile("t.csv", data + b"P-3,2025-07-03\n")},
            HTTP_IDEMPOTENCY_KEY=KEY,
        )
    assert [a.status_code for a in answers] == [201, 201]
    assert answers[0].json() == answers[1].json() == {"created": 2}
    assert answers[1]["Idempotent-Replayed"] == "true"
    assert other_file.status_code == 422
    assert Treatment.objects.count() == 2


# The pages ---------------------------------------------------------------------------------


def _hub(plan: Any) -> str:
    return f"/reporting/plans/{plan.pk}/"


def _form_key(html: str) -> str:
    marker = 'name="idempotency_key" value="'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


@pytest.mark.django_db
def test_each_rendering_of_a_creating_form_carries_a_new_key(active_plan, client_for) -> None:
    client = client_for("officer")
    with at(LEARNED):
        first = client.get(_hub(active_plan)).content.decode()
        second = client.get(_hub(active_plan)).content.decode()
        account = client.get("/accounts/").content.decode()
    assert _form_key(first) != _form_key(second)
    # Every creating form of the hub (treatment, outcome, two imports, event, cycle report)
    # and the periodic report's "Generate" carries one.
    assert first.count('name="idempotency_key"') >= 6
    assert 'name="idempotency_key"' in account


@pytest.mark.django_db
def test_a_double_submitted_form_creates_one_record(active_plan, client_for) -> None:
    client = client_for("officer")
    form = {
        "action": "adverse_event",
        "idempotency_key": KEY,
        "ae-patient_code": "P-001",
        "ae-learned_on": "2026-04-28",
        "ae-category": "death",
        "ae-description": "Death after infusion (fictional)",
        "ae-outcome": "fatal",
        "ae-causality": "possibly_related",
    }
    with at(LEARNED):
        first = client.post(_hub(active_plan), form)
        second = client.post(_hub(active_plan), form)
        other = client.post(_hub(active_plan), {**form, "ae-patient_code": "P-002"})
    assert first.status_code == second.status_code == 302
    assert first["Location"] == second["Location"]
    assert other.status_code == 422
    _one_event_and_its_duties(active_plan)


@pytest.mark.django_db
def test_a_double_submitted_csv_upload_imports_once(active_plan, client_for) -> None:
    client = client_for("officer")
    data = b"patient_code,treated_on\nP-1,2025-07-01\nP-2,2025-07-02\n"
    with at(dt.date(2025, 8, 1)):
        answers = [
            client.post(
                _hub(active_plan),
                {
                    "action": "treatments_csv",
                    "idempotency_key": KEY,
                    "tc-file": SimpleUploadedFile("t.csv", data),
                },
            )
            for _ in range(2)
        ]
    assert [a.status_code for a in answers] == [302, 302]
    assert Treatment.objects.count() == 2
    assert AuditEvent.objects.filter(action="reporting.treatments.imported").count() == 1


@pytest.mark.django_db
def test_a_double_submitted_token_form_creates_one_token(client_for, personas) -> None:
    client = client_for("officer")
    form = {"name": "laptop", "idempotency_key": KEY}
    first = client.post("/accounts/tokens/", form, HTTP_ACCEPT_LANGUAGE="en")
    second = client.post("/accounts/tokens/", form, HTTP_ACCEPT_LANGUAGE="en")
    assert first.status_code == 200
    assert "saisei_" in first.content.decode()  # the secret, shown once
    assert second.status_code == 409
    assert "shown only once" in second.content.decode()
    assert "saisei_" not in second.content.decode()
    assert ApiToken.objects.filter(user=personas.officer).count() == 1


@pytest.mark.django_db
def test_a_form_shown_again_with_errors_keeps_no_key(active_plan, client_for) -> None:
    client = client_for("staff")
    form = {
        "action": "treatment",
        "idempotency_key": KEY,
        "t-patient_code": "山田",
        "t-treated_on": "2025-07-01",
        "t-facility": str(active_plan.plan_facilities.get().facility_id),
    }
    with at(dt.date(2025, 8, 1)):
        refused = client.post(_hub(active_plan), form)
        corrected = client.post(_hub(active_plan), {**form, "t-patient_code": "P-001"})
    assert refused.status_code == 400
    assert corrected.status_code == 302
    assert Treatment.objects.get().patient_code == "P-001"
