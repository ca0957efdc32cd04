"""`actor(request)`: the user an API request acts as, or the API's 401 when there is none."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.test import Client, RequestFactory
from ninja.errors import AuthenticationError

from saisei.accounts.auth import actor
from saisei.accounts.services import token_create


@pytest.mark.django_db
def test_the_actor_is_the_user_the_api_authenticated(personas) -> None:
    request = RequestFactory().get("/api/v1/me")
    request.auth = personas.officer
    assert actor(request) == personas.officer


@pytest.mark.parametrize("auth", ["missing", None, AnonymousUser()])
def test_a_request_without_a_user_is_not_authenticated(auth) -> None:
    request = RequestFactory().get("/api/v1/me")
    if auth != "missing":
        request.auth = auth
    with pytest.raises(AuthenticationError):
        actor(request)


@pytest.mark.django_db
def test_the_api_acts_as_the_tokens_user(personas) -> None:
    issued = token_create(user=personas.officer, name="p", actor=personas.officer)
    client = Client()
    me = client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert me.status_code == 200
    assert me.json()["username"] == personas.officer.username
    tokens = client.get("/api/v1/me/tokens", HTTP_AUTHORIZATION=f"Bearer {issued.secret}")
    assert [t["name"] for t in tokens.json()["items"]] == ["p"]
    refused = client.get("/api/v1/me/tokens")
    assert refused.status_code == 401
    assert refused.json()["code"] == "not_authenticated"
