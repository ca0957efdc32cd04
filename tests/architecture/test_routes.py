"""Every route and every API operation, as every persona: the permission matrix.

permissions.txt has one row per URL pattern of the URLconf and per operation of the OpenAPI
document, with the outcome each persona of the demo gets (anonymous, the institution's officer
and staff, another institution's officer, the committee's secretariat and member, the regulator,
the holder). A route added without a row fails here, and so does a row whose outcome changes.
Each request runs in a savepoint rolled back after it, so that no persona's write changes what
the next one meets. Writes send a body their schema accepts, so that they reach the permission
check (what may not be seen is 404, what may be seen but not done is 403).
"""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.shortcuts import resolve_url
from django.test import Client

from tests.architecture.routes import (
    COLUMNS,
    Row,
    api_operations,
    body_for,
    page_routes,
    read_matrix,
    url_for,
)
from tests.security.conftest import PERSONAS, PatientWorld

pytestmark = pytest.mark.django_db

ROWS = read_matrix()


def uncovered(rows: list[Row]) -> dict[str, set[Any]]:
    """Routes and operations without a row, and rows naming nothing that exists."""
    pages = {row.route for row in rows if row.kind == "page"}
    operations = {(row.method, row.route) for row in rows if row.kind == "api"}
    routes, ops = set(page_routes()), api_operations()
    return {
        "pages without a row": routes - pages,
        "operations without a row": ops - operations,
        "rows of no route": (pages - routes) | {f"{m} {p}" for m, p in operations - ops},
    }


def test_every_route_and_operation_has_one_row_for_each_persona() -> None:
    assert uncovered(ROWS) == {
        "pages without a row": set(),
        "operations without a row": set(),
        "rows of no route": set(),
    }
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), "a route has two rows"
    assert all(list(row.outcomes) == COLUMNS for row in ROWS)


@pytest.mark.parametrize("missing", [ROWS[0], *[r for r in ROWS if r.kind == "api"][:1]])
def test_a_route_without_a_row_is_named(missing: Row) -> None:
    found = uncovered([row for row in ROWS if row != missing])
    expected = missing.route if missing.kind == "page" else (missing.method, missing.route)
    assert expected in found["pages without a row"] | found["operations without a row"]


def _outcome(response: Any) -> str:
    login = resolve_url(settings.LOGIN_URL)
    if response.status_code == 302 and response["Location"].startswith(login):
        return "login"
    return str(response.status_code)


def _request(
    row: Row, persona: str | None, world: PatientWorld, objects: dict[str, Any], schema: Any
) -> str:
    client = Client(raise_request_exception=False)
    if persona is not None:
        client.force_login(world.user(persona))
    route = page_routes()[row.route] if row.kind == "page" else row.route
    url = url_for(row, route, objects)
    body = body_for(row, url, persona, world, schema)
    with transaction.atomic():
        if row.method == "get":
            response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
        elif row.kind == "page":
            response = client.post(url, body, HTTP_ACCEPT_LANGUAGE="en")
        elif row.route.endswith("/import"):
            upload = SimpleUploadedFile("matrix.csv", b"patient_code\n", content_type="text/csv")
            response = client.post(url, {"file": upload}, HTTP_ACCEPT_LANGUAGE="en")
        else:
            response = getattr(client, row.method)(
                url, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
            )
        transaction.set_rollback(True)
    return _outcome(response)


@pytest.mark.parametrize("row", ROWS, ids=[row.id for row in ROWS])
def test_each_persona_gets_what_the_matrix_says(
    row: Row, world: PatientWorld, objects: dict[str, Any], openapi: dict[str, Any]
) -> None:
    got = {
        column: _request(row, persona, world, objects, openapi)
        for column, persona in zip(COLUMNS, PERSONAS, strict=True)
    }
    assert got == row.outcomes
