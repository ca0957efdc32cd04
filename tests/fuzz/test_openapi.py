"""Schemathesis over the whole OpenAPI document, for the anonymous, institution and regulator
personas (`make fuzz`; part of CI, not of `make test`).

Every operation gets FUZZ_MAX_EXAMPLES generated requests per persona, valid and invalid by the
schema (derandomised and seeded: the same code and data give the same requests). Each response
must not be a server error, must have a status and a body the document declares for it, and
every error must be the `{code, message, details}` body. A request the schema says is invalid
must be refused with 4xx.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.fuzz.conftest import PERSONAS, SENT

pytestmark = pytest.mark.fuzz

MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "20"))
SEED = int(os.environ.get("FUZZ_SEED", "20261125"))
ERROR_KEYS = {"code", "message", "details"}


# Most generated requests name rows that do not exist. A fresh database loaded with the demo and
# the reference data numbers its rows from 1, so identifiers are drawn mostly from the first few
# and product slugs from the reference data: the requests then reach the rows themselves.
ID_PARAMETERS = (
    "approval_id",
    "committee_id",
    "facility_id",
    "institution_id",
    "obligation_id",
    "order_id",
    "plan_id",
    "renewal_id",
    "report_id",
    "review_id",
    "token_id",
)


def _product_slugs() -> list[str]:
    import csv
    from pathlib import Path

    import saisei.products

    data = Path(saisei.products.__file__).parent / "data"
    slugs: list[str] = []
    for name in ("approved_products.csv", "extra_products.csv"):
        with (data / name).open(encoding="utf-8") as f:
            slugs += [row["id"] for row in csv.DictReader(f) if row.get("id")]
    return slugs


# The document is read from the application itself (no database needed for it); the requests
# go to the same WSGI application, in-process, on the throwaway database of conftest.py.
schema = schemathesis.openapi.from_wsgi(
    "/api/v1/openapi.json",
    get_wsgi_application(),
    config=schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "generation": {
                "mode": "all",
                "max-examples": MAX_EXAMPLES,
                "deterministic": True,
                # The persona's own credential, never a generated one.
                "with-security-parameters": False,
            },
            "phases": {"stateful": {"enabled": False}},
            "dictionaries": {
                "ids": {"values": list(range(1, 21))},
                "slugs": {"values": _product_slugs()},
            },
            "parameters": {
                **{
                    f"path.{name}": {"dictionary": "ids", "probability": 0.8}
                    for name in ID_PARAMETERS
                },
                "path.slug": {"dictionary": "slugs", "probability": 0.8},
            },
        }
    ),
)


def error_body(ctx: Any, response: Any, case: Any) -> bool | None:
    """Every error, whatever raised it, is the one body `{code, message, details}`."""
    if response.status_code < 400:
        return None
    try:
        body = response.json()
    except ValueError:
        raise AssertionError(f"{response.status_code} without a JSON body") from None
    if not isinstance(body, dict) or set(body) != ERROR_KEYS:
        raise AssertionError(f"{response.status_code} body is not {{code, message, details}}")
    if not (isinstance(body["code"], str) and body["code"] and isinstance(body["message"], str)):
        raise AssertionError("the error's code and message must be non-empty text")
    if not isinstance(body["details"], dict):
        raise AssertionError("the error's details must be an object")
    return True


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
    negative_data_rejection,
    error_body,
]


def _takes_a_token(method: str, path: str) -> bool:
    """Whether the operation accepts a bearer token (creating a token needs the browser
    session, so a token's 401 there is the documented answer)."""
    operation = schema.raw_schema["paths"][path]
    security = operation[method.lower()].get("security")
    return security is None or any("TokenAuth" in s for s in security)


def _fuzz_as(persona: str) -> Any:
    @schema.parametrize()
    @settings(
        max_examples=MAX_EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def test(case: Any, fuzz_tokens: dict[str, str], fuzz_database: None) -> None:
        from saisei.accounts.models import ApiToken

        token = fuzz_tokens.get(persona)
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        if token is not None:
            # The fuzzer draws token ids from the demo's rows and so revokes the persona's own
            # token now and then (a legitimate request); give it back, or every later request
            # of that persona would be a 401 that exercises nothing past authentication.
            ApiToken.objects.filter(user__username=persona, name="fuzz").update(revoked_at=None)
        response = case.call_and_validate(headers=headers, checks=CHECKS)
        SENT[persona, str(response.status_code)] += 1
        if token is not None and _takes_a_token(case.operation.method, case.operation.path):
            assert response.status_code != 401, f"{persona}'s valid token was not accepted"

    test.__name__ = f"test_every_operation_answers_{persona}_within_its_documented_schema"
    return test


test_every_operation_answers_anonymous_within_its_documented_schema = _fuzz_as(PERSONAS[0])
test_every_operation_answers_officer_within_its_documented_schema = _fuzz_as(PERSONAS[1])
test_every_operation_answers_regulator_within_its_documented_schema = _fuzz_as(PERSONAS[2])
