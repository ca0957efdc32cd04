"""The one error body, `{"code", "message", "details"}`, for responses made outside a service.

The API's exception handlers, the site-wide error views (handler404, handler500, …) and the
middleware that refuses oversized bodies all answer an API request with this body and a page
request with a translated page, so no error reaches a client as a traceback or as Django's
plain-text default.
"""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from saisei.core.errors import ErrorCode

API_PREFIX = "/api/"

# Django raises these while reading a body that exceeds DATA_UPLOAD_MAX_MEMORY_SIZE or the
# field/file counts; each means "too large", not "malformed".
TOO_LARGE_EXCEPTIONS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)

# The code and message an API error answers with when nothing more specific is known.
STATUS_ERRORS: dict[int, tuple[ErrorCode, Promise]] = {
    400: (ErrorCode.MALFORMED_REQUEST, _("The request cannot be read.")),
    401: (ErrorCode.NOT_AUTHENTICATED, _("Sign in or send a valid bearer token.")),
    403: (ErrorCode.PERMISSION_DENIED, _("You do not have permission to do this.")),
    404: (ErrorCode.NOT_FOUND, _("Not found.")),
    405: (ErrorCode.METHOD_NOT_ALLOWED, _("This method is not allowed here.")),
    409: (ErrorCode.CONFLICT, _("The request conflicts with the current state.")),
    413: (ErrorCode.REQUEST_TOO_LARGE, _("The request body is too large.")),
    422: (ErrorCode.INVALID_INPUT, _("The request is not valid.")),
    429: (ErrorCode.THROTTLED, _("Too many requests. Wait a moment and try again.")),
    500: (ErrorCode.INTERNAL_ERROR, _("Something went wrong on the server. It has been logged.")),
}


def is_api_request(request: HttpRequest) -> bool:
    return request.path_info.startswith(API_PREFIX)


def error_body(
    status: int,
    code: str | None = None,
    message: str | Promise | None = None,
    details: dict[str, Any] | None = None,
) -> dict[str, Any]:
    default_code, default_message = STATUS_ERRORS.get(
        status, STATUS_ERRORS[500] if status >= 500 else STATUS_ERRORS[400]
    )
    return {
        "code": str(code or default_code),
        "message": str(message or default_message),
        "details": details or {},
    }


def error_json(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False).encode("utf-8")


def api_error_response(
    status: int,
    code: str | None = None,
    message: str | Promise | None = None,
    details: dict[str, Any] | None = None,
) -> HttpResponse:
    return HttpResponse(
        error_json(error_body(status, code, message, details)),
        status=status,
        content_type="application/json; charset=utf-8",
    )


def too_large_details() -> dict[str, Any]:
    return {
        "max_request_bytes": settings.SAISEI_MAX_REQUEST_BYTES,
        "max_upload_bytes": settings.SAISEI_MAX_UPLOAD_BYTES,
    }


def render_error_page(
    template: str,
    status: int,
    *,
    request: HttpRequest | None = None,
    context: dict[str, Any] | None = None,
) -> HttpResponse:
    """A translated, styled error page.

    Without `request` no context processor runs: the page then needs neither the database
    (the signed-in user, messages) nor the session, which is what a 500 page must not rely on.
    """
    html = render_to_string(template, {"status": status, **(context or {})}, request=request)
    return HttpResponse(html, status=status, content_type="text/html; charset=utf-8")
