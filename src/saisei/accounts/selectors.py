"""Reads of accounts, scoped to the actor: a user's API tokens are their own alone."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from saisei.accounts.models import ApiToken
from saisei.core.errors import NotFound


def tokens_for(actor: Any) -> QuerySet[ApiToken]:
    """The actor's own tokens, newest first."""
    return ApiToken.objects.filter(user=actor).order_by("-created_at")


def token_get_for(actor: Any, pk: int) -> ApiToken:
    """One of the actor's own tokens; another user's is "not found", as a missing one is."""
    token = ApiToken.objects.filter(user=actor, pk=pk).first()
    if token is None:
        raise NotFound("token")
    return token
