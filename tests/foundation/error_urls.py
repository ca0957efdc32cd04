"""A test-only URLconf: the real one plus pages that fail in each way an error handler covers."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.http import HttpRequest, HttpResponse
from django.urls import path

from saisei.config.urls import (  # noqa: F401 - the handlers are looked up on this module
    handler400,
    handler403,
    handler404,
    handler500,
)
from saisei.config.urls import (
    urlpatterns as site_urlpatterns,
)

SECRET_DETAIL = "do-not-show-this-detail-8c1f"


def boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET_DETAIL)


def forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET_DETAIL)


def suspicious(request: HttpRequest) -> HttpResponse:
    raise SuspiciousOperation(SECRET_DETAIL)


urlpatterns = [
    path("test-errors/boom/", boom),
    path("test-errors/forbidden/", forbidden),
    path("test-errors/suspicious/", suspicious),
    *site_urlpatterns,
]
