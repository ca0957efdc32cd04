from __future__ import annotations

import pytest
from django.test import Client

from saisei.accounts.models import ApiToken
from saisei.accounts.services import token_create

pytestmark = pytest.mark.django_db


def _error_body(response) -> dict:
    body = response.json()
    assert set(body) == {"code", "message", "details"}
    return body


def test_health_checks_the_database(client) -> None:
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] in {"sqlite", "postgresql"}


def test_openapi_schema_and_docs_are_served(client) -> None:
    schema = client.get("/api/v1/openapi.json")
    assert schema.status_code == 200
    assert "/api/v1/health" in schema.json()["paths"]
    assert client.get("/api/v1/docs").status_code == 200


def test_an_anonymous_request_gets_the_error_body(client) -> None:
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert _error_body(response)["code"] == "not_authenticated"


def test_a_bearer_token_authenticates_a_program(personas) -> None:
    issued = token_create(user=personas.officer, name="p", actor=personas.officer)
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert response.status_code == 200
    body = response.json()
    assert body["username"] == "officer"
    assert body["memberships"] == [
        {"organisation": "demo-hinata-clinic", "kind": "institution", "role": "institution_officer"}
    ]


def test_a_bad_bearer_token_is_refused(personas) -> None:
    response = Client().get("/api/v1/me", HTTP_AUTHORIZATION="Bearer saisei_bad_token")
    assert response.status_code == 401
    assert _error_body(response)["code"] == "not_authenticated"


def test_the_browser_session_needs_csrf_for_writes(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer)
    response = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403
    assert _error_body(response)["code"] == "permission_denied"
    assert not ApiToken.objects.exists()
    client.get("/")  # sets the CSRF cookie, as a page load would
    csrf = client.cookies["csrftoken"].value
    response = client.post(
        "/api/v1/me/tokens", {"name": "x"}, content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )
    assert response.status_code == 201
    assert response.json()["token"].startswith("saisei_")


def test_a_token_cannot_mint_another_token(personas) -> None:
    issued = token_create(user=personas.officer, name="p", actor=personas.officer)
    response = Client().post(
        "/api/v1/me/tokens",
        {"name": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {issued.secret}",
    )
    assert response.status_code == 401
    assert ApiToken.objects.count() == 1


def test_invalid_input_gets_the_error_body_with_the_field(client_for) -> None:
    client = client_for("officer")
    response = client.post("/api/v1/me/tokens", {"nom": "x"}, content_type="application/json")
    assert response.status_code == 422
    body = _error_body(response)
    assert body["code"] == "invalid_input"
    assert body["details"]["errors"][0]["field"] == "name"


def test_a_service_refusal_is_reported_with_its_code(client_for) -> None:
    response = client_for("officer").post(
        "/api/v1/me/tokens", {"name": "   "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert _error_body(response)["code"] == "invalid_input"


def test_token_lists_are_paginated_and_scoped_to_their_owner(personas, client_for) -> None:
    token_create(user=personas.officer, name="mine", actor=personas.officer)
    token_create(user=personas.other_officer, name="theirs", actor=personas.other_officer)
    body = client_for("officer").get("/api/v1/me/tokens?limit=10").json()
    assert body["count"] == 1
    assert [t["name"] for t in body["items"]] == ["mine"]
