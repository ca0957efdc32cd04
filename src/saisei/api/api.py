"""The NinjaAPI at /api/v1/: it mounts each app's router and owns the error body.

Every error is `{"code", "message", "details"}` whatever raised it: a service's
DomainError, a schema validation failure, a missing or bad credential, a CSRF failure.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.responses import Status

from saisei.accounts.auth import API_AUTH
from saisei.api.schemas import ErrorOut
from saisei.core.errors import DomainError, ErrorCode

api = NinjaAPI(
    title="Saisei API",
    version="1",
    description=(
        "Open API of Saisei, the registry of Japan's regenerative-medicine framework. "
        "Programs authenticate with a bearer token (created on the account page, shown once); "
        "the browser uses its session and the CSRF token. Errors are "
        '`{"code", "message", "details"}`.'
    ),
    auth=API_AUTH,
    urls_namespace="api",
)


def _error(
    request: HttpRequest, status: int, code: str, message: str, details: dict | None = None
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
    return _error(
        request, 422, ErrorCode.INVALID_INPUT, _("The request is not valid."), {"errors": errors}
    )


@api.exception_handler(AuthenticationError)
def _authentication_error(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(
        request, 401, ErrorCode.NOT_AUTHENTICATED, _("Sign in or send a valid bearer token.")
    )


@api.exception_handler(PermissionDenied)
def _permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(
        request, 403, ErrorCode.PERMISSION_DENIED, _("You do not have permission to do this.")
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, ErrorCode.NOT_FOUND, _("Not found."))


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    codes = {
        401: ErrorCode.NOT_AUTHENTICATED,
        403: ErrorCode.PERMISSION_DENIED,
        404: ErrorCode.NOT_FOUND,
        409: ErrorCode.CONFLICT,
    }
    code = codes.get(exc.status_code, ErrorCode.INVALID_INPUT)
    return _error(request, exc.status_code, code, str(exc))


class HealthOut(Schema):
    status: str
    database: str
    version: str


@api.get(
    "/health",
    auth=None,
    response={200: HealthOut, 503: ErrorOut},
    tags=["system"],
    summary="Service and database health",
)
def health(request: HttpRequest) -> Status[dict[str, str]]:
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


@api.get("/me", response={200: MeOut, 401: ErrorOut}, tags=["system"], summary="Who is signed in")
def me(request: HttpRequest) -> dict[str, object]:
    user = request.auth  # type: ignore[attr-defined]
    memberships = [
        {"organisation": m.organisation.slug, "kind": m.organisation.kind, "role": m.role}
        for m in user.memberships.filter(is_active=True).select_related("organisation")
    ]
    return {
        "username": user.username,
        "display_name": user.display_name,
        "memberships": memberships,
    }


# Each app's router is mounted here, one line each.
from saisei.accounts.api import router as accounts_router  # noqa: E402

api.add_router("/me", accounts_router)
from saisei.api.fhir import fhir_router  # noqa: E402
from saisei.products.api import router as products_router  # noqa: E402

api.add_router("/products", products_router)
api.add_router("/fhir", fhir_router)
from saisei.plans.api import router as plans_router  # noqa: E402
from saisei.registry.api import router as registry_router  # noqa: E402

api.add_router("", registry_router)
api.add_router("", plans_router)
from saisei.obligations.api import router as obligations_router  # noqa: E402
from saisei.reporting.api import router as reporting_router  # noqa: E402

api.add_router("/obligations", obligations_router)
api.add_router("/reporting", reporting_router)
