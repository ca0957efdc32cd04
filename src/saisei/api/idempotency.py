"""Idempotent creation: the same Idempotency-Key makes a repeated request answer as the first.

A program that retries a creating POST after a timeout, or a browser whose form is submitted
twice, sends the same key again; the first request creates the record and its answer is stored
with the key, and every repeat gets that answer and creates nothing. Keys belong to the actor
(two actors' equal keys are independent) and last KEY_LIFETIME. A repeat with another method,
path or body is refused (422): that is a different request reusing a key.

The first request claims the key inside the transaction that writes its record: the key row is
inserted before the view runs, the answer is stored on it after, and both commit with the
record or not at all. A concurrent duplicate's insert therefore waits on the unique
(actor, key) index (PostgreSQL) or on the write lock (SQLite) until the first commits, and then
finds the stored answer; if the first failed, nothing of it remains and the duplicate runs as
if it came first. Only a successful answer is kept: an error rolls the claim back with
everything else, so a corrected retry may use the same key.

A route that must read a large body before writing (a CSV import, checked with no transaction
open so that it never holds SQLite's write lock) is marked `claim_after_check`: it is only
looked up when it begins (a stored answer is replayed before the file is read again), and the
route calls `claim(request)` once the rows are checked, just before it writes.

The same mechanism serves the API (the `Idempotency-Key` header on every POST that answers 201,
installed on the NinjaAPI by `install`) and the pages (the hidden `idempotency_key` field that
`{% idempotency_field %}` puts in a form, honoured by IdempotentFormMiddleware).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from saisei.api.models import KEY_MAX_LENGTH, IdempotencyKey
from saisei.core.error_responses import is_api_request
from saisei.core.errors import DomainError, ErrorCode, invalid

if TYPE_CHECKING:
    from _hashlib import HASH

KEY_HEADER = "Idempotency-Key"
FORM_FIELD = "idempotency_key"
KEY_LIFETIME = timedelta(hours=24)
REPLAYED_HEADER = "Idempotent-Replayed"
# Printable ASCII without spaces: a UUID, a hash, a client's own request id.
KEY_PATTERN = rf"^[\x21-\x7e]{{1,{KEY_MAX_LENGTH}}}$"
_KEY = re.compile(rf"[\x21-\x7e]{{1,{KEY_MAX_LENGTH}}}")  # fullmatch: no trailing newline
# Form fields that differ between two submissions of the same form without changing what it
# asks for.
_UNSIGNED_FIELDS = frozenset({"csrfmiddlewaretoken", FORM_FIELD})

F = TypeVar("F", bound=Callable[..., Any])


class Replay(Exception):
    """Raised by `claim` when a concurrent duplicate committed first: answer with `response`."""

    def __init__(self, response: HttpResponse) -> None:
        super().__init__("idempotent replay")
        self.response = response


@dataclass
class _Attempt:
    actor: Any
    key: str
    fingerprint: str
    method: str
    path: str
    page: bool
    after_check: bool
    withheld: tuple[str, ...] | None = None
    atomic: Any = None  # the claim's open transaction.atomic()
    claimed: bool = False


_ATTR = "_saisei_idempotency"


# Marking routes ------------------------------------------------------------------------------


def claim_after_check(view: F) -> F:
    """Mark a view that checks its input before writing and calls `claim(request)` itself."""
    view.idempotency_claim_after_check = True  # type: ignore[attr-defined]
    return view


def claim_after_check_when(test: Callable[[HttpRequest], bool]) -> Callable[[F], F]:
    """As claim_after_check, for the requests `test` picks (a page with several forms)."""

    def mark(view: F) -> F:
        view.idempotency_claim_after_check = test  # type: ignore[attr-defined]
        return view

    return mark


def withholds(*fields: str) -> Callable[[F], F]:
    """Mark a route whose answer holds a secret (shown once, never stored): an API route's
    secret `fields` are left out of the kept answer and a repeat is told the record exists; a
    page's key is kept without its answer."""

    def mark(view: F) -> F:
        view.idempotency_withheld = fields  # type: ignore[attr-defined]
        return view

    return mark


# The mechanism ------------------------------------------------------------------------------


def begin(
    request: HttpRequest,
    *,
    actor: Any,
    key: str,
    fingerprint: str,
    claim_now: bool,
    page: bool = False,
    withheld: tuple[str, ...] | None = None,
) -> HttpResponse | None:
    """Start an idempotent request: the stored answer to replay, or None to go on.

    With `claim_now` the key is claimed at once (a transaction stays open until `finish`);
    otherwise it is only looked up, and the view calls `claim` before it writes."""
    if not _KEY.fullmatch(key):
        raise invalid(
            KEY_HEADER,
            _(
                "An idempotency key is 1 to %(n)s printable ASCII characters without spaces "
                "(a UUID, for example)."
            )
            % {"n": KEY_MAX_LENGTH},
            ErrorCode.INVALID_INPUT,
            status=422,
        )
    attempt = _Attempt(
        actor=actor,
        key=key,
        fingerprint=fingerprint,
        method=request.method or "",
        path=request.get_full_path()[:500],
        page=page,
        after_check=not claim_now,
        withheld=withheld,
    )
    setattr(request, _ATTR, attempt)
    stored = _claim(attempt) if claim_now else _stored(attempt)
    return None if stored is None else _replay(request, attempt, stored)


def claim(request: HttpRequest) -> None:
    """Claim the request's key now, just before the write (see claim_after_check).

    Does nothing without a key. Raises Replay when a duplicate committed first."""
    attempt: _Attempt | None = getattr(request, _ATTR, None)
    if attempt is None or attempt.claimed:
        return
    stored = _claim(attempt)
    if stored is not None:
        raise Replay(_replay(request, attempt, stored))


def finish(request: HttpRequest, response: HttpResponseBase) -> HttpResponseBase:
    """End an idempotent request: keep a successful answer with the claimed key and commit,
    or roll everything back."""
    attempt: _Attempt | None = getattr(request, _ATTR, None)
    if attempt is None:
        return response
    delattr(request, _ATTR)
    if attempt.atomic is None:
        if attempt.after_check and not attempt.claimed and response.status_code >= 400:
            # Refused while checking, before claiming: a duplicate that came first may have
            # committed meanwhile, and its rows may be why this one was refused.
            try:
                stored = _stored(attempt)
            except DomainError:
                stored = None
            if stored is not None:
                return _replay(request, attempt, stored)
        return response
    atomic, attempt.atomic = attempt.atomic, None
    try:
        if response.status_code >= 400 or getattr(response, "streaming", False):
            transaction.set_rollback(True)
        else:
            _store(attempt, response)
    except BaseException as exc:
        atomic.__exit__(type(exc), exc, exc.__traceback__)
        raise
    atomic.__exit__(None, None, None)
    return response


def abandon(request: HttpRequest, exc: BaseException) -> None:
    """Roll back a claim when the request ends in an exception instead of an answer."""
    attempt: _Attempt | None = getattr(request, _ATTR, None)
    if attempt is None:
        return
    delattr(request, _ATTR)
    if attempt.atomic is not None:
        atomic, attempt.atomic = attempt.atomic, None
        atomic.__exit__(type(exc), exc, exc.__traceback__)


def _claim(attempt: _Attempt) -> IdempotencyKey | None:
    """Insert the key row in a transaction left open; the stored row instead if one exists."""
    atomic = transaction.atomic()
    atomic.__enter__()
    attempt.atomic = atomic
    try:
        now = timezone.now()
        for _attempt in range(3):
            try:
                with transaction.atomic():
                    IdempotencyKey.objects.create(
                        actor=attempt.actor,
                        key=attempt.key,
                        fingerprint=attempt.fingerprint,
                        method=attempt.method,
                        path=attempt.path,
                        created_at=now,
                    )
            except IntegrityError:
                # Taken: by a request that has committed (a concurrent one's insert waited
                # until it did), so its answer is stored.
                stored = _stored(attempt, including_expired=True)
                if stored is None:
                    continue  # expired and removed meanwhile: claim it afresh
                if stored.created_at <= now - KEY_LIFETIME:
                    IdempotencyKey.objects.filter(pk=stored.pk).delete()
                    continue
                _check_same_request(attempt, stored)
                _close(attempt)
                return stored
            attempt.claimed = True
            IdempotencyKey.objects.filter(
                actor=attempt.actor, created_at__lte=now - KEY_LIFETIME
            ).delete()
            return None
        raise invalid(
            KEY_HEADER,
            _("This idempotency key is being used by another request. Try again."),
            ErrorCode.CONFLICT,
            status=409,
        )
    except BaseException:
        _close(attempt, failed=True)
        raise


def _close(attempt: _Attempt, failed: bool = False) -> None:
    atomic, attempt.atomic = attempt.atomic, None
    if atomic is None:
        return
    if failed:
        transaction.set_rollback(True)
    atomic.__exit__(None, None, None)


def _stored(attempt: _Attempt, including_expired: bool = False) -> IdempotencyKey | None:
    stored = IdempotencyKey.objects.filter(actor=attempt.actor, key=attempt.key).first()
    if stored is None:
        return None
    if not including_expired:
        if stored.created_at <= timezone.now() - KEY_LIFETIME:
            return None
        _check_same_request(attempt, stored)
    return stored


def _check_same_request(attempt: _Attempt, stored: IdempotencyKey) -> None:
    if stored.fingerprint != attempt.fingerprint:
        raise invalid(
            KEY_HEADER if not attempt.page else FORM_FIELD,
            _(
                "This idempotency key was already used for another request (another address "
                "or body). Use a new key for a new request."
            )
            if not attempt.page
            else _(
                "This form was already sent with other contents. Reload the page to send it again."
            ),
            ErrorCode.IDEMPOTENCY_KEY_REUSED,
            status=422,
        )


def _store(attempt: _Attempt, response: HttpResponseBase) -> None:
    mine = IdempotencyKey.objects.filter(actor=attempt.actor, key=attempt.key)
    if attempt.page:
        location = str(response.get("Location", ""))
        if 300 <= response.status_code < 400 and location:
            mine.update(status=response.status_code, location=location[:2000])
        elif attempt.withheld is not None:
            # A page of its own holding a secret (a new token): kept without the answer.
            mine.update(status=response.status_code, withheld=True)
        else:
            # A page that answered with itself (a preview, a form shown again) created
            # nothing to protect: the key is given back.
            mine.delete()
        return
    values: dict[str, Any] = {
        "status": response.status_code,
        "content_type": str(response.get("Content-Type", ""))[:100],
    }
    body = response.content.decode("utf-8")  # type: ignore[attr-defined]
    if attempt.withheld:
        values["withheld"] = True
        body = _without(body, attempt.withheld)
    values["body"] = body
    mine.update(**values)


def _without(body: str, fields: tuple[str, ...]) -> str:
    data = json.loads(body)
    if isinstance(data, dict):
        for field in fields:
            data.pop(field, None)
    return json.dumps(data, ensure_ascii=False)


def _replay(request: HttpRequest, attempt: _Attempt, stored: IdempotencyKey) -> HttpResponse:
    if attempt.page:
        if stored.location and 300 <= stored.status < 400:
            response = HttpResponse(status=stored.status)
            response["Location"] = stored.location
        else:
            error = DomainError(
                ErrorCode.IDEMPOTENCY_RESULT_WITHHELD,
                _(
                    "This form was already sent and what it did is saved. Its answer is not "
                    "shown again (a new token's secret, for one, is shown only once)."
                ),
                status=409,
            )
            response = render(request, "refused.html", {"error": error}, status=409)
    elif stored.withheld:
        error = DomainError(
            ErrorCode.IDEMPOTENCY_RESULT_WITHHELD,
            _(
                "A request with this idempotency key already created the record. Its answer "
                "held a secret that is shown only once, so it is not repeated: revoke the "
                "record if the secret was lost, and create another with a new key."
            ),
            details={"status": stored.status, "result": json.loads(stored.body or "{}")},
            status=409,
        )
        response = HttpResponse(
            json.dumps(error.as_body(), ensure_ascii=False),
            status=409,
            content_type="application/json; charset=utf-8",
        )
    else:
        response = HttpResponse(
            stored.body, status=stored.status, content_type=stored.content_type or None
        )
    response[REPLAYED_HEADER] = "true"
    return response


# Fingerprints -------------------------------------------------------------------------------


def api_fingerprint(request: HttpRequest) -> str:
    digest = _start(request)
    if (request.content_type or "").startswith("multipart/"):
        _hash_form(digest, request)
    else:
        body = request.body
        # The same JSON written with other spacing or key order is the same request.
        with contextlib.suppress(ValueError):
            body = json.dumps(json.loads(body), sort_keys=True, separators=(",", ":")).encode()
        digest.update(body)
    return digest.hexdigest()


def form_fingerprint(request: HttpRequest) -> str:
    digest = _start(request)
    _hash_form(digest, request)
    return digest.hexdigest()


def _start(request: HttpRequest) -> HASH:
    digest = hashlib.sha256()
    digest.update(f"{request.method}\n{request.get_full_path()}\n".encode())
    return digest


def _hash_form(digest: HASH, request: HttpRequest) -> None:
    fields = sorted(
        (name, values) for name, values in request.POST.lists() if name not in _UNSIGNED_FIELDS
    )
    digest.update(json.dumps(fields, ensure_ascii=False).encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(f"\n{name}\n{upload.name}\n{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)


# The API ------------------------------------------------------------------------------------


def creates(operation: Any) -> bool:
    """A creating operation: a POST that answers 201."""
    return "POST" in operation.methods and 201 in operation.response_models


def operation_decorator(run: Callable[..., HttpResponseBase]) -> Callable[..., HttpResponseBase]:
    """For `api.add_decorator(…, mode="view")`: make every creating operation idempotent.

    django-ninja applies it to each bound operation's `run`; the operation is the method's
    owner. The key is claimed in the view (after authentication and parsing, so the actor is
    known and a malformed body never claims anything) and the answer stored once `run` has
    serialised it."""
    operation = getattr(run, "__self__", None)
    if operation is None or not creates(operation):
        return run
    operation.view_func = _idempotent_view(operation.view_func)

    @functools.wraps(run)
    def run_idempotent(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        try:
            response = run(request, *args, **kwargs)
        except BaseException as exc:
            abandon(request, exc)
            raise
        return finish(request, response)

    return run_idempotent


def _idempotent_view(view: Callable[..., Any]) -> Callable[..., Any]:
    after_check = bool(getattr(view, "idempotency_claim_after_check", False))
    withheld = getattr(view, "idempotency_withheld", None)

    @functools.wraps(view)
    def idempotent(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(KEY_HEADER)
        actor = getattr(request, "auth", None)
        if key is None or not getattr(actor, "is_authenticated", False):
            # Keys are the actor's own: an anonymous request has none to keep.
            return view(request, *args, **kwargs)
        replay = begin(
            request,
            actor=actor,
            key=key,
            fingerprint=api_fingerprint(request),
            claim_now=not after_check,
            withheld=withheld,
        )
        if replay is not None:
            return replay
        try:
            return view(request, *args, **kwargs)
        except Replay as replayed:
            return replayed.response

    idempotent.saisei_idempotent = True  # type: ignore[attr-defined]
    return idempotent


def install(api: Any) -> None:
    """Make every creating operation of `api` idempotent (call before its URLs are built)."""
    api.add_decorator(operation_decorator, mode="view")


KEY_PARAMETER_DESCRIPTION = (
    "Optional. A key of your choice (a UUID, say) that makes this request safe to retry: "
    "the first request with it creates the record, and a repeat with the same key and the "
    "same body, even while the first is still running, creates nothing and gets the first "
    "one's answer (with the header `Idempotent-Replayed: true`). The same key with another "
    "path or body is refused with 422 (`idempotency_key_reused`). Keys are the caller's own "
    "and expire after 24 hours; an error answer is not kept, so a corrected retry may reuse "
    "its key."
)


def document(schema: dict[str, Any], operation_ids: set[str]) -> None:
    """Declare the Idempotency-Key header on the creating operations of an OpenAPI schema."""
    parameter = {
        "in": "header",
        "name": KEY_HEADER,
        "required": False,
        "description": KEY_PARAMETER_DESCRIPTION,
        "schema": {
            "type": "string",
            "minLength": 1,
            "maxLength": KEY_MAX_LENGTH,
            "pattern": KEY_PATTERN,
        },
    }
    for operations in schema.get("paths", {}).values():
        for method, operation in operations.items():
            if method != "post" or operation.get("operationId") not in operation_ids:
                continue
            parameters = operation.setdefault("parameters", [])
            if not any(p.get("name") == KEY_HEADER for p in parameters):
                parameters.append(dict(parameter))


def creating_operation_ids(api: Any) -> set[str]:
    ids: set[str] = set()
    for bound_router in api._get_bound_routers():
        for path_view in bound_router.path_operations.values():
            for operation in path_view.operations:
                if creates(operation):
                    ids.add(operation.operation_id or api.get_openapi_operation_id(operation))
    return ids


# The pages ----------------------------------------------------------------------------------


class IdempotentFormMiddleware:
    """Honour the hidden `idempotency_key` field of a signed-in user's form POST.

    Placed after CsrfViewMiddleware, so a request refused for CSRF never claims a key. A page's
    success is a redirect (post/redirect/get), so a repeat is sent to the same place; the
    flash message was already given to the first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        try:
            response = self.get_response(request)
        except BaseException as exc:
            abandon(request, exc)
            raise
        return finish(request, response)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: Any,
        view_kwargs: Any,
    ) -> HttpResponseBase | None:
        if request.method != "POST" or is_api_request(request):
            return None
        if not getattr(request.user, "is_authenticated", False):
            return None
        key = request.POST.get(FORM_FIELD)
        if not key:
            return None
        after_check = getattr(view_func, "idempotency_claim_after_check", False)
        if callable(after_check):
            after_check = after_check(request)
        try:
            return begin(
                request,
                actor=request.user,
                key=key,
                fingerprint=form_fingerprint(request),
                claim_now=not after_check,
                page=True,
                withheld=getattr(view_func, "idempotency_withheld", None),
            )
        except DomainError as error:
            return render(request, "refused.html", {"error": error}, status=error.status)

    def process_exception(
        self, request: HttpRequest, exception: Exception
    ) -> HttpResponseBase | None:
        if isinstance(exception, Replay):
            return exception.response
        return None
