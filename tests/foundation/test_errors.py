"""One error body for every API failure, translated error pages for every HTML failure.

Django shows its debug pages only with DEBUG on; these tests turn it off explicitly where the
page is at stake, and on where the API must answer with its body all the same.
"""

from __future__ import annotations

import json
import logging

import pytest
from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.template.defaultfilters import filesizeformat
from django.test import Client, RequestFactory
from django.utils import translation
from ninja.errors import Throttled

from saisei.api import api as api_module
from saisei.api.api import document_common_errors
from saisei.core import views as core_views
from saisei.core.middleware import RequestSizeLimitMiddleware
from tests.foundation.error_urls import SECRET_DETAIL

pytestmark = pytest.mark.django_db

ERROR_URLS = "tests.foundation.error_urls"


def error_body(response) -> dict:
    assert response["Content-Type"].startswith("application/json")
    body = json.loads(response.content)
    assert set(body) == {"code", "message", "details"}
    text = response.content.decode()
    assert "Traceback" not in text
    assert SECRET_DETAIL not in text
    return body


def no_debug_page(response) -> str:
    html = response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    for leak in ("Traceback", SECRET_DETAIL, "DEBUG = True", "technical_500", "Request Method:"):
        assert leak not in html
    assert '<link rel="stylesheet" href="/static/saisei/site.css">' in html  # styled
    assert '<header class="site-header">' in html  # the base template
    return html


@pytest.fixture(params=[False, True], ids=["debug-off", "debug-on"])
def any_debug(request, settings):
    settings.DEBUG = request.param
    return request.param


class BrokenConnection:
    """Stands in for the database connection in the health route."""

    def __init__(self, exc: Exception) -> None:
        self.exc = exc
        self.vendor = "broken"

    def cursor(self):
        raise self.exc


# --- API: every failure answers the standard body -------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_an_unknown_api_path_answers_404_with_the_error_body(any_debug, method) -> None:
    response = getattr(Client(), method)("/api/v1/no-such-thing", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert error_body(response) == {"code": "not_found", "message": "Not found.", "details": {}}


def test_an_unknown_api_path_with_a_slash_is_not_redirected(any_debug) -> None:
    response = Client().post("/api/v2/whatever", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 404
    assert error_body(response)["message"] == "見つかりません。"


def test_a_method_the_path_does_not_have_answers_405_with_the_allowed_ones(any_debug) -> None:
    response = Client().delete("/api/v1/health", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert response["Allow"] == "GET"
    assert int(response["Content-Length"]) == len(response.content)
    body = error_body(response)
    assert body["code"] == "method_not_allowed"
    assert body["message"] == "This method is not allowed here."
    assert body["details"] == {"allowed": ["GET"]}


def test_a_method_not_allowed_is_explained_in_japanese() -> None:
    response = Client().put("/api/v1/health", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 405
    assert error_body(response)["message"] == "このメソッドはここでは使えません。"


def test_an_uncaught_exception_in_a_route_answers_500_without_the_traceback(
    any_debug, monkeypatch, caplog
) -> None:
    monkeypatch.setattr(api_module, "connection", BrokenConnection(RuntimeError(SECRET_DETAIL)))
    with caplog.at_level(logging.ERROR, logger="saisei.api"):
        response = Client().get("/api/v1/health", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    body = error_body(response)
    assert body["code"] == "internal_error"
    assert body["message"] == "Something went wrong on the server. It has been logged."
    # The traceback goes to the log, with the request that caused it.
    (record,) = [r for r in caplog.records if r.name == "saisei.api"]
    assert "GET /api/v1/health" in record.getMessage()
    assert record.exc_info is not None
    assert SECRET_DETAIL in caplog.text
    assert "Traceback" in caplog.text


def test_an_internal_error_message_is_translated(monkeypatch) -> None:
    monkeypatch.setattr(api_module, "connection", BrokenConnection(KeyError(SECRET_DETAIL)))
    response = Client().get("/api/v1/health", HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 500
    assert error_body(response)["message"] == "サーバーで問題が発生しました。記録されています。"


def test_malformed_json_answers_400_with_the_error_body(any_debug, client_for) -> None:
    response = client_for("officer").post(
        "/api/v1/me/tokens",
        '{"name": "x"',
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = error_body(response)
    assert body["code"] == "malformed_request"
    assert body["message"] == "The request body cannot be parsed: send well-formed JSON."


def test_a_multipart_body_without_a_boundary_answers_400_not_500(personas) -> None:
    """Found by the fuzzer once the personas' tokens stayed valid: with a bearer token and an
    Idempotency-Key, the form parser's error, raised while the request was fingerprinted, was
    an uncaught 500."""
    from saisei.accounts.services import token_create

    secret = token_create(user=personas.officer, actor=personas.officer, name="probe").secret
    # A body the operation's schema accepts, so the request gets past validation to the
    # Idempotency-Key's fingerprint, which reads the body as the form it claims to be.
    body = {"slug": "x-1", "name": "X", "kind": "clinic", "prefecture": "13", "manager_name": "Y"}
    response = Client().generic(
        "POST",
        "/api/v1/institutions",
        json.dumps(body).encode(),
        content_type="multipart/form-data",
        HTTP_ACCEPT_LANGUAGE="en",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
        HTTP_IDEMPOTENCY_KEY="k-1",
    )
    assert response.status_code == 400, response.content
    answer = error_body(response)
    assert answer["code"] == "malformed_request"
    assert answer["message"] == "The request body cannot be parsed as the content type it declares."


@pytest.mark.parametrize(
    ("path", "method"),
    [
        ("/api/v1/plans/999999", "PATCH"),
        ("/api/v1/plans/999999/file", "POST"),
        ("/api/v1/plans/999999/changes/notify", "POST"),
        ("/api/v1/reporting/periodic-reports/999999", "PATCH"),
    ],
)
def test_a_body_of_optional_fields_must_still_be_an_object(personas, path, method) -> None:
    """Found by the fuzzer: ninja's Schema read `[null, null]` by attribute as an empty object,
    so a body whose every field is optional took any JSON value. Now anything but an object is
    refused before the route runs (422), while `{}` reaches it (here: 404, no such record)."""
    from saisei.accounts.services import token_create

    secret = token_create(user=personas.officer, actor=personas.officer, name="probe").secret

    def send(body: str):
        return Client().generic(
            method,
            path,
            body.encode(),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
        )

    for body in ("[null, null]", "[]", "7", '"x"'):
        response = send(body)
        assert response.status_code == 422, body
        assert error_body(response)["code"] == "invalid_input"
    assert send("{}").status_code == 404


def test_a_throttled_request_answers_429_with_retry_after(monkeypatch) -> None:
    monkeypatch.setattr(api_module, "connection", BrokenConnection(Throttled(wait=30)))
    response = Client().get("/api/v1/health", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 429
    assert response["Retry-After"] == "30"
    body = error_body(response)
    assert body["code"] == "throttled"
    assert body["details"] == {"retry_after_seconds": 30}


def test_a_suspicious_request_inside_a_route_answers_400(monkeypatch) -> None:
    monkeypatch.setattr(
        api_module, "connection", BrokenConnection(SuspiciousOperation(SECRET_DETAIL))
    )
    response = Client().get("/api/v1/health")
    assert response.status_code == 400
    assert error_body(response)["code"] == "malformed_request"


def test_an_existing_service_refusal_keeps_its_own_code(client_for) -> None:
    response = client_for("officer").post(
        "/api/v1/me/tokens", {"name": "   "}, content_type="application/json"
    )
    assert response.status_code == 400
    assert error_body(response)["code"] == "invalid_input"


# --- Request size: 413 everywhere -----------------------------------------------------------

SMALL_LIMITS = {
    "SAISEI_MAX_REQUEST_BYTES": 2_000,
    "DATA_UPLOAD_MAX_MEMORY_SIZE": 2_000,
    "SAISEI_MAX_UPLOAD_BYTES": 50_000,
}


@pytest.fixture
def small_limits(settings):
    """Small body limits for one test. Through pytest-django's `settings` fixture only: mixed
    with @override_settings, that fixture restores the overridden values after the test and the
    small limits leak into every later test."""
    for name, value in SMALL_LIMITS.items():
        setattr(settings, name, value)
    return settings


def test_a_json_body_over_the_limit_answers_413_before_the_route_reads_it(
    small_limits, client_for
) -> None:
    payload = '{"name": "' + "x" * 3_000 + '"}'
    response = client_for("officer").post(
        "/api/v1/me/tokens", payload, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    body = error_body(response)
    assert body["code"] == "request_too_large"
    assert body["message"] == "The request body is too large."
    assert body["details"] == {"max_request_bytes": 2_000, "max_upload_bytes": 50_000}


def test_an_oversized_body_is_refused_even_on_a_route_that_takes_none(
    small_limits, any_debug
) -> None:
    response = Client().post(
        "/api/v1/health", "x" * 3_000, content_type="text/plain", HTTP_ACCEPT_LANGUAGE="ja"
    )
    assert response.status_code == 413
    assert error_body(response)["message"] == "リクエストの本文が大きすぎます。"


def test_a_body_at_the_limit_is_accepted(small_limits, client_for) -> None:
    name = "n" * (2_000 - len('{"name": ""}'))
    response = client_for("officer").post(
        "/api/v1/me/tokens", '{"name": "' + name + '"}', content_type="application/json"
    )
    assert response.status_code != 413


def test_multipart_fields_over_the_request_limit_are_refused_when_parsed(
    small_limits, client_for
) -> None:
    # Under the upload limit, so the declared length passes; Django then refuses the fields
    # lazily (RequestDataTooBig) when the route reads the body: still 413 with the body.
    response = client_for("officer").post(
        "/api/v1/me/tokens", {"name": "x" * 5_000}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 413
    assert error_body(response)["code"] == "request_too_large"


def test_a_multipart_upload_over_its_own_limit_is_refused(small_limits, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("rows.csv", b"a,b\n" * 20_000, content_type="text/csv")
    response = client_for("officer").post("/api/v1/me/tokens", {"file": upload})
    assert response.status_code == 413
    assert error_body(response)["code"] == "request_too_large"


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "What you sent is too large"), ("ja", "送信した内容が大きすぎます")],
)
def test_an_oversized_form_post_gets_a_translated_413_page(
    small_limits, settings, language, heading
) -> None:
    settings.DEBUG = False
    response = Client().post(
        "/accounts/login/",
        {"username": "officer", "password": "x" * 3_000},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 413
    html = no_debug_page(response)
    assert f'<html lang="{language}">' in html
    assert heading in html
    with translation.override(language):
        assert str(filesizeformat(2_000)) in html  # the documented limit


def test_oversized_form_fields_found_by_the_csrf_check_get_the_413_page(
    small_limits, settings
) -> None:
    # Multipart under the upload limit: CsrfViewMiddleware reads the fields and Django raises
    # RequestDataTooBig there, before any view; handler400 answers it.
    settings.DEBUG = False
    client = Client(enforce_csrf_checks=True)
    client.get("/accounts/login/")  # the CSRF cookie, so the check goes on to read the form
    response = client.post("/accounts/login/", {"username": "officer", "password": "x" * 5_000})
    assert response.status_code == 413
    no_debug_page(response)


def test_oversized_form_fields_read_by_a_view_get_the_413_page(small_limits, settings) -> None:
    settings.DEBUG = False
    response = Client().post("/accounts/login/", {"username": "officer", "password": "x" * 5_000})
    assert response.status_code == 413
    no_debug_page(response)


def test_a_malformed_content_length_counts_as_no_body() -> None:
    factory = RequestFactory()
    request = factory.post("/api/v1/health", "", content_type="application/json")
    request.META["CONTENT_LENGTH"] = "lots"
    passed = []
    RequestSizeLimitMiddleware(lambda r: passed.append(r) or "ok")(request)
    assert passed == [request]


def test_the_size_middleware_answers_a_lazy_refusal_with_413() -> None:
    request = RequestFactory().post("/plans/new/")
    middleware = RequestSizeLimitMiddleware(lambda r: None)
    response = middleware.process_exception(request, RequestDataTooBig("too big"))
    assert response is not None and response.status_code == 413
    assert middleware.process_exception(request, ValueError("other")) is None


# --- OpenAPI declares the statuses every operation can answer --------------------------------


def test_every_operation_documents_413_and_500_and_body_operations_400(client) -> None:
    schema = client.get("/api/v1/openapi.json").json()
    error_ref = {"$ref": "#/components/schemas/ErrorOut"}
    assert "ErrorOut" in schema["components"]["schemas"]
    operations = [op for item in schema["paths"].values() for op in item.values()]
    assert len(operations) > 10
    for operation in operations:
        responses = operation["responses"]
        for status in ("413", "500"):
            assert responses[status]["content"]["application/json"]["schema"] == error_ref, (
                operation["operationId"]
            )
        if "requestBody" in operation:
            assert "400" in responses, operation["operationId"]
        if any(p["name"] == "cursor" for p in operation.get("parameters", [])):
            # A paginated list refuses a cursor it did not hand out with 400.
            assert "400" in responses, operation["operationId"]


def test_a_throttled_operation_documents_429() -> None:
    schema = {
        "paths": {
            "/a": {"get": {"operationId": "limited", "responses": {"200": {}}}},
            "/b": {"get": {"operationId": "free", "responses": {"200": {}}}},
        }
    }
    document_common_errors(schema, {"limited"})
    assert "429" in schema["paths"]["/a"]["get"]["responses"]
    assert "429" not in schema["paths"]["/b"]["get"]["responses"]
    # An operation's own declaration of a status is kept.
    assert schema["paths"]["/a"]["get"]["responses"]["200"] == {}


# --- HTML error pages: translated, styled, never the debug page ------------------------------


@pytest.mark.parametrize(
    ("language", "heading"), [("en", "Page not found"), ("ja", "ページが見つかりません")]
)
def test_an_unknown_page_gets_the_translated_404_page(settings, language, heading) -> None:
    settings.DEBUG = False
    response = Client().get("/no-such-page/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 404
    html = no_debug_page(response)
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert response.has_header("Content-Security-Policy")


@pytest.mark.urls(ERROR_URLS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "Something went wrong on the server"), ("ja", "サーバーで問題が発生しました")],
)
def test_an_uncaught_exception_on_a_page_gets_the_translated_500_page(
    settings, language, heading, caplog
) -> None:
    settings.DEBUG = False
    with caplog.at_level(logging.ERROR, logger="django.request"):
        response = Client(raise_request_exception=False).get(
            "/test-errors/boom/", HTTP_ACCEPT_LANGUAGE=language
        )
    assert response.status_code == 500
    html = no_debug_page(response)
    assert f'<html lang="{language}">' in html
    assert heading in html
    assert SECRET_DETAIL in caplog.text  # logged, not shown


@pytest.mark.urls(ERROR_URLS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "You may not open this page"), ("ja", "このページは開けません")],
)
def test_a_permission_denied_page_is_translated(settings, language, heading) -> None:
    settings.DEBUG = False
    response = Client().get("/test-errors/forbidden/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 403
    assert heading in no_debug_page(response)


@pytest.mark.urls(ERROR_URLS)
@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "The request cannot be read"), ("ja", "リクエストを読み取れません")],
)
def test_a_bad_request_page_is_translated(settings, language, heading) -> None:
    settings.DEBUG = False
    response = Client().get("/test-errors/suspicious/", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert heading in no_debug_page(response)


@pytest.mark.parametrize(
    ("language", "heading"),
    [("en", "The form has expired"), ("ja", "フォームの有効期限が切れています")],
)
def test_a_form_without_its_csrf_token_gets_the_translated_403_page(
    settings, language, heading
) -> None:
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post(
        "/accounts/login/", {"username": "a", "password": "b"}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 403
    assert heading in no_debug_page(response)


def test_the_error_handlers_answer_api_paths_with_the_body() -> None:
    factory = RequestFactory()
    request = factory.get("/api/v1/anything")
    cases = [
        (core_views.bad_request(request, ValueError()), 400, "malformed_request"),
        (core_views.bad_request(request, RequestDataTooBig()), 413, "request_too_large"),
        (core_views.permission_denied(request, None), 403, "permission_denied"),
        (core_views.page_not_found(request, None), 404, "not_found"),
        (core_views.server_error(request), 500, "internal_error"),
        (core_views.csrf_failure(request), 403, "permission_denied"),
    ]
    for response, status, code in cases:
        assert response.status_code == status
        assert error_body(response)["code"] == code
