"""Middleware that turns refusals into the right response.

DomainErrorMiddleware: services raise DomainError (NotPermitted, NotFound, …); a view that does
not handle one would otherwise answer 500. The API has its own handlers; this covers the pages.
RequestSizeLimitMiddleware: 413 for a body over the documented limit, on every route.
ApiErrorBodyMiddleware: the standard error body on every API error, whatever produced it.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from saisei.core.error_responses import (
    TOO_LARGE_EXCEPTIONS,
    error_body,
    error_json,
    is_api_request,
)
from saisei.core.errors import DomainError, NotFound, NotPermitted
from saisei.core.views import request_too_large_response


class DomainErrorMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, DomainError):
            return None
        if isinstance(exception, NotPermitted):
            status = 403
        elif isinstance(exception, NotFound):
            status = 404
        else:
            status = exception.status if 400 <= exception.status < 500 else 400
        context = {"error": exception, "message": exception.message}
        return render(request, "refused.html", context, status=status)


class RequestSizeLimitMiddleware:
    """Refuse a body over the configured limit with 413 before anything reads it.

    Django enforces DATA_UPLOAD_MAX_MEMORY_SIZE only when something reads `request.POST` or
    `request.body`, and then raises (a 400 or, inside a view, a 500). Checking the declared
    length first gives one answer for every route. A multipart body may carry a file, so it has
    its own, larger limit; its non-file fields still count against the request limit when
    parsed (DATA_UPLOAD_MAX_MEMORY_SIZE), and that lazy refusal is answered with 413 as well.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if declared_length(request) > body_limit(request):
            return request_too_large_response(request)
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, TOO_LARGE_EXCEPTIONS):
            return request_too_large_response(request)
        return None


def declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        # Django reads a malformed length as an empty body; so does the limit.
        return 0


def body_limit(request: HttpRequest) -> int:
    if (request.content_type or "").startswith("multipart/"):
        return int(settings.SAISEI_MAX_UPLOAD_BYTES)
    return int(settings.SAISEI_MAX_REQUEST_BYTES)


class ApiErrorBodyMiddleware:
    """Give every API error response the standard body, whatever produced it.

    Routes and exception handlers already answer with it; this covers what answers before or
    around them: django-ninja's 405 for a method a path does not have, and Django's debug pages
    in development. Outermost, so it sees the final response; the body is rewritten in place
    so the security headers set further in stay.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if (
            response.status_code < 400
            or not is_api_request(request)
            or _is_json(response.get("Content-Type", ""))
        ):
            return response
        with translation.override(translation.get_language_from_request(request)):
            details: dict[str, object] = {}
            if response.status_code == 405 and response.has_header("Allow"):
                details["allowed"] = [m.strip() for m in response["Allow"].split(",") if m]
            body = error_json(error_body(response.status_code, details=details))
        if getattr(response, "streaming", False):
            replacement = HttpResponse(body, status=response.status_code)
            for header, value in response.items():
                if header.lower() not in {"content-type", "content-length"}:
                    replacement[header] = value
            response = replacement
        else:
            response.content = body
        response["Content-Type"] = "application/json; charset=utf-8"
        response["Content-Length"] = str(len(body))
        return response


def _is_json(content_type: str) -> bool:
    media_type = content_type.split(";", 1)[0].strip().lower()
    return media_type == "application/json" or media_type.endswith("+json")
