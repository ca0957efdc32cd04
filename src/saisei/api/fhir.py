"""The FHIR R5 router, mounted at /api/v1/fhir. Apps add their resources' routes here.

Responses are FHIR JSON (`application/fhir+json`); errors keep the API's one error body.
"""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from saisei.api.schemas import Day, ErrorOut, Id
from saisei.core.errors import NotFound
from saisei.core.time import legal_today

fhir_router = Router(tags=["fhir"])

FHIR_JSON = "application/fhir+json"


def fhir_response(resource: dict[str, Any]) -> HttpResponse:
    return HttpResponse(
        json.dumps(resource, ensure_ascii=False), content_type=f"{FHIR_JSON}; charset=utf-8"
    )


@fhir_router.get(
    "/RegulatedAuthorization/{approval_id}",
    auth=None,
    response={404: ErrorOut, 422: ErrorOut},
    summary="A PMD Act product approval as a FHIR R5 RegulatedAuthorization",
    url_name="fhir_regulated_authorization",
    # The resource is FHIR JSON, not the API's JSON: declared with its own media type.
    openapi_extra={
        "responses": {
            "200": {
                "description": "The RegulatedAuthorization resource (FHIR R5 JSON)",
                "content": {FHIR_JSON: {"schema": {"type": "object"}}},
            }
        }
    },
    description=(
        "The status is computed on `as_of` (default: today in Japan) from the recorded events."
    ),
)
def regulated_authorization(
    request: HttpRequest, approval_id: Id, as_of: Day | None = None
) -> HttpResponse:
    from saisei.products.fhir import regulated_authorization as build
    from saisei.products.selectors import approval_get

    approval = approval_get(approval_id)
    if approval is None:
        raise NotFound("RegulatedAuthorization")
    return fhir_response(build(approval, as_of or legal_today()))
