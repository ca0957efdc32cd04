"""Who the API takes a request from: an anonymous write is not authenticated (401), a signed-in
browser's write without the CSRF token is refused (403), a bearer token needs no CSRF token."""

from __future__ import annotations

import pytest
from django.test import Client

from saisei.accounts.services import token_create

pytestmark = pytest.mark.django_db


def test_an_anonymous_write_is_not_authenticated() -> None:
    response = Client(enforce_csrf_checks=True).post(
        "/api/v1/me/tokens", {"name": "x"}, content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "not_authenticated"


def test_a_session_write_without_the_csrf_token_is_refused(personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.officer)
    response = client.post("/api/v1/me/tokens", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403


def test_a_bearer_token_needs_no_csrf_token(personas) -> None:
    created = token_create(user=personas.officer, actor=personas.officer, name="probe")
    secret = created[1] if isinstance(created, tuple) else created.secret
    response = Client(enforce_csrf_checks=True).get(
        "/api/v1/plans", HTTP_AUTHORIZATION=f"Bearer {secret}"
    )
    assert response.status_code == 200
