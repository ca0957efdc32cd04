"""The NinjaAPI's building blocks: its class, its error body and its system routes.

`build_api()` makes the one API at /api/v1/; saisei.config.api calls it and mounts each app's
router, so that no app imports the module that imports every app (an import contract in
pyproject.toml holds this).

Every error is `{"code", "message", "details"}` whatever raised it: a service's
DomainError, a schema validation failure, a missing or bad credential, a CSRF failure,
an unparsable or oversized body, a throttle, and any uncaught exception (logged with its
traceback, answered without it). Unknown paths and methods get the same body from
saisei.core (the catch-all route and ApiErrorBodyMiddleware).
"""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.responses import Status

from saisei.accounts.auth import API_AUTH, actor
from saisei.api import idempotency
from saisei.api.docs import docs_csp
from saisei.api.renderers import FastJSONRenderer
from saisei.api.schemas import ErrorOut
from saisei.core.error_responses import TOO_LARGE_EXCEPTIONS, error_body, too_large_details
from saisei.core.errors import DomainError, ErrorCode

logger = logging.getLogger("saisei.api")

# Statuses any operation can answer whatever its own declaration says: a body over the limit
# (checked before routing) and an uncaught exception.
COMMON_ERRORS: dict[str, str] = {
    "413": "Request body too large (over SAISEI_MAX_REQUEST_BYTES; multipart over "
    "SAISEI_MAX_UPLOAD_BYTES)",
    "500": "Internal error (logged; the body never carries the traceback)",
}
BODY_ERRORS: dict[str, str] = {"400": "The request body cannot be parsed (not JSON)"}
# Any operation that takes input: a value outside its schema (a bound, a type) is refused with
# the field paths in details.errors.
INPUT_ERRORS: dict[str, str] = {"422": "The input is not valid (details.errors names each field)"}
THROTTLE_ERRORS: dict[str, str] = {"429": "Too many requests (see the Retry-After header)"}
# A paginated list: a cursor that is not one this list handed out (or one given with an offset).
CURSOR_ERRORS: dict[str, str] = {
    "400": "The cursor is not valid for this list, or is given with an offset (details.errors "
    "names the field)"
}


class SaiseiAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        document_common_errors(schema, throttled_operation_ids(self))
        idempotency.document(schema, idempotency.creating_operation_ids(self))
        return schema


def throttled_operation_ids(api: NinjaAPI) -> set[str]:
    ids: set[str] = set()
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                if operation.throttle_objects:
                    ids.add(operation.operation_id or api.get_openapi_operation_id(operation))
    return ids


def document_common_errors(schema: dict[str, Any], throttled: set[str]) -> None:
    """Declare, on every operation, the error statuses the API can answer besides its own."""
    schemas = schema.setdefault("components", {}).setdefault("schemas", {})
    if "ErrorOut" not in schemas:
        schemas["ErrorOut"] = ErrorOut.model_json_schema(
            ref_template="#/components/schemas/{model}"
        )
    content = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            statuses = dict(COMMON_ERRORS)
            if "requestBody" in operation:
                statuses.update(BODY_ERRORS)
            if "requestBody" in operation or operation.get("parameters"):
                statuses.update(INPUT_ERRORS)
            if operation.get("operationId") in throttled:
                statuses.update(THROTTLE_ERRORS)
            if any(p.get("name") == "cursor" for p in operation.get("parameters", [])):
                statuses.update(CURSOR_ERRORS)
            responses = operation.setdefault("responses", {})
            for status, description in statuses.items():
                if status not in responses and int(status) not in responses:
                    responses[status] = {"description": description, "content": content}


DESCRIPTION = (
    "Open API of Saisei, the registry of Japan's regenerative-medicine framework. "
    "Programs authenticate with a bearer token (created on the account page, shown once); "
    "the browser uses its session and the CSRF token. Every error, including 404 for an "
    "unknown path, 405 for a method a path does not have, 413 for an oversized body, 429 "
    'and 500, is `{"code", "message", "details"}` with a translated message. '
    "Every POST that creates a record (answers 201) takes an optional `Idempotency-Key` "
    "header, so a retry creates nothing new and gets the first answer. A CSV import is a "
    "multipart/form-data upload in the field `file`, at most SAISEI_MAX_UPLOAD_BYTES (10 MiB "
    "unless configured otherwise) for the whole request; a larger one is refused with 413."
)


def build_api() -> SaiseiAPI:
    """The API with its error handlers and system routes, before any app's router is mounted."""
    api = SaiseiAPI(
        title="Saisei API",
        version="1",
        description=DESCRIPTION,
        auth=API_AUTH,
        urls_namespace="api",
        docs_decorator=docs_csp,
        renderer=FastJSONRenderer(),
    )
    # Every POST that answers 201 takes an Idempotency-Key (saisei.api.idempotency).
    idempotency.install(api)
    install_error_handlers(api)
    api.get(
        "/health",
        auth=None,
        response={200: HealthOut, 503: ErrorOut},
        tags=["system"],
        summary="Service and database health",
    )(health)
    api.get(
        "/me", response={200: MeOut, 401: ErrorOut}, tags=["system"], summary="Who is signed in"
    )(me)
    return api


def install_error_handlers(api: NinjaAPI) -> None:
    """Answer every failure with the one error body."""

    def error(
        request: HttpRequest,
        status: int,
        code: str,
        message: str,
        details: dict[str, Any] | None = None,
    ) -> HttpResponse:
        return api.create_response(
            request, {"code": code, "message": message, "details": details or {}}, status=status
        )

    @api.exception_handler(DomainError)
    def _domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
        return api.create_response(request, exc.as_body(), status=exc.status)

    @api.exception_handler(ValidationError)
    def _validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            {
                "field": ".".join(
                    str(part) for part in err.get("loc", []) if part not in ("body", "payload")
                ),
                "message": str(err.get("msg", "")),
                "type": str(err.get("type", "")),
            }
            for err in exc.errors
        ]
        return error(
            request,
            422,
            ErrorCode.INVALID_INPUT,
            _("The request is not valid."),
            {"errors": errors},
        )

    @api.exception_handler(AuthenticationError)
    def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        return error(
            request, 401, ErrorCode.NOT_AUTHENTICATED, _("Sign in or send a valid bearer token.")
        )

    @api.exception_handler(PermissionDenied)
    def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error(
            request, 403, ErrorCode.PERMISSION_DENIED, _("You do not have permission to do this.")
        )

    @api.exception_handler(Http404)
    def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error(request, 404, ErrorCode.NOT_FOUND, _("Not found."))

    @api.exception_handler(Throttled)
    def _throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
        details = {"retry_after_seconds": exc.wait} if exc.wait is not None else {}
        response = api.create_response(request, error_body(429, details=details), status=429)
        if exc.wait is not None:
            response["Retry-After"] = str(exc.wait)
        return response

    @api.exception_handler(HttpError)
    def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        # django-ninja raises HttpError with English text (400 "Cannot parse request body", …);
        # the client gets the translated message for the status instead.
        if exc.status_code == 400:
            return error(
                request,
                400,
                ErrorCode.MALFORMED_REQUEST,
                _("The request body cannot be parsed: send well-formed JSON."),
            )
        return api.create_response(request, error_body(exc.status_code), status=exc.status_code)

    @api.exception_handler(SuspiciousOperation)
    def _suspicious(request: HttpRequest, exc: SuspiciousOperation) -> HttpResponse:
        if isinstance(exc, TOO_LARGE_EXCEPTIONS):
            # Raised lazily when the parsed form fields exceed DATA_UPLOAD_MAX_MEMORY_SIZE.
            return api.create_response(
                request, error_body(413, details=too_large_details()), status=413
            )
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(
            "%s: %s", exc, request.path
        )
        return api.create_response(request, error_body(400), status=400)

    @api.exception_handler(MultiPartParserError)
    def _bad_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
        # A body declared multipart without a usable boundary, or cut short: the client's
        # mistake, found only when the form is read.
        return error(
            request,
            400,
            ErrorCode.MALFORMED_REQUEST,
            _("The request body cannot be parsed as the content type it declares."),
        )

    @api.exception_handler(Exception)
    def _uncaught(request: HttpRequest, exc: Exception) -> HttpResponse:
        logger.error("Uncaught exception in %s %s", request.method, request.path, exc_info=exc)
        return api.create_response(request, error_body(500), status=500)


# The system routes. They stay in this module: OpenAPI names an operation after the module and
# the function (saisei_api_api_health), and clients may rely on those ids.


class HealthOut(Schema):
    status: str
    database: str
    version: str


def health(request: HttpRequest) -> Status[dict[str, Any]]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return Status(
            503,
            {
                "code": "database_unavailable",
                "message": _("The database does not answer."),
                "details": {},
            },
        )
    from saisei import __version__

    return Status(200, {"status": "ok", "database": connection.vendor, "version": __version__})


class MeOut(Schema):
    username: str
    display_name: str
    memberships: list[dict[str, str]]


def me(request: HttpRequest) -> dict[str, object]:
    user = actor(request)
    memberships = [
        {"organisation": m.organisation.slug, "kind": m.organisation.kind, "role": m.role}
        for m in user.memberships.filter(is_active=True).select_related("organisation")
    ]
    return {
        "username": user.username,
        "display_name": user.display_name,
        "memberships": memberships,
    }
