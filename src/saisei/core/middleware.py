"""Turn a service's refusal that no view caught into the right page.

Services raise DomainError (NotPermitted, NotFound, …); a view that does not handle one
would otherwise answer 500. The API has its own handlers; this covers the HTML pages.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from saisei.core.errors import DomainError, NotFound, NotPermitted


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
        return render(request, "refused.html", {"error": exception}, status=status)
