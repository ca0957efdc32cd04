"""The signed-in user's own API tokens.

Creating a token needs the browser session (with CSRF): a token cannot mint further tokens,
so a leaked token cannot make itself permanent.
"""

from datetime import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from saisei.accounts.auth import actor, session_auth
from saisei.accounts.models import ApiToken
from saisei.accounts.selectors import token_get_for, tokens_for
from saisei.accounts.services import token_create, token_revoke
from saisei.api import idempotency
from saisei.api.schemas import ErrorOut, Id, Pagination, line

router = Router(tags=["accounts"])


class TokenIn(Schema):
    name: Annotated[str, line(100, min_length=1)]


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


class TokenCreatedOut(TokenOut):
    token: str


@router.get("/tokens", response={200: list[TokenOut], 401: ErrorOut})
@paginate(Pagination)
def tokens_list(request: HttpRequest) -> object:
    return tokens_for(actor(request))


@router.post(
    "/tokens",
    auth=session_auth,
    response={201: TokenCreatedOut, 400: ErrorOut, 401: ErrorOut, 403: ErrorOut, 422: ErrorOut},
    summary="Create a token (browser session only); the secret is in this response only",
)
# The secret is never stored, so a repeat with the same Idempotency-Key is told (409) which
# token the key created instead of getting the secret again.
@idempotency.withholds("token")
def tokens_create(request: HttpRequest, payload: TokenIn) -> Status[dict[str, object]]:
    user = actor(request)
    issued = token_create(user=user, name=payload.name, actor=user)
    t = issued.token
    return Status(
        201,
        {
            "id": t.pk,
            "name": t.name,
            "prefix": t.prefix,
            "created_at": t.created_at,
            "last_used_at": t.last_used_at,
            "revoked_at": t.revoked_at,
            "token": issued.secret,
        },
    )


@router.post(
    "/tokens/{token_id}/revoke",
    response={200: TokenOut, 401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
)
def tokens_revoke(request: HttpRequest, token_id: Id) -> ApiToken:
    user = actor(request)
    token = token_get_for(user, token_id)
    return token_revoke(token=token, actor=user)
