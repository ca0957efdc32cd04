"""The products API: public reads, the write endpoints per persona, FHIR output."""

from __future__ import annotations

import json
from typing import Any

import pytest
import time_machine
from django.test import Client
from fhir.resources.regulatedauthorization import RegulatedAuthorization

from saisei.audit.models import AuditEvent
from saisei.products.models import Approval, ApprovalEvent, Product
from tests.products.factories import other_holder_with_officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today() -> Any:
    with time_machine.travel("2026-11-25 10:00 +0900", tick=False):
        yield


def _get(path: str, client: Client | None = None) -> Any:
    response = (client or Client()).get(path, HTTP_ACCEPT_LANGUAGE="en")
    return response


def test_the_list_is_public_paginated_and_filtered_on_a_day(reference: str) -> None:
    response = _get("/api/v1/products?limit=5")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 24 and len(body["items"]) == 5
    pending = _get("/api/v1/products?status=conditional_pending_decision&as_of=2026-11-25").json()
    assert [p["slug"] for p in pending["items"]] == ["stemirac"]
    lapsed = _get("/api/v1/products?status=lapsed&as_of=2024-06-27").json()
    assert [p["slug"] for p in lapsed["items"]] == ["collategene"]
    uncertain = _get("/api/v1/products?status=uncertain&as_of=2024-07-20").json()
    assert [p["slug"] for p in uncertain["items"]] == ["heartsheet"]
    # In 2018 HeartSheet's status is known (only its time limit's end is not).
    known = _get("/api/v1/products?status=conditional&as_of=2018-06-01").json()
    assert [p["slug"] for p in known["items"]] == ["heartsheet"]
    assert known["items"][0]["status"]["time_limit_ends_on"] is None
    ipsc = _get("/api/v1/products?category=ipsc_derived").json()
    assert {p["slug"] for p in ipsc["items"]} == {"amchepry", "reheart"}
    conditional = _get("/api/v1/products?approval_type=conditional_time_limited").json()
    assert conditional["count"] == 8
    amchepry = next(p for p in ipsc["items"] if p["slug"] == "amchepry")
    assert amchepry["council_endorsed_on"] == "2026-02-19"
    assert amchepry["approved_on"] == "2026-03-06"
    assert amchepry["status"]["status"] == "conditional"
    assert amchepry["status"]["time_limit_ends_on"] == "2033-03-05"
    assert "may be out of date" in amchepry["status"]["note"]


@pytest.mark.parametrize(
    "query", ["status=bogus", "category=x", "approval_type=y", "as_of=2026-02-30", "limit=-1"]
)
def test_bad_list_filters_answer_422_with_the_error_body(reference: str, query: str) -> None:
    response = _get(f"/api/v1/products?{query}")
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_input"


def test_the_list_costs_a_bounded_number_of_queries(
    reference: str, demo_approval: Approval, django_assert_max_num_queries: Any
) -> None:
    with django_assert_max_num_queries(5):
        response = _get("/api/v1/products?limit=100")
    assert response.json()["count"] == 25


def test_the_detail_has_events_with_sources_evidence_and_conditions(reference: str) -> None:
    body = _get("/api/v1/products/amchepry?as_of=2026-04-01").json()
    approval = body["approvals"][0]
    assert approval["evidence"] == {
        "trial_phase": "phase I/II",
        "patients": 7,
        "follow_up_months": 24,
        "serious_adverse_events": 0,
        "sources": approval["evidence"]["sources"],
    }
    assert approval["conditions"]["target_patients"] == 35
    kinds = [(e["occurred_on"], e["kind"]) for e in approval["events"]]
    assert kinds == [
        ("2025-08-05", "application_filed"),
        ("2026-02-19", "council_endorsed"),
        ("2026-03-06", "approved"),
    ]
    assert all(e["sources"] for e in approval["events"])
    assert body["status"]["status"] == "conditional"


def test_an_unknown_product_is_404(reference: str) -> None:
    response = _get("/api/v1/products/nope")
    assert response.status_code == 404 and response.json()["code"] == "not_found"


@pytest.mark.parametrize("slug", ["amchepry", "heartsheet", "jace", "collategene"])
def test_fhir_regulated_authorization_validates(reference: str, slug: str) -> None:
    approval = Approval.objects.get(product__slug=slug)
    response = _get(f"/api/v1/fhir/RegulatedAuthorization/{approval.pk}?as_of=2022-01-01")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/fhir+json")
    resource = RegulatedAuthorization.model_validate(json.loads(response.content))
    assert resource.id == str(approval.pk)
    assert resource.identifier[0].value == slug
    assert resource.validityPeriod.start.isoformat() == approval.approved_on.isoformat()


def test_fhir_carries_the_status_and_time_limit(reference: str) -> None:
    approval = Approval.objects.get(product__slug="amchepry")
    body = _get(f"/api/v1/fhir/RegulatedAuthorization/{approval.pk}?as_of=2026-04-01").json()
    codes = {c["system"]: c["code"] for c in body["status"]["coding"]}
    assert codes == {
        "http://hl7.org/fhir/publication-status": "active",
        "urn:saisei:pmd-approval-status": "conditional",
    }
    assert body["validityPeriod"] == {"start": "2026-03-06", "end": "2033-03-05"}
    assert [a["dateDateTime"] for a in body["case"]["application"]] == [
        "2025-08-05",
        "2026-02-19",
        "2026-03-06",
    ]
    assert _get("/api/v1/fhir/RegulatedAuthorization/999999").status_code == 404


# Write endpoints by persona --------------------------------------------------------------

REAPPLICATION = {"kind": "reapplication_filed", "occurred_on": "2026-11-20"}
EXTENSION = {"kind": "time_limit_extended", "occurred_on": "2026-11-20", "years": 2}
APPLICATION = {
    "filed_on": "2026-11-01",
    "approval_type": "conditional_time_limited",
    "indication": "fictional new indication",
}


def _post(client: Client, path: str, body: dict[str, Any]) -> Any:
    return client.post(path, json.dumps(body), content_type="application/json")


def _client(personas: Any, who: str | None) -> Client:
    client = Client()
    if who == "other-holder":
        _, user = other_holder_with_officer()
        client.force_login(user)
    elif who is not None:
        client.force_login(personas.user(who))
    return client


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 201),
        ("other-holder", 403),
        ("regulator", 403),
        ("officer", 403),
        (None, 401),
    ],
)
def test_holder_events_endpoint_by_persona(
    personas: Any, demo_approval: Approval, who: str | None, status: int
) -> None:
    client = _client(personas, who)
    before = AuditEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    response = _post(
        client,
        f"/api/v1/products/approvals/{demo_approval.pk}/events",
        REAPPLICATION,
    )
    assert response.status_code == status, response.content
    recorded = demo_approval.events.filter(kind="reapplication_filed").exists()
    assert recorded is (status == 201)
    if status != 201:
        assert response.json()["code"] in ("permission_denied", "not_authenticated")
        assert not AuditEvent.objects.filter(pk__gt=before, action__startswith="products.").exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regulator", 201),
        ("holder", 403),
        ("other-holder", 403),
        ("officer", 403),
        (None, 401),
    ],
)
def test_decisions_endpoint_by_persona(
    personas: Any, demo_approval: Approval, who: str | None, status: int
) -> None:
    response = _post(
        _client(personas, who),
        f"/api/v1/products/approvals/{demo_approval.pk}/decisions",
        EXTENSION,
    )
    assert response.status_code == status, response.content
    assert demo_approval.events.filter(kind="time_limit_extended").exists() is (status == 201)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("holder", 201),
        ("other-holder", 403),
        ("regulator", 403),
        ("officer", 403),
        (None, 401),
    ],
)
def test_applications_endpoint_by_persona(
    personas: Any, demo_approval: Approval, who: str | None, status: int
) -> None:
    slug = demo_approval.product.slug
    response = _post(_client(personas, who), f"/api/v1/products/{slug}/applications", APPLICATION)
    assert response.status_code == status, response.content
    assert Approval.objects.filter(product__slug=slug).count() == (2 if status == 201 else 1)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("regulator", 200),
        ("holder", 403),
        ("other-holder", 403),
        ("officer", 403),
        (None, 401),
    ],
)
def test_grant_endpoint_by_persona(
    personas: Any, demo_approval: Approval, who: str | None, status: int
) -> None:
    from saisei.products.services import application_file

    pending = application_file(
        product=demo_approval.product,
        actor=personas.holder,
        filed_on=Product.objects.get(pk=demo_approval.product_id).approvals.first().approved_on,
        approval_type="standard",
        indication="fictional",
    )
    response = _post(
        _client(personas, who),
        f"/api/v1/products/approvals/{pending.pk}/grant",
        {"approved_on": "2026-11-02"},
    )
    assert response.status_code == status, response.content
    pending.refresh_from_db()
    assert (pending.approved_on is not None) is (status == 200)


def test_a_sequencing_refusal_answers_409_with_its_code_and_changes_nothing(
    personas: Any, demo_approval: Approval
) -> None:
    before = ApprovalEvent.objects.count()
    response = _post(
        _client(personas, "regulator"),
        f"/api/v1/products/approvals/{demo_approval.pk}/decisions",
        {"kind": "reapplication_refused", "occurred_on": "2026-11-20"},
    )
    assert response.status_code == 409
    assert response.json()["code"] == "product_no_pending_reapplication"
    assert ApprovalEvent.objects.count() == before


def test_a_bearer_token_works_for_the_holder(personas: Any, demo_approval: Approval) -> None:
    from saisei.accounts.services import token_create

    issued = token_create(user=personas.holder, name="ci", actor=personas.holder)
    response = Client().post(
        f"/api/v1/products/approvals/{demo_approval.pk}/events",
        json.dumps(
            {"kind": "confirmatory_data_submitted", "occurred_on": "2026-11-01", "patients": 12}
        ),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 201, response.content
    assert response.json()["patients"] == 12


def test_the_detail_gives_date_precision_gaps_designations_and_both_indications(
    reference: str,
) -> None:
    body = _get("/api/v1/products/heartsheet?as_of=2024-07-20").json()
    approval = body["approvals"][0]
    undated = {
        e["kind"]: (e["occurred_on"], e["date_precision"], e["date_text"])
        for e in approval["events"]
        if e["date_precision"] != "day"
    }
    assert undated == {
        "time_limit_extended": ("2018-01-01", "year", "2018"),
        "reapplication_filed": ("2023-09-01", "month", "September 2023"),
    }
    gaps = [(g["starts_on"], g["ends_on"], g["known_status"]) for g in approval["status_gaps"]]
    assert gaps == [("2018-01-01", "2018-12-31", "conditional"), ("2023-09-18", None, None)]
    assert all(g["note"] and g["note_ja"] and g["sources"] for g in approval["status_gaps"])
    assert approval["status"]["reason_code"] == "status_unknown"
    assert "neither is the refusal" in approval["status"]["explanation"]

    delytact = _get("/api/v1/products/delytact").json()["approvals"][0]
    assert delytact["designations"] == ["sakigake", "orphan"]
    assert [(d["code"], d["number"]) for d in delytact["designation_details"]] == [
        ("sakigake", "先駆審査(27再)第2号"),
        ("orphan", ""),
    ]
    assert all(d["sources"] for d in delytact["designation_details"])
    amchepry = _get("/api/v1/products/amchepry").json()["approvals"][0]
    assert amchepry["indication_ja"] == "進行期パーキンソン病患者のオフ時の運動症状の改善"


def test_fhir_gives_undated_events_as_partial_dates_and_named_designations(
    reference: str,
) -> None:
    approval = Approval.objects.get(product__slug="heartsheet")
    body = _get(f"/api/v1/fhir/RegulatedAuthorization/{approval.pk}?as_of=2024-07-20").json()
    dates = [a["dateDateTime"] for a in body["case"]["application"]]
    assert dates[:3] == ["2015-09-18", "2018", "2023-09"]
    assert body["status"]["coding"] == [
        {"system": "http://hl7.org/fhir/publication-status", "code": "unknown"}
    ]
    assert "validityPeriod" in body and "end" not in body["validityPeriod"]
    stemirac = Approval.objects.get(product__slug="stemirac")
    body = _get(f"/api/v1/fhir/RegulatedAuthorization/{stemirac.pk}").json()
    designation = body["basis"][1]
    assert designation["coding"][0]["code"] == "sakigake"
    assert designation["text"] == "先駆審査(27再)第1号, designated 2016-02-10"
