"""Authentication for the API: bearer tokens for programs, the session for the browser."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from ninja.errors import AuthenticationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.security.session import SessionAuth

from saisei.accounts.models import User
from saisei.accounts.services import token_authenticate


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = token_authenticate(token)
        if user is None:
            return None
        request.user = user
        return user


class BrowserSession(SessionAuth):
    """The signed-in browser session; unsafe methods need the CSRF token.

    A request with no signed-in session is not authenticated at all (401), whatever its
    method: without this, the CSRF check ran first and answered an anonymous POST with 403.
    """

    def __call__(self, request: HttpRequest) -> Any:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        return super().__call__(request)


session_auth = BrowserSession(csrf=True)
token_auth = TokenAuth()
API_AUTH: list[APIKeyCookie | HttpBearer] = [token_auth, session_auth]


def actor(request: HttpRequest) -> User:
    """The user an API request acts as: the bearer token's or the signed-in session's.

    Ninja has already refused a request without either (401); one that reaches here without a
    user is answered the same way, never served as nobody.
    """
    user = getattr(request, "auth", None)
    if not isinstance(user, User) or not user.is_authenticated:
        raise AuthenticationError()
    return user


def page_actor(request: HttpRequest) -> User:
    """The signed-in user a page acts as (the pages' counterpart of `actor`). Its callers are
    behind login_required; a request that reaches one without a user is refused (403), never
    served as nobody."""
    user = getattr(request, "user", None)
    if not isinstance(user, User) or not user.is_authenticated:
        raise PermissionDenied
    return user
