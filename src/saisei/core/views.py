"""Site-wide error views: handler400/403/404/500, the CSRF failure view and the API's 404.

Each answers an API request with the standard error body and a page request with a translated
page extending the base template. Django calls these only with DEBUG off; the API's own
exception handlers and its catch-all route give the error body with DEBUG on as well.
"""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.common import no_append_slash

from saisei.core.error_responses import (
    TOO_LARGE_EXCEPTIONS,
    api_error_response,
    is_api_request,
    render_error_page,
    too_large_details,
)
from saisei.core.errors import ErrorCode

logger = logging.getLogger(__name__)

# The last resort when even the 500 template cannot be rendered (a broken URLconf or template
# loader): no template, no translation lookups that could fail, no inline script or style.
FALLBACK_500 = (
    '<!doctype html><html lang="ja"><head><meta charset="utf-8">'
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    "<title>サーバーエラー / Server error</title>"
    '<link rel="stylesheet" href="/static/saisei/site.css"></head>'
    '<body><main class="wrap"><h1>サーバーエラー / Server error</h1>'
    "<p>サーバーで問題が発生しました。記録されています。</p>"
    "<p>Something went wrong on the server. It has been logged.</p></main></body></html>"
)


def request_too_large_response(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(413, details=too_large_details())
    return render_error_page("413.html", 413, request=request, context=too_large_details())


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if isinstance(exception, TOO_LARGE_EXCEPTIONS):
        return request_too_large_response(request)
    if is_api_request(request):
        return api_error_response(400)
    return render_error_page("400.html", 400, request=request)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(403)
    return render_error_page("403.html", 403, request=request)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(404)
    return render_error_page("404.html", 404, request=request)


def server_error(request: HttpRequest) -> HttpResponse:
    if is_api_request(request):
        return api_error_response(500)
    try:
        # No request: the page must not touch the database or the session, either of which may
        # be what failed.
        return render_error_page("500.html", 500)
    except Exception:
        logger.exception("The 500 page could not be rendered")
        return HttpResponse(FALLBACK_500, status=500, content_type="text/html; charset=utf-8")


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    message = _(
        "The form's security token is missing or has expired. Go back, reload the page and "
        "try again."
    )
    if is_api_request(request):
        return api_error_response(403, ErrorCode.PERMISSION_DENIED, message)
    return render_error_page("403_csrf.html", 403, request=request)


@no_append_slash
def api_not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    """Any /api/ path no route matches: the error body, with DEBUG on or off."""
    return api_error_response(404)
